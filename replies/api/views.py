"""The read-only open-data API. Anonymous clients see published replies only."""
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView, RetrieveAPIView

from replies.api.pagination import ReplyPagination
from django.http import Http404
from rest_framework.response import Response
from rest_framework.views import APIView

from replies.api.serializers import (
    PersonSerializer,
    ProposalSerializer,
    ProposalSummarySerializer,
    ReplyWithCommitmentsSerializer,
    ReplySerializer,
    SearchHitSerializer,
)
from replies.models import Reply
from replies.selectors import person_get, proposal_get, proposal_list, reply_visible
from search.forms import SearchForm
from search.selectors import SearchParams, labelled_facets, reply_search


class ReplyListAPI(ListAPIView):
    serializer_class = ReplySerializer

    def get_queryset(self):
        return reply_visible(user=self.request.user).prefetch_related("addressees", "topics", "source_files").newest_first()


class ReplyDetailAPI(RetrieveAPIView):
    serializer_class = ReplyWithCommitmentsSerializer

    def get_queryset(self):
        return reply_visible(user=self.request.user).prefetch_related("addressees", "topics", "source_files")


class SearchAPI(ListAPIView):
    serializer_class = SearchHitSerializer

    def get_queryset(self):
        form = SearchForm(self.request.query_params)
        if errors := form.filter_errors():
            raise ValidationError(errors)
        params = SearchParams.from_mapping(form.cleaned_data)
        page_size = ReplyPagination().get_page_size(self.request) or ReplyPagination.page_size
        self.results = reply_search(params=params, include_drafts=self.request.user.is_staff, page_size=page_size)
        return self.results

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data["facets"] = {
            name: [{"value": value.value, "label": value.label, "count": value.count} for value in values]
            for name, values in labelled_facets(self.results.facets).items()
        }
        response.data["suggestion"] = self.results.suggestion
        return response


class ProposalListAPI(ListAPIView):
    """Every proposal with replies the client may see: its address, how many replies, its title."""

    serializer_class = ProposalSummarySerializer

    def get_queryset(self):
        return proposal_list(user=self.request.user)


class ProposalDetailAPI(APIView):
    def get(self, request, session: str, kind: str, number: str):
        try:
            proposal = proposal_get(user=request.user, session=session, body=kind, number=number)
        except Reply.DoesNotExist:
            raise Http404 from None
        return Response(ProposalSerializer(proposal, context={"request": request}).data)


class PersonDetailAPI(APIView):
    def get(self, request, congress: str, kind: str, name: str):
        try:
            person = person_get(user=request.user, congress=congress, body=kind, name=name)
        except Reply.DoesNotExist:
            raise Http404 from None
        return Response(PersonSerializer(person, context={"request": request}).data)
