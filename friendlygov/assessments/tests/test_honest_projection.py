"""Until everything is scored the projection says so, and a condition on a criterion that still
has unscored indicators is pending, not failed: unscored indicators count as 0 points, which must
not read as a verdict."""

from django.urls import reverse

from friendlygov.assessments import services
from friendlygov.assessments.results import describe_failure, layer_result
from friendlygov.assessments.selectors import scores_for_totals
from friendlygov.assessments.workflow import SELF


def score_zero(assessment, scores, user):
    for score in scores:
        value = 0 if score.indicator.method != "deduction" else 99
        services.save_self_score(score, expected_version=score.version, actor=user, self_value=value)


def criterion_rows(assessment, code):
    return list(assessment.scores.select_related("indicator").filter(indicator__criterion__code=code))


def test_a_condition_on_a_criterion_still_being_scored_is_pending_until_it_is_complete(dong_cam, people):
    officer = people["officer"].user
    tc4 = criterion_rows(dong_cam, "TC4")
    score_zero(dong_cam, tc4[:1], officer)
    result = layer_result(dong_cam, scores_for_totals(dong_cam), SELF)
    assert "TC4" in {f.criterion for f in result.pending}
    assert "TC4" not in {f.criterion for f in result.failed}
    assert result.recognition.level == 0  # the projection itself is unchanged: "if nothing changes"

    score_zero(dong_cam, criterion_rows(dong_cam, "TC4")[1:], officer)
    result = layer_result(dong_cam, scores_for_totals(dong_cam), SELF)
    failed = next(f for f in result.failed if f.criterion == "TC4")
    assert "TC4" not in {f.criterion for f in result.pending}
    assert describe_failure(failed) == "TC4 đạt 0%, cần từ 50%"


def test_the_page_says_how_many_are_unscored_and_what_is_pending(dong_cam, people):
    officer = people["officer"]
    score_zero(dong_cam, criterion_rows(dong_cam, "TC4")[:1], officer.user)
    page = officer.get(reverse("assessments:detail", args=[dong_cam.pk])).content.decode()
    unscored = dong_cam.scores.count() - 1
    assert f"Chưa chấm {unscored} chỉ tiêu — nếu giữ nguyên:" in page
    assert "Điều kiện chờ chấm xong:" in page
    assert "TC4 đạt 0%, cần từ 50%; còn chỉ tiêu chưa chấm" in page
    assert "0.00%" not in page


def test_a_complete_self_assessment_shows_its_projected_level_plainly(dong_cam, people):
    from friendlygov.assessments.testing import quick_fill_self

    quick_fill_self(dong_cam)
    page = people["officer"].get(reverse("assessments:detail", args=[dong_cam.pk])).content.decode()
    assert "Mức dự kiến:" in page and "nếu giữ nguyên" not in page
    assert "Điều kiện chờ chấm xong:" not in page
