import hashlib

import pytest
from django.core.files.storage import default_storage

from replies.models import Reply, SourceFile
from replies.services import IngestOutcome, reply_delete, reply_publish
from tests.conftest import SEED_FILES, seed_path


def test_every_seed_is_stored_with_its_original_bytes(seeds):
    assert Reply.objects.count() == 5
    for path in SEED_FILES:
        source = SourceFile.objects.get(filename=path.name)
        with default_storage.open(source.file.name, "rb") as stored:
            assert stored.read() == path.read_bytes()
        assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert source.size == path.stat().st_size
        assert path.name not in source.file.name, "stored names come from the hash, not the upload"


def test_ingesting_the_same_bytes_again_adds_nothing(seeds, ingest):
    outcome = ingest(seed_path("000"))
    assert outcome.status == IngestOutcome.DUPLICATE
    assert outcome.reply == seeds["000"]
    assert "常工信复〔2021〕第22号" in outcome.reason
    assert Reply.objects.count() == 5
    assert SourceFile.objects.count() == 5


def test_seed_000_fields(seeds):
    reply = seeds["000"]
    assert reply.doc_number == "常工信复〔2021〕第22号"
    assert (reply.doc_issuer, reply.doc_year, reply.doc_serial) == ("常工信复", 2021, "22")
    assert reply.kind == Reply.Kind.NPC_SUGGESTION
    assert reply.session == "常州市十六届人大五次会议"
    assert reply.proposal_number == "099"
    assert [(a.name, a.role) for a in reply.addressees.all()] == [("朱红", "delegate")]
    assert reply.signer == "张志强"
    assert reply.handler == "余亮明"
    assert reply.phone == "85681275"
    assert reply.cc == ["市政府办公室", "市人大代表工委"]
    assert reply.issuing_organ == "常州市工业和信息化局"
    assert reply.year == 2021
    assert reply.status == Reply.Status.PUBLISHED
    assert "未来一个时间" in reply.body, "a sentence cut by a page break is joined"
    assert "财政资金1.36亿" in reply.body


def test_seed_002_signer_printed_with_a_space(seeds):
    reply = seeds["002"]
    assert reply.doc_number == "常工信复〔2021〕第35号"
    assert reply.signer == "杨军"
    assert reply.proposal_number == "141"
    assert [(a.name, a.role) for a in reply.addressees.all()] == [("周旭宏", "delegate")]


def test_seed_003_is_a_cppcc_proposal(seeds):
    reply = seeds["003"]
    assert reply.kind == Reply.Kind.CPPCC_PROPOSAL
    assert reply.session == "市政协十四届五次会议"
    assert reply.proposal_number == "0115"
    assert [(a.name, a.role) for a in reply.addressees.all()] == [("张立莹", "member")]


def test_seed_004_is_another_kind_of_document(seeds):
    reply = seeds["004"]
    assert reply.kind == Reply.Kind.OTHER
    assert reply.date.isoformat() == "2022-09-23"
    assert reply.doc_number == ""


def test_seed_001_mojibake_is_stored_flagged_and_readable(seeds):
    reply = seeds["001"]
    assert "mojibake_repaired" in reply.quality_flags
    assert "何银刚" in reply.body
    assert reply.kind == Reply.Kind.CPPCC_PROPOSAL
    assert reply.proposal_number == "0287"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "文件为空"),
        (bytes(range(256)) * 40, "不支持"),
        (("正文" * 50 + "\x07" * 30).encode(), "控制字符"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "不支持"),
        ("   \n\n  ".encode(), "没有可读的正文"),
    ],
    ids=["empty", "binary-junk", "control-characters", "png", "whitespace-only"],
)
def test_bad_files_are_refused_with_a_reason_and_nothing_is_saved(ingest, content, reason):
    outcome = ingest(content=content, filename="upload.txt")
    assert outcome.status == IngestOutcome.REFUSED
    assert reason in outcome.reason
    assert not Reply.objects.exists()
    assert not SourceFile.objects.exists()


