"""Measure the mojibake repair: every kind of damage, over the seeds and the shared corpus.

For each kind of the simulator (tests/ingest/mojibake_simulator.py) it damages the clean seeds
and corpus texts, repairs them with replies.ingest.mojibake.repair_mojibake, and reports per
kind the character similarity to the original (1 - edit distance / length) of the damaged
input and of the output, how many outputs came back exact, how many are worse than their input,
and how many were flagged as still damaged. Seed 001, whose original is unknown, is checked by
damaging its repair again. Last, every clean corpus text is repaired and must come back
byte-identical and unflagged.

The corpus texts are split once, by a fixed rule on the SHA-256 of the document id
(``corpus_part``), into a blind part, a development part and the rest. Both measured parts are
left out of the character model (scripts/build_char_model.py), so neither was learnt from; the
development part may be looked at while tuning, the blind part never is.

    python scripts/measure_mojibake.py [--texts 160] [--blind 80] [--kinds utf8_as_gbk,...] [--no-clean]

``--big5-trial N`` measures instead what UTF-8 read as Big5 loses, and how much of it the
lost-byte search would fill if it were let (the repair leaves such text as it is): the share
of non-ASCII bytes each Big5 decoder loses over the development texts, and the character
similarity of the search's reading of the first lines of N of them.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SEEDS = REPO / "fixtures" / "seeds"
CORPUS = REPO.parent / "shared" / "corpus"
# Corpus texts damaged per part: long enough to carry context, short enough to keep a run short.
MIN_CHARS, MAX_CHARS = 300, 2000


def corpus_part(document_id: str) -> str:
    """The fixed rule that splits the corpus by the SHA-256 of the document id: "blind" (first
    hex digit 0 or 1, one text in eight), "dev" (2 or 3, one in eight) or "model" (the rest)."""
    first = hashlib.sha256(document_id.encode("utf-8")).hexdigest()[0]
    return "blind" if first in "01" else "dev" if first in "23" else "model"


def is_held_out(document_id: str) -> bool:
    """Whether the character model must not learn from this text, because it is measured."""
    return corpus_part(document_id) != "model"


def corpus_documents(corpus: Path = CORPUS) -> Iterator[dict]:
    for path in sorted(corpus.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)


def sample(documents: list[dict], part: str, count: int) -> list[tuple[str, str]]:
    """The first count eligible texts of one part, in the order of their id's hash."""
    eligible = [
        (hashlib.sha256(d["id"].encode()).hexdigest(), d["id"], d["text"])
        for d in documents
        if corpus_part(d["id"]) == part and MIN_CHARS <= len(d["text"]) <= MAX_CHARS
    ]
    return [(doc_id, text) for _, doc_id, text in sorted(eligible)[:count]]


