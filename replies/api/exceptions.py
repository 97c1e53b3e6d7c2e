"""API errors in Chinese, including Django's own 404 for an unknown reply id."""
from django.http import Http404
from rest_framework.views import exception_handler


def chinese_exception_handler(exception, context):
    if isinstance(exception, Http404):
        exception = Http404("没有这份答复，或它尚未发布。")
    response = exception_handler(exception, context)
    if response is not None and isinstance(exception, Http404):
        response.data = {"detail": str(exception)}
    return response
