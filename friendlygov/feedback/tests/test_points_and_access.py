"""Survey-based points from the framework's own mapping, beside the commune's claim; the embargo;
who may read the numbers and the comments, enter paper forms and set N (persona by persona)."""

from decimal import Decimal

import pytest

from friendlygov.accounts.models import Role
from friendlygov.assessments.testing import district, quick_fill_self
from friendlygov.audit.models import AuditEvent
from friendlygov.feedback import selectors
from friendlygov.feedback.models import Channel, SampleFrame, SurveyResponse

from .conftest import AFTER_EMBARGO, DURING_EMBARGO, add_responses

pytestmark = pytest.mark.django_db


def points_of(assessment, code):
    return next(line for line in selectors.unit_survey(assessment).points if line.indicator.code == code)


def test_it_takes_the_points_from_the_frameworks_thresholds_and_follows_new_responses(dong_cam, survey_form):
    # TC5.1 (8 points): ≥95% → 8, ≥90% → 7, ≥85% → 6, ≥80% → 5, ≥70% → 3, ≥60% → 1.
    assert points_of(dong_cam, "TC5.1").points is None
    add_responses(dong_cam, survey_form, [5] * 19 + [4])
    line = points_of(dong_cam, "TC5.1")
    assert (line.rate.percent, line.points) == (Decimal("100.00"), Decimal(8))
    add_responses(dong_cam, survey_form, [2] * 5)  # 20 of 25 satisfied: 80%
    line = points_of(dong_cam, "TC5.1")
    assert (line.rate.percent, line.points) == (Decimal("80.00"), Decimal(5))


def test_it_scores_the_attitude_indicator_from_the_attitude_question(dong_cam, survey_form):
    # TC3.4 (5 points) is fed by the "attitude" question of the default form: ≥90% → 5, ≥80% → 4.
    add_responses(dong_cam, survey_form, [5] * 10, aspects={"attitude": 4})
    add_responses(dong_cam, survey_form, [5] * 2, aspects={"attitude": 1})
    line = points_of(dong_cam, "TC3.4")
    assert (line.question.code, line.rate.responses, line.rate.satisfied) == ("attitude", 12, 10)
    assert line.points == Decimal(4)  # 83.33% → 4


def test_the_appraiser_sees_the_survey_points_beside_the_communes_claim(
    people, dong_cam, survey_form, on_day
):
    quick_fill_self(dong_cam)  # the commune claims 92% on survey indicators: 7 points on TC5.1
    add_responses(dong_cam, survey_form, [5] * 7 + [3] * 3)  # 70% → 3 points
    with on_day(DURING_EMBARGO):
        page = people["appraiser"].get(f"/assessments/{dong_cam.pk}/").content.decode()
    assert "Theo khảo sát người dân:" in page
    assert "3 điểm" in page and "xã tự chấm 7 điểm" in page


def test_the_commune_sees_no_survey_numbers_beside_its_claim_before_the_deadline(
    people, dong_cam, survey_form, on_day
):
    add_responses(dong_cam, survey_form, [5] * 10)
    with on_day(DURING_EMBARGO):
        page = people["officer"].get(f"/assessments/{dong_cam.pk}/").content.decode()
    assert "Theo khảo sát người dân:" not in page


