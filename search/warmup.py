"""Load what every worker needs before gunicorn forks, so that forks share it.

The master loads jieba's dictionary, the OpenCC tables, every module the URLs import, every
template compiled, and what searches read once per version of the index (the published replies'
document set, the facet columns). It then closes the index files; each worker opens its own.
"""
import logging
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


def warm_up() -> None:
    from search.analysis import segment_words
    from search.query import normalise_query

    segment_words("答复档案")
    normalise_query("檔案")
    _import_views()
    _compile_templates()
    _read_search_caches()


def _import_views() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every view module)


def _compile_templates() -> None:
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template

    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(Path(folder).rglob("*.html")):
            try:
                get_template(str(path.relative_to(folder)))
            except (TemplateDoesNotExist, TemplateSyntaxError):
                logger.warning("template %s does not compile", path)


def _read_search_caches() -> None:
    from replies.models import Reply
    from search.backends import search_backend
    from search.backends.base import SearchQuery
    from search.query import ParsedQuery
    from search.selectors import FACET_FIELDS

    backend = search_backend()
    try:
        backend.execute(SearchQuery(parsed=ParsedQuery(), filters={"status": Reply.Status.PUBLISHED}, facets=FACET_FIELDS))
    except Exception:  # noqa: BLE001  a missing or broken index must not keep the site from starting
        logger.warning("the search index could not be read at start-up; searches will open it", exc_info=True)
    finally:
        backend.close_files()
