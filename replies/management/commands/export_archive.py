from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from replies.transfer import TransferError, archive_export


class Command(BaseCommand):
    help = "Write every record (JSON Lines) and every original file of the archive to an empty folder."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        try:
            counts = archive_export(directory)
        except TransferError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"exported {counts.records} records and {counts.originals} original files to {directory}")
