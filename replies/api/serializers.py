from rest_framework import serializers

from replies.models import Addressee, Reply


class AddresseeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Addressee
        fields = ["name", "role"]


class ReplySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    addressees = AddresseeSerializer(many=True, read_only=True)
    topics = serializers.SerializerMethodField()
    source_sha256 = serializers.SerializerMethodField()
    source_filename = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = [
            "id", "url", "doc_number", "title", "kind", "session", "proposal_number", "addressees",
            "proposal_title", "issuing_organ", "signer", "handler", "phone", "cc", "index_number",
            "subject_category", "handling_category", "genre", "date", "year", "topics", "status", "source_sha256",
            "source_filename", "field_confidence",
        ]

    def get_url(self, reply: Reply) -> str:
        request = self.context.get("request")
        path = reply.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def get_topics(self, reply: Reply) -> list[str]:
        return [topic.name for topic in reply.topics.all()]

    def get_source_sha256(self, reply: Reply) -> str | None:
        source = reply.current_source
        return source.sha256 if source else None

    def get_source_filename(self, reply: Reply) -> str | None:
        source = reply.current_source
        return source.filename if source else None


class ReplyDetailSerializer(ReplySerializer):
    class Meta(ReplySerializer.Meta):
        fields = [*ReplySerializer.Meta.fields, "body"]


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="reply_id")
    url = serializers.SerializerMethodField()
    doc_number = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    highlights = serializers.ListField(source="snippets", child=serializers.CharField())

    def get_url(self, hit) -> str:
        request = self.context.get("request")
        url = hit.get_absolute_url()
        return request.build_absolute_uri(url) if request else url
