import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from replies.services import source_purge_trash


class Command(BaseCommand):
    help = "Delete for good the originals of deleted replies kept in the trash longer than TRASH_RETENTION_DAYS."

    def handle(self, *args, **options):
        purged = source_purge_trash(older_than=datetime.timedelta(days=settings.TRASH_RETENTION_DAYS))
        self.stdout.write(f"purged {purged} original file(s) older than {settings.TRASH_RETENTION_DAYS} days.")
