"""Permalinks, feeds, sitemap, robots.txt, statistics, exports, the detail page's outline and print CSS, error pages."""
import csv
import io
import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from replies.models import Reply
from search.selectors import SearchParams, reply_search
from tests.archive_data import DRAFT_DOC_NUMBER, DRAFT_SIGNER, committed_archive
from tests.conftest import seed_path

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, tmp_path_factory):
    with committed_archive(django_db_blocker, tmp_path_factory.mktemp("media")) as data:
        yield data


@pytest.fixture(autouse=True)
def media_root(settings):
    """Replaces tests/conftest.py's: the module's archive keeps its originals in its own folder."""
    return settings.MEDIA_ROOT


@pytest.fixture
def seeds(archive, db):
    return archive.seeds


@pytest.fixture
def draft(archive, db):
    return archive.draft


def published_replies():
    return Reply.objects.filter(status=Reply.Status.PUBLISHED)


# --- permalinks ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("printed", [
    "常工信复〔2021〕第22号", "常工信复[2021]22号", "常工信复［2021］第022号", "常工信复【2021】22号",
    "常工信复(2021)22号", "常工信复（2021）第22号", "常工信复 〔2021〕 第 22 号",
])
def test_permalink_by_doc_number_in_any_bracket_style(client, seeds, printed):
    response = client.get(f"/replies/{printed}/")
    assert response.status_code in (301, 302)
    assert response["Location"] == seeds["000"].get_absolute_url()


def test_permalink_url_encoded_and_by_parts(client, seeds):
    target = seeds["003"].get_absolute_url()
    assert client.get("/replies/" + quote("常工信复〔2021〕第47号") + "/")["Location"] == target
    assert client.get("/replies/" + quote("常工信复[2021]47号", safe="") + "/")["Location"] == target
    assert client.get("/replies/2021/常工信复/47/")["Location"] == target
    assert client.get("/replies/2021/" + quote("常工信复") + "/047/")["Location"] == target
    # Without the issuer: found when only one reply has that year and serial.
    assert client.get("/replies/〔2021〕47号/")["Location"] == target
    # The numeric id still leads to the page itself.
    assert client.get(target).status_code == 200


@pytest.mark.parametrize("path", [
    "/replies/常工信复〔2021〕第999号/", "/replies/常工信复〔1999〕第22号/", "/replies/没有文号/",
    "/replies/2021/常工信复/999/", "/replies/2021/不存在/22/", "/replies/2021/常工信复/abc/",
])
def test_unknown_doc_number_is_a_chinese_404(client, seeds, path):
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert "找不到这个页面" in page and 'lang="zh-CN"' in page


def test_draft_permalink_only_for_staff(client, draft):
    path = f"/replies/{DRAFT_DOC_NUMBER}/"
    assert client.get(path).status_code == 404
    client.force_login(User.objects.create_user("staff", password="a-long-test-password", is_staff=True))
    assert client.get(path)["Location"] == draft.get_absolute_url()


def test_detail_page_shows_its_permalink(client, seeds):
    page = client.get(seeds["000"].get_absolute_url()).content.decode()
    assert "本文链接" in page
    assert "http://testserver/replies/常工信复〔2021〕第22号/" in page
    assert 'href="http://testserver/replies/' + quote("常工信复〔2021〕第22号") + '/"' in page


# --- feeds --------------------------------------------------------------------------------------------------


