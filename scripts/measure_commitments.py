"""Measure the commitments extraction against the commitments judged by reading.

Runs the ingest pipeline (parse, repair, extract fields) and then find_commitments over each reply named in
fixtures/commitments_judged/expected.json (see its README.md) and reports, per part (dev and blind):

- sentence precision: the share of sentences found that hold the words of a judged commitment;
- sentence recall: the share of judged commitments whose words lie in a sentence found;
- deadline precision: among the matched sentences given a deadline, the share whose deadline is the judged one
  (and deadline recall: the judged deadlines read right).

Words are compared after NFKC and with all whitespace removed.

    .venv/bin/python scripts/measure_commitments.py [--part dev|blind] [-v]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from replies.ingest.commitments import find_commitments  # noqa: E402
from replies.ingest.parsers.tools import ExternalTools  # noqa: E402
from replies.ingest.pipeline import prepare_document  # noqa: E402

JUDGED = ROOT / "fixtures" / "commitments_judged" / "expected.json"
REAL_DIR = ROOT / "fixtures" / "real_replies"
PARTS = ("dev", "blind")


def comparable(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def measure(part: str, *, verbose: bool) -> dict[str, float]:
    judged = {name: case for name, case in json.loads(JUDGED.read_text()).items() if case["part"] == part}
    found_total = found_right = expected_total = expected_found = 0
    deadlines_given = deadlines_right = deadlines_expected = deadlines_read = 0
    for name, case in judged.items():
        prepared = prepare_document((REAL_DIR / name).read_bytes(), name, max_bytes=10**8, tools=ExternalTools())
        fields = prepared.fields
        found = find_commitments(fields.body or prepared.text, reply_date=fields.date, reply_year=fields.year)
        sentences = [comparable(commitment.sentence) for commitment in found]
        expected = [(comparable(item["words"]), item["deadline"]) for item in case["commitments"]]
        found_total += len(found)
        for commitment, sentence in zip(found, sentences):
            matches = [deadline for words, deadline in expected if words in sentence]
            if matches:
                found_right += 1
                if commitment.deadline is not None:
                    deadlines_given += 1
                    deadlines_right += commitment.deadline.isoformat() in matches
                    if verbose and commitment.deadline.isoformat() not in matches:
                        print(f"{name}: deadline {commitment.deadline} for {commitment.sentence[:50]} (judged {matches})")
            elif verbose:
                print(f"{name}: not judged a commitment: {commitment.sentence[:80]}")
        for words, deadline in expected:
            expected_total += 1
            hit = next((commitment for commitment, sentence in zip(found, sentences) if words in sentence), None)
            expected_found += hit is not None
            if deadline is not None:
                deadlines_expected += 1
                deadlines_read += hit is not None and hit.deadline is not None and hit.deadline.isoformat() == deadline
                if verbose and hit is not None and hit.deadline is None:
                    print(f"{name}: no deadline read for {words} (judged {deadline})")
            if hit is None and verbose:
                print(f"{name}: missed {words}")
    return {
        "replies": len(judged),
        "sentences found": found_total,
        "sentence precision": found_right / found_total if found_total else 1.0,
        "sentence recall": expected_found / expected_total if expected_total else 1.0,
        "deadlines given": deadlines_given,
        "deadline precision": deadlines_right / deadlines_given if deadlines_given else 1.0,
        "deadline recall": deadlines_read / deadlines_expected if deadlines_expected else 1.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=PARTS)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    for part in (args.part,) if args.part else PARTS:
        result = measure(part, verbose=args.verbose)
        figures = "  ".join(f"{key} {value:.2f}" if isinstance(value, float) else f"{key} {value}"
                            for key, value in result.items())
        print(f"{part}: {figures}")


if __name__ == "__main__":
    main()
