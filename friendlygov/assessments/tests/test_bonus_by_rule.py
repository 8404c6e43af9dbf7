"""Bonus points rule by rule: the commune claims, the appraiser decides each claimed rule, and
approval (page and API) waits for every decision; nothing is copied from the claim."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from friendlygov.assessments import services
from friendlygov.assessments.testing import confirmed, quick_fill_self
from friendlygov.assessments.workflow import Status

API = "/api/v1"


def claim_and_submit(assessment, people, claim):
    quick_fill_self(assessment)
    services.save_flags(assessment, flags={}, bonus=claim, actor=people["officer"].user)
    services.submit_assessment(assessment, actor=people["chair"].user)
    services.copy_self_to_appraisal(assessment, actor=people["appraiser"].user)
    assessment.refresh_from_db()


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_refuses_approval_on_the_page_while_a_claimed_bonus_is_undecided(dong_cam, people):
    claim_and_submit(dong_cam, people, {"TH1": Decimal("1.5")})

    url = reverse("assessments:approve", args=[dong_cam.pk])
    summary = people["appraiser"].get(url).content.decode()
    assert "TH1" in summary and 'name="confirmed"' not in summary

    response = people["appraiser"].post(url, confirmed(dong_cam, "approve"), follow=True)

    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.UNDER_APPRAISAL
    assert dong_cam.appraised_bonus is None
    # One summary at the top, the item itself in "còn thiếu", linked to the rule's decision field.
    assert any("mục thiếu" in m for m in messages_of(response))
    page = response.content.decode()
    assert 'href="#bonus-appraised-TH1"' in page and "TH1: xã đề nghị điểm thưởng, chưa quyết định" in page


def test_it_refuses_approval_through_the_api_while_a_claimed_bonus_is_undecided(dong_cam, people):
    claim_and_submit(dong_cam, people, {"TH1": Decimal("1.5")})

    response = people["appraiser"].post(
        f"{API}/assessments/{dong_cam.pk}/approve", {}, content_type="application/json"
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "incomplete"
    assert {"indicator_code": None, "bonus_rule_code": "TH1", "reason": "bonus"}.items() <= error["details"][
        -1
    ].items()
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.UNDER_APPRAISAL


def test_it_approves_the_bonus_the_appraiser_decided_not_the_claim(dong_cam, people):
    claim_and_submit(dong_cam, people, {"TH1": Decimal("1.5"), "TH2": Decimal("2")})
    base = dong_cam.appraised_score  # the appraised points before any bonus is decided
    seen = people["appraiser"].post(
        reverse("assessments:save_flags", args=[dong_cam.pk, "appraised"]),
        {"bonus_TH1": "1,5", "bonus_TH2": "0"},
    )
    assert seen.status_code == 302

    services.approve_appraisal(dong_cam, actor=people["appraiser"].user)

    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.APPRAISED
    assert dong_cam.appraised_bonus == Decimal("1.5")
    assert dong_cam.appraised_bonus_by_rule == {"TH1": "1.5", "TH2": "0"}
    assert dong_cam.final_score == min(base + Decimal("1.5"), Decimal(100))


@pytest.mark.parametrize("layer", ["self", "appraised"])
def test_it_holds_each_bonus_rule_to_its_own_cap(dong_cam, people, layer):
    claim_and_submit(dong_cam, people, {})
    actor = people["officer" if layer == "self" else "appraiser"].user
    if layer == "self":
        dong_cam.status = Status.DRAFT  # the commune claims while it may edit
        dong_cam.save(update_fields=["status"])

    with pytest.raises(ValidationError, match="TH2: điểm thưởng phải từ 0 đến 2"):
        services.save_flags(dong_cam, flags={}, bonus={"TH2": Decimal("2.5")}, actor=actor, layer=layer)
    with pytest.raises(ValidationError, match="XX"):
        services.save_flags(dong_cam, flags={}, bonus={"XX": Decimal("1")}, actor=actor, layer=layer)

    dong_cam.refresh_from_db()
    assert dong_cam.self_bonus_by_rule == {} and dong_cam.appraised_bonus_by_rule == {}


def test_the_api_refuses_a_bonus_above_its_rule_cap(dong_cam, people):
    response = people["officer"].put(
        f"{API}/assessments/{dong_cam.pk}/flags",
        {"bonus": {"TH1": "2", "TH2": "2.5"}},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert "TH2" in response.json()["error"]["message"]
    dong_cam.refresh_from_db()
    assert dong_cam.self_bonus == 0


def test_a_changed_claim_waits_for_a_new_decision(dong_cam, people):
    claim_and_submit(dong_cam, people, {"TH1": Decimal("3")})
    appraiser, officer = people["appraiser"].user, people["officer"].user
    services.save_flags(dong_cam, flags={}, bonus={"TH1": Decimal("1.5")}, actor=appraiser, layer="appraised")
    services.return_for_explanation(
        dong_cam, reasons={dong_cam.scores.first().indicator_id: "Bổ sung."}, actor=appraiser
    )

    services.save_flags(dong_cam, flags={}, bonus={"TH1": Decimal("1.5")}, actor=officer)

    dong_cam.refresh_from_db()
    assert dong_cam.appraised_bonus_by_rule == {}
    assert dong_cam.appraised_bonus is None
    assert "TH1: xã đề nghị điểm thưởng" in " ".join(map(str, services.missing_for_approval(dong_cam)))


def test_the_migration_spreads_stored_totals_over_the_rules_and_leaves_open_claims_undecided(
    dong_cam, people
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("friendlygov.assessments.migrations.0005_bonus_by_rule")
    claim_and_submit(dong_cam, people, {})
    type(dong_cam).objects.filter(pk=dong_cam.pk).update(self_bonus=Decimal("4"), appraised_bonus=None)
    others = type(dong_cam).objects.filter(cycle=dong_cam.cycle).exclude(pk=dong_cam.pk)
    decided = others.first()
    type(dong_cam).objects.filter(pk=decided.pk).update(
        self_bonus=Decimal("1.5"), appraised_bonus=Decimal("1")
    )

    migration.spread_totals(apps, None)

    dong_cam.refresh_from_db()
    decided.refresh_from_db()
    assert dong_cam.self_bonus_by_rule == {"TH1": "3", "TH2": "1"}
    assert dong_cam.appraised_bonus_by_rule == {}
    assert decided.self_bonus_by_rule == {"TH1": "1.5"}
    assert decided.appraised_bonus_by_rule == {"TH1": "1"}
