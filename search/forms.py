import re

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.core.validators import validate_slug

from replies.ingest.extract import HANDLING_CATEGORIES, SATISFACTION_LEVELS
from search.selectors import SCOPE_CHOICES, SORT_CHOICES, SearchParams

# C0 and C1 control characters (NUL, ESC, DEL …): no query means them, and no stored value holds them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def refuse_control_characters(value: str) -> None:
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError("筛选条件里不能有控制字符。", code="control_character")


def refuse_non_year(value: str) -> None:
    if not re.fullmatch(r"[0-9]{1,4}", value):
        raise ValidationError("年份应为数字。", code="year")


def refuse_non_handling_category(value: str) -> None:
    if value not in HANDLING_CATEGORIES:
        raise ValidationError("办理类别应为 A、B 或 C。", code="handling")


def refuse_non_satisfaction(value: str) -> None:
    if value not in SATISFACTION_LEVELS:
        raise ValidationError("满意度应为满意、基本满意或不满意。", code="satisfaction")


class QueryField(forms.CharField):
    """Free text, searched as typed; control characters become spaces instead of refusing the query."""

    def to_python(self, value):
        return CONTROL_CHARACTERS.sub(" ", super().to_python(value)).strip()


class FilterField(forms.CharField):
    """One exact value that replies carry (a kind, a signer, a session …), as the facet links give it."""

    default_validators = [refuse_control_characters]


class FilterForm(forms.Form):
    """The filters that browsing and searching share, by the same names.

    A value no reply could carry (a control character, a topic that is no slug, a year that is no number) is a
    bad request (400), not a search for it: such a value only comes from a hand-made or damaged link.
    """

    kind = FilterField(required=False)
    year = FilterField(required=False, validators=[refuse_non_year])
    signer = FilterField(required=False)
    session = FilterField(required=False)
    topic = FilterField(required=False, validators=[validate_slug])
    handling = FilterField(required=False, validators=[refuse_non_handling_category])
    satisfaction = FilterField(required=False, validators=[refuse_non_satisfaction])

    def filter_errors(self) -> dict[str, list[str]]:
        """The filters that are not valid, with why; an empty dict when all are."""
        self.is_valid()
        return {name: errors for name, errors in self.errors.items() if isinstance(self.fields.get(name), FilterField)}


class DateFilterField(forms.DateField):
    """A 成文日期 bound of the advanced search, YYYY-MM-DD; anything else is a bad request like any filter."""

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m-%d"], required=False, **kwargs)


class SearchForm(FilterForm):
    """The query is free text, searched literally, never refused; an unknown sort or scope falls back to the default."""

    q = QueryField(label="检索词", required=False, strip=True)
    organ = FilterField(required=False)
    date_from = DateFilterField(label="成文日期自")
    date_to = DateFilterField(label="至")
    scope = forms.ChoiceField(choices=list(SCOPE_CHOICES.items()), required=False)
    sort = forms.ChoiceField(choices=[("", "默认")] + list(SORT_CHOICES.items()), required=False)

    def filter_errors(self) -> dict[str, list[str]]:
        self.is_valid()
        dated = (DateFilterField, FilterField)
        return {name: errors for name, errors in self.errors.items() if isinstance(self.fields.get(name), dated)}

    def clean(self):
        cleaned = super().clean()
        for name in ("date_from", "date_to"):
            if cleaned.get(name):
                cleaned[name] = cleaned[name].isoformat()
        return cleaned


def search_params_from_query(data) -> SearchParams:
    """The search a query string asks for, cleaned as every search surface cleans it (page, feed, exports).

    Raises BadRequest (400) when a filter is not valid.
    """
    form = SearchForm(data)
    if form.filter_errors():
        raise BadRequest("检索条件无效。")
    return SearchParams.from_mapping(form.cleaned_data)
