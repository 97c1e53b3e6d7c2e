from django import forms

from search.selectors import SORT_CHOICES


class SearchForm(forms.Form):
    """Every field is optional and free text: a malformed query is searched literally, never refused."""

    q = forms.CharField(label="检索词", required=False, strip=True)
    kind = forms.CharField(required=False)
    year = forms.CharField(required=False)
    signer = forms.CharField(required=False)
    session = forms.CharField(required=False)
    topic = forms.CharField(required=False)
    organ = forms.CharField(required=False)
    sort = forms.ChoiceField(choices=[("", "默认")] + list(SORT_CHOICES.items()), required=False)
