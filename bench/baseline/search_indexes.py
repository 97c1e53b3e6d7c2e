from haystack import indexes

from replies.models import Reply


class ReplyIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, use_template=False, model_attr="body")
    title = indexes.CharField(model_attr="title")

    def get_model(self):
        return Reply

    def index_queryset(self, using=None):
        return Reply.objects.published().order_by("pk")
