"""The ingest command's batched index writes: updates are queued with each file's commit and written in
batches; a run killed before its batch is written leaves them queued, and the next run applies them."""
import subprocess

import pytest
from django.core.management import call_command
from django.db import transaction

from replies.models import Reply
from replies.services import reply_ingest_file
from search.backends import search_backend
from search.indexing import index_drain_deferred
from search.models import PendingIndexUpdate
from tests.conftest import SEED_FILES
from tests.test_ingest_crash import (
    BATCH_SIZE,
    ROOT,
    ingest_command,
    ingest_command_env,
    ingest_killed_after,
    write_batch,
)

KILL_AFTER_LINES = 8


def queued_ids() -> set[int]:
    return set(PendingIndexUpdate.objects.values_list("reply_id", flat=True))


def stored_ids() -> set[int]:
    return set(Reply.objects.values_list("pk", flat=True))


def run_ingest(*arguments: str) -> subprocess.CompletedProcess:
    command = [*ingest_command(arguments[0]), *arguments[1:]]
    result = subprocess.run(command, env=ingest_command_env(), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.mark.django_db(transaction=True)
def test_a_killed_batch_leaves_its_index_updates_queued_and_the_next_run_applies_them(tmp_path, search_index):
    folder = tmp_path / "batch"
    folder.mkdir()
    write_batch(folder)
    ingest_killed_after(folder, created=KILL_AFTER_LINES)

    # Killed before its first batch was written: every reply it stored is queued, none is in the index yet.
    stored = stored_ids()
    assert KILL_AFTER_LINES <= len(stored) < BATCH_SIZE
    assert queued_ids() == stored
    assert search_backend().indexed_ids() == set()

    # A run with nothing to ingest still drains the queue.
    empty = tmp_path / "empty"
    empty.mkdir()
    run_ingest(str(empty))
    assert queued_ids() == set()
    assert search_backend().indexed_ids() == stored

    # The rest of the batch, written every 7 files and at the end: nothing lost, nothing left queued.
    rerun = run_ingest(str(folder), "--index-every", "7")
    assert rerun.stdout.count("duplicate:") == len(stored)
    assert rerun.stdout.count("created:") == BATCH_SIZE - len(stored)
    assert Reply.objects.count() == BATCH_SIZE
    assert queued_ids() == set()
    assert search_backend().indexed_ids() == stored_ids()


@pytest.mark.django_db(transaction=True)
def test_inside_a_deferred_block_commits_queue_and_the_block_writes_the_index_once_at_its_end(search_engine,
                                                                                            search_index):
    with index_drain_deferred():
        for path in SEED_FILES[:3]:
            outcome = reply_ingest_file(content=path.read_bytes(), filename=path.name)
            assert outcome.reply is not None
        assert not transaction.get_connection().in_atomic_block
        assert queued_ids() == stored_ids() and len(stored_ids()) == 3
        assert search_index.indexed_ids() == set()
    assert queued_ids() == set()
    assert search_index.indexed_ids() == stored_ids()


@pytest.mark.django_db(transaction=True)
def test_outside_a_batch_each_commit_still_writes_the_index_at_once(search_engine, search_index):
    outcome = reply_ingest_file(content=SEED_FILES[0].read_bytes(), filename=SEED_FILES[0].name)
    assert queued_ids() == set()
    assert search_index.indexed_ids() == {outcome.reply.pk}


@pytest.mark.django_db(transaction=True)
def test_ingest_replies_writes_the_index_every_n_files(search_index, tmp_path, capsys):
    folder = tmp_path / "batch"
    folder.mkdir()
    for path in SEED_FILES:
        (folder / path.name).write_bytes(path.read_bytes())
    call_command("ingest_replies", str(folder), "--index-every", "2")
    assert capsys.readouterr().out.count("created: ") == len(SEED_FILES)
    assert queued_ids() == set()
    assert search_index.indexed_ids() == stored_ids()
