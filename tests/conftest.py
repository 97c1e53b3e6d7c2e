from pathlib import Path

import pytest

SEEDS_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"
SEED_FILES = sorted(SEEDS_DIR.glob("*.txt"))


def seed_path(prefix: str) -> Path:
    return next(path for path in SEED_FILES if path.name.startswith(prefix))


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
