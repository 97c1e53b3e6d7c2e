"""An ingest killed with SIGKILL midway: nothing half-saved, and the next run completes the batch."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from replies.models import Reply, SourceFile
from search.backends import search_backend
from tests.conftest import seed_path

ROOT = Path(__file__).resolve().parent.parent
BATCH_SIZE = 40
KILL_AFTER_LINES = 6


def write_batch(folder: Path) -> None:
    """Forty distinct replies: seed 000 with its doc number and suggestion number changed."""
    text = seed_path("000").read_text(encoding="utf-8")
    assert "第22号" in text and "第099号" in text
    for serial in range(100, 100 + BATCH_SIZE):
        variant = text.replace("第22号", f"第{serial}号").replace("第099号", f"第{serial}号")
        (folder / f"reply-{serial}.txt").write_text(variant, encoding="utf-8")


def ingest_command_env() -> dict[str, str]:
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "SEARCH_INDEX_DIR": settings.HAYSTACK_CONNECTIONS["default"]["PATH"],
        "PYTHONUNBUFFERED": "1",
    }


def ingest_command(folder: Path) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), "ingest_replies", str(folder)]


def ingest_killed_after(folder: Path, *, created: int) -> None:
    """Run ingest_replies on the folder in its own process and SIGKILL it once it has printed `created` files."""
    process = subprocess.Popen(ingest_command(folder), env=ingest_command_env(), cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if sum(line.startswith("created") for line in lines) >= created:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "".join(lines)


def stored_files() -> set[str]:
    originals = Path(settings.MEDIA_ROOT) / "originals"
    return {path.name for path in originals.rglob("*") if path.is_file()} if originals.exists() else set()


def assert_nothing_half_saved() -> set[str]:
    sources = list(SourceFile.objects.all())
    for source in sources:
        with default_storage.open(source.file.name, "rb") as stored:
            assert len(stored.read()) == source.size, f"the row of {source.filename} has its whole file"
    assert not Reply.objects.filter(source_files__isnull=True).exists(), "no reply without its original"
    return stored_files() - {source.sha256 for source in sources}


@pytest.mark.django_db(transaction=True)
def test_killed_ingest_leaves_no_orphans_and_a_rerun_completes_the_batch(tmp_path, search_index):
    folder = tmp_path / "batch"
    folder.mkdir()
    write_batch(folder)
    ingest_killed_after(folder, created=KILL_AFTER_LINES)

    stored_before_rerun = Reply.objects.count()
    assert KILL_AFTER_LINES <= stored_before_rerun < BATCH_SIZE
    assert len(assert_nothing_half_saved()) <= 1, "at most the file being written when the process died"

    rerun = subprocess.run(ingest_command(folder), env=ingest_command_env(), cwd=ROOT,
                           capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert rerun.stdout.count("duplicate:") == stored_before_rerun
    assert rerun.stdout.count("created:") == BATCH_SIZE - stored_before_rerun

    assert Reply.objects.count() == BATCH_SIZE
    assert SourceFile.objects.count() == BATCH_SIZE
    assert assert_nothing_half_saved() == set(), "every stored file belongs to a row"
    serials = sorted(int(serial) for serial in Reply.objects.values_list("doc_serial", flat=True))
    assert serials == list(range(100, 100 + BATCH_SIZE)), "each reply once"
    assert search_backend().indexed_ids() == set(Reply.objects.values_list("pk", flat=True))
