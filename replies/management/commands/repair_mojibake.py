import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from replies.ingest.mojibake import repair_mojibake


class Command(BaseCommand):
    help = (
        "Repair lossy UTF-8-as-Windows-1252 mojibake in a UTF-8 text file (or stdin) and write "
        "the repaired text to stdout. Text without mojibake comes out unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="UTF-8 text file; stdin when omitted")

    def handle(self, *args, file: Path | None, **options):
        text = self._read(file)
        self.stdout.write(repair_mojibake(text).text, ending="")

    def _read(self, file: Path | None) -> str:
        if file is None:
            return sys.stdin.read()
        try:
            return file.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror or error}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"cannot read {file}: not UTF-8 text ({error.reason} at byte {error.start})") from error
