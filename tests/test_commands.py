import shutil

import pytest
from django.core.management import CommandError, call_command

from replies.models import Reply
from tests.conftest import SEED_FILES


def test_ingest_replies_prints_one_line_per_file_and_is_idempotent(db, search_index, tmp_path, capsys,
                                                                    django_capture_on_commit_callbacks):
    folder = tmp_path / "batch"
    folder.mkdir()
    for path in SEED_FILES:
        shutil.copy(path, folder)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ingest_replies", str(folder))
    first = capsys.readouterr().out.splitlines()
    assert len(first) == 5 and all(line.startswith("created: ") for line in first)
    call_command("ingest_replies", str(folder))
    second = capsys.readouterr().out.splitlines()
    assert len(second) == 5 and all(line.startswith("duplicate: ") for line in second)
    assert Reply.objects.count() == 5


def test_ingest_replies_goes_on_after_a_bad_file_and_exits_non_zero(db, search_index, tmp_path, capsys):
    (tmp_path / "a-empty.txt").write_bytes(b"")
    shutil.copy(SEED_FILES[0], tmp_path / "b-good.txt")
    with pytest.raises(CommandError, match="1 file"):
        call_command("ingest_replies", str(tmp_path), "--draft")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("failed: ") and "a-empty.txt" in lines[0] and "文件为空" in lines[0]
    assert lines[1].startswith("created: ")
    assert Reply.objects.get().status == Reply.Status.DRAFT


def test_ensure_search_index_rebuilds_when_out_of_step(seeds, search_index, capsys):
    search_index.clear()
    call_command("ensure_search_index")
    assert "rebuilt: 5 documents" in capsys.readouterr().out
    call_command("ensure_search_index")
    assert "current: 5 replies" in capsys.readouterr().out
