"""Test settings: every data folder, the search index included, in a temporary directory."""
import os
import secrets
import tempfile
from pathlib import Path

TEST_DATA_DIR = Path(tempfile.mkdtemp(prefix="replies-archive-tests-"))
os.environ["SEARCH_INDEX_DIR"] = str(TEST_DATA_DIR / "index")
os.environ["MEDIA_ROOT"] = str(TEST_DATA_DIR / "media")
os.environ["STATIC_ROOT"] = str(TEST_DATA_DIR / "static")
(TEST_DATA_DIR / "static").mkdir()
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
# Persistent connections from the live server thread would keep the test database busy at teardown.
os.environ["DATABASE_CONN_MAX_AGE"] = "0"
os.environ["STATIC_MANIFEST"] = "0"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"


def pytest_configure(config):
    import django

    django.setup()
