import hashlib

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from replies.models import SourceFile


class Command(BaseCommand):
    help = ("Check that every original file recorded in the database is in storage, whole: its size, and with "
            "--hash its SHA-256. Lists each problem and exits 1 if there is any.")

    def add_arguments(self, parser):
        parser.add_argument("--hash", action="store_true", help="also recompute every file's SHA-256 (reads every byte)")

    def handle(self, *args, hash: bool, **options):
        problems = checked = 0
        for source in SourceFile.objects.order_by("pk").iterator():
            checked += 1
            problem = _problem(source, check_hash=hash)
            if problem:
                problems += 1
                owner = f"reply {source.reply_id}" if source.reply_id else "trash"
                self.stdout.write(f"{problem}: source {source.pk} ({owner}) {source.filename} → {source.file.name}")
        self.stdout.write(f"checked {checked} original file(s): {problems} problem(s).")
        if problems:
            raise CommandError(f"{problems} original file(s) missing or damaged")


def _problem(source: SourceFile, *, check_hash: bool) -> str:
    name = source.file.name
    if not name or not default_storage.exists(name):
        return "missing"
    if default_storage.size(name) != source.size:
        return "wrong size"
    if check_hash:
        digest = hashlib.sha256()
        with default_storage.open(name, "rb") as stored:
            for chunk in iter(lambda: stored.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != source.sha256:
            return "wrong SHA-256"
    return ""
