from django import template
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def filter_url(context, name: str, value: str = "") -> str:
    """This page's query string with one filter set (or removed when value is empty), page reset."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    if value:
        query[name] = value
    else:
        query.pop(name, None)
    return "?" + urlencode(sorted(query.lists()), doseq=True)


@register.filter
def highlight(text: str, terms: list[str]):
    from search.highlight import highlight_text

    return highlight_text(text, terms)


QUALITY_FLAG_LABELS = {
    "mojibake_repaired": "已修复乱码",
    "mojibake_unrepaired": "乱码未能修复",
    "short_text": "正文过短，请核对",
    "ocr": "OCR识别文本",
    "needs_ocr": "需要OCR识别",
    "needs_conversion": "需要格式转换",
}


@register.filter
def quality_flag_label(flag: str) -> str:
    return QUALITY_FLAG_LABELS.get(flag, flag)
