import os
import time
from collections import deque
from multiprocessing import get_context
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from replies.ingest.archive import is_zip_batch
from replies.ingest.pipeline import PreparedDocument, content_sha256, prepare_document
from replies.selectors import source_is_stored
from replies.services import IngestOutcome, reply_ingest_file, reply_ingest_upload
from search.indexing import DRAIN_BATCH, index_drain, index_drain_deferred

STATUS_WORDS = {
    IngestOutcome.CREATED: "created",
    IngestOutcome.NEW_VERSION: "new version",
    IngestOutcome.DUPLICATE: "duplicate",
    IngestOutcome.REFUSED: "failed",
}
# The index is written once per this many files, or this often, rather than once per file: each write of
# the index (a Whoosh commit, an OpenSearch refresh) costs about as much for one reply as for hundreds.
DRAIN_EVERY_FILES = DRAIN_BATCH
DRAIN_EVERY_SECONDS = 60.0
# Files being prepared ahead of the one being stored, per preparing process.
PREPARE_AHEAD = 4


class Command(BaseCommand):
    help = "Ingest reply files (and folders of them) into the archive, one line per file."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="files or folders")
        parser.add_argument("--draft", action="store_true", help="store new replies as drafts instead of publishing")
        parser.add_argument("--index-every", type=int, default=DRAIN_EVERY_FILES, metavar="N",
                            help=f"write the queued index updates after every N files (default {DRAIN_EVERY_FILES}) "
                                 f"or {DRAIN_EVERY_SECONDS:g} s, and at the end")
        parser.add_argument("--processes", type=int, default=len(os.sched_getaffinity(0)), metavar="N",
                            help="processes that read and repair the files (parse, repair, extract) while this one "
                                 "stores them; default: one per core, 1 for none")

    def handle(self, *args, paths: list[Path], draft: bool, index_every: int, processes: int, **options):
        failures = 0
        # Each file's reply is queued for the index in its own transaction; the queue is drained in batches,
        # and at the end (which also applies what an earlier run, killed before its drain, left queued).
        # The whole index is not compared with the database here: `check_index --repair` does that.
        with index_drain_deferred():
            pending, drained_at = 0, time.monotonic()
            for path, content, prepared in prepared_files(self._files(paths), processes=processes):
                for outcome in self._ingest(path, content, prepared, publish=not draft):
                    failures += outcome.failed
                    self.stdout.write(self._line(path, outcome), self.style.ERROR if outcome.failed else None)
                pending += 1
                if pending >= index_every or time.monotonic() - drained_at >= DRAIN_EVERY_SECONDS:
                    index_drain()
                    pending, drained_at = 0, time.monotonic()
        if failures:
            raise CommandError(f"{failures} file(s) failed")

    def _files(self, paths: list[Path]):
        for path in paths:
            if path.is_dir():
                yield from sorted(child for child in path.rglob("*") if child.is_file() and not child.name.startswith("."))
            else:
                yield path

    def _ingest(self, path: Path, content: bytes | OSError, prepared: PreparedDocument | None, *,
                publish: bool) -> list[IngestOutcome]:
        if isinstance(content, OSError):
            return [IngestOutcome(path.name, IngestOutcome.REFUSED, reason=f"无法读取文件：{content.strerror}")]
        if prepared is not None:
            return [reply_ingest_file(content=content, filename=path.name, publish=publish, prepared=prepared)]
        return reply_ingest_upload(content=content, filename=path.name, publish=publish)

    @staticmethod
    def _line(path: Path, outcome: IngestOutcome) -> str:
        shown = path.parent / outcome.filename if outcome.filename != path.name else path
        line = f"{STATUS_WORDS[outcome.status]}: {shown}"
        if outcome.reply is not None:
            line += f" → #{outcome.reply.pk} {outcome.reply}"
        if outcome.reason and outcome.status != IngestOutcome.CREATED:
            line += f" ({outcome.reason})"
        return line


def prepared_files(paths, *, processes: int):
    """(path, its bytes or the OSError reading them, its PreparedDocument or None), in the order of `paths`.

    The pipeline's preparation (parse, repair, extract: pure, no database) of a new single file runs in
    `processes` processes forked from this one, a few files ahead of the one being stored here. Archives,
    duplicates, and files the pipeline refuses or fails on get None: the service then does it all itself,
    reporting refusals and errors as for any upload."""
    if processes <= 1:
        for path in paths:
            yield path, _read(path), None
        return
    _load_models()  # once, before forking: the processes share them
    with get_context("fork").Pool(processes) as pool:
        in_flight: deque = deque()
        for path in paths:
            content = _read(path)
            job = None
            if isinstance(content, bytes) and _worth_preparing(content):
                job = pool.apply_async(_prepare, (content, path.name, settings.MAX_UPLOAD_BYTES))
            in_flight.append((path, content, job))
            while len(in_flight) > PREPARE_AHEAD * processes:
                yield _collect(*in_flight.popleft())
        while in_flight:
            yield _collect(*in_flight.popleft())


def _read(path: Path) -> bytes | OSError:
    try:
        return path.read_bytes()
    except OSError as error:
        return error


def _worth_preparing(content: bytes) -> bool:
    return bool(content) and not is_zip_batch(content) and not source_is_stored(sha256=content_sha256(content))


def _collect(path: Path, content, job):
    return path, content, job.get() if job is not None else None


def _prepare(content: bytes, filename: str, max_bytes: int) -> PreparedDocument | None:
    try:
        return prepare_document(content, filename, max_bytes=max_bytes)
    except Exception:  # noqa: BLE001  a refusal or an error: told and recorded by the service, which prepares it again
        return None


def _load_models() -> None:
    """jieba's dictionary and IDF table, and the mojibake model, loaded before the preparing processes fork."""
    from replies.ingest.charmodel import default_model
    from replies.ingest.topics import body_keywords

    default_model()
    body_keywords("预热")
