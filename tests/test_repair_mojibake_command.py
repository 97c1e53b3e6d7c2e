import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import seed_path


def run_command(*args: str, stdin: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> str:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("repair_mojibake", *args, stdout=out)
    return out.getvalue()


def test_repairs_the_damaged_seed():
    repaired = run_command(str(seed_path("001")))
    assert "何银刚委员" in repaired
    assert "《关于常州工业经济高质量发展的建议》" in repaired


def test_clean_file_comes_back_byte_identical():
    path = seed_path("003")
    assert run_command(str(path)).encode("utf-8") == path.read_bytes()


def test_reads_stdin_without_a_file(monkeypatch):
    assert run_command(stdin="现答å¤å¦‚下", monkeypatch=monkeypatch) == "现答复如下"
    assert run_command(stdin="no newline added", monkeypatch=monkeypatch) == "no newline added"


def test_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CommandError, match="cannot read .*missing.txt"):
        run_command(str(tmp_path / "missing.txt"))


def test_non_utf8_file_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("答复".encode("gbk"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run_command(str(path))
