"""Odd and hostile input never makes a 5xx: searches on the page and in the API, and every URL of the project."""
import random

from django.urls import Resolver404, reverse

from tests.fuzzing import (
    RAW_HOSTILE,
    RAW_QUERY_STRINGS,
    fuzzed_params,
    hostile_value,
    project_routes,
    query_keys_read,
)

REQUESTS_PER_TARGET = 150


def test_fuzzed_searches_never_fail(client, seeds, settings):
    settings.RATELIMIT_ENABLE = False
    rng = random.Random(20261201)
    failures = []
    for target in (reverse("search:search"), "/api/search/"):
        for _ in range(REQUESTS_PER_TARGET):
            params = fuzzed_params(rng)
            response = client.get(target, params)
            if response.status_code >= 500 or response.status_code not in (200, 400, 404):
                failures.append((target, params, response.status_code))
    assert not failures, failures[:5]


def test_undecodable_query_strings_are_searched_not_failed(client, seeds, settings):
    settings.RATELIMIT_ENABLE = False
    for raw in RAW_QUERY_STRINGS:
        assert client.get(f"{reverse('search:search')}?{raw}").status_code == 200, raw
        response = client.get(f"/api/search/?{raw}")
        assert response.status_code in (200, 404), raw
        if response.status_code == 404:
            assert "没有这一页" in response.json()["detail"], "an impossible page is named, in Chinese"


# --- every URL pattern, every parameter its view reads ----------------------------------------------------------

PER_PART = 30  # requests with one path part or parameter hostile, the others valid where a valid value is known
PER_ROUTE_CHAOS = 8  # requests with every part and parameter hostile at once
MIN_REQUESTS = 5_000


def valid_values(seeds) -> dict[str, list[str]]:
    """Values that reach deep into the views: the seeds' own ids, doc numbers, signers, topics and filters."""
    replies = list(seeds.values())
    numbered = [reply for reply in replies if reply.doc_number_key]
    topics = [topic.slug for reply in replies for topic in reply.topics.all()]
    return {
        "pk": [str(reply.pk) for reply in replies],
        "object_id": [str(reply.pk) for reply in replies],
        "source_pk": [str(source.pk) for reply in replies for source in reply.source_files.all()],
        "doc_number": [reply.doc_number for reply in numbered],
        "year": [str(reply.doc_year) for reply in numbered] + [str(reply.year) for reply in replies if reply.year],
        "issuer": ["常工信复"], "serial": ["22", "第22号"],
        "topic_slug": topics, "topic": topics,
        "signer": [reply.signer for reply in replies if reply.signer],
        "session": [reply.session for reply in replies if reply.session],
        "organ": [reply.issuing_organ for reply in replies if reply.issuing_organ],
        "kind": [reply.kind for reply in replies],
        "q": ["产业链", "石墨烯", "签发人:杨军"], "sort": ["newest", "relevance"],
        "page": ["1", "2"], "page_size": ["5"], "p": ["1"], "format": ["json"], "next": ["/admin/"],
        "app_label": ["replies"], "url": ["replies/"],
    }


class Fuzz:
    """Sends requests through the test client, counting them and collecting every 5xx with its request."""

    def __init__(self, client, keys_read: set[str]):
        self.client, self.keys_read = client, keys_read
        self.count = 0
        self.failures: list[tuple[str, str, dict, object]] = []
        self.reads: dict[str, set[str]] = {}  # resolved pattern → query and form keys its view read

    def send(self, method: str, path: str, data: dict[str, str] | None = None, query: str = "") -> None:
        self.keys_read.clear()
        url = f"{path}?{query}" if query else path
        try:
            response = getattr(self.client, method)(url, data or {})
            if response.streaming:
                b"".join(response.streaming_content)
            status = response.status_code
        except Exception as error:  # noqa: BLE001  a failure while streaming is a 5xx the client never saw
            status = error
        self.count += 1
        if not isinstance(status, int) or status >= 500:
            self.failures.append((method, url, data, status))
        if isinstance(status, int):
            try:
                route = response.resolver_match.route
            except Resolver404:
                return
            self.reads.setdefault(route, set()).update(self.keys_read)


def test_every_url_and_parameter_survives_hostile_values(client, seeds, settings):
    """Every URL pattern of the project, anonymously, with hostile path parts and hostile values in every
    query parameter (and form field) its view reads: no 5xx."""
    settings.RATELIMIT_ENABLE = False
    # Sign-in attempts hash the password they are given; the fast hasher keeps the fuzz about the input.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client.raise_request_exception = False
    rng = random.Random(20261208)
    valid = valid_values(seeds)
    routes = project_routes()

    def value(name: str) -> str:
        return rng.choice(valid.get(name) or ["1"])

    with query_keys_read() as keys_read:
        fuzz = Fuzz(client, keys_read)
        # What each view reads: learnt from one plain GET and one empty POST per route.
        reads = {}
        for route in routes:
            path = route.path({part: value(part) for part in route.parts})
            fuzz.send("get", path)
            query_keys = set(keys_read)
            fuzz.send("post", path)
            reads[route] = (sorted(query_keys), sorted(set(keys_read)))

        for route in routes:
            query_keys, form_keys = reads[route]
            targets = [("part", name) for name in route.parts] + [("get", name) for name in query_keys] + [
                ("post", name) for name in form_keys]
            for target, name in targets:
                method = "post" if target == "post" else "get"
                params = form_keys if target == "post" else query_keys
                for _ in range(PER_PART):
                    parts = {part: value(part) for part in route.parts}
                    data = {key: value(key) for key in params if rng.random() < 0.3}
                    (parts if target == "part" else data)[name] = hostile_value(rng)
                    fuzz.send(method, route.path(parts), data)
            for _ in range(PER_ROUTE_CHAOS):
                parts = {part: hostile_value(rng) for part in route.parts}
                data = {key: hostile_value(rng) for key in query_keys if rng.random() < 0.6}
                fuzz.send("get", route.path(parts), data)
            # Undecodable bytes, as they come: in every part, and in every parameter's value.
            for raw in RAW_HOSTILE:
                parts = {part: raw for part in route.parts}
                fuzz.send("get", route.path(parts, raw=frozenset(route.parts)),
                          query="&".join(f"{key}={raw}" for key in query_keys))

    assert not fuzz.failures, f"{len(fuzz.failures)} of {fuzz.count} failed, first: {fuzz.failures[:10]}"
    assert fuzz.count >= MIN_REQUESTS
    # The fuzz varied every parameter any view read, whichever route a hostile path ended up on.
    varied = {route.pattern: set(query_keys) | set(form_keys) for route, (query_keys, form_keys) in reads.items()}
    unvaried = {pattern: keys - varied.get(pattern, set()) for pattern, keys in fuzz.reads.items()}
    assert not {pattern: keys for pattern, keys in unvaried.items() if keys}
