"""The public results kept in the shared cache: each change of what the page shows is served at
once by every process, because the services move the cache's generation on."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook

from friendlygov.assessments import public_results, services
from friendlygov.assessments.testing import draft_for

pytestmark = pytest.mark.django_db


def shown(client, year=2024):
    page = client.get(reverse("public:cycle_results", args=[year]))
    return {row.assessment_id: row for row in page.context["rows"]}, page


def draft_of(units, head, number, *, supersedes=None, kind="recognition", day=5):
    reason = "Sau khi xem xét kiến nghị của xã." if supersedes else ""
    return draft_for(units, head, number, supersedes=supersedes, kind=kind, day=day, date_reason=reason)


def test_issuing_a_decision_shows_its_units_on_a_page_read_before(draft, appraised_units, people, anonymous):
    before, _ = shown(anonymous)
    assert before == {}
    services.issue_decision(draft, actor=people["head"].user)
    after, _ = shown(anonymous)
    assert set(after) == {a.pk for a in appraised_units}


def test_revoking_drops_the_unit_from_a_page_read_before(issued, appraised_units, people, anonymous):
    assert appraised_units[0].pk in shown(anonymous)[0]
    revocation = draft_of(
        appraised_units[:1], people["head"].user, "40/QĐ-UBND", supersedes=issued, kind="revocation"
    )
    services.issue_decision(revocation, actor=people["head"].user)
    assert set(shown(anonymous)[0]) == {a.pk for a in appraised_units[1:]}


def test_superseding_shows_the_new_decision_on_a_page_read_before(issued, appraised_units, people, anonymous):
    unit = appraised_units[0]
    assert shown(anonymous)[0][unit.pk].decision_number == "15/QĐ-UBND"
    correction = draft_of([unit], people["head"].user, "41/QĐ-UBND", supersedes=issued, day=6)
    services.issue_decision(correction, actor=people["head"].user)
    rows = shown(anonymous)[0]
    assert rows[unit.pk].decision_number == "41/QĐ-UBND"
    assert {rows[a.pk].decision_number for a in appraised_units[1:]} == {"15/QĐ-UBND"}


def test_a_review_request_filed_then_rejected_shows_then_clears_the_mark(draft, people, anonymous):
    from friendlygov.reviews import services as reviews
    from friendlygov.reviews.testing import issue_on_6_january, named_and_other, on

    issue_on_6_january(draft, people["head"].user)
    dong_cam = draft.items.get(assessment__unit__name="Xã Đồng Cẩm").assessment
    assert not shown(anonymous)[0][dong_cam.pk].under_review
    named, _other = named_and_other(dong_cam)
    with on(2025, 1, 10):
        request = reviews.file_request(
            dong_cam, indicators=[named.indicator], reasons="Biên bản đã nộp đủ.", actor=people["chair"].user
        )
    rows, page = shown(anonymous)
    assert rows[dong_cam.pk].under_review and "Đang xem xét kiến nghị" in page.text
    with on(2025, 1, 12):
        reviews.assign_request(request, appraiser=people["appraiser"].user, actor=people["head"].user)
        reviews.reject_request(request, answer="Kết quả giữ nguyên.", actor=people["appraiser"].user)
    rows, page = shown(anonymous)
    assert not rows[dong_cam.pk].under_review and "Đang xem xét kiến nghị" not in page.text


def test_importing_results_moves_the_generation_on(reference_data):
    from friendlygov.reports.imports import import_results
    from friendlygov.units.models import UnitVersion

    unit = UnitVersion.objects.valid_on(date(2024, 12, 31)).filter(province_code="30", level=3).first()
    book = Workbook()
    book.active.append(["Mã đơn vị", "Điểm cuối cùng", "Số quyết định", "Ngày quyết định", "Mức"])
    book.active.append([unit.code, 96.5, "12/QĐ-UBND", date(2025, 1, 10), 4])
    data = BytesIO()
    book.save(data)
    before = public_results.generation()
    import_results(data.getvalue(), "ket-qua.xlsx", year=2024, actor=None)
    assert public_results.generation() != before


def test_the_generation_lives_in_the_shared_cache_and_moves_again_on_commit(
    db, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from friendlygov.core import generations

    first = public_results.generation()
    assert cache.get(generations.PREFIX + public_results.GENERATION) == first  # what every process reads
    with django_capture_on_commit_callbacks(execute=True):
        public_results.forget()
        second = public_results.generation()
        assert second != first
    assert public_results.generation() not in (first, second)  # again once committed
    cache.delete(generations.PREFIX + public_results.GENERATION)  # evicted: a new token, never an old one
    assert public_results.generation() not in (first, second)
