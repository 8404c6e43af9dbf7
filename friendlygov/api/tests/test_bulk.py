"""Saving every score of an assessment in one request: all or nothing, every refused row named."""

from decimal import Decimal

from friendlygov.assessments.models import IndicatorScore
from friendlygov.assessments.testing import plausible_value
from friendlygov.audit.models import AuditEvent

from .conftest import token_client

API = "/api/v1"


def rows_of(assessment):
    scores = assessment.scores.select_related("indicator").order_by("indicator__order", "indicator_id")
    return [
        {
            "indicator_code": s.indicator.code,
            "version": s.version,
            "self_value": str(plausible_value(s.indicator)),
            "explanation": "Báo cáo số 45/BC-UBND",
        }
        for s in scores
    ]


def saved_state(assessment):
    return list(assessment.scores.order_by("pk").values_list("version", "self_value", "explanation"))


def test_a_whole_self_assessment_is_saved_in_one_request(dong_cam, people):
    officer = token_client(people["officer"].user)
    rows = rows_of(dong_cam)
    response = officer.post(
        f"{API}/assessments/{dong_cam.pk}/scores", {"scores": rows}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["saved"] == len(rows) == dong_cam.scores.count()
    assert {s["indicator_code"]: s["version"] for s in body["scores"]} == {
        r["indicator_code"]: r["version"] + 1 for r in rows
    }
    assert not IndicatorScore.objects.filter(assessment=dong_cam, self_value__isnull=True).exists()
    assert AuditEvent.objects.for_target(dong_cam).filter(event_type="score.self_saved").count() == len(rows)
    dong_cam.refresh_from_db()
    assert dong_cam.self_score > 0


def test_any_bad_row_saves_nothing_and_every_bad_row_is_named(dong_cam, people):
    officer = token_client(people["officer"].user)
    rows = rows_of(dong_cam)
    stale_code = rows[1]["indicator_code"]
    score = dong_cam.scores.get(indicator__code=stale_code)
    IndicatorScore.objects.filter(pk=score.pk).update(version=score.version + 1)  # someone saved since
    before = saved_state(dong_cam)
    rows[2]["self_value"] = "100000"  # beyond the indicator's range
    rows[3] = {
        "indicator_code": rows[3]["indicator_code"],
        "version": 1,
        "appraised_value": "1",
        "self_na": True,
    }
    rows.append({"indicator_code": "9.9.9", "version": 1, "self_value": "1"})
    rows.append(dict(rows[0]))  # twice
    response = officer.post(
        f"{API}/assessments/{dong_cam.pk}/scores", {"scores": rows}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "bulk_refused"
    refused = {(r["index"], r["code"]) for r in error["details"]}
    n = len(rows)
    assert refused == {
        (1, "stale_version"),
        (2, "validation_error"),
        (3, "mixed_layers"),
        (n - 2, "unknown_indicator"),
        (n - 1, "duplicate"),
    }
    stale = next(r for r in error["details"] if r["code"] == "stale_version")
    assert (stale["indicator_code"], stale["current_version"]) == (stale_code, score.version + 1)
    assert saved_state(dong_cam) == before  # the good rows were not saved either
    assert not AuditEvent.objects.for_target(dong_cam).filter(event_type="score.self_saved").exists()


def test_a_caller_whose_role_may_not_save_gets_403_and_nothing_changes(dong_cam, people):
    appraiser = token_client(people["appraiser"].user)
    before = saved_state(dong_cam)
    response = appraiser.post(
        f"{API}/assessments/{dong_cam.pk}/scores",
        {"scores": rows_of(dong_cam)},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert saved_state(dong_cam) == before
    outsider = token_client(people["outsider_commune"].user)
    assert (
        outsider.post(
            f"{API}/assessments/{dong_cam.pk}/scores",
            {"scores": rows_of(dong_cam)},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_only_the_fields_sent_are_changed(dong_cam, people):
    officer = token_client(people["officer"].user)
    score = dong_cam.scores.select_related("indicator").first()
    value = plausible_value(score.indicator)
    first = [
        {
            "indicator_code": score.indicator.code,
            "version": score.version,
            "self_value": str(value),
            "explanation": "Báo cáo số 45/BC-UBND",
        }
    ]
    assert (
        officer.post(
            f"{API}/assessments/{dong_cam.pk}/scores", {"scores": first}, content_type="application/json"
        ).status_code
        == 200
    )
    value_only = [
        {"indicator_code": score.indicator.code, "version": score.version + 1, "self_value": str(value)}
    ]
    assert (
        officer.post(
            f"{API}/assessments/{dong_cam.pk}/scores", {"scores": value_only}, content_type="application/json"
        ).status_code
        == 200
    )
    score.refresh_from_db()
    assert (score.self_value, score.explanation) == (Decimal(value), "Báo cáo số 45/BC-UBND")
