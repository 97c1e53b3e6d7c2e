"""Per-field accuracy on the dev real replies under layout variants (a robustness probe, not a test).

    .venv/bin/python scripts/probe_layout_variants.py [variant …] [-v]

Each variant rewrites every dev text of fixtures/real_replies the way some pages print a reply (ASCII
punctuation, the whole page run into one line, a site's name above the title …) and measures the fields
against the same expectations. Only the dev part is read: the blind part stays unseen.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from measure_extraction import REAL_DIR, REAL_FIELDS, load_real, real_comparable, real_expected  # noqa: E402

from replies.ingest.cleanup import repair_pdf_artifacts  # noqa: E402
from replies.ingest.extract import extract_fields  # noqa: E402

_DIGITS = "〇一二三四五六七八九"


def _cn_number(n: str) -> str:
    value = int(n)
    if value < 10:
        return _DIGITS[value]
    return ("" if value < 20 else _DIGITS[value // 10]) + "十" + ("" if value % 10 == 0 else _DIGITS[value % 10])


def _chinese_sign_off_date(text: str) -> str:
    dates = list(re.finditer(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日", text))
    if not dates:
        return text
    m = dates[-1]
    year = "".join(_DIGITS[int(c)] for c in m[1])
    return f"{text[:m.start()]}{year}年{_cn_number(m[2])}月{_cn_number(m[3])}日{text[m.end():]}"


def _honorific(text: str) -> str:
    def greet(m: re.Match[str]) -> str:
        names = m[1] if m[1].startswith("尊敬") else "尊敬的" + m[1]
        return names + m[2] + "您好！"
    return re.sub(r"(?m)^([^\n：:]{2,30}?(?:代表|委员))([：:])", greet, text, count=1)


def _class_mark_after_title(text: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if re.search(r"(?:答复|复函|的函)$", line.strip()) and len(line) < 80:
            lines[i] = line.rstrip() + "（B类）"
            break
    return "\n".join(lines)


def _paragraphs_joined(text: str) -> str:
    out, run = [], ""
    for line in text.split("\n"):
        if len(line.strip()) > 40:
            run += line.strip()
            continue
        if run:
            out.append(run)
            run = ""
        out.append(line)
    return "\n".join(out + ([run] if run else []))


def _spaced_labels(text: str) -> str:
    for label in ("联系人", "联系电话", "签发人", "抄送"):
        text = re.sub(rf"{label}(?=[:：])", " ".join(label), text)
    return text


VARIANTS = {
    "none": lambda t: t,
    "ascii": lambda t: t.translate(str.maketrans("：（），；", ":(),;")),
    "one-line": lambda t: "".join(line.strip() for line in t.split("\n")),
    "honorific": _honorific,
    "site-heading": lambda t: "某某县人民政府\n首页 > 信息公开 > 建议提案\n" + t,
    "indent": lambda t: t.replace("\n", "\n\u3000\u3000"),
    "chinese-date": _chinese_sign_off_date,
    "spaced-labels": _spaced_labels,
    "no-colon": lambda t: re.sub(r"(?m)^((?:尊敬的)?[^\n：:]{2,30}?(?:代表|委员))[：:]\s*$", r"\1", t, count=1),
    "class-mark": _class_mark_after_title,
    "joined-paragraphs": _paragraphs_joined,
}


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    names = [a for a in argv if a != "-v"] or list(VARIANTS)
    replies = load_real()
    dev = sorted(n for n, spec in replies.items() if spec["part"] == "dev")
    for variant in names:
        right, judged, misses = Counter(), Counter(), []
        for name in dev:
            text = VARIANTS[variant]((REAL_DIR / name).read_text(encoding="utf-8"))
            actual = real_comparable(extract_fields(repair_pdf_artifacts(text)))
            for field, want in real_expected(replies[name]).items():
                judged[field] += 1
                if actual[field] == want:
                    right[field] += 1
                else:
                    misses.append((name, field, want, actual[field]))
        shares = " ".join(f"{f}={100 * right[f] / judged[f]:.0f}" for f in REAL_FIELDS if judged[f])
        print(f"{variant:<18} {100 * sum(right.values()) / sum(judged.values()):5.1f}%  {shares}")
        if verbose:
            for name, field, want, got in misses:
                print(f"    {name} {field}: expected {want!r}, got {got!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