def main(argv: list[str] | None = None) -> None:
    from replies.ingest.charmodel import default_model
    from replies.ingest.mojibake import find_damage, repair_mojibake
    from tests.ingest.mojibake_simulator import KINDS, corrupt, damage, edit_distance, original_for

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=160, help="development corpus texts to damage")
    parser.add_argument("--blind", type=int, default=80, help="blind corpus texts to damage")
    parser.add_argument("--kinds", default="", help="comma-separated kinds (default: all)")
    parser.add_argument("--no-clean", action="store_true", help="skip the clean-corpus check")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every text that is not exact")
    parser.add_argument("--big5-trial", type=int, default=0, metavar="N",
                        help="instead: what UTF-8 read as Big5 loses, and what the search fills on N texts' first lines")
    args = parser.parse_args(argv)
    if args.big5_trial:
        big5_trial(sample(list(corpus_documents()), "dev", args.texts), args.big5_trial)
        return
    kinds = [k for k in args.kinds.split(",") if k] or list(KINDS)

    default_model()
    documents = list(corpus_documents())
    seeds = [(path.name[:3], path.read_text(encoding="utf-8")) for path in sorted(SEEDS.glob("*.txt"))]
    parts = {
        "seeds": [(name, text) for name, text in seeds if name != "001"],
        "dev": sample(documents, "dev", args.texts),
        "blind": sample(documents, "blind", args.blind),
    }

    started = time.perf_counter()
    print(f"{'kind':<24} {'part':<6} {'texts':>5} {'input':>8} {'output':>8} {'exact':>6} {'worse':>5} {'flagged':>7} {'sec':>6}")
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for kind in kinds:
        lossless = KINDS[kind][1]
        for part, texts in parts.items():
            kind_started = time.perf_counter()
            sums = {"chars": 0, "in_err": 0, "out_err": 0, "exact": 0, "worse": 0, "flagged": 0}
            for name, text in texts:
                original = original_for(kind, text)
                damaged = damage(kind, text)
                repair = repair_mojibake(damaged)
                out_distance = edit_distance(original, repair.text)
                in_distance = edit_distance(original, damaged)
                sums["chars"] += len(original)
                sums["in_err"] += min(in_distance, len(original))
                sums["out_err"] += min(out_distance, len(original))
                sums["exact"] += repair.text == original
                sums["worse"] += out_distance > in_distance
                sums["flagged"] += bool(repair.unrepaired or repair.uncertain)
                if args.verbose and repair.text != original:
                    print(f"    {kind} {part} {name}: distance {out_distance}, kinds {repair.kinds}, unrepaired {len(repair.unrepaired)}")
            totals[part][0] += sums["worse"]
            chars = max(1, sums["chars"])
            print(
                f"{kind:<24} {part:<6} {len(texts):>5} {1 - sums['in_err'] / chars:>8.2%} {1 - sums['out_err'] / chars:>8.2%} "
                f"{sums['exact']:>6} {sums['worse']:>5} {sums['flagged']:>7} {time.perf_counter() - kind_started:>6.1f}"
                + ("" if lossless else "  (lossy)")
            )
    seed_001 = dict(seeds)["001"]
    repaired_001 = repair_mojibake(seed_001)
    print(f"seed 001 (real damage): kinds {repaired_001.kinds}, "
          f"{'round-trip' if corrupt(repaired_001.text) == seed_001 else 'MISMATCH'}, "
          f"{len(repaired_001.low_confidence)} low-confidence, {len(repaired_001.unrepaired)} unrepaired")
    print(f"worse than input: dev {totals['dev'][0]}, blind {totals['blind'][0]}, seeds {totals['seeds'][0]}")

    if not args.no_clean:
        clean_started = time.perf_counter()
        identical = flagged = 0
        for name, text in [*seeds[:1], *seeds[2:], *((d["id"], d["text"]) for d in documents)]:
            repair = repair_mojibake(text)
            identical += repair.text == text
            damaged_here = find_damage(text)
            flagged += bool(damaged_here)
            if args.verbose and (repair.text != text or damaged_here):
                print(f"    clean {name}: changed {repair.text != text}, flagged {[s.text for s in damaged_here][:3]}")
        total = len(documents) + len(seeds) - 1
        print(f"clean texts: {identical}/{total} byte-identical, {flagged} flagged "
              f"({time.perf_counter() - clean_started:.0f} s)")
    print(f"total {time.perf_counter() - started:.0f} s")


def big5_trial(texts: list[tuple[str, str]], count: int, lines: int = 4) -> None:
    """Bytes lost by each Big5 decoder, and the lost-byte search let loose on what is left."""
    import replies.ingest.mojibake_lost_bytes as lost_bytes
    from replies.ingest.charmodel import default_model
    from tests.ingest.mojibake_simulator import edit_distance

    high_bytes = sum(byte >= 0x80 for _, text in texts for byte in text.encode("utf-8"))
    for codec in ("big5", "cp950", "big5hkscs", "gbk", "gb18030"):
        lost = sum(text.encode("utf-8").decode(codec, errors="replace").count("\ufffd") for _, text in texts)
        print(f"{codec:<10} loses {lost}/{high_bytes} non-ASCII bytes ({lost / high_bytes:.1%})")
    lost_bytes.MAX_LOST_SHARE = 1.0  # the limit the repair keeps, lifted for the trial
    model = default_model()
    for codec in ("big5", "big5hkscs"):
        started = time.perf_counter()
        chars = errors = 0
        for _, text in texts[:count]:
            for line in [line for line in text.split("\n") if not line.isascii()][:lines]:
                damaged = line.encode("utf-8").decode(codec, errors="replace")
                reading = lost_bytes.read_lost_bytes(damaged, codec, model)
                chars += len(line)
                errors += min(len(line), edit_distance(line, reading.text if reading else damaged))
        print(f"{codec:<10} filled: {1 - errors / max(1, chars):.1%} of {chars} characters "
              f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