def test_oversized_files_are_refused(ingest, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    outcome = ingest(seed_path("000"))
    assert outcome.status == IngestOutcome.REFUSED
    assert "文件过大" in outcome.reason and "1,000" in outcome.reason
    assert not Reply.objects.exists()


def test_a_failed_save_leaves_no_file_behind(ingest, monkeypatch):
    def broken_create(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(SourceFile.objects, "update_or_create", broken_create)
    with pytest.raises(RuntimeError):
        ingest(seed_path("002"))
    sha256 = hashlib.sha256(seed_path("002").read_bytes()).hexdigest()
    assert not Reply.objects.exists()
    assert not default_storage.exists(f"originals/{sha256[:2]}/{sha256}")


def test_same_doc_number_with_new_bytes_is_a_new_version(seeds, ingest):
    changed = seed_path("003").read_bytes().replace("机制建立以来".encode(), "机制建立以后".encode())
    outcome = ingest(content=changed, filename="003-revised.txt")
    assert outcome.status == IngestOutcome.NEW_VERSION
    assert outcome.reply == seeds["003"]
    assert outcome.reply.current_source.filename == "003-revised.txt"
    assert "机制建立以后" in Reply.objects.get(pk=seeds["003"].pk).body
    earlier = seeds["003"].versions.get()  # the earlier version and its original are kept
    assert earlier.is_superseded and "机制建立以来" in earlier.body and earlier.source_files.count() == 1


def test_text_in_gb18030_and_utf16_is_decoded(ingest):
    text = seed_path("000").read_text(encoding="utf-8")
    gbk = ingest(content=text.encode("gb18030"), filename="gbk.txt")
    assert gbk.status == IngestOutcome.CREATED
    assert gbk.reply.signer == "张志强"
    assert SourceFile.objects.get(reply=gbk.reply).text_encoding == "gb18030"
    reply_delete(reply=gbk.reply)
    utf16 = ingest(content=text.encode("utf-16"), filename="utf16.txt")
    assert utf16.status == IngestOutcome.CREATED
    assert utf16.reply.doc_number == "常工信复〔2021〕第22号"


def test_draft_then_publish(ingest):
    reply = ingest(seed_path("002"), publish=False).reply
    assert reply.status == Reply.Status.DRAFT and reply.published_at is None
    reply_publish(reply=reply)
    reply.refresh_from_db()
    assert reply.status == Reply.Status.PUBLISHED and reply.published_at is not None


def test_delete_keeps_the_original_file(seeds):
    source = seeds["002"].source_files.get()
    reply_delete(reply=seeds["002"])
    source.refresh_from_db()
    assert source.reply is None
    assert default_storage.exists(source.file.name)


def test_a_deleted_reply_can_be_ingested_again_from_the_same_bytes(seeds, ingest):
    reply_delete(reply=seeds["003"])
    outcome = ingest(seed_path("003"))
    assert outcome.status == IngestOutcome.CREATED
    assert outcome.reply.source_files.count() == 1
    assert SourceFile.objects.count() == 5


def test_doc_numbers_printed_differently_are_the_same_reply(seeds, ingest):
    changed = seed_path("002").read_text(encoding="utf-8").replace("第 35 号", "35号", 1).replace("经办人", "经 办 人")
    outcome = ingest(content=changed.encode(), filename="002-again.txt")
    assert outcome.status == IngestOutcome.NEW_VERSION
    assert outcome.reply == seeds["002"]


def test_a_one_line_reply_is_kept_as_a_flagged_draft_not_refused(ingest):
    outcome = ingest(content="关于市十六届人大五次会议第12号建议的答复：已收悉。".encode(), filename="one-line.txt",
                     publish=True)
    assert outcome.status == IngestOutcome.CREATED
    reply = outcome.reply
    assert reply.status == Reply.Status.DRAFT and "short_text" in reply.quality_flags


def test_text_still_garbled_after_repair_is_a_flagged_draft_even_when_publishing_was_asked(ingest):
    garbled = seed_path("002").read_text(encoding="utf-8").encode("utf-8").decode("big5", errors="replace")
    outcome = ingest(content=garbled.encode("utf-8"), filename="garbled.txt", publish=True)
    assert outcome.status == IngestOutcome.CREATED
    reply = outcome.reply
    assert reply.status == Reply.Status.DRAFT and "mojibake_unrepaired" in reply.quality_flags
    assert any(note.get("kind") == "mojibake_unrepaired" and note.get("stretches") for note in reply.repair_notes)
    assert not any(ord(character) < 32 and character not in "\n\t" for character in reply.title + reply.body)
