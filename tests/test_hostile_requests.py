"""Stray control characters in stored text and hostile URLs: feeds stay valid Atom, bad input is a 4xx."""
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest

from replies.models import Reply

ATOM = "{http://www.w3.org/2005/Atom}"


def atom(response) -> ET.Element:
    assert response.status_code == 200, response.status_code
    return ET.fromstring(response.content)  # fails on any character XML 1.0 forbids


def entry_for(feed: ET.Element, reply: Reply) -> ET.Element:
    return next(entry for entry in feed.findall(f"{ATOM}entry")
                if entry.find(f"{ATOM}link").get("href").endswith(reply.get_absolute_url()))


def test_a_control_character_in_a_published_reply_leaves_every_feed_up(client, seeds, settings):
    settings.RATELIMIT_ENABLE = False
    reply = seeds["000"]
    Reply.objects.filter(pk=reply.pk).update(title="\x1b[31m" + reply.title, body="\x1b\x0c" + reply.body)
    feeds = {
        "latest": "/replies/feed/",
        "signer": f"/signers/{quote(reply.signer)}/feed/",
        "topic": f"/topics/{reply.topics.first().slug}/feed/",
        "search": "/search/feed/",
    }
    for name, url in feeds.items():
        title = entry_for(atom(client.get(url)), reply).find(f"{ATOM}title").text
        assert title.endswith("[31m" + reply.title) and "\x1b" not in title, name


def test_a_control_character_in_the_query_leaves_the_search_feed_up(client, seeds):
    feed = atom(client.get("/search/feed/?q=%01"))
    assert "\x01" not in feed.find(f"{ATOM}title").text


def test_atom_summaries_are_plain_text_so_quoted_markup_stays_text(client, seeds):
    reply = seeds["001"]
    markup = '<img src=x onerror="alert(1)">'
    Reply.objects.filter(pk=reply.pk).update(body=markup + reply.body)
    summary = entry_for(atom(client.get("/replies/feed/")), reply).find(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert markup in summary.text


@pytest.mark.parametrize("url, status", [
    ("/replies/?topic=a%20b", 400),
    ("/replies/?topic=%2F", 400),
    ("/replies/?kind=%00", 400),
    ("/replies/?session=%00", 400),
    ("/replies/?signer=%1b", 400),
    ("/replies/?year=%C2%B2", 400),  # "²" is a digit to str.isdigit(), not to int()
    ("/signers/%00/feed/", 404),
    ("/replies/2021/%00/22/", 404),
    ("/replies/%00/", 404),
    ("/search/?topic=%00", 400),
    ("/search/export.csv?signer=%07", 400),
    ("/search/feed/?year=abc", 400),
    ("/api/search/?kind=%00", 400),
])
def test_parameters_and_path_parts_no_reply_could_carry_are_refused(client, db, search_index, settings, url, status):
    settings.RATELIMIT_ENABLE = False
    response = client.get(url)
    assert response.status_code == status
    if status == 400 and not url.startswith("/api/"):
        assert "请求无效" in response.content.decode()


def test_a_signer_with_a_slash_is_browsed_and_its_feed_link_is_the_search_feed(client, seeds):
    from search.indexing import index_update_replies, index_writer_lock

    Reply.objects.filter(pk=seeds["002"].pk).update(signer="张/李")
    with index_writer_lock(wait=True):
        index_update_replies(reply_ids=[seeds["002"].pk])
    page = client.get("/replies/", {"signer": "张/李"})
    assert page.status_code == 200
    assert seeds["002"].get_absolute_url() in page.content.decode()
    assert 'href="/search/feed/?signer=%E5%BC%A0%2F%E6%9D%8E"' in page.content.decode()
    feed = atom(client.get("/search/feed/", {"signer": "张/李"}))
    assert [entry.find(f"{ATOM}link").get("href") for entry in feed.findall(f"{ATOM}entry")] == [
        "http://testserver" + seeds["002"].get_absolute_url()]


def test_a_query_with_control_characters_is_still_searched(client, seeds):
    response = client.get("/search/", {"q": "石墨烯\x00\x1b"})
    assert response.status_code == 200
    assert response.context["params"].q == "石墨烯"
    assert response.context["page"].paginator.count > 0
