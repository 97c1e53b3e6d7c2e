from django.core.management import call_command
from django.core.management.base import BaseCommand

from replies.models import Reply
from search.indexing import search_backend


class Command(BaseCommand):
    help = "Build the search index from the database if it is missing, of an older schema, or out of step."

    def handle(self, *args, **options):
        backend = search_backend()
        replies = Reply.objects.count()
        if not backend.schema_is_current():
            reason = "its schema is older than the code's"
        elif backend.doc_count() != replies:
            reason = f"it holds {backend.doc_count()} documents and the database {replies} replies"
        else:
            self.stdout.write(f"search index is current: {replies} replies.")
            return
        self.stdout.write(f"rebuilding the search index: {reason}.")
        call_command("rebuild_index", interactive=False, verbosity=0)
        self.stdout.write(f"search index rebuilt: {backend.doc_count()} documents.")
