"""The decisions list, on its page and in the API, on the full demo: paged and filtered in the
database, it shows each persona exactly the decisions it showed them unpaged (issued ones to
everyone, drafts to the heads and clerks who may issue them), and its query count does not grow
with the number of decisions."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from friendlygov.accounts.demo import DEMO_ACCOUNTS
from friendlygov.accounts.models import User
from friendlygov.assessments import permissions, services
from friendlygov.assessments.models import Assessment, Decision
from friendlygov.assessments.testing import LEGAL_BASES
from friendlygov.assessments.views import decisions as decision_views
from friendlygov.assessments.workflow import Status
from friendlygov.core.i18n import fold

pytestmark = pytest.mark.django_db

HEAD = "giamdoc.sonoivu"  # heads the city's appraising body: sees its drafts
PERSONAS = [account.username for account in DEMO_ACCOUNTS] + ["chutich.ubnd.kimthanh2024"]
PER_PAGE = 4


@pytest.fixture(scope="module")
def demo(full_demo):
    return full_demo


@pytest.fixture
def drafts(demo):
    """Two drafts of the head's body, each for one appraised unit of 2026."""
    head = User.objects.get(username=HEAD)
    ready = Assessment.objects.filter(status=Status.APPRAISED, cycle__year=2026).select_related("body")
    made = []
    for assessment in ready[:2]:
        made.append(
            services.draft_decision(
                assessment.body,
                assessments=[assessment],
                signed_on=date(2026, 12, 1),
                signer_name="Vũ Thị Lan Anh",
                legal_bases=LEGAL_BASES,
                actor=head,
            )
        )
    assert len(made) == 2, "the demo has units of 2026 waiting for a decision"
    return made


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(decision_views, "DECISIONS_PER_PAGE", PER_PAGE)


def client_of(username) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def unpaged(username) -> list[Decision]:
    """What the list showed before it was paged: every decision the user may see (issued, or a
    draft they may issue), newest signing date first, then newest first."""
    user = User.objects.get(username=username)
    every = Decision.objects.select_related("cycle", "body__unit", "body__cycle")
    shown = [d for d in every if d.is_issued or permissions.may_issue_for(user, d.body)]
    return sorted(shown, key=lambda d: (d.signed_on, d.pk), reverse=True)


def listed(client, **filters) -> list[int]:
    """The decision ids on every page of the list, following the pager to the last page."""
    url = reverse("assessments:decision_list")
    first = client.get(url, filters)
    assert first.status_code == 200
    paginator = first.context["page"].paginator
    ids = []
    for number in paginator.page_range:
        page = (
            first.context["page"]
            if number == 1
            else client.get(url, {**filters, "page": number}).context["page"]
        )
        assert len(page.object_list) <= PER_PAGE
        ids += [decision.pk for decision in page.object_list]
    assert paginator.count == len(ids)
    return ids


@pytest.mark.parametrize("username", PERSONAS)
def test_every_persona_pages_through_exactly_the_decisions_it_saw_unpaged(username, drafts, small_pages):
    expected = unpaged(username)
    assert listed(client_of(username)) == [d.pk for d in expected]
    assert len(expected) > PER_PAGE  # more than one page, or the test proves nothing


def test_only_the_head_sees_the_drafts_and_the_bodies_they_draft_for(drafts, small_pages):
    head_sees = set(listed(client_of(HEAD)))
    assert {d.pk for d in drafts} <= head_sees
    assert not {d.pk for d in drafts} & set(listed(client_of("canbo.kimthanh")))
    page = client_of(HEAD).get(reverse("assessments:decision_list"))
    bodies = {body.pk: body.ready for body in page.context["bodies"]}
    headed = permissions.bodies_headed_by(User.objects.get(username=HEAD))
    assert bodies == {body.pk: body.assessments.filter(status=Status.APPRAISED).count() for body in headed}
    assert {d.body_id for d in drafts} <= set(bodies)
    assert any(bodies.values())
    assert not client_of("canbo.kimthanh").get(reverse("assessments:decision_list")).context["bodies"]


def matches(decision, *, year=None, state="", q=""):
    if year and decision.cycle.year != year:
        return False
    if state and decision.state != state:
        return False
    if q:
        return (
            q.lower() in decision.number.lower()
            or q.lower() in decision.body.name.lower()
            or fold(q) in decision.body.unit.search_name
        )
    return True


FILTERS = [
    {"year": 2024},
    {"year": 2025},
    {"state": Decision.State.DRAFT},
    {"state": Decision.State.ISSUED, "year": 2025},
    {"q": "thanh ha"},
    {"q": "Kim Thành"},
    {"q": "QĐ-UBND"},
    {"q": "sở nội vụ"},
    {"q": "no such decision"},
]


