"""Every main page and API list that `make bench` times (bench/pages.py) answers in as many queries
for the small demo's 14 communes of 2025 as for 40 more: what grows with the units is rows, never
round trips (STYLE.md, "Queries stay constant"). Once for the module: every page is counted, the
communes are added (assessments with their score rows, the decision's items, survey answers), every
page is counted again; each test then compares one page's two counts. An N+1 read (one query per
row of a list) fails its page's test."""

import copy
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models.base import ModelState
from django.test import Client
from django.test.utils import CaptureQueriesContext

from friendlygov.accounts.models import User
from friendlygov.assessments.models import Assessment, Cycle, Decision, DecisionItem, IndicatorScore
from friendlygov.core.testing_db import building, shared_transaction
from friendlygov.feedback.models import SurveyAnswer, SurveyForm, SurveyResponse
from friendlygov.units.models import UnitVersion

YEAR = 2025
MORE = 40
pytestmark = pytest.mark.django_db  # the test database is made only for tests that say so

# (name, persona, url): the demo's national administrator, the city's appraiser, Kim Thành's officer.
PAGES = [
    ("assessment_list", "admin", f"/assessments/?year={YEAR}"),
    ("assessment_list_filtered", "admin", f"/assessments/?year={YEAR}&status=recognised&q=x"),
    ("assessment_list_appraiser", "thamdinh.sonoivu", f"/assessments/?year={YEAR}"),
    ("public_results", None, f"/public/{YEAR}/"),
    ("public_search", None, f"/public/{YEAR}/?q=x"),
    ("decision_list", "admin", "/assessments/decisions/"),
    ("decision_list_appraiser", "thamdinh.sonoivu", "/assessments/decisions/"),
    ("decision_detail", "admin", "/assessments/decisions/{decision}/"),
    ("dashboard", "admin", f"/reports/{YEAR}/"),
    ("near_level_list", "admin", f"/reports/{YEAR}/danh-sach/gan-muc-tren/"),
    ("trend_list", "admin", f"/reports/{YEAR}/danh-sach/xu-huong-huyen/"),
    ("explain_my_level", "canbo.kimthanh", "/reports/commune/{assessment}/"),
    ("api_results", None, f"/api/v1/cycles/{YEAR}/results?limit=50"),
    ("api_assessments", "admin", f"/api/v1/assessments?cycle={YEAR}&limit=50"),
    ("api_decisions", "admin", "/api/v1/decisions?limit=50"),
    ("api_decision", "admin", "/api/v1/decisions/{decision}"),
    ("api_feedback_cycle", "admin", f"/api/v1/feedback/cycles/{YEAR}?limit=50"),
    ("feedback_export", "admin", f"/feedback/{YEAR}/export.xlsx"),
    ("cycle_export", "admin", f"/reports/{YEAR}/export.xlsx"),
]
# Pages whose query count grows with the units today, with why: each fails until it is flat.
GROWING: dict[str, str] = {}


@pytest.fixture(scope="module")
def counted(small_demo, django_db_blocker):
    """{page: (queries for 14 communes, for 54)} and the lines of the API results at each size,
    all counted in one transaction that is rolled back (the module's tests only compare them)."""
    from friendlygov.accounts import reach

    reach.forget_everyone()
    with building(django_db_blocker), shared_transaction(django_db_blocker):
        cycle = Cycle.objects.filter(year=YEAR).order_by("pk").first()
        decision = Decision.objects.filter(cycle=cycle, state=Decision.State.ISSUED).order_by("pk").first()
        kim_thanh = User.objects.get(username="canbo.kimthanh").grants.get().unit_id
        ids = {
            "decision": decision.pk,
            "assessment": Assessment.objects.get(cycle=cycle, unit_id=kim_thanh).pk,
        }
        clients = {}
        for _name, persona, _url in PAGES:
            if persona not in clients:
                clients[persona] = Client()
                if persona:
                    clients[persona].force_login(User.objects.get(username=persona))
        pages = [(name, clients[persona], url.format(**ids)) for name, persona, url in PAGES]
        for _name, client, url in pages:
            queries(client, url)  # what a process reads once (rules, the framework) is read here
        before = {name: queries(client, url) for name, client, url in pages}
        lines = [_results_count(clients[None])]
        add_communes(cycle, MORE)
        after = {name: queries(client, url) for name, client, url in pages}
        lines.append(_results_count(clients[None]))
    reach.forget_everyone()
    return {name: (before[name], after[name]) for name in before}, lines


def _results_count(client) -> int:
    return client.get(f"/api/v1/cycles/{YEAR}/results?limit=1").json()["count"]


def add_communes(cycle, count: int) -> None:
    """`count` more communes beside a decided one of the cycle, each a copy of it: its assessment
    and score rows, an item of the same issued decision, three survey responses with answers."""
    item = DecisionItem.objects.filter(decision__cycle=cycle, decision__state=Decision.State.ISSUED).first()
    model = item.assessment
    unit = model.unit
    units = UnitVersion.objects.bulk_create(
        _copy(
            unit,
            id=f"9{n:04d}@{unit.valid_from}",
            code=f"9{n:04d}",
            name=f"Xã Thêm {n}",
            search_name=f"xa them {n}",
        )
        for n in range(count)
    )
    assessments = Assessment.objects.bulk_create(_copy(model, unit=u) for u in units)
    scores = list(IndicatorScore.objects.filter(assessment=model))
    IndicatorScore.objects.bulk_create(_copy(s, assessment=a) for a in assessments for s in scores)
    DecisionItem.objects.bulk_create(_copy(item, assessment=a) for a in assessments)
    form = SurveyForm.objects.filter(published_at__isnull=False).first()
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(assessment=a, form=form, channel="qr", overall=o, received_on=date(YEAR, 5, 1))
        for a in assessments
        for o in (5, 4, 2)
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=r, question="attitude", value=4) for r in responses
    )


def _copy(instance, **changes):
    clone = copy.copy(instance)
    clone._state = ModelState()
    if not isinstance(instance, UnitVersion):
        clone.pk = clone.id = None
    for name, value in changes.items():
        setattr(clone, name, value)
    return clone


def queries(client, url: str, *, status=200) -> int:
    cache.clear()  # a cached page is counted as it is made
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == status, url
    return len(captured)


def test_the_pages_are_counted_before_and_after_the_communes_are_added(counted):
    _counts, lines = counted
    assert lines[1] == lines[0] + MORE


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=GROWING[name]))
        if name in GROWING
        else name
        for name, _persona, _url in PAGES
    ],
)
def test_it_answers_in_as_many_queries_for_54_communes_as_for_14(counted, name):
    counts, _lines = counted
    small, large = counts[name]
    assert small > 0
    assert large == small, f"{name}: {small} queries for 14 communes, {large} for 54"