@pytest.mark.parametrize(
    ("who", "day", "results", "comments"),
    [
        ("officer", DURING_EMBARGO, False, False),
        ("chair", DURING_EMBARGO, False, False),
        ("officer", AFTER_EMBARGO, True, True),
        ("appraiser", DURING_EMBARGO, True, True),
        ("head", DURING_EMBARGO, True, True),
        ("viewer", DURING_EMBARGO, True, False),
    ],
)
def test_who_reads_results_and_comments_on_the_unit_page(
    people, persona, dong_cam, survey_form, on_day, who, day, results, comments
):
    people["viewer"] = persona(Role.VIEWER, district("Huyện Kim Thành"))
    add_responses(dong_cam, survey_form, [5, 4, 2], day=DURING_EMBARGO)
    SurveyResponse.objects.filter(overall=2).update(comment="Phải chờ lâu quá")
    with on_day(day):
        response = people[who].get(f"/feedback/{dong_cam.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert ("66,7%" in page) is results
    assert ("sau hạn tự đánh giá" in page) is not results
    assert ("Phải chờ lâu quá" in page) is comments


@pytest.mark.parametrize("who", ["outsider_commune", "outsider_district"])
def test_outsiders_get_nothing_of_another_units_survey(people, dong_cam, survey_form, who):
    assert people[who].get(f"/feedback/{dong_cam.pk}/").status_code == 404
    assert people[who].get(f"/api/v1/feedback/assessments/{dong_cam.pk}").status_code == 404
    assert people[who].get(f"/feedback/{dong_cam.pk}/poster/").status_code == 404


def test_the_api_refuses_the_commune_during_the_embargo_and_answers_the_appraiser(
    people, dong_cam, survey_form, on_day
):
    add_responses(dong_cam, survey_form, [5, 5, 4, 1])
    with on_day(DURING_EMBARGO):
        refused = people["officer"].get(f"/api/v1/feedback/assessments/{dong_cam.pk}")
        refused_cycle = people["officer"].get("/api/v1/feedback/cycles/2024")
        answered = people["appraiser"].get(f"/api/v1/feedback/assessments/{dong_cam.pk}")
        cycle = people["appraiser"].get("/api/v1/feedback/cycles/2024")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert refused_cycle.status_code == 403
    assert answered.status_code == 200
    body = answered.json()
    assert (body["overall"]["responses"], body["overall"]["percent"]) == (4, "75")
    assert {p["indicator"] for p in body["points"]} == {"TC3.4", "TC5.1"}
    assert cycle.status_code == 200
    assert (
        next(line for line in cycle.json()["items"] if line["assessment_id"] == dong_cam.pk)["overall"][
            "satisfied"
        ]
        == 3
    )
    with on_day(AFTER_EMBARGO):
        assert people["officer"].get(f"/api/v1/feedback/assessments/{dong_cam.pk}").status_code == 200


def test_the_dashboard_panel_is_empty_for_the_commune_and_full_for_the_appraiser(
    people, dong_cam, survey_form, on_day
):
    add_responses(dong_cam, survey_form, [5, 5, 4, 1])
    with on_day(DURING_EMBARGO):
        commune = people["officer"].get("/reports/2024/").content.decode()
        appraiser = people["appraiser"].get("/reports/2024/").content.decode()
    assert "Sự hài lòng của người dân" in commune and "75,0%" not in commune
    assert "75,0%" in appraiser


def test_a_commune_officer_enters_a_paper_form_counted_in_its_own_channel(
    people, dong_cam, survey_form, on_day
):
    with on_day(DURING_EMBARGO):
        response = people["officer"].post(
            f"/feedback/{dong_cam.pk}/paper/",
            {"overall": "4", "facilities": "2", "comment": "Thiếu ghế", "received_on": "2024-11-14"},
        )
    assert response.status_code == 302
    stored = SurveyResponse.objects.get()
    assert (stored.channel, stored.overall, stored.entered_by) == (Channel.PAPER, 4, people["officer"].user)
    event = AuditEvent.objects.get(event_type="feedback.paper_entered")
    assert "Thiếu ghế" not in str(event.data)


@pytest.mark.parametrize("who", ["appraiser", "head"])
def test_only_the_communes_own_users_enter_paper_forms(people, dong_cam, survey_form, who):
    response = people[who].post(
        f"/feedback/{dong_cam.pk}/paper/", {"overall": "4", "received_on": "2024-11-14"}
    )
    assert response.status_code == 403
    assert not SurveyResponse.objects.exists()


def test_a_paper_form_dated_outside_the_cycles_year_changes_nothing(people, dong_cam, survey_form, on_day):
    with on_day(DURING_EMBARGO):
        response = people["officer"].post(
            f"/feedback/{dong_cam.pk}/paper/", {"overall": "4", "received_on": "2023-12-30"}
        )
    assert response.status_code == 400
    assert "năm 2024" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_n_sets_the_recommended_sample_and_flags_a_too_small_one(people, dong_cam, survey_form, on_day):
    add_responses(dong_cam, survey_form, [5] * 50)
    response = people["appraiser"].post(
        f"/feedback/{dong_cam.pk}/population/", {"population": "1000", "basis": "Sổ theo dõi hồ sơ"}
    )
    assert response.status_code == 302
    assert SampleFrame.objects.get().population == 1000
    rate = selectors.unit_survey(dong_cam).overall
    assert (rate.recommended, rate.too_small) == (286, True)
    with on_day(AFTER_EMBARGO):
        page = people["officer"].get(f"/feedback/{dong_cam.pk}/").content.decode()
    assert "Mẫu quá nhỏ: 50 phiếu, cần ít nhất 286 phiếu" in page


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("0", "“0”: nhỏ nhất là 1."),
        (
            "1.000",
            "“1.000”: hãy viết số không có dấu phân cách hàng nghìn, ví dụ 1000.",
        ),  # Django's own field once read a thousand as 1
        ("2,5", "“2,5”: hãy nhập một số nguyên."),
    ],
)
def test_a_bad_n_is_refused_with_a_reason(people, dong_cam, survey_form, typed, reason):
    response = people["officer"].post(f"/feedback/{dong_cam.pk}/population/", {"population": typed})
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not SampleFrame.objects.exists()