def atom_entries(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    return entries


def entry_links(entries) -> list[str]:
    return [entry.find(f"{ATOM}link").get("href").removeprefix("http://testserver") for entry in entries]


def test_latest_feed_is_atom_with_published_replies_only(client, seeds, draft):
    entries = atom_entries(client.get("/replies/feed/"))
    assert sorted(entry_links(entries)) == sorted(reply.get_absolute_url() for reply in seeds.values())
    assert draft.get_absolute_url() not in entry_links(entries)
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert any("常工信复〔2021〕第22号" in title for title in titles)


def test_search_feed_honours_query_and_filters(client, seeds, draft):
    everything = entry_links(atom_entries(client.get("/search/feed/", {"q": "石墨烯"})))
    npc_only = entry_links(atom_entries(client.get("/search/feed/", {"q": "石墨烯", "kind": "npc_suggestion"})))
    expected = reply_search(params=SearchParams(q="石墨烯", kind="npc_suggestion"), include_drafts=False)
    assert sorted(npc_only) == sorted(hit.get_absolute_url() for hit in expected[:50])
    assert npc_only and set(npc_only) < set(everything)
    kinds = {reply.kind for reply in Reply.objects.filter(pk__in=[int(link.split("/")[2]) for link in npc_only])}
    assert kinds == {"npc_suggestion"}
    # The draft, a copy of seed 000, matches 石墨烯 too, but feeds are public.
    assert draft.get_absolute_url() not in everything
    root = ET.fromstring(client.get("/search/feed/", {"q": "石墨烯", "kind": "npc_suggestion"}).content)
    assert "石墨烯" in root.find(f"{ATOM}title").text
    self_link = next(link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self")
    assert "kind=npc_suggestion" in self_link and "q=" in self_link


def test_topic_and_signer_feeds(client, seeds, draft):
    topic = seeds["000"].topics.first()
    links = entry_links(atom_entries(client.get(f"/topics/{topic.slug}/feed/")))
    assert sorted(links) == sorted(r.get_absolute_url() for r in published_replies().filter(topics=topic))
    assert client.get("/topics/no-such-topic/feed/").status_code == 404

    signer = seeds["000"].signer
    links = entry_links(atom_entries(client.get(f"/signers/{signer}/feed/")))
    assert sorted(links) == sorted(r.get_absolute_url() for r in published_replies().filter(signer=signer))
    # Only the draft has this signer: nothing published, no feed.
    assert client.get(f"/signers/{DRAFT_SIGNER}/feed/").status_code == 404


def test_pages_announce_their_feeds(client, seeds):
    def alternate(path, params=None):
        page = client.get(path, params or {}).content.decode()
        head = page.split("</head>", 1)[0]
        assert 'rel="alternate" type="application/atom+xml"' in head
        return head

    assert 'href="/replies/feed/"' in alternate("/")
    assert 'href="/replies/feed/"' in alternate("/replies/")
    topic = seeds["000"].topics.first()
    assert f'href="/topics/{topic.slug}/feed/"' in alternate(topic.get_absolute_url())
    signer = seeds["000"].signer
    assert f'href="/signers/{quote(signer)}/feed/"' in alternate("/replies/", {"signer": signer})


# --- sitemap and robots.txt ---------------------------------------------------------------------------------


def test_sitemap_lists_published_replies_and_no_drafts(client, seeds, draft):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and "xml" in response["Content-Type"]
    root = ET.fromstring(response.content)
    locations = [url.find(f"{SITEMAP}loc").text.removeprefix("http://testserver") for url in root.findall(f"{SITEMAP}url")]
    for reply in seeds.values():
        assert reply.get_absolute_url() in locations
    assert draft.get_absolute_url() not in locations
    assert "/" in locations and "/stats/" in locations
    assert seeds["000"].topics.first().get_absolute_url() in locations
    assert len(locations) == len(set(locations))


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines and "Disallow: /api/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


# --- statistics ---------------------------------------------------------------------------------------------


def expected_statistics(replies) -> dict:
    per_year_kind = Counter((reply.year, reply.kind) for reply in replies)
    return {
        "total": len(replies),
        "by_year_and_kind": {(year, kind): n for (year, kind), n in per_year_kind.items()},
        "by_session": Counter(reply.session for reply in replies if reply.session),
        "by_signer": Counter(reply.signer for reply in replies if reply.signer),
        "by_topic": Counter(topic.slug for reply in replies for topic in reply.topics.all()),
        "by_organ": Counter(reply.issuing_organ for reply in replies if reply.issuing_organ),
        "by_month": Counter(reply.date.month for reply in replies if reply.date),
        "undated": sum(reply.year is None for reply in replies),
    }


def statistics_as_counts(data: dict) -> dict:
    return {
        "total": data["total"],
        "by_year_and_kind": {(row["year"], kind): n for row in data["by_year_and_kind"]
                             for kind, n in row["counts"].items() if n},
        **{name: Counter({item["value"]: item["count"] for item in data[name]})
           for name in ("by_session", "by_signer", "by_topic", "by_organ")},
        "by_month": Counter({item["month"]: item["count"] for item in data["by_month"] if item["count"]}),
        "undated": data["undated"],
    }


def test_statistics_json_equals_database_counts(client, seeds, draft):
    public = client.get("/api/stats/").json()
    assert public["includes_drafts"] is False
    assert statistics_as_counts(public) == expected_statistics(list(published_replies()))
    for row in public["by_year_and_kind"]:
        assert row["total"] == sum(row["counts"].values())
    assert DRAFT_SIGNER not in {item["value"] for item in public["by_signer"]}

    client.force_login(User.objects.create_user("staff", password="a-long-test-password", is_staff=True))
    staff = client.get("/api/stats/").json()
    assert staff["includes_drafts"] is True
    assert statistics_as_counts(staff) == expected_statistics(list(Reply.objects.all()))
    assert staff["total"] == public["total"] + 1


def test_statistics_page_draws_charts_beside_tables(client, seeds):
    response = client.get("/stats/")
    page = response.content.decode()
    assert response.status_code == 200
    # per year and kind, session, topic, signer, 发布机构, 办理类别 and 满意度 per year, and month
    assert page.count("<svg") == 8 and page.count('role="img"') == 8
    # … and tables of 办理类别 and 满意度 per 发布机构 as well
    assert page.count("<table") == 10 and page.count("<caption>") == 10
    assert 'scope="col"' in page and 'scope="row"' in page
    assert "<script" not in page
    signer = seeds["000"].signer
    count = published_replies().filter(signer=signer).count()
    assert f'data-label="{signer}" data-values="{count}" data-total="{count}"' in page
    assert "包括草稿" not in page


def test_staff_statistics_count_drafts_and_say_so(client, seeds, draft):
    client.force_login(User.objects.create_user("staff", password="a-long-test-password", is_staff=True))
    page = client.get("/stats/").content.decode()
    assert "包括草稿" in page
    assert f'data-label="{DRAFT_SIGNER}" data-values="1" data-total="1"' in page
    assert f"共 {Reply.objects.count()} 份" in page


# --- exports ------------------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf"), "a BOM, so that Excel reads UTF-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_of_a_search(client, seeds, draft):
    header, *rows = read_csv(client.get("/search/export.csv", {"kind": "cppcc_proposal"}))
    assert header[:4] == ["编号", "文号", "标题", "类别"] and header[-1] == "链接"
    assert "签发人" in header and "答复对象" in header and "成文日期" in header
    expected = published_replies().filter(kind="cppcc_proposal")
    assert sorted(int(row[0]) for row in rows) == sorted(reply.pk for reply in expected)
    by_id = {int(row[0]): dict(zip(header, row)) for row in rows}
    reply = seeds["003"]
    assert by_id[reply.pk]["文号"] == "常工信复〔2021〕第47号"
    assert by_id[reply.pk]["类别"] == "政协提案"
    assert by_id[reply.pk]["链接"] == f"http://testserver{reply.get_absolute_url()}"
    assert all(row["类别"] == "政协提案" for row in by_id.values())

    _, *searched = read_csv(client.get("/search/export.csv", {"q": "石墨烯"}))
    found = reply_search(params=SearchParams(q="石墨烯"), include_drafts=False).count()
    assert len(searched) == found and str(draft.pk) not in {row[0] for row in searched}


def test_exports_include_drafts_for_staff_only(client, draft):
    _, *public_rows = read_csv(client.get("/search/export.csv"))
    client.force_login(User.objects.create_user("staff2", password="a-long-test-password", is_staff=True))
    _, *staff_rows = read_csv(client.get("/search/export.csv"))
    assert str(draft.pk) in {row[0] for row in staff_rows} and str(draft.pk) not in {row[0] for row in public_rows}
    assert len(staff_rows) == len(public_rows) + 1


def test_json_export_of_a_search(client, seeds):
    response = client.get("/search/export.json", {"q": "石墨烯", "kind": "npc_suggestion"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    expected = reply_search(params=SearchParams(q="石墨烯", kind="npc_suggestion"), include_drafts=False)
    assert data["query"] == {"q": "石墨烯", "kind": "npc_suggestion"}
    assert data["total"] == data["count"] == expected.count() == len(data["results"]) and data["truncated"] is False
    assert [item["id"] for item in data["results"]] == [hit.reply_id for hit in expected[:100]]
    first = data["results"][0]
    assert {"doc_number", "title", "kind", "addressees", "signer", "date", "topics", "url"} <= set(first)
    assert first["kind"] == "npc_suggestion"


def test_exports_stop_at_the_cap(client, seeds, monkeypatch):
    monkeypatch.setattr("replies.views.EXPORT_CAP", 2)
    response = client.get("/search/export.json")
    data = json.loads(response.content)
    assert data["count"] == 2 and data["total"] == 5 and data["truncated"] is True
    _, *rows = read_csv(client.get("/search/export.csv"))
    assert len(rows) == 2


def test_archive_jsonl_holds_every_published_reply_and_no_draft(client, seeds, draft):
    response = client.get("/exports/archive.jsonl")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert "attachment" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert sorted(record["id"] for record in records) == sorted(reply.pk for reply in seeds.values())
    assert draft.pk not in {record["id"] for record in records}
    by_id = {record["id"]: record for record in records}
    reply = seeds["000"]
    assert by_id[reply.pk]["body"] == reply.body
    assert by_id[reply.pk]["doc_number"] == "常工信复〔2021〕第22号"
    assert by_id[reply.pk]["source_sha256"] == reply.source_files.get().sha256


def test_browse_page_links_its_exports(client, seeds):
    topic = seeds["000"].topics.first()
    page = client.get(topic.get_absolute_url(), {"kind": "npc_suggestion"}).content.decode()
    assert f'href="/search/export.csv?kind=npc_suggestion&amp;topic={topic.slug}"' in page
    assert f'href="/search/export.json?kind=npc_suggestion&amp;topic={topic.slug}"' in page
    # The links download exactly the browsed list.
    _, *rows = read_csv(client.get("/search/export.csv", {"kind": "npc_suggestion", "topic": topic.slug}))
    expected = published_replies().filter(kind="npc_suggestion", topics=topic)
    assert sorted(int(row[0]) for row in rows) == sorted(reply.pk for reply in expected)


def test_csv_cells_that_look_like_formulas_are_neutralised():
    from replies.exports import csv_safe

    assert csv_safe("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert csv_safe("+1") == "'+1" and csv_safe("@SUM") == "'@SUM" and csv_safe("-2") == "'-2"
    assert csv_safe("常工信复〔2021〕第22号") == "常工信复〔2021〕第22号" and csv_safe("") == ""


# --- the detail page ----------------------------------------------------------------------------------------


def test_detail_page_outline_links_to_its_sections(client, seeds):
    page = client.get(seeds["000"].get_absolute_url()).content.decode()
    assert '<nav class="outline" aria-labelledby="outline-heading">' in page
    outline = page.split('<nav class="outline"', 1)[1].split("</nav>", 1)[0]
    anchors = [part.split('"', 1)[0] for part in outline.split('href="#')[1:]]
    assert len(anchors) == 4
    for anchor, label in zip(anchors, ["一、", "二、", "三、", "四、"]):
        assert f'<p id="{anchor}" class="section-start">{label}' in page
    assert "产业结构不断优化" in outline


def test_detail_page_shows_addressee_and_proposal_prominently(client, seeds):
    reply = seeds["000"]
    page = client.get(reply.get_absolute_url()).content.decode()
    header = page.split("<header>", 1)[1].split("</header>", 1)[0]  # the reply's header (the site's has a class)
    assert "<strong>朱红代表</strong>" in header
    assert f"《{reply.proposal_title}》" in header and "第099号" in header


def test_print_stylesheet_prints_the_reply_without_the_site_around_it():
    css = Path(finders.find("css/site.css")).read_text(encoding="utf-8")
    assert "@media print" in css
    print_css = css.split("@media print", 1)[1]
    for hidden in (".site-header", ".site-footer", ".search-form", ".related", ".citations", ".download", ".outline"):
        assert hidden in print_css.split("display: none")[0], hidden
    assert ".permalink" in print_css and ":focus-visible" in css


# --- empty and error pages ----------------------------------------------------------------------------------


def test_browse_without_results_helps(client, seeds):
    page = client.get("/replies/", {"year": "1999"}).content.decode()
    assert "没有同时符合这些条件的答复" in page
    assert 'href="/replies/"' in page and 'href="/search/"' in page and 'href="/stats/"' in page


def test_404_page_is_chinese_in_the_site_style(client, db):
    response = client.get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "找不到这个页面" in page and 'lang="zh-CN"' in page and "css/site.css" in page


def test_500_page_needs_neither_database_nor_request(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        page = render_to_string("500.html")
    assert "服务器出错了" in page and 'lang="zh-CN"' in page and 'href="/"' in page


def test_an_error_in_a_view_gives_the_chinese_500_page(client, db, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("replies.views.archive_statistics", broken)
    client.raise_request_exception = False
    response = client.get("/stats/")
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()


def test_seed_bytes_are_what_the_download_gives(client, seeds):
    reply = seeds["002"]
    source = reply.source_files.get()
    response = client.get(f"/replies/{reply.pk}/original/{source.pk}/")
    assert b"".join(response.streaming_content) == seed_path("002").read_bytes()
