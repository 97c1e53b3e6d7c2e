"""The benchmark harness (issue 6): `make bench`, see docs/performance.md. Not part of `make test`."""
