"""Canonical keys that make differently printed numbers compare equal (they live with the doc-number parsing)."""
from replies.ingest.docnumbers import doc_year_serial_key, proposal_key

__all__ = ["doc_year_serial_key", "proposal_key"]
