import shutil

import pytest
from django.core.management import CommandError, call_command

from replies.models import Reply, SourceFile
from tests.conftest import SEED_FILES


@pytest.mark.django_db(transaction=True)
def test_ingest_replies_prints_one_line_per_file_and_is_idempotent(search_index, tmp_path, capsys):
    folder = tmp_path / "batch"
    folder.mkdir()
    for path in SEED_FILES:
        shutil.copy(path, folder)
    call_command("ingest_replies", str(folder))
    first = capsys.readouterr().out.splitlines()
    assert len(first) == 5 and all(line.startswith("created: ") for line in first)
    call_command("ingest_replies", str(folder))
    second = capsys.readouterr().out.splitlines()
    assert len(second) == 5 and all(line.startswith("duplicate: ") for line in second)
    assert Reply.objects.count() == 5
    assert search_index.indexed_ids() == set(Reply.objects.values_list("pk", flat=True))


def test_ingest_replies_goes_on_after_a_bad_file_and_exits_non_zero(db, search_index, tmp_path, capsys):
    (tmp_path / "a-empty.txt").write_bytes(b"")
    shutil.copy(SEED_FILES[0], tmp_path / "b-good.txt")
    with pytest.raises(CommandError, match="1 file"):
        call_command("ingest_replies", str(tmp_path), "--draft")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("failed: ") and "a-empty.txt" in lines[0] and "文件为空" in lines[0]
    assert lines[1].startswith("created: ")
    assert Reply.objects.get().status == Reply.Status.DRAFT


def test_ensure_search_index_brings_the_index_in_step(seeds, search_index, capsys):
    search_index.clear()
    call_command("ensure_search_index")
    assert "5 added, 0 refreshed, 0 removed" in capsys.readouterr().out
    call_command("ensure_search_index")
    assert "current: 5 replies" in capsys.readouterr().out
    SourceFile.objects.filter(reply=seeds["004"]).update(reply=None)
    Reply.objects.filter(pk=seeds["004"].pk).delete()  # behind the services' back
    call_command("ensure_search_index")
    assert "0 added, 0 refreshed, 1 removed" in capsys.readouterr().out
    assert seeds["004"].pk not in search_index.indexed_ids()


@pytest.mark.django_db(transaction=True)
def test_an_index_update_that_fails_stays_queued_and_is_retried(search_index, settings):
    from replies.services import reply_ingest_file
    from search.indexing import index_drain
    from search.models import PendingIndexUpdate
    from tests.conftest import seed_path

    settings.SEARCH_INDEX_LOCK_TIMEOUT = 0.2
    blocking_writer = search_index.index.writer()  # another writer holds Whoosh's lock
    try:
        outcome = reply_ingest_file(content=seed_path("000").read_bytes(), filename="000.txt")
    finally:
        blocking_writer.cancel()
    assert outcome.status == "created", "the reply is saved even though the index could not be written"
    queued = PendingIndexUpdate.objects.get()
    assert queued.reply_id == outcome.reply.pk and queued.attempts == 1 and "Lock" in queued.last_error
    assert outcome.reply.pk not in search_index.indexed_ids()

    assert index_drain() == 1
    assert not PendingIndexUpdate.objects.exists()
    assert outcome.reply.pk in search_index.indexed_ids()


@pytest.mark.django_db(transaction=True)
def test_only_the_process_holding_the_writer_lock_drains_the_queue(search_index):
    import psycopg
    from django.db import connection

    from replies.services import reply_ingest_file
    from search.indexing import INDEX_WRITER_LOCK, index_drain
    from search.models import PendingIndexUpdate
    from tests.conftest import seed_path

    params = connection.get_connection_params()
    other_process = psycopg.connect(**{key: params[key] for key in ("dbname", "user", "host", "port") if key in params},
                                    autocommit=True)
    try:
        other_process.execute("SELECT pg_advisory_lock(%s)", [INDEX_WRITER_LOCK])
        outcome = reply_ingest_file(content=seed_path("002").read_bytes(), filename="002.txt")
        assert PendingIndexUpdate.objects.filter(reply_id=outcome.reply.pk).exists(), "left for the lock holder"
        assert outcome.reply.pk not in search_index.indexed_ids()
        other_process.execute("SELECT pg_advisory_unlock(%s)", [INDEX_WRITER_LOCK])
    finally:
        other_process.close()
    assert index_drain() == 1
    assert outcome.reply.pk in search_index.indexed_ids()


def test_check_index_finds_missing_stale_and_extra_documents_and_repairs_them(seeds, search_index, capsys):
    from search.indexing import index_remove_replies

    index_remove_replies(reply_ids=[seeds["000"].pk])  # missing
    Reply.objects.filter(pk=seeds["002"].pk).update(title="改过的标题")  # stale: changed behind the index's back
    SourceFile.objects.filter(reply=seeds["004"]).update(reply=None)
    Reply.objects.filter(pk=seeds["004"].pk).delete()  # extra
    with pytest.raises(CommandError, match="1 added, 1 refreshed, 1 removed"):
        call_command("check_index")
    out = capsys.readouterr().out
    assert f"missing: 1 ({seeds['000'].pk})" in out and f"stale: 1 ({seeds['002'].pk})" in out
    assert f"extra: 1 ({seeds['004'].pk})" in out
    call_command("check_index", "--repair")
    assert "repaired: 1 added, 1 refreshed, 1 removed" in capsys.readouterr().out
    call_command("check_index")
    assert "in step" in capsys.readouterr().out
    from search.selectors import SearchParams, reply_search

    assert reply_search(params=SearchParams(q="改过的标题"), include_drafts=True).count() == 1
