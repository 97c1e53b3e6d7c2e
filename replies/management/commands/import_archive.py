from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from replies.transfer import TransferError, archive_import


class Command(BaseCommand):
    help = "Restore a folder written by export_archive into an empty archive, originals checked by SHA-256."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        try:
            counts = archive_import(directory)
        except TransferError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"imported {counts.records} records and {counts.originals} original files from {directory}")
