from django.core.management.base import BaseCommand, CommandError

from search.indexing import describe_drift, index_drift, index_reconcile


class Command(BaseCommand):
    help = ("Compare the search index with the database (missing, stale and extra documents); "
            "exit 1 on drift. --repair brings the index in step.")

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="index what is missing or stale, drop what is extra")

    def handle(self, *args, repair: bool, **options):
        drift = index_reconcile() if repair else index_drift()
        for label, ids in (("missing", drift.missing), ("stale", drift.stale), ("extra", drift.extra)):
            if ids:
                shown = ", ".join(str(pk) for pk in ids[:20]) + (" …" if len(ids) > 20 else "")
                self.stdout.write(f"{label}: {len(ids)} ({shown})")
        if drift.queued:
            self.stdout.write(f"queued updates: {drift.queued}")
        if drift.in_step:
            self.stdout.write("search index is in step with the database.")
        elif repair:
            self.stdout.write(f"repaired: {describe_drift(drift)}.")
        else:
            raise CommandError(f"the search index disagrees with the database: {describe_drift(drift)}")
