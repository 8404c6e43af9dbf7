"""Service accounts: a system's token holds scopes, is refused (403, typed) outside them whatever
its grants allow, reaches only what its grants reach, and is counted apart in the rate limits."""

import io
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from friendlygov.accounts.models import Role, RoleGrant
from friendlygov.api import scopes, tokens
from friendlygov.api.models import ServiceAccount

from .conftest import token_client

API = "/api/v1"


def service(name, unit, role, scope_list):
    """A service account holding `role` on `unit`, as a program with a token of `scope_list`."""
    account = tokens.create_service_account(name, description="Cổng dịch vụ công", actor=None)
    RoleGrant.objects.create(user=account.user, role=role, unit=unit)
    return token_client(account.user, scopes=scope_list)


def patch_score(client, assessment, **fields):
    score = assessment.scores.select_related("indicator").order_by("pk").first()
    return client.patch(
        f"{API}/assessments/{assessment.pk}/scores/{score.indicator.code}",
        {"version": score.version, **fields},
        content_type="application/json",
    )


def assert_out_of_scope(response, *needed):
    assert response.status_code == 403, response.content
    error = response.json()["error"]
    assert error["code"] == "permission_denied"
    assert error["details"]["required_scopes"] == list(needed)


def test_a_service_token_is_refused_outside_its_scopes(dong_cam, people):
    portal = service("portal.dongcam", dong_cam.unit, Role.COMMUNE_OFFICER, ["self-assessment:write"])
    # Inside its scope: reads what it writes, saves the commune's fields
    assert portal.get(f"{API}/assessments/{dong_cam.pk}").status_code == 200
    assert patch_score(portal, dong_cam, explanation="Báo cáo số 45/BC-UBND").status_code == 200
    assert portal.get(f"{API}/units?date=2024-06-01").status_code == 200  # reference data
    # Outside it: refused before any operation, whatever the grants would allow
    assert_out_of_scope(patch_score(portal, dong_cam, appraisal_comment="x"), "appraisal:write")
    assert_out_of_scope(portal.post(f"{API}/assessments/{dong_cam.pk}/start-appraisal"), "appraisal:write")
    assert_out_of_scope(portal.get(f"{API}/events"), "events:read")
    assert_out_of_scope(portal.get(f"{API}/cycles/2024/results"), "results:read")
    assert_out_of_scope(portal.get(f"{API}/decisions"), "results:read")


def test_a_read_only_token_cannot_write_even_where_its_grants_could(dong_cam, people):
    warehouse = service(
        "warehouse", dong_cam.unit, Role.COMMUNE_OFFICER, ["results:read", "assessments:read"]
    )
    before = list(dong_cam.scores.values_list("version", flat=True))
    assert_out_of_scope(patch_score(warehouse, dong_cam, explanation="x"), "self-assessment:write")
    assert list(dong_cam.scores.values_list("version", flat=True)) == before
    assert warehouse.get(f"{API}/assessments?cycle=2024").json()["count"] == 1  # its grants' reach


def test_the_grants_still_decide_the_units_a_scoped_token_reaches(dong_cam, people):
    other = people["outsider_commune"].user.grants.get().unit
    portal = service("portal.tamky", other, Role.COMMUNE_OFFICER, ["self-assessment:write"])
    assert portal.get(f"{API}/assessments/{dong_cam.pk}").status_code == 404
    assert patch_score(portal, dong_cam, explanation="x").status_code == 404


def test_a_personal_token_has_no_scopes_and_a_service_token_must_have_some(dong_cam, people):
    officer = token_client(people["officer"].user)
    assert officer.get(f"{API}/events").status_code == 200
    account = tokens.create_service_account("bare", actor=None)
    with pytest.raises(ValidationError):
        tokens.create_token(account.user, name="x", actor=None)
    with pytest.raises(ValidationError):
        tokens.create_token(account.user, name="x", scopes=["everything"], actor=None)


def test_a_service_account_cannot_sign_in_and_needs_no_second_factor(dong_cam, people, settings):
    settings.TWO_FACTOR_REQUIRED = True
    appraisal = service(
        "appraisal.tool", people["appraiser"].user.grants.get().unit, Role.APPRAISER, ["appraisal:write"]
    )
    assert appraisal.get(f"{API}/assessments/{dong_cam.pk}").status_code == 200
    assert not appraisal.user.has_usable_password()
    assert not Client().login(username="appraisal.tool", password="")


def test_every_operation_of_the_document_is_classified(anonymous):
    document = anonymous.get(f"{API}/openapi.json").json()
    unclassified = []
    for path, operations in document["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "7", path.removeprefix("/api/v1/"))  # ids, years, codes
        for method in operations:
            if scopes.required(method.upper(), concrete) is None:
                unclassified.append(f"{method.upper()} {path}")
    assert unclassified == []


def test_each_service_token_has_its_own_rate_limit(dong_cam, settings):
    settings.API_REQUESTS_PER_MINUTE = 2
    first = service("one", dong_cam.unit, Role.COMMUNE_OFFICER, ["assessments:read"])
    second = service("two", dong_cam.unit, Role.COMMUNE_OFFICER, ["assessments:read"])
    with time_machine.travel(datetime(2026, 12, 6, 9, 30, 20, tzinfo=UTC), tick=False):
        assert [first.get(f"{API}/cycles").status_code for _ in range(3)] == [200, 200, 429]
        assert second.get(f"{API}/cycles").status_code == 200  # same address, its own budget


def test_the_administrator_creates_a_service_account_and_its_first_token_at_the_console(db):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_service_account",
        "kho.du.lieu",
        "--scope",
        "results:read",
        "--scope",
        "events:read",
        stdout=out,
        stderr=err,
    )
    secret = out.getvalue().strip()
    account = ServiceAccount.objects.get(user__username="kho.du.lieu")
    token = tokens.token_for(secret)
    assert token.user == account.user
    assert token.scopes == ["events:read", "results:read"]
