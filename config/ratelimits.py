"""Per-client rate limits, applied where the URLs are declared; rates come from settings."""
from django.conf import settings
from django_ratelimit.decorators import ratelimit


def _rate_from(setting: str):
    # A callable, so that the rate is read per request and tests can change it.
    return lambda group, request: getattr(settings, setting)


def limit_search(view):
    return ratelimit(group="search", key="ip", rate=_rate_from("RATELIMIT_SEARCH"), block=True)(view)


def limit_api(view):
    return ratelimit(group="api", key="ip", rate=_rate_from("RATELIMIT_API"), block=True)(view)


def limit_login(view):
    """Failed or not, sign-in attempts are counted per address; only POSTs count."""
    return ratelimit(group="login", key="ip", rate=_rate_from("RATELIMIT_LOGIN"), method="POST", block=True)(view)
