from django.core.management import call_command
from django.core.management.base import BaseCommand

from search.backends import search_backend
from search.indexing import describe_drift, index_reconcile


class Command(BaseCommand):
    help = "Build the search index if it is missing or of an older schema; else add and drop documents to match the database."

    def handle(self, *args, **options):
        backend = search_backend()
        if not backend.schema_is_current():
            self.stdout.write("rebuilding the search index: its schema is older than the code's.")
            call_command("rebuild_index", verbosity=0)
            self.stdout.write(f"search index rebuilt: {backend.doc_count()} documents.")
            return
        drift = index_reconcile()
        if not drift.in_step:
            self.stdout.write(f"search index brought in step: {describe_drift(drift)}.")
        self.stdout.write(f"search index is current: {backend.doc_count()} replies.")
