"""Measure field extraction against the hand-checked expectations.

Runs repair_pdf_artifacts + extract_fields over every case in fixtures/extraction_cases
(and the readable seeds named in its expected.json) and prints per-field accuracy.

    .venv/bin/python scripts/measure_extraction.py [-v]
    .venv/bin/python scripts/measure_extraction.py --set real [--part dev|blind] [-v]
    SECRET_KEY=… .venv/bin/python scripts/measure_extraction.py --corrections

-v also prints every mismatch.

--set real measures the real replies in fixtures/real_replies (see its README.md), per part
(dev and blind, or only the one --part names). A field whose expectation is null could not be
judged from the text (the page was cut) and is skipped. Text fields are compared after Unicode
NFKC and with all whitespace removed, so "第 91号" equals "第91号" and "，" equals ",";
lists (addressees, cc) item by item in order.
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from replies.ingest.cleanup import repair_pdf_artifacts  # noqa: E402
from replies.ingest.extract import ReplyFields, extract_fields  # noqa: E402

CASES_DIR = ROOT / "fixtures" / "extraction_cases"
SEEDS_DIR = ROOT / "fixtures" / "seeds"
REAL_DIR = ROOT / "fixtures" / "real_replies"
PARTS = ("dev", "blind")
REAL_FIELDS = (
    "title", "kind", "doc_number", "session", "proposal_number", "addressees", "proposal_title",
    "issuing_organ", "date", "signer", "handler", "phone", "cc",
)
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


def main_cases(verbose: bool = False) -> int:
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


def _text(value: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split())


def real_comparable(fields: ReplyFields) -> dict[str, object]:
    """The fields in the shape fixtures/real_replies/expected.json uses, normalised for comparison."""
    return {
        "title": _text(fields.title),
        "kind": fields.kind,
        "doc_number": _text(fields.doc_number.text if fields.doc_number else ""),
        "session": _text(fields.session),
        "proposal_number": _text(fields.proposal_number),
        "addressees": [[_text(a.name), a.role] for a in fields.addressees],
        "proposal_title": _text(fields.proposal_title),
        "issuing_organ": _text(fields.issuing_organ),
        "date": fields.date.isoformat() if fields.date else "",
        "signer": _text(fields.signer),
        "handler": _text(fields.handler),
        "phone": _text(fields.phone),
        "cc": [_text(c) for c in fields.cc],
    }


def real_expected(spec: dict[str, object]) -> dict[str, object]:
    """The judgeable expectations of one real reply, normalised like real_comparable; null ones are left out."""
    expected: dict[str, object] = {}
    for f in REAL_FIELDS:
        want = spec[f]
        if want is None:
            continue
        if f == "addressees":
            want = [[_text(name), role] for name, role in want]
        elif f == "cc":
            want = [_text(c) for c in want]
        elif f not in ("kind", "date"):
            want = _text(want)
        expected[f] = want
    return expected


def load_real() -> dict[str, dict[str, object]]:
    return json.loads((REAL_DIR / "expected.json").read_text(encoding="utf-8"))


def main_real(parts: tuple[str, ...], verbose: bool = False) -> int:
    replies = load_real()
    width = max(map(len, REAL_FIELDS))
    for part in parts:
        names = sorted(n for n, spec in replies.items() if spec["part"] == part)
        right: Counter[str] = Counter()
        judged: Counter[str] = Counter()
        mismatches = []
        for name in names:
            text = (REAL_DIR / name).read_text(encoding="utf-8")
            actual = real_comparable(extract_fields(repair_pdf_artifacts(text)))
            for f, want in real_expected(replies[name]).items():
                judged[f] += 1
                if actual[f] == want:
                    right[f] += 1
                else:
                    mismatches.append((name, f, want, actual[f]))
        complete = sum(1 for n in names if replies[n]["complete"])
        print(f"{part}: {len(names)} real replies ({complete} complete to the sign-off, {len(names) - complete} cut)\n")
        for f in REAL_FIELDS:
            share = f"{100 * right[f] / judged[f]:5.1f}%" if judged[f] else "    -"
            print(f"{f:<{width}}  {right[f]:>3}/{judged[f]:<3}  {share}")
        all_right, all_judged = sum(right.values()), sum(judged.values())
        share = f"{100 * all_right / all_judged:5.1f}%" if all_judged else "-"
        print(f"\n{'overall':<{width}}  {all_right}/{all_judged}  {share}\n")
        if verbose:
            for name, f, want, got in mismatches:
                print(f"{name} {f}:\n  expected {want!r}\n  got      {got!r}")
            print()
    return 0


def main_corrections() -> int:
    """How often admins corrected each extracted field in the archive at DATABASE_URL (Reply.corrected_fields)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from replies.models import Reply
    from replies.services import EXTRACTED_FIELDS

    replies = Reply.objects.current()
    total = replies.count()
    corrected = Counter(name for names in replies.values_list("corrected_fields", flat=True) for name in names)
    print(f"{total} replies; {replies.exclude(corrected_fields=[]).count()} with at least one field corrected by hand\n")
    width = max(map(len, EXTRACTED_FIELDS))
    for name in EXTRACTED_FIELDS:
        share = 100 * corrected[name] / total if total else 0.0
        print(f"{name:<{width}}  {corrected[name]:>5}  {share:5.1f}%")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure field extraction against hand-checked expectations.")
    parser.add_argument("--set", choices=("cases", "real"), default="cases",
                        help="cases: fixtures/extraction_cases and the seeds (default); real: fixtures/real_replies")
    parser.add_argument("--part", choices=PARTS, help="with --set real: measure only this part")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every mismatch")
    parser.add_argument("--corrections", action="store_true",
                        help="instead: how often admins corrected each field in the archive at DATABASE_URL")
    args = parser.parse_args(argv)
    if args.corrections:
        return main_corrections()
    if args.set == "real":
        return main_real((args.part,) if args.part else PARTS, verbose=args.verbose)
    if args.part:
        parser.error("--part needs --set real")
    return main_cases(verbose=args.verbose)


if __name__ == "__main__":
    sys.exit(main())
