"""Everyone who fills, submits or appraises sees what is missing, each item a link to its row; the
sticky summary gives the total, projected level, progress, missing evidence and failed conditions;
a blocked action answers with one summary instead of a banner per item."""

import re

from django.urls import reverse

from friendlygov.assessments import services
from friendlygov.assessments.completeness import EVIDENCE, UNSCORED, missing_for_submission
from friendlygov.assessments.testing import confirmed, quick_fill_self
from friendlygov.assessments.workflow import Status

HTMX = {"HTTP_HX_REQUEST": "true"}


def detail(client, assessment, query=""):
    return client.get(reverse("assessments:detail", args=[assessment.pk]) + query).content.decode()


def section(html, element_id):
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


def test_each_missing_item_names_its_row_and_its_kind(dong_cam):
    scores = list(dong_cam.scores.select_related("indicator").order_by("pk"))
    missing = missing_for_submission(dong_cam)
    assert {item.score_id for item in missing} == {s.pk for s in scores}
    assert {item.kind for item in missing} == {UNSCORED}
    quick_fill_self(dong_cam, explanation="")
    missing = missing_for_submission(dong_cam)
    needing_evidence = {s.pk for s in scores if s.indicator.evidence}
    assert needing_evidence and {item.score_id for item in missing} == needing_evidence
    assert {item.kind for item in missing} == {EVIDENCE}


def test_the_officer_sees_what_is_missing_with_a_link_to_each_indicator(dong_cam, people):
    page = detail(people["officer"], dong_cam)
    listed = section(page, "missing")
    rows = dong_cam.scores.count()
    links = re.findall(r'href="#row-(\d+)"', listed)
    assert len(links) == rows and {int(pk) for pk in links} == set(
        dong_cam.scores.values_list("pk", flat=True)
    )
    assert f"Còn thiếu để gửi thẩm định: {rows} mục" in listed
    summary = section(page, "summary")
    assert f"Đã chấm 0/{rows} chỉ tiêu" in summary and f"Còn thiếu: {rows}" in summary
    assert "Nếu giữ nguyên:" in summary  # nothing scored yet: the level is only a projection
    criteria = dong_cam.cycle.framework.criteria.values_list("pk", flat=True)
    assert all(f'href="#criterion-{pk}"' in summary for pk in criteria)


def test_the_summary_counts_missing_evidence_and_failed_conditions(dong_cam, people):
    quick_fill_self(dong_cam, explanation="")
    summary = section(detail(people["officer"], dong_cam), "summary")
    needing = dong_cam.scores.filter(indicator__evidence__gt="").count()
    assert f"Thiếu tài liệu: {needing}" in summary
    rows = dong_cam.scores.count()
    assert f"Đã chấm {rows}/{rows} chỉ tiêu" in summary


def test_the_filter_shows_only_the_indicators_still_missing_something(dong_cam, people):
    scores = list(dong_cam.scores.order_by("pk"))
    done = scores[0]
    services.save_self_score(
        done, expected_version=done.version, actor=people["officer"].user, self_value=1, explanation="Có"
    )
    page = detail(people["officer"], dong_cam, "?only=missing")
    shown = {int(pk) for pk in re.findall(r'<article class="indicator-row" id="row-(\d+)"', page)}
    assert shown == {s.pk for s in scores[1:]}
    assert "Hiện tất cả chỉ tiêu" in page
    everything = detail(people["officer"], dong_cam)
    assert f'id="row-{done.pk}"' in everything and "Chỉ hiện còn thiếu" in everything


def test_a_blocked_submission_answers_with_one_summary_of_links(dong_cam, people):
    url = reverse("assessments:submit", args=[dong_cam.pk])
    response = people["chair"].post(url, confirmed(dong_cam, "submit"))
    assert response.status_code == 302 and response["Location"].endswith("#missing")
    page = people["chair"].get(response["Location"]).content.decode()
    rows = dong_cam.scores.count()
    assert page.count("message-error") == 1
    assert f"còn {rows} mục thiếu" in page
    assert len(re.findall(r'href="#row-\d+"', section(page, "missing"))) == rows
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.DRAFT


def test_a_blocked_approval_answers_with_one_summary_of_links(dong_cam, people):
    quick_fill_self(dong_cam)
    services.submit_assessment(dong_cam, actor=people["chair"].user)
    services.start_appraisal(dong_cam, actor=people["appraiser"].user)
    response = people["appraiser"].post(
        reverse("assessments:approve", args=[dong_cam.pk]), confirmed(dong_cam, "approve"), follow=True
    )
    page = response.content.decode()
    rows = dong_cam.scores.count()
    assert page.count("message-error") == 1 and f"còn {rows} mục thiếu" in page
    listed = section(page, "missing")
    assert "Còn thiếu để duyệt kết quả thẩm định" in listed
    assert len(re.findall(r'href="#row-\d+"', listed)) == rows
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.UNDER_APPRAISAL


def test_a_save_asks_the_page_to_refresh_its_summary_which_is_then_current(dong_cam, people):
    score = dong_cam.scores.filter(indicator__method="manual").order_by("pk").first()
    saved = people["officer"].post(
        reverse("assessments:save_self", args=[dong_cam.pk, score.pk]),
        {"self_value": "2", "version": score.version},
        HTTP_HX_TRIGGER_NAME="self_value",
        **HTMX,
    )
    assert saved["HX-Trigger"] == "scores-changed"
    fresh = people["officer"].get(reverse("assessments:summary", args=[dong_cam.pk]), **HTMX).content.decode()
    assert fresh.count('hx-swap-oob="true"') == 2
    rows = dong_cam.scores.count()
    assert f"Đã chấm 1/{rows} chỉ tiêu" in section(fresh, "summary")
    assert f"{score.indicator.code}: chưa chấm điểm." not in section(fresh, "missing")


def test_a_reader_who_neither_fills_nor_submits_sees_no_missing_list(dong_cam, people, cycle_2024, persona):
    from friendlygov.accounts.models import Role

    viewer = persona(Role.VIEWER, dong_cam.unit.parent)
    page = detail(viewer, dong_cam)
    assert 'id="missing"' not in page and 'id="summary"' not in page
    assert (
        people["outsider_commune"].get(reverse("assessments:summary", args=[dong_cam.pk])).status_code == 404
    )
