"""Measure the mojibake repair on the seeds.

Damages each clean seed the way seed 001 was damaged (tests/ingest/mojibake_simulator.py,
which needs ftfy 6.2), repairs it, and prints character accuracy, residual mojibake and the
number of low-confidence spots; for seed 001 itself, whose original is not known, it prints
the residual mojibake, the low-confidence spots and whether damaging the repair again gives
the seed back.

    python scripts/measure_mojibake.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from replies.ingest.mojibake import default_model, looks_like_mojibake, repair_mojibake  # noqa: E402
from tests.ingest.mojibake_simulator import character_accuracy, corrupt, residual_mojibake  # noqa: E402

SEEDS = REPO / "fixtures" / "seeds"


def main() -> None:
    default_model()  # load outside the timings
    print(f"{'seed':<28} {'chars':>6} {'damaged':>8} {'accuracy':>9} {'residual':>9} {'low-conf':>9} {'seconds':>8}")
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        damaged = text if looks_like_mojibake(text) else corrupt(text)
        started = time.perf_counter()
        repair = repair_mojibake(damaged)
        seconds = time.perf_counter() - started
        if damaged is text:
            accuracy = "round-trip" if corrupt(repair.text) == text else "mismatch"
        else:
            accuracy = f"{character_accuracy(text, repair.text):.2%}"
        damaged_chars = sum(len(span.damaged) for span in repair.spans)
        print(
            f"{path.name:<28} {len(repair.text):>6} {damaged_chars:>8} {accuracy:>9} "
            f"{residual_mojibake(repair.text):>9} {len(repair.low_confidence):>9} {seconds:>8.2f}"
        )


if __name__ == "__main__":
    main()
