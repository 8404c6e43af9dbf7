""" "Explain my level": who sees the page, what numbers it shows, the history through lineage,
and a query count that does not grow with the number of units."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from friendlygov.accounts.models import Role
from friendlygov.assessments import services
from friendlygov.assessments.models import AppraisingBody, Assessment, Cycle
from friendlygov.assessments.results import layer_result
from friendlygov.assessments.testing import quick_fill_self
from friendlygov.assessments.workflow import FINAL, SELF
from friendlygov.frameworks.describe import num
from friendlygov.frameworks.models import FrameworkVersion
from friendlygov.reports import lift
from friendlygov.reports.models import ImportedResult
from friendlygov.units.models import EventKind, LineageEvent, LineageLink, Share, UnitVersion
from friendlygov.units.selectors import divided_later

XA_KIM_THANH = "10804@2025-07-01"


def page(assessment):
    return reverse("reports:commune", args=[assessment.pk])


def test_it_shows_the_commune_its_own_page(dong_cam, people):
    quick_fill_self(dong_cam)
    response = people["officer"].get(page(dong_cam))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Giải thích mức đạt" in body
    assert "Điểm tự chấm của xã (chưa thẩm định)" in body
    assert "Để đạt mức tiếp theo" in body
    assert "Mức dự kiến:" in body


def test_it_says_how_many_indicators_are_still_unscored(dong_cam, people):
    body = people["officer"].get(page(dong_cam)).content.decode()
    assert f"Mới chấm 0/{dong_cam.scores.count()} chỉ tiêu" in body


def test_it_shows_the_appraiser_the_page(dong_cam, people):
    assert people["appraiser"].get(page(dong_cam)).status_code == 200


@pytest.mark.parametrize("who", ["outsider_commune", "outsider_district"])
def test_it_answers_404_to_an_outsider(dong_cam, people, who):
    assert people[who].get(page(dong_cam)).status_code == 404
    assert people[who].get(reverse("reports:commune_pdf", args=[dong_cam.pk])).status_code == 404


def test_it_sends_an_anonymous_visitor_to_sign_in(dong_cam, anonymous):
    response = anonymous.get(page(dong_cam))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_numbers_of_a_known_assessment(dong_cam, people):
    quick_fill_self(dong_cam)
    dong_cam.refresh_from_db()
    scores = list(dong_cam.scores.select_related("indicator__criterion"))
    expected = layer_result(dong_cam, scores, SELF)
    response = people["officer"].get(page(dong_cam))
    x = response.context["x"]
    assert x.layer == SELF
    assert x.score == expected.recognition.score == dong_cam.self_score
    assert [c.shown_percent for c in x.criteria] == [c.percent for c in expected.total.criteria]
    assert num(x.score) in response.content.decode()
    lost = sum((item.lost for item in x.lost), 0)
    assert lost == expected.total.applicable_max - expected.total.earned
    assert [item.lost for item in x.lost] == sorted((item.lost for item in x.lost), reverse=True)
    # Alone in its state, Đồng Cẩm has no average to compare with (fewer than three units).
    assert x.totals.province is None


def test_it_lifts_the_score_to_the_next_level_when_applied(dong_cam, people):
    quick_fill_self(dong_cam)
    x = people["officer"].get(page(dong_cam)).context["x"]
    assert x.target == lift.next_target(x.score)
    if x.target is not None:
        assert x.lift.reachable
        assert x.lift.score_after >= x.target
        assert all(step.words for step in x.lift_steps)


def test_it_averages_the_group_without_showing_a_neighbour(cycle_2024, dong_cam, people, kim_thanh_chair):
    submitted = []
    for other in cycle_2024.assessments.filter(body=dong_cam.body).order_by("unit__code")[:4]:
        quick_fill_self(other)
        services.submit_assessment(other, actor=kim_thanh_chair)
        submitted.append(other)
    response = people["officer"].get(page(dong_cam))
    x = response.context["x"]
    assert x.totals.group_units == len(submitted)
    assert x.totals.group is not None
    body = response.content.decode()
    neighbours = [a.unit.name for a in submitted if a.pk != dong_cam.pk]
    assert not any(name in body for name in neighbours)


def test_it_shows_the_final_result_once_decided(issued, dong_cam, people):
    dong_cam.refresh_from_db()
    x = people["officer"].get(page(dong_cam)).context["x"]
    assert x.layer == FINAL
    assert x.score == dong_cam.final_score
    assert x.level == dong_cam.final_level


@pytest.fixture
def kim_thanh_2025(cycle_2024, django_user_model):
    """A 2025 cycle holding Xã Kim Thành (formed on 1 July 2025), appraised by Hải Phòng."""
    admin = django_user_model.objects.get(username="cycle-admin")
    cycle = Cycle.objects.create(
        year=2025,
        name="Đánh giá năm 2025",
        framework=FrameworkVersion.objects.get(code="hai-duong-2024"),
        self_assessment_opens=date(2025, 10, 1),
        self_assessment_closes=date(2025, 11, 30),
        appraisal_deadline=date(2025, 12, 31),
        decision_from=date(2026, 1, 1),
        decision_until=date(2026, 1, 31),
    )
    city = UnitVersion.objects.get(pk="31@2025-07-01")
    AppraisingBody.objects.create(
        cycle=cycle,
        name="Sở Nội vụ thành phố Hải Phòng",
        unit=city,
        issuing_authority="ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
        place_name="Hải Phòng",
    )
    services.open_cycle(cycle, units=[UnitVersion.objects.get(pk=XA_KIM_THANH)], actor=admin)
    return cycle.assessments.get()


def test_it_follows_lineage_to_the_predecessors_results(issued, dong_cam, kim_thanh_2025, persona):
    officer = persona(Role.COMMUNE_OFFICER, kim_thanh_2025.unit, year=2025)
    response = officer.get(page(kim_thanh_2025))
    assert response.status_code == 200
    history = response.context["history"]
    formation = history.formed_from[0]
    assert formation.event.effective_date == date(2025, 7, 1)
    assert {u.name for u in formation.units} == {"Xã Đồng Cẩm", "Xã Tam Kỳ", "Xã Đại Đức", "Xã Hòa Bình"}
    years = {year.year: year.entries for year in history.years}
    assert [e.unit.name for e in years[2025]] == ["Xã Kim Thành"]
    predecessors = {e.unit.name: e for e in years[2024]}
    # Hòa Bình was itself formed on 1 January 2025 from Bình Dân and Liên Hòa.
    assert {"Xã Đồng Cẩm", "Xã Tam Kỳ", "Xã Đại Đức", "Xã Bình Dân", "Xã Liên Hòa"} <= set(predecessors)
    assert predecessors["Xã Bình Dân"].via.name == "Xã Hòa Bình"
    dong_cam.refresh_from_db()
    assert predecessors["Xã Đồng Cẩm"].score == dong_cam.final_score
    assert predecessors["Xã Đồng Cẩm"].level == dong_cam.final_level
    # Not decided: the predecessor's numbers are not shown.
    assert predecessors["Xã Tam Kỳ"].score is None
    assert "Xã Đồng Cẩm" in response.content.decode()


def test_it_marks_a_predecessor_divided_between_several_units(reference_data):
    """A division in one event, recorded here for the test (the shipped lineage records each part
    of a division as an event of its own: test_trend_64_units)."""
    old, first, second = UnitVersion.objects.filter(level=3, province_code="30").order_by("code")[:3]
    event = LineageEvent.objects.create(
        id="test-divide", kind=EventKind.DIVIDE, effective_date=date(2025, 7, 1)
    )
    LineageLink.objects.create(event=event, predecessor=old, successor=first, share=Share.PART)
    LineageLink.objects.create(event=event, predecessor=old, successor=second, share=Share.PART)
    assert divided_later({old.pk, first.pk}) == {old.pk}


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_it_issues_the_same_queries_whatever_the_number_of_units(
    cycle_2024, dong_cam, people, kim_thanh_chair
):
    quick_fill_self(dong_cam)
    services.submit_assessment(dong_cam, actor=kim_thanh_chair)
    before = queries_for(people["appraiser"], page(dong_cam))
    for other in cycle_2024.assessments.exclude(pk=dong_cam.pk).filter(body=dong_cam.body)[:8]:
        quick_fill_self(other)
        services.submit_assessment(other, actor=kim_thanh_chair)
    Assessment.objects.filter(cycle=cycle_2024).exclude(body=dong_cam.body).update(self_score=50)
    assert queries_for(people["appraiser"], page(dong_cam)) == before


def test_it_shows_past_results_imported_for_the_unit_and_its_predecessors(
    issued, dong_cam, kim_thanh_2025, persona
):
    def imported(year, score, level, number):
        ImportedResult.objects.create(
            year=year,
            unit=dong_cam.unit,
            final_score=Decimal(score),
            level=level,
            decision_number=number,
            decision_date=date(year + 1, 1, 15),
            source_name="ket-qua.xlsx",
            source_sha256="0" * 64,
        )

    imported(2023, "91.50", 3, "12/QĐ-UBND")
    imported(2024, "50.00", 0, "99/QĐ-UBND")  # assessed here in 2024: the assessment is the record
    response = persona(Role.COMMUNE_OFFICER, kim_thanh_2025.unit, year=2025).get(page(kim_thanh_2025))
    years = {year.year: year.entries for year in response.context["history"].years}
    [past] = years[2023]
    assert (past.unit.name, past.relation, past.score, past.level, past.imported_decision) == (
        "Xã Đồng Cẩm",
        "predecessor",
        Decimal("91.50"),
        3,
        "12/QĐ-UBND",
    )
    assert [e.imported_decision for e in years[2024] if e.unit.name == "Xã Đồng Cẩm"] == [""]
    body = response.content.decode()
    assert "nhập từ tệp, QĐ số 12/QĐ-UBND" in body and "99/QĐ-UBND" not in body
