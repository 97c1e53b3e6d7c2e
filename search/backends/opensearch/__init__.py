"""The OpenSearch backend of the search contract (search/backends/base.py)."""
