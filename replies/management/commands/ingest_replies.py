import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from replies.services import IngestOutcome, reply_ingest_upload
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


class Command(BaseCommand):
    help = "Ingest reply files (and folders of them) into the archive, one line per file."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="files or folders")
        parser.add_argument("--draft", action="store_true", help="store new replies as drafts instead of publishing")
        parser.add_argument("--index-every", type=int, default=DRAIN_EVERY_FILES, metavar="N",
                            help=f"write the queued index updates after every N files (default {DRAIN_EVERY_FILES}) "
                                 f"or {DRAIN_EVERY_SECONDS:g} s, and at the end")

    def handle(self, *args, paths: list[Path], draft: bool, index_every: int, **options):
        failures = 0
        # Each file's reply is queued for the index in its own transaction; the queue is drained in batches,
        # and at the end (which also applies what an earlier run, killed before its drain, left queued).
        # The whole index is not compared with the database here: `check_index --repair` does that.
        with index_drain_deferred():
            pending, drained_at = 0, time.monotonic()
            for path in self._files(paths):
                for outcome in self._ingest(path, publish=not draft):
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

    def _ingest(self, path: Path, *, publish: bool) -> list[IngestOutcome]:
        try:
            content = path.read_bytes()
        except OSError as error:
            return [IngestOutcome(path.name, IngestOutcome.REFUSED, reason=f"无法读取文件：{error.strerror}")]
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
