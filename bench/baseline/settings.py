"""The archive's settings with the common search setup instead of the project's (benchmark only).

haystack comes before the search app, so that `rebuild_index` is haystack's stock command (the
archive's own one, which builds aside and swaps, is what is measured against it). The archive's
ReplyIndex is excluded, so haystack sees only bench.baseline.search_indexes. SEARCH_INDEX_DIR (from
the environment) points at the baseline's own index folder.
"""
from config.settings import *  # noqa: F403, RUF100
from config.settings import INSTALLED_APPS, SEARCH_INDEX_DIR

INSTALLED_APPS = [
    *(app for app in INSTALLED_APPS if app not in ("haystack", "search")), "haystack", "search", "bench.baseline",
]
ROOT_URLCONF = "bench.baseline.urls"
HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": "bench.baseline.backend.ChineseWhooshEngine",
        "PATH": str(SEARCH_INDEX_DIR),
        "EXCLUDED_INDEXES": ["search.search_indexes.ReplyIndex"],
    }
}
