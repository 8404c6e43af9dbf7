"""GET /api/v1/assessments at any offset: the database sorts only the keys to find a page (a
narrow sort that stays in memory at national scale), then reads that page's rows; the pages are
the list in its documented order, none lost, none twice, whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from friendlygov.assessments import permissions

API = "/api/v1/assessments"


def in_order(user, **filters) -> list[int]:
    """The list as the unpaged queryset orders it."""
    rows = permissions.visible(user).filter(**filters).order_by("-cycle__year", "unit__code", "pk")
    return list(rows.values_list("pk", flat=True))


def walk(client, limit, query="") -> list[int]:
    shown, offset = [], 0
    while True:
        body = client.get(f"{API}?limit={limit}&offset={offset}{query}").json()
        shown += [item["id"] for item in body["items"]]
        offset += limit
        if offset >= body["count"]:
            return shown


@pytest.mark.parametrize("limit", [1, 3, 50])
def test_the_pages_are_the_whole_list_in_its_order(dong_cam, people, limit):
    appraiser = people["appraiser"]
    expected = in_order(appraiser.user)
    assert len(expected) > 3
    assert walk(appraiser, limit) == expected
    assert walk(appraiser, limit, "&status=draft") == in_order(appraiser.user, status="draft")


def test_a_page_reads_only_its_own_rows_and_sorts_only_keys(dong_cam, people):
    appraiser = people["appraiser"]
    total = len(in_order(appraiser.user))
    with CaptureQueriesContext(connection) as captured:
        body = appraiser.get(f"{API}?limit=2&offset=2").json()
    assert body["count"] == total and len(body["items"]) == 2
    paged = [q["sql"] for q in captured if " OFFSET " in q["sql"].upper()]
    assert paged, [q["sql"] for q in captured]
    for sql in paged:  # the sort that skips rows selects the key alone, not every column
        selected = sql.upper().split(" FROM ")[0]
        assert selected.count(",") == 0, sql


def test_the_query_count_does_not_grow_with_the_page(dong_cam, people):
    appraiser = people["appraiser"]

    def statements(limit):
        appraiser.get(f"{API}?limit={limit}")
        with CaptureQueriesContext(connection) as captured:
            body = appraiser.get(f"{API}?limit={limit}").json()
        return len(captured), len(body["items"])

    (few, one), (many, several) = statements(1), statements(50)
    assert one == 1 < several
    assert few == many
