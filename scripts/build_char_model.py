"""Build the character model that replies.ingest.mojibake uses to repair damaged text.

Counts characters, character pairs and triples in clean Chinese text: the benchmark corpus (which is
not shipped with the project) without the parts scripts/measure_mojibake.py measures, the
clean seed documents, and the words of jieba's
dictionary weighted by their frequency. Rare pairs are pruned so that the result stays small.

    python scripts/build_char_model.py [--corpus ../shared/corpus] [--output PATH]
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import jieba  # noqa: E402

from replies.ingest.charmodel import LINE_BREAK_SYMBOL, MODEL_FORMAT, MODEL_PATH, lm_symbol  # noqa: E402
from replies.ingest.mojibake_lossy_cp1252 import FULLWIDTH_BY_ASCII, is_cjk_context, looks_like_mojibake  # noqa: E402
from scripts.measure_mojibake import is_held_out  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
SEEDS = REPO / "fixtures" / "seeds"
CORPUS_TEXT_FIELDS = ("title", "text", "message_text")
# jieba's frequencies sum to about 60 million words, several times the corpus; this scales
# its word-internal pairs to a supporting role.
JIEBA_WEIGHT = 0.1
MIN_BIGRAM_COUNT = 3
# Trigrams are counted in the texts only (not jieba's words) and pruned harder: they only help
# to choose the characters that lost bytes.
MIN_TRIGRAM_COUNT = 5


def corpus_texts(corpus: Path) -> Iterator[str]:
    files = sorted(corpus.glob("*.jsonl.gz"))
    if not files:
        raise SystemExit(f"no *.jsonl.gz files in {corpus}")
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                document = json.loads(line)
                if is_held_out(document["id"]):
                    continue  # measured by scripts/measure_mojibake.py, so never learnt from
                for field in CORPUS_TEXT_FIELDS:
                    if document.get(field):
                        yield document[field]


def clean_seed_texts() -> Iterator[str]:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if not looks_like_mojibake(text):
            yield text


def symbols(text: str) -> str:
    return LINE_BREAK_SYMBOL + "".join(map(lm_symbol, text)) + LINE_BREAK_SYMBOL


def count_texts(texts: Iterable[str], unigrams: Counter, bigrams: Counter, trigrams: Counter) -> None:
    for text in texts:
        sequence = symbols(text)
        unigrams.update(sequence)
        bigrams.update(map(str.__add__, sequence, sequence[1:]))
        trigrams.update(sequence[i : i + 3] for i in range(len(sequence) - 2))


def count_jieba_words(unigrams: Counter, bigrams: Counter) -> None:
    dictionary = Path(jieba.__file__).parent / "dict.txt"
    with dictionary.open(encoding="utf-8") as lines:
        for line in lines:
            word, frequency, *_ = line.split(" ")
            weight = int(frequency) * JIEBA_WEIGHT
            sequence = "".join(map(lm_symbol, word))
            for char in sequence:
                unigrams[char] += weight
            for pair in map(str.__add__, sequence, sequence[1:]):
                bigrams[pair] += weight


def fullwidth_share(texts: Iterable[str]) -> float:
    """Share of full-width marks among ，：；（）！？ and their ASCII forms in Chinese context."""
    pattern = re.compile("[" + re.escape("".join(k + v for k, v in FULLWIDTH_BY_ASCII.items())) + "]")
    fullwidth = ascii_ = 0
    for text in texts:
        for match in pattern.finditer(text):
            before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
            if is_cjk_context(before) or is_cjk_context(after):
                if match.group() in FULLWIDTH_BY_ASCII:
                    ascii_ += 1
                else:
                    fullwidth += 1
    return fullwidth / max(1, fullwidth + ascii_)


def write_model(path: Path, unigrams: Counter, bigrams: Counter, trigrams: Counter, prior: float) -> tuple[int, int]:
    successor_types: Counter = Counter(pair[0] for pair in bigrams)
    kept = sorted(pair for pair, count in bigrams.items() if count >= MIN_BIGRAM_COUNT)
    context_counts: Counter = Counter()
    context_types: Counter = Counter()
    for triple, count in trigrams.items():
        context_counts[triple[:2]] += count
        context_types[triple[:2]] += 1
    kept_trigrams = sorted(triple for triple, count in trigrams.items() if count >= MIN_TRIGRAM_COUNT)
    contexts = sorted({triple[:2] for triple in kept_trigrams})
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical when it is rebuilt from the same inputs.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as zipped:
        lines = [f"#{MODEL_FORMAT}", f"P\tfullwidth_prior\t{prior:.4f}"]
        lines += (f"U\t{char}\t{round(unigrams[char])}\t{successor_types[char]}" for char in sorted(unigrams))
        lines += (f"B\t{pair}\t{round(bigrams[pair])}" for pair in kept)
        lines += (f"C\t{pair}\t{context_counts[pair]}\t{context_types[pair]}" for pair in contexts)
        lines += (f"T\t{triple}\t{trigrams[triple]}" for triple in kept_trigrams)
        zipped.write(("\n".join(lines) + "\n").encode("utf-8"))
    return len(kept), len(kept_trigrams)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="directory of *.jsonl.gz corpus files")
    parser.add_argument("--output", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)

    unigrams: Counter = Counter()
    bigrams: Counter = Counter()
    trigrams: Counter = Counter()
    texts = [*corpus_texts(args.corpus), *clean_seed_texts()]
    count_texts(texts, unigrams, bigrams, trigrams)
    prior = fullwidth_share(texts)
    count_jieba_words(unigrams, bigrams)
    kept, kept_trigrams = write_model(args.output, unigrams, bigrams, trigrams, prior)
    print(
        f"{args.output}: {len(texts)} texts, {len(unigrams)} symbols, {kept} of {len(bigrams)} pairs, "
        f"{kept_trigrams} of {len(trigrams)} triples, "
        f"full-width prior {prior:.3f}, {args.output.stat().st_size / 1e6:.2f} MB"
    )


if __name__ == "__main__":
    main()
