from django.core.management.base import BaseCommand

from search.indexing import REBUILD_BATCH, index_rebuild


class Command(BaseCommand):
    help = ("Build the search index from the database into a new folder and swap it in; "
            "searches keep working meanwhile, and a rebuild that dies leaves the live index as it was.")

    def add_arguments(self, parser):
        # Accepted for haystack's interface; this rebuild never asks and never empties the live index.
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument("--batch-size", type=int, default=REBUILD_BATCH)

    def handle(self, *args, batch_size: int, verbosity: int, **options):
        def progress(done: int, total: int) -> None:
            if verbosity >= 1:
                self.stdout.write(f"indexed {done}/{total}")

        documents = index_rebuild(batch_size=batch_size, progress=progress)
        self.stdout.write(f"search index rebuilt and swapped in: {documents} documents.")
