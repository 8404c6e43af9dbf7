"""Personal API tokens: shown once, stored hashed, usable without cookies or CSRF, refused once
revoked or expired, and bound to the same permission policy and audit trail as the pages."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from friendlygov.api import tokens
from friendlygov.api.models import ApiToken
from friendlygov.assessments.testing import fill_self
from friendlygov.audit.models import AuditEvent

from .conftest import token_client

API = "/api/v1"


def test_it_stores_only_a_hash_and_shows_the_secret_once_on_the_page(people):
    officer = people["officer"]
    created = officer.post(reverse("tokens:list"), {"name": "Hệ thống văn bản", "expires_on": ""})

    assert created.status_code == 200
    token = ApiToken.objects.get(user=officer.user)
    secret = created.context["created"]["secret"]
    assert secret.startswith("fg_") and len(secret) > 40
    assert secret in created.content.decode()
    assert token.digest == tokens.digest_of(secret) and secret not in token.digest
    assert created["Cache-Control"].startswith("max-age=0")
    again = officer.get(reverse("tokens:list")).content.decode()
    assert token.prefix in again and secret not in again
    assert AuditEvent.objects.filter(event_type="api_token.created", actor=officer.user).count() == 1


def test_a_token_works_without_cookies_or_csrf_and_acts_as_its_user(dong_cam, people):
    fill_self(dong_cam, people["officer"].user)
    chair = token_client(people["chair"].user)

    response = chair.post(f"{API}/assessments/{dong_cam.pk}/submit")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    event = AuditEvent.objects.for_target(dong_cam).get(event_type="assessment.submit")
    assert (event.actor, event.actor_name) == (chair.user, chair.user.username)
    chair.token.refresh_from_db()
    assert chair.token.last_used_at is not None


@pytest.mark.parametrize("how", ["revoked", "expired", "user deactivated", "unknown", "malformed"])
def test_a_token_that_is_not_valid_gets_401_and_changes_nothing(dong_cam, people, how):
    fill_self(dong_cam, people["officer"].user)
    chair = token_client(people["chair"].user)
    if how == "revoked":
        tokens.revoke_token(chair.token, actor=chair.user)
    elif how == "expired":
        ApiToken.objects.filter(pk=chair.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif how == "user deactivated":
        type(chair.user).objects.filter(pk=chair.user.pk).update(is_active=False)
    elif how == "unknown":
        chair = Client(headers={"authorization": "Bearer fg_" + "x" * 43})
    else:
        chair = Client(headers={"authorization": "Bearer"})
    events = AuditEvent.objects.count()

    for response in (
        chair.get(f"{API}/assessments/{dong_cam.pk}"),
        chair.post(f"{API}/assessments/{dong_cam.pk}/submit"),
        # public operations too: served as anonymous, a program would not notice its lost access
        chair.get(f"{API}/units?date=2024-06-01"),
        chair.get(f"{API}/cycles/2024/summary"),
    ):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
    dong_cam.refresh_from_db()
    assert dong_cam.status == "draft"
    assert AuditEvent.objects.count() == events


def test_a_commune_officers_token_cannot_read_or_change_another_communes_draft(dong_cam, programs):
    neighbour = programs["outsider_commune"]
    score = dong_cam.scores.select_related("indicator").first()

    read = neighbour.get(f"{API}/assessments/{dong_cam.pk}")
    write = neighbour.patch(
        f"{API}/assessments/{dong_cam.pk}/scores/{score.indicator.code}",
        {"version": score.version, "self_value": "1"},
        content_type="application/json",
    )
    listed = neighbour.get(f"{API}/assessments?cycle=2024&limit=100").json()

    assert (read.status_code, write.status_code) == (404, 404)
    assert dong_cam.pk not in [a["id"] for a in listed["items"]]
    score.refresh_from_db()
    assert score.self_value is None


def test_people_list_and_revoke_only_their_own_tokens(people):
    mine = token_client(people["officer"].user)
    theirs = token_client(people["chair"].user)
    page = people["officer"].get(reverse("tokens:list")).content.decode()
    assert mine.token.prefix in page and theirs.token.prefix not in page

    refused = people["officer"].post(reverse("tokens:revoke", args=[theirs.token.pk]))
    assert refused.status_code == 404
    revoked = people["officer"].post(reverse("tokens:revoke", args=[mine.token.pk]))
    assert revoked.status_code == 302
    mine.token.refresh_from_db()
    theirs.token.refresh_from_db()
    assert mine.token.revoked_at is not None and theirs.token.revoked_at is None
    assert mine.get(f"{API}/cycles").status_code == 401
    assert theirs.get(f"{API}/cycles").status_code == 200


def test_a_past_expiry_date_or_an_empty_name_is_refused_and_creates_nothing(people):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    for data in ({"name": "x", "expires_on": yesterday}, {"name": "  ", "expires_on": ""}):
        response = people["officer"].post(reverse("tokens:list"), data)
        assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_an_expiry_date_keeps_the_token_valid_through_that_day(people):
    tomorrow = timezone.localdate() + timedelta(days=1)
    people["officer"].post(reverse("tokens:list"), {"name": "x", "expires_on": tomorrow.isoformat()})
    token = ApiToken.objects.get()
    assert timezone.localtime(token.expires_at).date() == tomorrow and token.is_active()


def test_the_command_prints_a_working_token_once_for_an_administrator(dong_cam, people):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_token", people["appraiser"].user.username, "--days", "30", stdout=out, stderr=err
    )

    secret = out.getvalue().strip()
    token = ApiToken.objects.get(user=people["appraiser"].user)
    assert token.digest == tokens.digest_of(secret)
    assert token.expires_at > timezone.now() + timedelta(days=29)
    program = Client(headers={"authorization": f"Bearer {secret}"})
    assert program.get(f"{API}/assessments/{dong_cam.pk}").status_code == 200
    with pytest.raises(CommandError, match="No active user"):
        call_command("create_api_token", "nobody", stdout=io.StringIO())


def test_an_administrator_revokes_any_token_in_the_admin(admin_client, people):
    program = token_client(people["officer"].user)
    response = admin_client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [program.token.pk]},
    )
    assert response.status_code == 302
    program.token.refresh_from_db()
    assert program.token.revoked_at is not None
    assert program.get(f"{API}/cycles").status_code == 401
    event = AuditEvent.objects.get(event_type="api_token.revoked")
    assert event.actor == admin_client.user


def test_nobody_but_an_administrator_creates_a_token_for_someone_else(people):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        tokens.create_token(people["chair"].user, name="x", actor=people["officer"].user)
    assert not ApiToken.objects.exists()


def test_a_token_is_no_way_around_two_factor(dong_cam, people, settings):
    """With TWO_FACTOR_REQUIRED, an appraiser without a confirmed authenticator could still call
    the API with a token made before; now the token is refused, and none can be made."""
    from django.core.exceptions import ValidationError

    appraiser = token_client(people["appraiser"].user)
    settings.TWO_FACTOR_REQUIRED = True
    refused = appraiser.get(f"{API}/assessments/{dong_cam.pk}")
    assert refused.status_code == 403
    assert "xác thực hai bước" in refused.json()["error"]["message"]
    with pytest.raises(ValidationError, match="xác thực hai bước"):
        tokens.create_token(people["appraiser"].user, name="kho", actor=None)
    officer = token_client(people["officer"].user)  # a commune officer is not asked for a second factor
    assert officer.get(f"{API}/assessments/{dong_cam.pk}").status_code == 200


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_expiry_date_is_typed_day_first_and_a_month_first_one_is_refused(people, language):
    officer = people["officer"]
    officer.cookies["django_language"] = language
    refused = officer.post(reverse("tokens:list"), {"name": "x", "expires_on": "12/31/2099"})
    assert refused.status_code == 422 and "“12/31/2099”" in refused.content.decode()
    assert not ApiToken.objects.exists()
    assert officer.post(reverse("tokens:list"), {"name": "x", "expires_on": "31/12/2099"}).status_code == 200
    assert ApiToken.objects.get().expires_at.date().isoformat() == "2099-12-31"
