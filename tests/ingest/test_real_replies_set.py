"""The real-replies set (fixtures/real_replies) is whole and well-formed.

Checks the set, not the extractor: how many replies, how they are spread, that texts and expectations
match one to one, that the dev/blind split is by site, and that every expected field has the right
shape. Extraction accuracy is measured by scripts/measure_extraction.py --set real, never asserted here.
"""
import datetime
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REAL_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "real_replies"
NAME_RE = re.compile(r"^(?P<province>[a-z]+)_(?P<level>ministry|province|city|district|county|township)_"
                     r"(?P<kind>npc|cppcc|other)_(?P<nn>\d{2})\.txt$")
KINDS = {"npc": "npc_suggestion", "cppcc": "cppcc_proposal", "other": "other"}
TEXT_FIELDS = ("title", "doc_number", "session", "proposal_number", "proposal_title", "issuing_organ",
               "signer", "handler", "phone")
KEYS = {"source_url", "site", "province", "level", "year", "part", "complete", "title", "kind", "doc_number",
        "session", "proposal_number", "addressees", "proposal_title", "issuing_organ", "date", "signer",
        "handler", "phone", "cc", "notes"}


@pytest.fixture(scope="module")
def expected() -> dict[str, dict]:
    return json.loads((REAL_DIR / "expected.json").read_text(encoding="utf-8"))


def site_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    if re.fullmatch(r"[\d.]+", host):
        return host
    labels = host.split(".")
    if labels[-2:] in (["gov", "cn"], ["org", "cn"], ["com", "cn"], ["net", "cn"]):
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def test_the_set_is_big_and_spread_enough(expected):
    assert len(expected) >= 150
    assert sum(1 for spec in expected.values() if spec["part"] == "blind") >= 50
    assert sum(1 for spec in expected.values() if spec["part"] == "dev") >= 50
    provinces = {spec["province"] for spec in expected.values()} - {"national"}
    assert len(provinces) >= 20
    assert {spec["kind"] for spec in expected.values()} >= {"npc_suggestion", "cppcc_proposal"}
    assert len({spec["level"] for spec in expected.values()}) >= 5


def test_every_text_is_listed_and_every_listing_has_its_text(expected):
    texts = {path.name for path in REAL_DIR.glob("*.txt")}
    assert texts == set(expected)


def test_texts_are_nonempty_utf8(expected):
    for name in expected:
        text = (REAL_DIR / name).read_bytes().decode("utf-8")
        assert text.strip(), name


def test_names_agree_with_the_metadata(expected):
    for name, spec in expected.items():
        m = NAME_RE.match(name)
        assert m, name
        assert m["province"] == spec["province"], name
        assert m["level"] == spec["level"], name
        assert KINDS[m["kind"]] == spec["kind"], name


def test_parts_are_split_by_site(expected):
    parts_of_site: dict[str, set[str]] = {}
    for name, spec in expected.items():
        assert spec["part"] in ("dev", "blind"), name
        assert spec["site"] == site_of(spec["source_url"]), name
        parts_of_site.setdefault(spec["site"], set()).add(spec["part"])
    assert [site for site, parts in parts_of_site.items() if len(parts) > 1] == []


def test_each_source_is_used_once(expected):
    urls = [spec["source_url"] for spec in expected.values()]
    assert len(urls) == len(set(urls))
    assert all(urlsplit(url).scheme in ("http", "https") for url in urls)


def test_fields_have_the_right_shapes(expected):
    for name, spec in expected.items():
        assert set(spec) == KEYS, name
        assert isinstance(spec["complete"], bool), name
        assert spec["year"] is None or (isinstance(spec["year"], int) and 2000 <= spec["year"] <= 2030), name
        assert spec["kind"] in ("npc_suggestion", "cppcc_proposal", "other"), name
        assert isinstance(spec["notes"], str), name
        for field in TEXT_FIELDS:
            assert spec[field] is None or isinstance(spec[field], str), (name, field)
        if spec["addressees"] is not None:
            assert isinstance(spec["addressees"], list), name
            for item in spec["addressees"]:
                assert isinstance(item, list) and len(item) == 2, name
                assert isinstance(item[0], str) and item[0], name
                assert item[1] in ("delegate", "member", ""), name
        if spec["cc"] is not None:
            assert isinstance(spec["cc"], list) and all(isinstance(c, str) and c for c in spec["cc"]), name
        date = spec["date"]
        assert date is None or date == "" or datetime.date.fromisoformat(date), name
        if spec["doc_number"]:  # brackets normalised to 〔〕, as the extractor stores them
            assert not re.search(r"[\[【［(（]\d{4}[\]】］)）]", spec["doc_number"]), name
        if spec["proposal_number"]:
            assert not spec["proposal_number"].startswith("第") and not spec["proposal_number"].endswith("号"), name


def test_a_complete_reply_has_every_field_judged(expected):
    """null means 'cannot be judged'; in a complete reply that is rare (a garbled date, a signer named only in
    prose) and the notes say why."""
    for name, spec in expected.items():
        open_fields = [f for f in ("title", "kind", "doc_number", "session", "proposal_number", "addressees",
                                   "proposal_title", "issuing_organ", "date", "signer", "handler", "phone", "cc")
                       if spec[f] is None]
        if spec["complete"]:
            assert len(open_fields) <= 2, (name, open_fields)
            assert open_fields == [] or spec["notes"], name
