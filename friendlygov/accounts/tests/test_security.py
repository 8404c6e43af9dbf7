"""Login lockout, two-factor, session timeout, password policy, CSP and the security events page."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from friendlygov.accounts.models import Role, RoleGrant
from friendlygov.audit.models import AuditEvent
from friendlygov.core.testing import PERSONA_PASSWORD

LOGIN = "/accounts/login/"


def code_for(device, offset=0):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"


@pytest.fixture
def official(django_user_model):
    return django_user_model.objects.create_user("canbo.test", password=PERSONA_PASSWORD)


def log_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


# --- Lockout --------------------------------------------------------------------------------


@pytest.fixture
def lockout_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    return settings


def test_it_locks_a_login_out_after_repeated_failures_and_says_when_to_retry(lockout_on, official):
    client = Client()
    for _ in range(2):
        assert log_in(client, "canbo.test", "wrong").status_code == 200
    response = log_in(client, "canbo.test", "wrong")
    assert response.status_code == 429
    text = response.content.decode()
    assert "tạm bị khoá" in text
    assert "thử lại sau 15 phút" in text
    assert re.search(r"Thời điểm có thể thử lại: <strong>\d\d:\d\d</strong>", text)
    # Even the right password is refused while locked out...
    assert log_in(client, "canbo.test", PERSONA_PASSWORD).status_code == 429
    # ...and accepted once the cool-off has passed.
    with _after(minutes=16):
        response = log_in(client, "canbo.test", PERSONA_PASSWORD)
    assert response.status_code == 302
    types = list(AuditEvent.objects.values_list("event_type", flat=True))
    assert types.count("auth.login_failed") >= 3
    assert "auth.locked_out" in types
    assert types[-1] == "auth.logged_in"


def _after(minutes=0, seconds=0):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes, seconds=seconds), tick=False)


def test_a_lockout_of_one_name_does_not_lock_another(lockout_on, official, django_user_model):
    django_user_model.objects.create_user("other.official", password=PERSONA_PASSWORD)
    client = Client()
    for _ in range(3):
        log_in(client, "canbo.test", "wrong")
    assert log_in(client, "other.official", PERSONA_PASSWORD).status_code == 302


def test_behind_a_proxy_a_lockout_holds_the_forwarded_address_not_the_proxys(
    lockout_on, official, django_user_model
):
    lockout_on.TRUSTED_PROXY_COUNT = 1
    stranger = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _ in range(3):
        log_in(stranger, "canbo.test", "wrong")
    assert log_in(stranger, "canbo.test", PERSONA_PASSWORD).status_code == 429
    official_at_work = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert log_in(official_at_work, "canbo.test", PERSONA_PASSWORD).status_code == 302
    failed = AuditEvent.objects.filter(event_type="auth.login_failed").first()
    assert failed.data["ip"] == "198.51.100.66"


def test_the_lockout_page_is_in_english_when_english_is_chosen(lockout_on, official):
    client = Client()
    client.cookies["django_language"] = "en"
    for _ in range(3):
        response = log_in(client, "canbo.test", "wrong")
    assert response.status_code == 429
    assert "try again" in response.content.decode().lower()


def test_one_address_trying_many_user_names_is_locked_out_with_a_clear_message(lockout_on, official):
    lockout_on.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    stranger = Client(REMOTE_ADDR="198.51.100.66")
    # Each name fails fewer times than the pair's limit (3), so axes alone never locks anything.
    for name in ("admin", "canbo.a", "canbo.b", "chutich.a"):
        assert log_in(stranger, name, "wrong").status_code == 200
    response = log_in(stranger, "thamdinh.a", "wrong")
    assert response.status_code == 429
    text = response.content.decode()
    assert "nhiều tên đăng nhập khác nhau" in text and "thử lại sau 15 phút" in text
    # Every name is refused from that address now, even with the right password...
    assert log_in(stranger, "canbo.test", PERSONA_PASSWORD).status_code == 429
    # ...while the official logs in from their own office.
    assert log_in(Client(REMOTE_ADDR="203.0.113.7"), "canbo.test", PERSONA_PASSWORD).status_code == 302
    event = AuditEvent.objects.get(event_type="auth.address_locked_out")
    assert event.data["ip"] == "198.51.100.66" and event.data["failures"] == 5
    with _after(minutes=16):
        assert log_in(stranger, "canbo.test", PERSONA_PASSWORD).status_code == 302


def test_the_address_lockout_page_is_in_english_when_english_is_chosen(lockout_on, official):
    lockout_on.LOGIN_ADDRESS_FAILURE_LIMIT = 2
    client = Client(REMOTE_ADDR="198.51.100.66")
    client.cookies["django_language"] = "en"
    log_in(client, "someone", "wrong")
    response = log_in(client, "someone.else", "wrong")
    assert response.status_code == 429
    assert "from this network address" in response.content.decode()


# --- Redirects -----------------------------------------------------------------------------


OTHER_SITES = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "http:evil.example"]


@pytest.mark.parametrize("target", OTHER_SITES)
def test_a_login_never_sends_the_person_to_another_site(official, target):
    response = Client().post(LOGIN, {"username": "canbo.test", "password": PERSONA_PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", OTHER_SITES)
def test_the_two_factor_pages_never_pass_on_another_sites_address(target, make_persona):
    client = make_persona("canbo.redirect")
    assert client.get("/accounts/two-factor/", {"next": target}).context["next"] == ""
    response = client.post("/accounts/two-factor/start/", {"next": target})
    assert "evil.example" not in response["Location"]


# --- Two-factor -----------------------------------------------------------------------------


def enrol(client):
    client.post("/accounts/two-factor/start/")
    device = TOTPDevice.objects.get(user=client.user, confirmed=False)
    assert client.get("/accounts/two-factor/qr.svg")["Content-Type"] == "image/svg+xml"
    response = client.post("/accounts/two-factor/confirm/", {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_a_person_can_turn_on_two_factor_and_then_must_give_a_code_at_login(make_persona):
    client = make_persona("canbo.2fa")
    device = enrol(client)
    assert AuditEvent.objects.filter(event_type="two_factor.enabled", target_id=str(client.user.pk)).exists()

    fresh = Client()
    response = log_in(fresh, "canbo.2fa", PERSONA_PASSWORD)
    assert response.status_code == 302
    # The password alone opens nothing but the code page.
    response = fresh.get("/assessments/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/verify/?next=%2Fassessments%2F")
    assert fresh.get("/api/v1/assessments").json()["error"]["code"] == "two_factor_required"
    # A wrong code is refused and recorded.
    response = fresh.post("/accounts/two-factor/verify/?next=/assessments/", {"code": "000000"})
    assert "Mã xác thực không đúng" in response.content.decode()
    assert AuditEvent.objects.filter(event_type="two_factor.failed").exists()
    # The right code lets the person in, to where they were going (after django-otp's throttling
    # delay for the wrong code, and in the next 30-second step, as a code is good only once).
    with _after(seconds=31):
        device.refresh_from_db()
        response = fresh.post(
            "/accounts/two-factor/verify/", {"code": code_for(device), "next": "/assessments/"}
        )
        assert response.status_code == 302 and response["Location"] == "/assessments/"
        assert fresh.get("/assessments/").status_code == 200


def test_a_wrong_code_does_not_turn_two_factor_on(make_persona):
    client = make_persona("canbo.typo")
    client.post("/accounts/two-factor/start/")
    client.post("/accounts/two-factor/confirm/", {"code": "123456"})
    assert not TOTPDevice.objects.filter(user=client.user, confirmed=True).exists()
    assert not AuditEvent.objects.filter(event_type="two_factor.enabled").exists()


def test_turning_two_factor_off_needs_a_current_code(make_persona):
    client = make_persona("canbo.off")
    device = enrol(client)
    client.post("/accounts/two-factor/disable/", {"code": "000000"})
    assert TOTPDevice.objects.filter(user=client.user).exists()
    with _after(seconds=31):
        device.refresh_from_db()
        client.post("/accounts/two-factor/disable/", {"code": code_for(device)})
    assert not TOTPDevice.objects.filter(user=client.user).exists()
    assert AuditEvent.objects.filter(event_type="two_factor.disabled").exists()


@pytest.fixture
def appraiser(make_persona, reference_data):
    from friendlygov.units.models import UnitVersion

    client = make_persona("thamdinh.test")
    RoleGrant.objects.create(user=client.user, role=Role.APPRAISER, unit=UnitVersion.objects.first())
    return client


def test_when_required_appraisers_must_enrol_before_anything_else(settings, appraiser, signed_in):
    settings.TWO_FACTOR_REQUIRED = True
    response = appraiser.get("/assessments/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/?next=")
    page = appraiser.get("/accounts/two-factor/")
    assert "bắt buộc dùng xác thực hai lớp" in page.content.decode()
    # People with no appraiser or administrator role are not asked.
    assert signed_in.get("/assessments/").status_code == 200
    enrol(appraiser)
    assert appraiser.get("/assessments/").status_code == 200
    # ...and cannot turn it off again.
    device = TOTPDevice.objects.get(user=appraiser.user)
    appraiser.post("/accounts/two-factor/disable/", {"code": code_for(device, 1)})
    assert TOTPDevice.objects.filter(user=appraiser.user).exists()


def test_when_not_required_appraisers_are_not_asked(appraiser):
    assert appraiser.get("/assessments/").status_code == 200


# --- Sessions and passwords -----------------------------------------------------------------


def test_a_session_ends_after_the_idle_timeout_but_not_while_in_use(official, settings):
    client = Client()
    log_in(client, "canbo.test", PERSONA_PASSWORD)
    for minutes in (20, 40, 60):  # a request every 20 minutes keeps the session
        with _after(minutes=minutes):
            assert client.get("/assessments/").status_code == 200
    with _after(minutes=60 + settings.SESSION_COOKIE_AGE // 60 + 1):
        response = client.get("/assessments/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("password", ["short-1", "123456789012345", "password1234"])
def test_the_password_policy_refuses_weak_passwords(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_the_password_policy_accepts_a_long_uncommon_password():
    validate_password("mua-thu-Ha-Noi-2026")


# --- Headers --------------------------------------------------------------------------------


def test_every_page_carries_a_strict_content_security_policy(anonymous):
    policy = anonymous.get(LOGIN)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_template_has_inline_script_style_or_event_handlers():
    from pathlib import Path

    from django.conf import settings

    roots = [settings.BASE_DIR / "templates", settings.BASE_DIR / "friendlygov"]
    offenders = []
    inline = re.compile(r"<script(?![^>]*\bsrc=)|<style\b|\sstyle=|\shx-on|\son[a-z]+=", re.IGNORECASE)
    for root in roots:
        for path in Path(root).rglob("*.html"):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if inline.search(line):
                    offenders.append(f"{path}:{number}: {line.strip()}")
    assert offenders == []


# --- Security events page -------------------------------------------------------------------


def test_administrators_see_recent_security_events(admin_client, official):
    log_in(Client(), "canbo.test", "wrong")
    response = admin_client.get("/accounts/security-events/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Đăng nhập sai" in text and "canbo.test" in text and "127.0.0.1" in text


def test_people_without_the_administrator_role_cannot_see_security_events(signed_in, appraiser):
    assert signed_in.get("/accounts/security-events/").status_code == 403
    assert appraiser.get("/accounts/security-events/").status_code == 403


def test_the_api_docs_page_loads_its_scripts_from_this_site(anonymous):
    page = anonymous.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in page and "cdn." not in page
