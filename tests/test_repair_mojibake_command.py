import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import seed_path


def run_command(*args: str, stdin: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None,
                stderr: io.StringIO | None = None) -> str:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("repair_mojibake", *args, stdout=out, stderr=stderr or io.StringIO())
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


def test_repairs_utf8_read_as_gbk(monkeypatch):
    assert run_command(stdin="甯稿窞甯傚伐涓氬拰淇℃伅鍖栧眬鏂囦欢\n", monkeypatch=monkeypatch) == "常州市工业和信息化局文件\n"


def test_explain_says_which_kind_was_found_and_where(monkeypatch):
    explained = io.StringIO()
    damaged = "第一行未损坏\n甯稿窞甯傚伐涓氬拰淇℃伅鍖栧眬鏂囦欢\n"
    repaired = run_command("--explain", stdin=damaged, monkeypatch=monkeypatch, stderr=explained)
    assert repaired == "第一行未损坏\n常州市工业和信息化局文件\n"
    lines = explained.getvalue().splitlines()
    assert lines[0].startswith("kinds: utf8_as_gbk; 1 stretches repaired, 0 still damaged, 0 uncertain")
    assert lines[1].startswith("repaired utf8_as_gbk at 2:1 (characters 7-19): '甯稿窞")


def test_explain_reports_damage_left(monkeypatch):
    explained = io.StringIO()
    run_command("--explain", stdin="答复：锟斤拷锟斤拷。", monkeypatch=monkeypatch, stderr=explained)
    assert "still damaged (lost_text) at 1:4 (characters 3-9): '锟斤拷锟斤拷'" in explained.getvalue()


def test_explain_on_clean_text(monkeypatch):
    explained = io.StringIO()
    assert run_command("--explain", stdin="现答复如下", monkeypatch=monkeypatch, stderr=explained) == "现答复如下"
    assert explained.getvalue() == "no mojibake found\n"


def test_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CommandError, match="cannot read .*missing.txt"):
        run_command(str(tmp_path / "missing.txt"))


def test_non_utf8_file_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("答复".encode("gbk"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run_command(str(path))
