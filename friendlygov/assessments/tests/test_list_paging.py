"""The assessments list pages and filters in SQL: every filter and search gives the rows the old
list gave (the whole cycle read into Python and filtered there, computed here the same way), 50 a
page, every row reachable through the pages, the count shown, and a constant number of queries.
Read on the demo data that `make run` loads."""

import re
from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from friendlygov.accounts.models import User
from friendlygov.assessments import deadlines, permissions
from friendlygov.assessments.models import Assessment, Cycle, DeadlineExtension
from friendlygov.assessments.workflow import STAGE_OF, Status, deadline_of
from friendlygov.core.i18n import fold

PERSONAS = ("admin", "lanhdao.haiphong", "thamdinh.sonoivu", "canbo.kimthanh")


@pytest.fixture(scope="module")
def demo(full_demo):
    return full_demo


def client_of(username) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def old_rows(username, year, *, status="", group="", level="", q="") -> list[Assessment]:
    """What the list showed before it paged: the cycle's visible assessments, filtered in Python."""
    visible = permissions.visible(User.objects.get(username=username)).filter(cycle__year=year)
    rows = list(visible.select_related("body", "unit"))  # read once, not a query per row
    if status:
        rows = [a for a in rows if a.status == status]
    if group:
        rows = [a for a in rows if a.body.name == group]
    if level != "":
        rows = [a for a in rows if a.final_level == int(level)]
    if q:
        rows = [a for a in rows if fold(q) in a.unit.search_name]
    return rows


def every_page(client, **query) -> tuple[list[int], list]:
    """The ids the list shows on all its pages, in order, and the first page's response."""
    shown, number, first = [], 1, None
    while True:
        response = client.get(reverse("assessments:list"), {**query, "page": number})
        assert response.status_code == 200
        page = response.context["page"]
        assert len(page.object_list) <= 50
        shown += [item.pk for item in page.object_list]
        first = first or response
        if not page.has_next():
            return shown, first
        number += 1


def count_shown(response) -> int:
    text = response.content.decode()
    match = re.search(r"trong ([\d.,]+)", text)
    return int(re.sub(r"\D", "", match.group(1))) if match else 0


def test_every_filter_gives_the_rows_the_unpaged_list_gave_for_every_persona(demo, db):
    years = sorted(set(Cycle.objects.values_list("year", flat=True)))
    years = [years[0], years[-1]]  # a decided year and the open one
    checked, compared = 0, set()
    for username in PERSONAS:
        client = client_of(username)
        for year in years:
            everything = old_rows(username, year)
            # The list follows from the rows a person sees: people who see the same ones (the
            # province's leader and a superuser) are compared once.
            reads = (year, frozenset(a.pk for a in everything))
            if not everything or reads in compared:
                continue
            compared.add(reads)
            group = everything[len(everything) // 2].body.name
            name = everything[-1].unit.name
            level = next((str(a.final_level) for a in everything if a.final_level is not None), "")
            queries = [
                {},
                {"status": everything[0].status},
                {"group": group},
                {"q": name.upper()},  # tone marks and case as typed; the folded name matches
                {"group": group, "q": "a"},
                *([{"level": level}, {"level": level, "status": Status.RECOGNISED}] if level else []),
            ]
            for query in queries:
                expected = old_rows(username, year, **query)
                shown, response = every_page(client, year=year, **query)
                assert len(shown) == len(set(shown)), (username, year, query)  # no row twice
                assert sorted(shown) == sorted(a.pk for a in expected), (username, year, query)
                assert count_shown(response) == len(expected)
                listing = response.context["listing"]
                assert listing.total == len(everything)  # the status tiles count the whole cycle
                assert listing.by_status == dict(Counter(a.status for a in everything))
                checked += 1
    assert checked > 15 and len(compared) >= 4


def test_a_list_longer_than_a_page_is_paged_in_its_order_and_every_row_is_reachable(demo, db):
    client = client_of("admin")
    year = max(Cycle.objects.values_list("year", flat=True))
    expected = old_rows("admin", year)
    assert len(expected) > 50, "the demo must page this list"
    shown, first = every_page(client, year=year)
    keys = {a.pk: (a.body.name, a.unit.search_name, a.pk) for a in expected}
    assert len(first.context["page"].object_list) == 50
    assert "Dòng 1–50 trong" in first.content.decode()
    assert sorted(shown) == sorted(keys)
    in_order = [keys[pk][:2] for pk in shown]
    bodies = [body for body, _ in in_order]
    changes = sum(1 for before, after in pairwise(bodies) if before != after)
    assert changes == len(set(bodies)) - 1  # the rows of one body stay together, across pages
    for body in set(bodies):
        names = [name for b, name in in_order if b == body]
        assert names == sorted(names)
    last = client.get(reverse("assessments:list"), {"year": year, "page": 10_000})
    assert last.context["page"].number == last.context["page"].paginator.num_pages


def test_the_query_count_does_not_grow_with_the_rows_shown(demo, db):
    client = client_of("admin")
    year = max(Cycle.objects.values_list("year", flat=True))
    one = old_rows("admin", year)[0]

    def statements(**query):
        client.get(reverse("assessments:list"), {"year": year, **query})  # warm the caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("assessments:list"), {"year": year, **query})
        return len(captured), len(response.context["page"].object_list)

    few, rows_few = statements(q=one.unit.search_name)
    many, rows_many = statements(q="a")  # a search both ways: the pager counts the matches
    assert rows_few < 5 < rows_many == 50
    assert few == many
    # Unfiltered (or by status alone) the counts by status tell the pager how many rows there
    # are: it asks no COUNT of its own.
    unfiltered, _rows = statements()
    assert unfiltered == many - 1


def test_overdue_is_counted_in_sql_as_held_to_calls_it(demo, db):
    """Each stage's own date, the explanation's date, and a unit's extension, on each side of them."""
    assessments = list(Assessment.objects.select_related("cycle"))
    extended = next(a for a in assessments if STAGE_OF.get(a.status) and deadline_of(a))
    admin = User.objects.get(username="admin")
    due = deadline_of(extended)
    DeadlineExtension.objects.create(
        assessment=extended,
        stage=STAGE_OF[extended.status],
        until=due + timedelta(days=5),
        reason="Ngập lụt.",
        granted_by=admin,
    )
    days = {due - timedelta(days=1), due, due + timedelta(days=1), due + timedelta(days=6)}
    for cycle in Cycle.objects.all():
        days |= {cycle.self_assessment_closes + timedelta(days=d) for d in (0, 1)}
        days |= {cycle.appraisal_deadline + timedelta(days=d) for d in (0, 1)}
    for today in sorted(days):
        held = deadlines.held_to(assessments, today)
        old = {pk for pk, deadline in held.items() if deadline.passed(today)}
        assert set(Assessment.objects.filter(deadlines.overdue_q(today)).values_list("pk", flat=True)) == old
    assert extended.pk not in Assessment.objects.filter(deadlines.overdue_q(due + timedelta(days=3)))


def test_the_level_filter_offers_the_programs_levels_by_name(demo, db):
    year = max(Cycle.objects.values_list("year", flat=True))
    page = client_of("admin").get(reverse("assessments:list"), {"year": year, "level": "0"})
    html = page.content.decode()
    assert re.search(r'<option value="0"\s+selected>Không đạt chuẩn</option>', html)
    assert all(a.final_level == 0 for a in page.context["page"].object_list)
