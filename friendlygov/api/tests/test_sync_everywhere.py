"""Incremental sync on every list, and one rule for every timestamp the API writes, over the small
demo (2 districts, 14 units, cycles 2024–2026): `updated_since` keeps only what changed, each record
carries `updated_at`, and every time is Vietnam time with its offset (+07:00), never UTC."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from friendlygov.assessments.models import Cycle
from friendlygov.feedback import services as feedback
from friendlygov.frameworks.models import Criterion, FrameworkVersion
from friendlygov.units.models import UnitVersion

from .conftest import token_client

API = "/api/v1"
# Lists that page by their own rule, not by time: the change feed by its cursor (`after`), and a
# service account's own webhook subscriptions and their delivery log.
NOT_BY_TIME = {"/api/v1/events", "/api/v1/webhooks", "/api/v1/webhooks/{subscription_id}/deliveries"}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@pytest.fixture(scope="module")
def document(small_demo, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get(f"{API}/openapi.json").json()


@pytest.fixture
def admin(admin_client):
    return token_client(admin_client.user)


def later():
    """An hour from now, so that what changes then is after everything the demo wrote."""
    return timezone.now() + timedelta(hours=1)


def _item_schema(document, operation):
    paged = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    page = document["components"]["schemas"][paged.rsplit("/", 1)[1]]
    ref = page["properties"]["items"]["items"]["$ref"]
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_every_list_takes_updated_since_and_its_records_carry_updated_at(document):
    lists = [
        (path, item["get"])
        for path, item in document["paths"].items()
        if "get" in item
        and {"limit", "offset"} <= {p["name"] for p in item["get"].get("parameters", [])}
        and path not in NOT_BY_TIME
    ]
    assert len(lists) >= 9
    for path, operation in lists:
        parameters = {p["name"]: p for p in operation["parameters"]}
        assert "updated_since" in parameters, path
        assert parameters["updated_since"]["schema"]["anyOf"][0]["format"] == "date-time", path
        assert "updated_at" in _item_schema(document, operation)["properties"], path


def test_units_changed_since_are_the_only_ones_listed(small_demo, admin):
    unit = UnitVersion.objects.filter(level=3, valid_to__isnull=True).order_by("code").first()
    moment = later()
    with time_machine.travel(moment):
        unit.name = f"{unit.name} (sửa)"
        unit.save()
    since = (moment - timedelta(minutes=1)).isoformat()
    changed = admin.get(f"{API}/units", {"updated_since": since, "limit": 500}).json()
    assert [item["id"] for item in changed["items"]] == [unit.pk]
    assert abs(datetime.fromisoformat(changed["items"][0]["updated_at"]) - moment) < timedelta(seconds=1)
    everything = admin.get(f"{API}/units", {"limit": 1}).json()
    assert everything["count"] > 1 and everything["items"][0]["updated_at"]


def test_a_draft_framework_changes_with_what_is_in_it(small_demo, admin):
    draft = FrameworkVersion.objects.create(code="thu-nghiem", version=1, program="P", name="Nháp", year=2027)
    moment = later()
    with time_machine.travel(moment):
        Criterion.objects.create(version=draft, code="TC1", name="Tiêu chí 1", max_points=100, order=1)
    since = (moment - timedelta(minutes=1)).isoformat()
    changed = admin.get(f"{API}/frameworks", {"updated_since": since}).json()
    assert [item["id"] for item in changed["items"]] == [draft.pk]
    published = admin.get(f"{API}/frameworks", {"limit": 500}).json()["items"]
    assert all(item["updated_at"] for item in published)


def test_cycles_changed_since_are_the_only_ones_listed(small_demo, admin):
    cycle = Cycle.objects.get(year=2026)
    moment = later()
    with time_machine.travel(moment):
        cycle.explanation_days = cycle.explanation_days + 1
        cycle.save()
    since = (moment - timedelta(minutes=1)).isoformat()
    changed = admin.get(f"{API}/cycles", {"updated_since": since}).json()
    assert [item["year"] for item in changed["items"]] == [2026]
    assert admin.get(f"{API}/cycles").json()["count"] == 3


def test_survey_lines_changed_since_are_the_only_ones_listed(small_demo, admin):
    cycle = Cycle.objects.get(year=2026)
    assessment = cycle.assessments.order_by("unit__code").first()
    moment = later()
    with time_machine.travel(moment):
        feedback.set_population(assessment, 1200, basis="Hồ sơ một cửa năm 2026", actor=admin.user)
    since = (moment - timedelta(minutes=1)).isoformat()
    url = f"{API}/feedback/cycles/2026"
    changed = admin.get(url, {"updated_since": since}).json()
    assert [item["assessment_id"] for item in changed["items"]] == [assessment.pk]
    assert changed["items"][0]["unit_id"] == assessment.unit_id
    one = admin.get(f"{API}/feedback/assessments/{assessment.pk}").json()
    assert one["updated_at"] == changed["items"][0]["updated_at"]
    assert one["cycle"] == one["year"] == 2026
    assert admin.get(url, {"limit": 500}).json()["count"] == cycle.assessments.count()


def test_an_answer_received_later_in_the_day_of_a_pull_is_not_missed(small_demo, admin):
    """Answers keep their day, not their time: a pull at 10:00 and an answer at 11:00 the same day
    would lose the answer if it counted from midnight. It counts for its whole day instead."""
    from friendlygov.feedback.models import SurveyForm

    cycle = Cycle.objects.get(year=2026)
    assessment = cycle.assessments.order_by("unit__code").last()
    form = SurveyForm.objects.filter(published_at__isnull=False).order_by("-version").first()
    pulled = later()
    with time_machine.travel(pulled + timedelta(minutes=30)):
        feedback.record_citizen_response(assessment, form, overall=5, aspects={})
        lines = admin.get(f"{API}/feedback/cycles/2026", {"updated_since": pulled.isoformat()}).json()
    assert assessment.pk in [item["assessment_id"] for item in lines["items"]]


def _timestamps(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _timestamps(item)
    elif isinstance(value, list):
        for item in value:
            yield from _timestamps(item)
    elif isinstance(value, str) and TIMESTAMP.match(value):
        yield value


def test_every_timestamp_the_api_writes_is_vietnam_time_with_its_offset(small_demo, admin):
    assessment = Cycle.objects.get(year=2024).assessments.order_by("unit__code").first()
    decision = assessment.decision_items.order_by("pk").first().decision
    reads = [
        "/units?limit=3",
        "/frameworks",
        "/cycles",
        f"/assessments?cycle=2024&limit=3&unit={assessment.unit.code}",
        f"/assessments/{assessment.pk}",
        f"/assessments/{assessment.pk}/evidence",
        "/cycles/2024/results?limit=3",
        "/decisions?limit=3",
        f"/decisions/{decision.pk}",
        "/events?after=0&limit=20",
        "/reviews",
        "/feedback/cycles/2024?limit=3",
        f"/feedback/assessments/{assessment.pk}",
    ]
    seen = []
    for read in reads:
        answer = admin.get(f"{API}{read}")
        assert answer.status_code == 200, (read, answer.content[:300])
        seen += [(read, stamp) for stamp in _timestamps(answer.json())]
    assert {read for read, _stamp in seen} >= {f"{API}{r}".removeprefix(API) for r in reads[:5]}
    assert [(read, stamp) for read, stamp in seen if not stamp.endswith("+07:00")] == []
    assert len(seen) > 30


def test_one_vocabulary_with_the_old_names_kept_and_announced(small_demo, admin):
    by_new = admin.get(f"{API}/units", {"date": "2024-06-01", "administrative_level": 2, "limit": 500})
    by_old = admin.get(f"{API}/units", {"date": "2024-06-01", "level": 2, "limit": 500})
    assert by_new.json()["count"] > 0
    assert {u["administrative_level"] for u in by_new.json()["items"]} == {2}
    assert by_old.json()["items"] == by_new.json()["items"]
    assert by_new["Deprecation"] and by_new["Sunset"]

    frameworks = admin.get(f"{API}/frameworks")
    assert frameworks["Deprecation"]
    assert all(f["state"] == f["status"] for f in frameworks.json()["items"])
    one = admin.get(f"{API}/frameworks/{frameworks.json()['items'][0]['id']}").json()
    assert one["state"] in ("draft", "published")

    results = admin.get(f"{API}/cycles/2024/results", {"limit": 500}).json()["items"]
    assessments = admin.get(f"{API}/assessments", {"cycle": 2024, "limit": 500}).json()["items"]
    assert {a["unit"]["id"]: a["level"] for a in assessments} == {r["unit_id"]: r["level"] for r in results}

    events = admin.get(f"{API}/events", {"after": 0, "limit": 50}).json()["items"]
    about_assessments = [e for e in events if e["target"]["type"] == "assessment"]
    assert about_assessments and all("@" in e["unit_id"] for e in about_assessments)

    assessment = Cycle.objects.get(year=2024).assessments.order_by("unit__code").first()
    survey = admin.get(f"{API}/feedback/assessments/{assessment.pk}")
    assert survey["Deprecation"]
    assert all(p["indicator_code"] == p["indicator"] for p in survey.json()["points"])