@pytest.mark.parametrize("filters", FILTERS, ids=str)
@pytest.mark.parametrize("username", ["admin", HEAD, "canbo.kimthanh"])
def test_filters_give_the_unpaged_list_filtered(username, filters, drafts, small_pages):
    expected = [d.pk for d in unpaged(username) if matches(d, **filters)]
    assert listed(client_of(username), **filters) == expected


def test_some_filter_narrows_the_list_and_some_finds_nothing(drafts):
    everything = unpaged("admin")
    narrowed = [f for f in FILTERS if 0 < sum(matches(d, **f) for d in everything) < len(everything)]
    assert len(narrowed) >= 5
    page = client_of("admin").get(reverse("assessments:decision_list"), {"q": "no such decision"})
    assert "Không có quyết định nào khớp với bộ lọc." in page.text


def test_the_page_says_how_many_match_and_offers_every_cycle_to_download(drafts, small_pages):
    total = len(unpaged("admin"))
    page = client_of("admin").get(reverse("assessments:decision_list"), {"page": 2})
    assert f"Dòng {PER_PAGE + 1}–{2 * PER_PAGE} trong {total}" in page.text
    years = sorted({d.cycle.year for d in unpaged("admin")}, reverse=True)
    assert [cycle.year for cycle in page.context["cycles"]] == years


def api_ids(client, **params) -> list[int]:
    ids, offset = [], 0
    while True:
        answer = client.get("/api/v1/decisions", {**params, "limit": 3, "offset": offset}).json()
        ids += [item["id"] for item in answer["items"]]
        offset += 3
        if offset >= answer["count"]:
            assert len(ids) == answer["count"]
            return ids


@pytest.mark.parametrize("username", ["admin", HEAD, "canbo.kimthanh"])
def test_the_api_pages_through_the_same_decisions_with_their_unit_counts(username, drafts):
    expected = sorted(sorted(unpaged(username), key=lambda d: d.pk), key=lambda d: d.number)
    expected = sorted(expected, key=lambda d: d.signed_on, reverse=True)  # -signed_on, number, pk
    client = client_of(username)
    assert api_ids(client) == [d.pk for d in expected]
    first = client.get("/api/v1/decisions", {"limit": 500}).json()["items"]
    assert {item["id"]: item["unit_count"] for item in first} == {d.pk: d.items.count() for d in expected}
    assert api_ids(client, cycle=2025) == [d.pk for d in expected if d.cycle.year == 2025]


def more_decisions(count: int) -> None:
    """`count` more issued decisions, copies of the demo's first one."""
    model = Decision.objects.filter(state=Decision.State.ISSUED).order_by("pk").first()
    Decision.objects.bulk_create(
        Decision(
            **{
                field.attname: getattr(model, field.attname)
                for field in Decision._meta.concrete_fields
                if not field.primary_key
            }
            | {"number": f"{900 + i}/QĐ-TEST", "serial": None}
        )
        for i in range(count)
    )


def queries_for(client, url, **params) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("username", ["admin", HEAD, "canbo.kimthanh"])
def test_the_query_count_does_not_grow_with_the_decisions(username, drafts):
    client = client_of(username)
    list_url = reverse("assessments:decision_list")
    before = [queries_for(client, list_url, page=2)[0], queries_for(client, "/api/v1/decisions", offset=5)[0]]
    more_decisions(120)
    after = [queries_for(client, list_url, page=2)[0], queries_for(client, "/api/v1/decisions", offset=5)[0]]
    assert after == before


def test_a_deep_page_sorts_the_ids_alone_and_reads_only_its_own_rows(drafts):
    """With OFFSET, the database computes every skipped row it selects: the page is chosen on the
    ids alone, and the unit counts and last changes are read for the page's rows only."""
    more_decisions(120)
    client = client_of("admin")
    for url, params in [
        (reverse("assessments:decision_list"), {"page": 3}),
        ("/api/v1/decisions", {"offset": 100}),
    ]:
        _count, sqls = queries_for(client, url, **params)
        paging = [sql for sql in sqls if "OFFSET" in sql]
        assert len(paging) == 1
        assert "assessments_decisionitem" not in paging[0]
        assert "audit_auditevent" not in paging[0]


def test_whoever_heads_no_body_gets_no_body_query(drafts):
    _count, sqls = queries_for(client_of("canbo.kimthanh"), reverse("assessments:decision_list"))
    assert not [
        sql for sql in sqls if sql.startswith("SELECT") and 'FROM "assessments_appraisingbody"' in sql
    ]
    _count, sqls = queries_for(client_of(HEAD), reverse("assessments:decision_list"))
    assert [sql for sql in sqls if 'FROM "assessments_appraisingbody"' in sql]
