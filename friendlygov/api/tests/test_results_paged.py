"""The API's results of a cycle, paged in the database: every page together gives the lines the
unpaged answer gave, in the same order, and the count comes from the database."""

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from friendlygov.api.sync import assessments_with_updated_at
from friendlygov.assessments.models import Assessment, Cycle
from friendlygov.reports import selectors

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(scope="module")
def demo(full_demo):
    return full_demo


def unpaged(cycle):
    """The lines as the endpoint built them before it was paged: every line of the cycle."""
    scope = Assessment.objects.all()
    stamps = dict(
        assessments_with_updated_at(scope.filter(cycle=cycle)).values_list("unit__code", "updated_at")
    )
    return [
        {**asdict(line), "updated_at": stamps.get(line.unit_code)}
        for line in selectors.results(selectors.snapshot(cycle, scope))
    ]


def comparable(line):
    stamp = line["updated_at"]
    return (
        line["unit_id"],
        line["unit_code"],
        line["status"],
        line["level"],
        line["decision_number"],
        None if line["final_score"] is None else Decimal(str(line["final_score"])),
        tuple(line["reasons"]),
        stamp if isinstance(stamp, datetime) or stamp is None else datetime.fromisoformat(stamp),
    )


@pytest.mark.parametrize("limit", [7, 500])
def test_every_page_gives_the_unpaged_lines_in_order(demo, client, limit):
    client.force_login(get_user_model().objects.get(username="admin"))
    cycle = Cycle.objects.get(year=2024)
    expected = [comparable(line) for line in unpaged(cycle)]
    seen, offset = [], 0
    while True:
        body = client.get(f"{API}/cycles/2024/results", {"limit": limit, "offset": offset}).json()
        assert body["count"] == len(expected)
        if not body["items"]:
            break
        seen += [comparable(line) for line in body["items"]]
        offset += limit
    assert seen == expected
    assert len(expected) > 200