def test_n_may_be_written_with_spaces_between_thousands(people, dong_cam, survey_form):
    people["officer"].post(f"/feedback/{dong_cam.pk}/population/", {"population": "12 500"})
    assert SampleFrame.objects.get().population == 12500


def test_the_poster_and_qr_codes_carry_the_units_link_only(people, dong_cam, survey_form):
    poster = people["officer"].get(f"/feedback/{dong_cam.pk}/poster/")
    png = people["officer"].get(f"/feedback/{dong_cam.pk}/qr.png")
    svg = people["officer"].get(f"/feedback/{dong_cam.pk}/qr.svg")
    assert poster.status_code == 200 and "<svg" in poster.content.decode()
    assert f"/y-kien/{dong_cam.unit.code}/" in poster.content.decode()
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_the_commune_never_reads_the_appraisers_working_points_through_the_survey(
    people, dong_cam, survey_form, on_day
):
    add_responses(dong_cam, survey_form, [5] * 40)
    dong_cam.scores.filter(indicator__code="TC5.1").update(appraised_points=Decimal("6.5"))
    with on_day(AFTER_EMBARGO):
        commune_page = people["officer"].get(f"/feedback/{dong_cam.pk}/").content.decode()
        appraiser_page = people["appraiser"].get(f"/feedback/{dong_cam.pk}/").content.decode()
        api = people["officer"].get(f"/api/v1/feedback/assessments/{dong_cam.pk}").json()
    assert "6,5" not in commune_page and "6,5" in appraiser_page
    assert {p["indicator"]: p["appraised_points"] for p in api["points"]}["TC5.1"] is None


def test_paper_forms_and_n_are_frozen_once_the_unit_is_decided(people, dong_cam, survey_form, on_day):
    """Paper answers and N could still be entered on a decided cycle."""
    from friendlygov.assessments.models import Assessment
    from friendlygov.assessments.workflow import Status

    Assessment.objects.filter(pk=dong_cam.pk).update(status=Status.RECOGNISED, final_level=1)
    with on_day(DURING_EMBARGO):
        paper = people["officer"].post(
            f"/feedback/{dong_cam.pk}/paper/", {"overall": "4", "received_on": "2024-11-14"}
        )
        population = people["appraiser"].post(f"/feedback/{dong_cam.pk}/population/", {"population": "900"})
        page = people["officer"].get(f"/feedback/{dong_cam.pk}/").content.decode()
    assert paper.status_code == 400 and population.status_code == 400
    assert "không còn sửa được" in paper.content.decode()
    assert not SurveyResponse.objects.exists() and not SampleFrame.objects.exists()
    assert "Nhập phiếu giấy" not in page


def test_the_paper_form_is_offered_while_the_unit_is_undecided(people, dong_cam, survey_form, on_day):
    with on_day(DURING_EMBARGO):
        assert "Nhập phiếu giấy" in people["officer"].get(f"/feedback/{dong_cam.pk}/").content.decode()


def test_the_survey_line_says_the_points_and_the_samples_reliability_apart(
    people, dong_cam, survey_form, on_day
):
    """ "59,7% hài lòng (n = 57 …) mẫu quá nhỏ → 0 điểm" read as if the small sample caused the
    zero; the points come from the indicator's thresholds, the sample only says how sure we are."""
    add_responses(dong_cam, survey_form, [5] * 7 + [3] * 3)  # 70% of 10 answers: 3 points on TC5.1
    with on_day(DURING_EMBARGO):
        page = people["appraiser"].get(f"/assessments/{dong_cam.pk}/").content.decode()
    assert "70% người trả lời hài lòng; theo thang điểm của chỉ tiêu (ở trên), tỷ lệ này được 3 điểm." in page
    assert "Độ tin cậy: 10 phiếu, sai số ±" in page
    assert "Mẫu còn nhỏ, nên tỷ lệ chưa chắc chắn; điều này không làm thay đổi điểm." in page
    assert "mẫu quá nhỏ" not in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_paper_forms_date_is_typed_day_first_in_either_language(
    people, dong_cam, survey_form, on_day, language
):
    officer = people["officer"]
    officer.cookies["django_language"] = language
    with on_day(DURING_EMBARGO):
        refused = officer.post(
            f"/feedback/{dong_cam.pk}/paper/", {"overall": "4", "received_on": "11/14/2024"}
        )
        assert refused.status_code == 400
        assert "“11/14/2024”" in refused.content.decode()
        assert not SurveyResponse.objects.exists()
        saved = officer.post(f"/feedback/{dong_cam.pk}/paper/", {"overall": "4", "received_on": "14/11/2024"})
    assert saved.status_code == 302
    assert SurveyResponse.objects.get().received_on.isoformat() == "2024-11-14"
