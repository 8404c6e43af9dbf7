"""A save sent after the session ended is answered 401 in JSON, never a login page inside the
card; the page then asks who is signed in and for the new CSRF token (sign-in rotates it)."""

import json

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from friendlygov.core.testing import PERSONA_PASSWORD

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TRIGGER_NAME": "self_value"}


def end_every_session():
    Session.objects.all().delete()


def first_manual(assessment):
    return assessment.scores.filter(indicator__method="manual").order_by("pk").first()


def test_an_autosave_after_the_session_ended_is_answered_401_and_saves_nothing(dong_cam, people):
    score = first_manual(dong_cam)
    officer = people["officer"]
    end_every_session()
    response = officer.post(
        reverse("assessments:save_self", args=[dong_cam.pk, score.pk]),
        {"self_value": "4", "version": score.version},
        **HTMX,
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["error"]["code"] == "not_authenticated"
    assert b"<form" not in response.content  # no login page to land inside the card
    score.refresh_from_db()
    assert score.self_value is None


def test_a_request_asking_for_json_is_answered_401_and_a_page_still_goes_to_the_login(dong_cam, people):
    officer = people["officer"]
    end_every_session()
    detail = reverse("assessments:detail", args=[dong_cam.pk])
    assert officer.get(detail, HTTP_ACCEPT="application/json").status_code == 401
    page = officer.get(detail, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert page.status_code == 302 and page["Location"].startswith(reverse("login"))


def test_the_session_state_names_the_user_and_gives_the_token_of_the_new_session(dong_cam, people):
    officer = people["officer"]
    answer = officer.get(reverse("session_state"), HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    state = json.loads(answer.content)
    assert state["user"] == officer.user.pk and len(state["csrf_token"]) == 64
    end_every_session()
    assert officer.get(reverse("session_state"), HTTP_ACCEPT="application/json").status_code == 401


def test_a_save_sent_again_with_the_token_of_the_new_session_is_saved(dong_cam, people):
    """What the page does after signing in elsewhere: the old token is refused, the new one works."""
    score = first_manual(dong_cam)
    browser = Client(enforce_csrf_checks=True)
    browser.get(reverse("login"))
    old_token = browser.cookies["csrftoken"].value
    browser.post(
        reverse("login"),
        {"username": people["officer"].user.username, "password": PERSONA_PASSWORD, "next": "/"},
        HTTP_X_CSRFTOKEN=old_token,
    )
    url = reverse("assessments:save_self", args=[dong_cam.pk, score.pk])
    data = {"self_value": "4", "version": score.version}
    assert browser.post(url, data, HTTP_X_CSRFTOKEN=old_token, **HTMX).status_code == 403
    token = json.loads(browser.get(reverse("session_state"), HTTP_ACCEPT="application/json").content)
    saved = browser.post(url, data, HTTP_X_CSRFTOKEN=token["csrf_token"], **HTMX)
    assert saved.status_code == 200 and 'data-save="saved"' in saved.content.decode()
    score.refresh_from_db()
    assert score.self_value == 4


def test_the_landing_page_of_a_new_sign_in_says_where_the_changes_go(people):
    page = people["officer"].get(reverse("signed_in")).content.decode()
    assert "Đã đăng nhập lại" in page and "được gửi tự động" in page
