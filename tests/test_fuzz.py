"""Odd and hostile search input never makes a 5xx, on the page or in the API."""
import random

from django.urls import reverse

from tests.fuzzing import RAW_QUERY_STRINGS, fuzzed_params

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
