"""The public results page: only what an issued decision settled, open to anyone."""

from datetime import date

import pytest
from django.urls import reverse

from friendlygov.assessments import services
from friendlygov.assessments import testing as shared


def test_it_lists_the_years_with_an_issued_decision(issued, anonymous):
    page = anonymous.get(reverse("public:results"))
    assert page.status_code == 200
    assert reverse("public:cycle_results", args=[2024]) in page.text


def test_it_shows_each_decided_unit_with_level_score_and_decision(issued, appraised_units, anonymous):
    page = anonymous.get(reverse("public:cycle_results", args=[2024]))
    assert page.status_code == 200
    for assessment in appraised_units:
        assessment.refresh_from_db()
        assert assessment.unit.name in page.text
        assert f"{assessment.final_score:.2f}".replace(".", ",") in page.text
    assert "15/QĐ-UBND" in page.text
    assert "05/01/2025" in page.text
    assert "Mức 3" in page.text and "Mức 1" in page.text


def test_it_sorts_by_level_then_name(issued, appraised_units, anonymous):
    page = anonymous.get(reverse("public:cycle_results", args=[2024]))
    names = [row.unit_name for row in page.context["rows"]]
    levels = [row.level for row in page.context["rows"]]
    assert levels == sorted(levels, reverse=True)
    assert sorted(names) == sorted(a.unit.name for a in appraised_units)


def test_it_says_nothing_is_published_for_an_undecided_cycle(appraised_units, draft, anonymous):
    assert reverse("public:cycle_results", args=[2024]) not in anonymous.get(reverse("public:results")).text
    page = anonymous.get(reverse("public:cycle_results", args=[2024]))
    assert page.status_code == 200
    assert "Chưa có kết quả được công bố" in page.text
    for assessment in appraised_units:
        assert assessment.unit.name not in page.text
    assert draft.number not in page.text


def test_it_shows_nothing_about_units_without_an_issued_decision(issued, cycle_2024, anonymous):
    page = anonymous.get(reverse("public:cycle_results", args=[2024]))
    decided = {row.unit_id for row in page.context["rows"]}
    undecided = cycle_2024.assessments.exclude(unit_id__in=decided).select_related("unit")
    assert undecided.exists()
    for assessment in undecided:
        assert f">{assessment.unit.code}<" not in page.text


def test_it_drops_units_whose_decision_was_revoked(issued, appraised_units, people, anonymous):
    head = people["head"].user
    revocation = services.draft_decision(
        issued.body,
        assessments=appraised_units[:1],
        number="40/QĐ-UBND",
        signed_on=date(2025, 3, 2),
        signer_name="Nguyễn Văn An",
        legal_bases=shared.LEGAL_BASES,
        actor=head,
        supersedes=issued,
        kind="revocation",
        date_reason="Thu hồi sau khi xem xét kiến nghị của xã.",
    )
    services.issue_decision(revocation, actor=head)
    page = anonymous.get(reverse("public:cycle_results", args=[2024]))
    shown = {row.assessment_id for row in page.context["rows"]}
    assert shown == {a.pk for a in appraised_units[1:]}


def test_it_searches_ignoring_tone_marks(issued, anonymous):
    page = anonymous.get(reverse("public:cycle_results", args=[2024]), {"q": "dong cam"})
    assert [row.unit_name for row in page.context["rows"]] == ["Xã Đồng Cẩm"]
    page = anonymous.get(reverse("public:cycle_results", args=[2024]), {"q": "ĐỒNG CẨM"})
    assert len(page.context["rows"]) == 1
    page = anonymous.get(reverse("public:cycle_results", args=[2024]), {"q": "không có xã này"})
    assert page.context["rows"] == []
    assert "Không tìm thấy" in page.text


def test_it_answers_404_for_a_year_without_a_cycle(anonymous, db):
    assert anonymous.get(reverse("public:cycle_results", args=[1999])).status_code == 404


@pytest.fixture
def decide(people, kim_thanh_chair):
    """Appraise and issue a decision for `count` Kim Thành units."""

    def run(cycle, count, number):
        body = cycle.bodies.get(unit__name="Huyện Kim Thành")
        chosen = list(cycle.assessments.filter(body=body, status="draft").order_by("unit__code")[:count])
        for assessment in chosen:
            shared.appraise(assessment, chair=kim_thanh_chair, appraiser=people["appraiser"].user)
        decision = services.draft_decision(
            body,
            assessments=chosen,
            number=number,
            signed_on=date(2025, 1, 5),
            signer_name="Nguyễn Văn An",
            legal_bases=shared.LEGAL_BASES,
            actor=people["head"].user,
        )
        return services.issue_decision(decision, actor=people["head"].user)

    return run


def test_its_queries_do_not_grow_with_the_number_of_units(
    cycle_2024, decide, anonymous, django_assert_max_num_queries
):
    decide(cycle_2024, 2, "01/QĐ-UBND")
    url = reverse("public:cycle_results", args=[2024])
    with django_assert_max_num_queries(20) as few:
        assert len(anonymous.get(url).context["rows"]) == 2
    decide(cycle_2024, 6, "02/QĐ-UBND")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(anonymous.get(url).context["rows"]) == 8


def test_the_decision_list_queries_do_not_grow_with_the_number_of_decisions(
    cycle_2024, decide, people, django_assert_max_num_queries
):
    decide(cycle_2024, 1, "01/QĐ-UBND")
    url = reverse("assessments:decision_list")
    with django_assert_max_num_queries(30) as few:
        people["head"].get(url)
    decide(cycle_2024, 1, "02/QĐ-UBND")
    decide(cycle_2024, 1, "03/QĐ-UBND")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = people["head"].get(url)
    assert "03/QĐ-UBND" in page.text
