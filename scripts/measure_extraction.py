"""Measure field extraction against the hand-checked expectations.

Runs repair_pdf_artifacts + extract_fields over every case in fixtures/extraction_cases
(and the readable seeds named in its expected.json) and prints per-field accuracy.

    .venv/bin/python scripts/measure_extraction.py [-v]

-v also prints every mismatch.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from replies.ingest.cleanup import repair_pdf_artifacts  # noqa: E402
from replies.ingest.extract import ReplyFields, extract_fields  # noqa: E402

CASES_DIR = ROOT / "fixtures" / "extraction_cases"
SEEDS_DIR = ROOT / "fixtures" / "seeds"
FIELDS = (
    "title", "kind", "doc_number", "session", "proposal_number", "addressees", "proposal_title",
    "issuing_organ", "signer", "handler", "phone", "cc", "index_number", "subject_category",
    "genre", "date", "year", "body",
)


def case_path(name: str) -> Path:
    path = CASES_DIR / name
    return path if path.exists() else SEEDS_DIR / name


def comparable(fields: ReplyFields) -> dict[str, object]:
    """The fields in the shape expected.json uses."""
    paragraphs = fields.body.split("\n\n")
    doc = fields.doc_number
    return {
        "title": fields.title,
        "kind": fields.kind,
        "doc_number": doc and {"text": doc.text, "issuer": doc.issuer, "year": doc.year, "serial": doc.serial},
        "session": fields.session,
        "proposal_number": fields.proposal_number,
        "addressees": [[a.name, a.role] for a in fields.addressees],
        "proposal_title": fields.proposal_title,
        "issuing_organ": fields.issuing_organ,
        "signer": fields.signer,
        "handler": fields.handler,
        "phone": fields.phone,
        "cc": fields.cc,
        "index_number": fields.index_number,
        "subject_category": fields.subject_category,
        "genre": fields.genre,
        "date": fields.date.isoformat() if fields.date else None,
        "year": fields.year,
        "body": {"first": paragraphs[0], "last": paragraphs[-1], "paragraphs": len(paragraphs)},
    }


def expected_for(spec: dict[str, object]) -> dict[str, object]:
    expected = {k: spec[k] for k in FIELDS if k != "body"}
    expected["body"] = {
        "first": spec["body_first_paragraph"],
        "last": spec["body_last_paragraph"],
        "paragraphs": spec["body_paragraphs"],
    }
    return expected


def load_expected() -> dict[str, dict[str, object]]:
    return json.loads((CASES_DIR / "expected.json").read_text(encoding="utf-8"))


def main(verbose: bool = False) -> int:
    cases = load_expected()
    correct = dict.fromkeys(FIELDS, 0)
    mismatches = []
    for name, spec in cases.items():
        text = case_path(name).read_text(encoding="utf-8")
        actual = comparable(extract_fields(repair_pdf_artifacts(text)))
        expected = expected_for(spec)
        for f in FIELDS:
            if actual[f] == expected[f]:
                correct[f] += 1
            else:
                mismatches.append((name, f, expected[f], actual[f]))
    total = len(cases)
    print(f"{total} documents ({sum(1 for n in cases if (CASES_DIR / n).exists())} cases, "
          f"{sum(1 for n in cases if not (CASES_DIR / n).exists())} seeds)\n")
    width = max(map(len, FIELDS))
    for f in FIELDS:
        print(f"{f:<{width}}  {correct[f]:>3}/{total}  {100 * correct[f] / total:5.1f}%")
    all_correct, all_total = sum(correct.values()), total * len(FIELDS)
    print(f"\n{'overall':<{width}}  {all_correct}/{all_total}  {100 * all_correct / all_total:5.1f}%")
    if verbose:
        for name, f, want, got in mismatches:
            print(f"\n{name} {f}:\n  expected {want!r}\n  got      {got!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(verbose="-v" in sys.argv[1:]))
