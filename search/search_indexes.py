"""The search index of replies. The database is the truth; this index can always be rebuilt."""
import datetime
import hashlib
import json

from haystack import indexes

from replies.models import Reply, sort_date
from search.fields import (
    JiebaTextField,
    KeywordField,
    KeywordListField,
    StoredTextField,
    SubwordField,
)
from search.keys import doc_year_serial_key, proposal_key


class ReplyIndex(indexes.SearchIndex, indexes.Indexable):
    text = JiebaTextField(document=True, stored=False)
    subwords = SubwordField(stored=False)
    title = JiebaTextField(model_attr="title", stored=True)
    title_subwords = SubwordField(model_attr="title", stored=False)
    doc_number = StoredTextField(model_attr="doc_number", stored=True)
    doc_number_key = KeywordField(model_attr="doc_number_key", stored=False)
    doc_year_serial = KeywordField(stored=False)
    proposal_key = KeywordField(stored=False)
    kind = KeywordField(model_attr="kind")
    status = KeywordField(model_attr="status")
    year = KeywordField(null=True)
    session = KeywordField(model_attr="session")
    signer = KeywordField(model_attr="signer")
    issuing_organ = KeywordField(model_attr="issuing_organ")
    handling_category = KeywordField(model_attr="handling_category")
    satisfaction = KeywordField(model_attr="satisfaction")
    topics = KeywordListField()
    addressees = KeywordListField()
    date = indexes.DateField(model_attr="date", null=True)
    sort_date = indexes.DateField(null=True)
    reply_id = indexes.IntegerField(model_attr="pk")
    body = StoredTextField(model_attr="body", stored=True)
    # A digest of everything indexed for the reply: check_index finds stale documents by it.
    row_version = StoredTextField(stored=True)

    def get_model(self):
        return Reply

    def index_queryset(self, using=None):
        return Reply.objects.current().prefetch_related("addressees", "topics").order_by("pk")

    def read_queryset(self, using=None):
        return Reply.objects.all()

    def prepare_text(self, reply: Reply) -> str:
        return searchable_text(reply)

    def prepare_subwords(self, reply: Reply) -> str:
        return searchable_text(reply)

    def full_prepare(self, obj):
        prepared = super().full_prepare(obj)
        prepared["row_version"] = document_digest(prepared)
        return prepared

    def prepare_doc_year_serial(self, reply: Reply) -> str | None:
        return doc_year_serial_key(reply.doc_year, reply.doc_serial) if reply.doc_year else None

    def prepare_proposal_key(self, reply: Reply) -> str:
        return proposal_key(reply.proposal_number)

    def prepare_year(self, reply: Reply) -> str | None:
        return str(reply.year) if reply.year else None

    def prepare_sort_date(self, reply: Reply) -> datetime.date:
        return sort_date(date=reply.date, year=reply.year)

    def prepare_topics(self, reply: Reply) -> list[str]:
        return [topic.slug for topic in reply.topics.all()]

    def prepare_addressees(self, reply: Reply) -> list[str]:
        return [addressee.name for addressee in reply.addressees.all()]


def searchable_text(reply: Reply) -> str:
    """Everything a reader may search for, one field per line so that words never run together."""
    people = "、".join(f"{person.name}{person.get_role_display()}" for person in reply.addressees.all())
    parts = [
        reply.title, reply.doc_number, reply.proposal_title, people, reply.session,
        reply.issuing_organ, reply.signer, reply.handler, "、".join(reply.cc), reply.body,
    ]
    return "\n".join(part for part in parts if part)


def document_digest(prepared: dict) -> str:
    content = {key: value for key, value in prepared.items() if key != "row_version"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()
