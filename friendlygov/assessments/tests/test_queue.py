"""The appraiser's queue: what waits for them, oldest first, with the date and days waiting; it
leads their home page."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from friendlygov.assessments import selectors, services
from friendlygov.assessments.models import Assessment
from friendlygov.assessments.testing import quick_fill_self
from friendlygov.audit.models import AuditEvent


def kim_thanh(dong_cam, n):
    others = dong_cam.cycle.assessments.filter(body=dong_cam.body).exclude(pk=dong_cam.pk)
    return [dong_cam, *others.order_by("unit__code")[: n - 1]]


def submit(assessment, chair, days_ago):
    quick_fill_self(assessment)
    services.submit_assessment(assessment, actor=chair)
    Assessment.objects.filter(pk=assessment.pk).update(submitted_at=timezone.now() - timedelta(days=days_ago))


def test_the_queue_lists_what_waits_for_the_appraiser_oldest_first(dong_cam, people, kim_thanh_chair):
    fresh, ready, late, draft = kim_thanh(dong_cam, 4)
    appraiser = people["appraiser"].user
    submit(fresh, kim_thanh_chair, 2)
    submit(ready, kim_thanh_chair, 9)
    services.copy_self_to_appraisal(ready, actor=appraiser)
    submit(late, kim_thanh_chair, 20)
    services.copy_self_to_appraisal(late, actor=appraiser)
    services.return_for_explanation(
        late, reasons={late.scores.first().indicator_id: "Bổ sung."}, actor=appraiser
    )
    today = timezone.localdate()
    Assessment.objects.filter(pk=late.pk).update(explanation_due=today - timedelta(days=3))

    queue = selectors.appraisal_queue(appraiser, today)

    assert [(i.assessment.pk, i.waiting, i.days) for i in queue.items] == [
        (ready.pk, "ready", 9),
        (late.pk, "explanation_overdue", 3),
        (fresh.pk, "submitted", 2),
    ]
    assert draft.pk not in {i.assessment.pk for i in queue.items}
    assert dict(queue.counts) == {
        "Mới gửi, chờ tiếp nhận": 1,
        "Thẩm định xong, chờ duyệt": 1,
        "Quá hạn giải trình": 1,
    }
    assert selectors.appraisal_queue(people["outsider_district"].user, today).items == []


def test_the_queue_reads_a_constant_number_of_queries(dong_cam, people, kim_thanh_chair):
    units = kim_thanh(dong_cam, 4)
    appraiser = people["appraiser"].user
    today = timezone.localdate()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            selectors.appraisal_queue(appraiser, today)
        return len(captured)

    submit(units[0], kim_thanh_chair, 1)
    services.copy_self_to_appraisal(units[0], actor=appraiser)
    one = queries()
    for unit in units[1:]:
        submit(unit, kim_thanh_chair, 1)
        services.copy_self_to_appraisal(unit, actor=appraiser)
    assert queries() == one


def test_the_home_page_leads_with_the_queue_for_the_appraiser(dong_cam, people):
    submit(dong_cam, people["chair"].user, 5)

    page = people["appraiser"].get(reverse("home")).content.decode()
    commune = people["officer"].get(reverse("home")).content.decode()

    assert page.index("Hồ sơ chờ bạn xử lý") < page.index(dong_cam.cycle.name)
    assert "Mới gửi, chờ tiếp nhận" in page and dong_cam.unit.name in page
    assert "Hồ sơ chờ bạn xử lý" not in commune


def test_the_head_takes_over_a_commune_given_to_someone_else_in_one_click(dong_cam, people, kim_thanh_chair):
    head, appraiser = people["head"], people["appraiser"]
    submit(dong_cam, kim_thanh_chair, 3)
    services.assign_appraiser(dong_cam, appraiser=appraiser.user, actor=head.user)
    queue_page = head.get(reverse("home") + "?queue=all").content.decode()
    take_over = reverse("assessments:take_over", args=[dong_cam.pk])
    assert f'formaction="{take_over}"' in queue_page
    assert (
        f'action="{take_over}"'
        in head.get(reverse("assessments:detail", args=[dong_cam.pk])).content.decode()
    )
    assert take_over not in appraiser.get(reverse("assessments:detail", args=[dong_cam.pk])).content.decode()

    response = head.post(take_over)

    assert response.status_code == 302
    dong_cam.refresh_from_db()
    assert dong_cam.appraiser_id == head.user.pk
    event = AuditEvent.objects.for_target(dong_cam).get(event_type="assessment.taken_over")
    assert event.data["appraiser"] == {"old": str(appraiser.user), "new": str(head.user)}
    today = timezone.localdate()
    assert dong_cam.pk in {i.assessment.pk for i in selectors.appraisal_queue(head.user, today).items}
    assert dong_cam.pk not in {
        i.assessment.pk for i in selectors.appraisal_queue(appraiser.user, today).items
    }
    # The appraiser it was given to reads it with the rest of the body, and cannot take it back.
    assert appraiser.get(reverse("assessments:detail", args=[dong_cam.pk])).status_code == 200
    assert appraiser.post(take_over).status_code == 302
    dong_cam.refresh_from_db()
    assert dong_cam.appraiser_id == head.user.pk
