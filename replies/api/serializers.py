from django.conf import settings
from rest_framework import serializers

from replies.models import Addressee, Commitment, Reply
from replies.selectors import Person, Proposal, person_links, proposal_url, reply_commitments, reply_proposal_key
from replies.ingest.sessions import ProposalKey


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request else path


class AddresseeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Addressee
        fields = ["name", "role"]


class ReplySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    # Each delegate or member with the address of their page (/people/…) when the reply names its proposal's
    # congress; else url is null.
    addressees = serializers.SerializerMethodField()
    topics = serializers.SerializerMethodField()
    source_sha256 = serializers.SerializerMethodField()
    source_filename = serializers.SerializerMethodField()
    proposal_url = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = [
            "id", "url", "doc_number", "title", "kind", "session", "proposal_number", "addressees",
            "proposal_title", "issuing_organ", "signer", "handler", "phone", "cc", "index_number",
            "subject_category", "handling_category", "handling_role", "satisfaction", "proposal_url", "genre", "date", "year", "topics", "status", "source_sha256",
            "source_filename", "field_confidence",
        ]

    def get_url(self, reply: Reply) -> str:
        request = self.context.get("request")
        path = reply.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def get_addressees(self, reply: Reply) -> list[dict]:
        people = AddresseeSerializer(reply.addressees.all(), many=True).data
        key = reply_proposal_key(reply)
        urls = dict(person_links([person["name"] for person in people], key)) if key else {}
        request = self.context.get("request")
        return [{**person, "url": absolute(request, urls[person["name"]]) if urls.get(person["name"]) else None}
                for person in people]

    def get_proposal_url(self, reply: Reply) -> str | None:
        key = reply_proposal_key(reply)
        return absolute(self.context.get("request"), proposal_url(key)) if key else None

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


class CommitmentSerializer(serializers.ModelSerializer):
    overdue = serializers.BooleanField(source="is_overdue")

    class Meta:
        model = Commitment
        fields = ["sentence", "start", "end", "deadline", "status", "overdue", "note"]


class ReplyWithCommitmentsSerializer(ReplyDetailSerializer):
    """/api/replies/<id>/: the reply and, when the client may see them (staff; the public for a published reply
    with PUBLIC_COMMITMENTS), its commitments; else commitments is null. Not in the archive's downloads, which are
    the same for whoever asks."""

    commitments = serializers.SerializerMethodField()

    class Meta(ReplyDetailSerializer.Meta):
        fields = [*ReplyDetailSerializer.Meta.fields, "commitments"]

    def get_commitments(self, reply: Reply) -> list[dict] | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not (user.is_staff or (settings.PUBLIC_COMMITMENTS and reply.is_published)):
            return None
        return CommitmentSerializer(reply_commitments(user=user, reply=reply), many=True).data


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


class ProposalSummarySerializer(serializers.Serializer):
    """One row of proposal_list: a proposal with visible replies."""

    url = serializers.SerializerMethodField()
    session = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    number = serializers.SerializerMethodField()
    proposal_title = serializers.CharField()
    replies = serializers.IntegerField()

    def _key(self, row) -> ProposalKey:
        session, body, number = row["proposal_group"].split("/")
        return ProposalKey(session=session, body=body, number=number)

    def get_url(self, row) -> str:
        return absolute(self.context.get("request"), proposal_url(self._key(row)))

    def get_session(self, row) -> str:
        return self._key(row).session

    def get_body(self, row) -> str:
        return self._key(row).body

    def get_number(self, row) -> str:
        return self._key(row).number


class ProposalSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    session_key = serializers.CharField(source="key.session")
    body = serializers.CharField(source="key.body")
    number = serializers.CharField(source="key.number")
    session = serializers.CharField()
    title = serializers.CharField()
    addressees = serializers.ListField(child=serializers.CharField())
    replies = ReplySerializer(many=True)

    def get_url(self, proposal: Proposal) -> str:
        return absolute(self.context.get("request"), proposal.get_absolute_url())


class PersonSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    name = serializers.CharField()
    congress = serializers.CharField()
    body = serializers.CharField()
    merged_from = serializers.ListField(child=serializers.CharField())
    topics = serializers.ListField(child=serializers.CharField())
    categories = serializers.DictField(child=serializers.IntegerField())
    proposals = ProposalSerializer(many=True)

    def get_url(self, person: Person) -> str:
        return absolute(self.context.get("request"), person.get_absolute_url())
