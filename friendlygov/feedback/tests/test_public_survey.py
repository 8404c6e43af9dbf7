"""The citizen's side: open the unit's link without an account, answer, see the thank-you page;
repeat answers are limited per device and per hashed address per day; a honeypot; no trace of a
refused submission beyond a counter."""

from datetime import date

import pytest
from django.test import Client

from friendlygov.feedback.models import Channel, Refusal, RefusedCount, SurveyAnswer, SurveyResponse
from friendlygov.feedback.throttle import DEVICE_COOKIE, hashed

from .conftest import DURING_EMBARGO

pytestmark = pytest.mark.django_db

ANSWER = {"overall": "5", "attitude": "4", "time": "3", "comment": "Cán bộ nhiệt tình, gọi 0912 345 678"}


def url(assessment):
    return f"/y-kien/{assessment.unit.code}/"


def test_it_serves_the_form_to_anyone_with_the_unit_in_the_link(anonymous, dong_cam, survey_form, on_day):
    with on_day(DURING_EMBARGO):
        response = anonymous.get(url(dong_cam))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Xã Đồng Cẩm" in page
    assert 'type="radio"' in page and "<script" not in page  # works with JavaScript off
    assert DEVICE_COOKIE in response.cookies


def test_it_counts_an_answer_for_the_right_unit_and_channel(anonymous, dong_cam, survey_form, on_day):
    with on_day(DURING_EMBARGO):
        anonymous.get(url(dong_cam))
        response = anonymous.post(url(dong_cam), ANSWER)
        thanks = anonymous.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"/y-kien/{dong_cam.unit.code}/cam-on/"
    assert "Cảm ơn" in thanks.content.decode()
    stored = SurveyResponse.objects.get()
    assert (stored.assessment, stored.channel, stored.overall) == (dong_cam, Channel.QR, 5)
    assert stored.received_on == DURING_EMBARGO
    assert dict(SurveyAnswer.objects.values_list("question", "value")) == {"attitude": 4, "time": 3}
    assert stored.comment == "Cán bộ nhiệt tình, gọi [***]"
    assert stored.entered_by is None


def test_it_asks_again_without_storing_when_the_overall_answer_is_missing(
    anonymous, dong_cam, survey_form, on_day
):
    with on_day(DURING_EMBARGO):
        response = anonymous.post(url(dong_cam), {"attitude": "4"})
    assert response.status_code == 400
    assert "Phiếu chưa gửi được" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_it_refuses_a_value_off_the_scale(anonymous, dong_cam, survey_form, on_day):
    with on_day(DURING_EMBARGO):
        response = anonymous.post(url(dong_cam), {"overall": "9"})
    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_it_thanks_a_bot_that_fills_the_honeypot_and_only_counts_it(anonymous, dong_cam, survey_form, on_day):
    with on_day(DURING_EMBARGO):
        response = anonymous.post(url(dong_cam), {**ANSWER, "website": "http://spam.example"})
    assert response.status_code == 302 and response["Location"].endswith("/cam-on/")
    assert not SurveyResponse.objects.exists()
    counter = RefusedCount.objects.get()
    assert (counter.unit, counter.reason, counter.count) == (dong_cam.unit, Refusal.HONEYPOT, 1)


def test_it_throttles_50_rapid_submissions_from_one_client_and_counts_each_refusal_once(
    anonymous, dong_cam, survey_form, on_day, settings
):
    settings.FEEDBACK_DEVICE_DAILY_LIMIT = 2
    with on_day(DURING_EMBARGO):
        anonymous.get(url(dong_cam))
        statuses = {anonymous.post(url(dong_cam), ANSWER).status_code for _ in range(50)}
    assert statuses == {302}  # every one of them ends on the thank-you page, never an error page
    assert SurveyResponse.objects.count() == 2
    counter = RefusedCount.objects.get()
    assert (counter.reason, counter.count, counter.day) == (Refusal.DEVICE_LIMIT, 48, DURING_EMBARGO)


def test_it_limits_one_network_address_even_without_a_device_cookie(dong_cam, survey_form, on_day, settings):
    settings.FEEDBACK_NETWORK_DAILY_LIMIT = 3
    with on_day(DURING_EMBARGO):
        for _ in range(5):
            Client().post(url(dong_cam), ANSWER, REMOTE_ADDR="203.0.113.7")
        Client().post(url(dong_cam), ANSWER, REMOTE_ADDR="203.0.113.8")
    assert SurveyResponse.objects.count() == 4
    assert RefusedCount.objects.get(reason=Refusal.NETWORK_LIMIT).count == 2


def test_behind_a_proxy_the_network_limit_counts_the_forwarded_address(
    dong_cam, survey_form, on_day, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.FEEDBACK_NETWORK_DAILY_LIMIT = 3
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    with on_day(DURING_EMBARGO):
        for _ in range(5):
            Client().post(url(dong_cam), ANSWER, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
        Client().post(url(dong_cam), ANSWER, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)
    assert SurveyResponse.objects.count() == 4
    assert RefusedCount.objects.get(reason=Refusal.NETWORK_LIMIT).count == 2


def test_it_lets_the_same_device_answer_again_the_next_day(
    anonymous, dong_cam, survey_form, on_day, settings
):
    settings.FEEDBACK_DEVICE_DAILY_LIMIT = 1
    with on_day(date(2024, 11, 14)):
        anonymous.get(url(dong_cam))
        anonymous.post(url(dong_cam), ANSWER)
        anonymous.post(url(dong_cam), ANSWER)
    with on_day(date(2024, 11, 15)):
        anonymous.post(url(dong_cam), ANSWER)
    assert SurveyResponse.objects.count() == 2


def test_it_hashes_network_identifiers_with_a_key_that_changes_every_day():
    first, second = hashed("203.0.113.7", date(2024, 11, 14)), hashed("203.0.113.7", date(2024, 11, 15))
    assert first != second
    assert "203.0.113.7" not in first and len(first) == 64


def test_it_says_so_when_no_cycle_is_open_for_the_unit(anonymous, dong_cam, survey_form, on_day):
    with on_day(date(2031, 3, 1)):
        response = anonymous.get(url(dong_cam))
    assert response.status_code == 404
    assert "chưa mở khảo sát" in response.content.decode()
