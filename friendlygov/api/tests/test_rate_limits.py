"""Requests past the configured limits answer 429 with Retry-After, in the API's error shape."""

from datetime import UTC, datetime

import pytest
import time_machine

API = "/api/v1"
# Twenty seconds into a minute: every request of a test falls in the same window.
INSIDE_A_WINDOW = datetime(2026, 12, 6, 9, 30, 20, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(INSIDE_A_WINDOW, tick=False):
        yield


def test_requests_past_the_limit_answer_429_with_retry_after(client, db, settings):
    settings.API_REQUESTS_PER_MINUTE = 5
    for _ in range(5):
        assert client.get(f"{API}/units?date=2024-06-01").status_code == 200
    refused = client.get(f"{API}/units?date=2024-06-01")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"
    assert refused.json()["error"]["code"] == "throttled"
    with time_machine.travel(datetime(2026, 12, 6, 9, 31, 1, tzinfo=UTC), tick=False):
        assert client.get(f"{API}/units?date=2024-06-01").status_code == 200  # the next minute


def test_one_address_trying_bad_tokens_is_throttled_after_the_limit(client, db, settings):
    settings.API_BAD_TOKENS_PER_MINUTE = 3
    guessing = {"authorization": "Bearer fg_" + "x" * 43}
    statuses = [client.get(f"{API}/units?date=2024-06-01", headers=guessing).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]


def test_a_token_is_counted_apart_from_its_address(client, db, settings, people):
    from .conftest import token_client

    settings.API_REQUESTS_PER_MINUTE = 2
    program = token_client(people["officer"].user)
    for _ in range(2):
        assert client.get(f"{API}/units?date=2024-06-01").status_code == 200
    assert client.get(f"{API}/units?date=2024-06-01").status_code == 429
    assert program.get(f"{API}/units?date=2024-06-01").status_code == 200
