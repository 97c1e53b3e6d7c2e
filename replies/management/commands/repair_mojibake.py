import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from replies.ingest.mojibake import MojibakeRepair, repair_mojibake

# Characters of a stretch shown by --explain before it is cut short.
SHOWN_CHARACTERS = 24


class Command(BaseCommand):
    help = (
        "Repair mojibake (UTF-8 read as Windows-1252, Latin-1, GBK or Big5, GBK or Big5 read as "
        "Latin-1, the same twice, lossy kinds) in a UTF-8 text file (or stdin) with the step the "
        "ingest pipeline uses, and write the text to stdout. Text without mojibake comes out "
        "unchanged. --explain writes to stderr which kind was found where."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="UTF-8 text file; stdin when omitted")
        parser.add_argument(
            "--explain", action="store_true",
            help="write to stderr each kind of damage found, where, and what is left damaged",
        )

    def handle(self, *args, file: Path | None, explain: bool, **options):
        repair = repair_mojibake(self._read(file))
        self.stdout.write(repair.text, ending="")
        if explain:
            for line in explanation(repair):
                self.stderr.write(line)

    def _read(self, file: Path | None) -> str:
        if file is None:
            return sys.stdin.read()
        try:
            return file.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror or error}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"cannot read {file}: not UTF-8 text ({error.reason} at byte {error.start})") from error


def explanation(repair: MojibakeRepair) -> list[str]:
    """Lines saying what the repair found: positions are line:column of the repaired text."""
    if not repair.repairs and not repair.unrepaired:
        return ["no mojibake found"]
    lines = [
        f"kinds: {', '.join(repair.kinds) or 'none repaired'}; {len(repair.repairs)} stretches repaired, "
        f"{len(repair.unrepaired)} still damaged, {len(repair.uncertain)} uncertain, "
        f"{len(repair.low_confidence)} characters of low confidence"
    ]
    for fix in repair.repairs:
        lost = f", {fix.lost_bytes} lost bytes filled" if fix.lost_bytes else ""
        lines.append(
            f"repaired {fix.damage} at {_where(repair.text, fix.start, fix.end)}: "
            f"{_shown(fix.damaged)} -> {_shown(fix.replacement)}{lost}"
        )
    for stretch in repair.unrepaired:
        lines.append(f"still damaged ({stretch.damage}) at {_where(repair.text, stretch.start, stretch.end)}: {_shown(stretch.text)}")
    for stretch in repair.uncertain:
        lines.append(f"uncertain repair ({stretch.damage}) at {_where(repair.text, stretch.start, stretch.end)}: {_shown(stretch.text)}")
    for spot in repair.low_confidence:
        lines.append(f"low confidence {spot.confidence:.2f} at {_where(repair.text, spot.start, spot.end)}: {_shown(spot.text)}")
    return lines


def _where(text: str, start: int, end: int) -> str:
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return f"{line}:{column} (characters {start}-{end})"


def _shown(text: str) -> str:
    return repr(text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "…")
