import datetime
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from replies.ingest.errors import IngestRefused
from replies.ingest.pipeline import prepare_document
from replies.models import Reply
from replies.services import reply_extracted_changes, reply_reextract


class Command(BaseCommand):
    help = ("Run the current extractor over the stored originals and report, per field, what it would change; "
            "fields an admin corrected by hand are never overwritten. Without --dry-run the changes are saved.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report only, change nothing")
        parser.add_argument("--since", type=datetime.date.fromisoformat, help="only replies created on or after this day")
        parser.add_argument("--list", action="store_true", dest="list_changes", help="print every change")

    def handle(self, *args, dry_run: bool, since: datetime.date | None, list_changes: bool, **options):
        replies = Reply.objects.current().prefetch_related("source_files").order_by("pk")
        if since is not None:
            replies = replies.filter(created_at__date__gte=since)
        changed_fields, changed_replies, checked, failures = Counter(), 0, 0, 0
        for reply in replies.iterator(chunk_size=200):
            source = reply.current_source
            if source is None:
                continue
            checked += 1
            try:
                with source.file.open("rb") as stored:
                    content = stored.read()
                prepared = prepare_document(content, source.filename, max_bytes=settings.MAX_UPLOAD_BYTES)
            except (OSError, IngestRefused) as error:
                failures += 1
                self.stdout.write(self.style.ERROR(f"failed: reply {reply.pk} {source.filename}: {error}"))
                continue
            changes = reply_extracted_changes(reply=reply, prepared=prepared)
            if not changes:
                continue
            changed_replies += 1
            changed_fields.update(change.name for change in changes)
            if list_changes:
                for change in changes:
                    self.stdout.write(f"reply {reply.pk} {change.name}: {change.before!r} → {change.after!r}")
            if not dry_run:
                reply_reextract(reply=reply, changes=changes)
        verb = "would change" if dry_run else "changed"
        self.stdout.write(f"checked {checked} replies: {verb} {changed_replies}.")
        for name, count in changed_fields.most_common():
            self.stdout.write(f"  {name}: {count}")
        if failures:
            raise CommandError(f"{failures} original(s) could not be read again")
