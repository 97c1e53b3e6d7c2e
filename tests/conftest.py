import shutil
from pathlib import Path

import pytest

SEEDS_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
SEED_FILES = sorted(SEEDS_DIR.glob("*.txt"))


def seed_path(prefix: str) -> Path:
    return next(path for path in SEED_FILES if path.name.startswith(prefix))


# The search backends the engine-dependent tests run on (search/backends/): a module that uses the fixture
# search_engine runs once on each, OpenSearch on a real node (marker "opensearch").
SEARCH_ENGINES = ["whoosh", pytest.param("opensearch", marks=pytest.mark.opensearch)]
# Small heaps and the C1 compiler only: test nodes come up about twice as fast on 2 shared cores.
OPENSEARCH_TEST_JAVA_OPTS = "-Xms256m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"


def require_opensearch_tools() -> None:
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{' and '.join(missing)} not found on PATH: the OpenSearch tests start real nodes "
                    f"with Java 17 and Maven (Debian: apt-get install openjdk-17-jdk-headless maven).",
                    pytrace=False)


@pytest.fixture(scope="session")
def opensearch_node(tmp_path_factory):
    """One real OpenSearch node for the whole test run (scripts/opensearch_cluster.py), started on first use."""
    require_opensearch_tools()
    from scripts.opensearch_cluster import EngineUnavailable, start_cluster

    try:
        cluster = start_cluster(1, tmp_path_factory.mktemp("opensearch-node"), java_opts=OPENSEARCH_TEST_JAVA_OPTS)
    except EngineUnavailable as error:
        pytest.fail(f"the OpenSearch test node did not start: {error}", pytrace=False)
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module", params=SEARCH_ENGINES)
def search_engine(request):
    """The module's tests on this backend: settings.SEARCH_BACKEND (and OPENSEARCH_URL) for the module."""
    from django.test import override_settings

    overrides = {"SEARCH_BACKEND": request.param}
    if request.param == "opensearch":
        overrides["OPENSEARCH_URL"] = request.getfixturevalue("opensearch_node").urls
    with override_settings(**overrides):
        yield request.param


@pytest.fixture
def search_index():
    """An empty search index on disk for this test."""
    from search.backends import search_backend

    backend = search_backend()
    backend.clear()
    yield backend
    backend.clear()


@pytest.fixture
def ingest(db, search_index, django_capture_on_commit_callbacks):
    """Ingest files through the real service, running the after-commit index updates."""
    from replies.services import reply_ingest_file

    def ingest_file(path: Path | None = None, *, content: bytes | None = None, filename: str | None = None,
                    publish: bool = True):
        data = path.read_bytes() if content is None else content
        with django_capture_on_commit_callbacks(execute=True):
            return reply_ingest_file(content=data, filename=filename or path.name, publish=publish)

    return ingest_file


@pytest.fixture
def seeds(ingest) -> dict:
    """The five seed documents, ingested and published, keyed by their number prefix."""
    return {path.name[:3]: ingest(path).reply for path in SEED_FILES}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Original files of each test in a folder of their own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
