from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from replies.services import IngestOutcome, reply_ingest_upload
from search.indexing import describe_drift, index_reconcile

STATUS_WORDS = {
    IngestOutcome.CREATED: "created",
    IngestOutcome.NEW_VERSION: "new version",
    IngestOutcome.DUPLICATE: "duplicate",
    IngestOutcome.REFUSED: "failed",
}


class Command(BaseCommand):
    help = "Ingest reply files (and folders of them) into the archive, one line per file."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="files or folders")
        parser.add_argument("--draft", action="store_true", help="store new replies as drafts instead of publishing")

    def handle(self, *args, paths: list[Path], draft: bool, **options):
        failures = 0
        for path in self._files(paths):
            for outcome in self._ingest(path, publish=not draft):
                failures += outcome.failed
                self.stdout.write(self._line(path, outcome), self.style.ERROR if outcome.failed else None)
        # An earlier run killed between a commit and its index update left the index behind.
        drift = index_reconcile()
        if not drift.in_step:
            self.stdout.write(f"search index brought in step: {describe_drift(drift)}.")
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
