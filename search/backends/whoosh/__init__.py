"""The Whoosh backend of the search contract (search/backends/base.py): embedded, the default."""
