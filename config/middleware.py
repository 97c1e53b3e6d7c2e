"""Answer 503 with a plain page while the database is unreachable, instead of a 500."""
import ipaddress
import logging
import sys

from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable_response(request, exception)
        return None


def handler500(request):
    """Errors raised outside the views (in middleware, say) come here; a lost database is still a 503."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        return database_unavailable_response(request, exception)
    return server_error(request)


def database_unavailable_response(request, exception) -> HttpResponse:
    logger.error("database unavailable: %s", str(exception).strip().splitlines()[0] if str(exception) else exception)
    # A broken connection is dropped now, so the next request connects afresh.
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
    if request.path.startswith(("/api/", "/healthz")):
        response = HttpResponse('{"detail": "数据库暂时无法连接，请稍后再试。"}', status=503,
                                content_type="application/json; charset=utf-8")
    else:
        # Rendered without the request: its context processors would reach for the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def rate_limited(request, exception=None):
    """django-ratelimit sends here every request over its limit."""
    message = "请求过于频繁，请稍后再试。"
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(render_to_string("429.html", request=request), status=429)
    response["Retry-After"] = "60"
    return response


class MalformedForwardedFor(SuspiciousOperation):
    """Django answers 400 to it and logs it to django.security."""


def client_address(request) -> str:
    """Behind a proxy: the address it appended last to X-Forwarded-For (earlier ones are the client's word).

    The proxy always appends an IP address. A last hop that is none did not come from it: the request reached
    gunicorn some other way (which docs/deploy.md forbids), so it is refused rather than counted under a made-up
    name, which would let a client rotate it past the rate limits.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    address = forwarded.rsplit(",", 1)[-1].strip()
    if not address:
        return request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        raise MalformedForwardedFor(f"X-Forwarded-For ends in no IP address: {address[:100]!r}") from None
