"""Background jobs through HTTP and the task API: started from the pages, run by django-tasks
(immediately in tests), followed by a polled fragment, downloaded only by who may see the result."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from friendlygov.accounts import reach
from friendlygov.accounts.models import Role
from friendlygov.assessments.testing import district
from friendlygov.audit.models import AuditEvent
from friendlygov.core.testing import needs_libreoffice, workbook_differences
from friendlygov.jobs import services, worker
from friendlygov.jobs.models import Job, Kind, State

# The issued decision of the 2024 fixtures: kind, number, year and issuer (numbers repeat across
# districts, so the issuer keeps two districts' decisions apart in one folder).
DECISION = "QD-CONG-NHAN-15-QD-UBND-2025-UBND-HUYEN-KIM-THANH"


def start_bundle(client, year=2024, **data):
    return client.post(reverse("jobs:start_decision_documents", args=[year]), data)


def test_it_zips_every_visible_decision_and_records_progress(
    issued, people, django_capture_on_commit_callbacks
):
    head = people["head"]
    with django_capture_on_commit_callbacks(execute=True):
        response = start_bundle(head)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.kind, job.state, job.done, job.total) == (Kind.DECISION_DOCUMENTS, State.DONE, 1, 1)
    assert job.task_id
    assert job.started_at <= job.finished_at
    assert AuditEvent.objects.filter(event_type="job.started", target_id=str(job.pk)).exists()

    download = head.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="quyet-dinh-2024.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert archive.namelist() == [f"{DECISION}.docx", "DANH-MUC.csv"]
    assert archive.read(f"{DECISION}.docx")[:2] == b"PK"


def test_it_shows_the_progress_fragment_polling_until_the_job_is_done(issued, people):
    head = people["head"]
    job = services.start_decision_documents(issued.cycle, actor=head.user)  # on_commit not run: queued
    fragment = head.get(reverse("jobs:progress", args=[job.pk]))
    assert fragment.status_code == 200
    assert 'hx-trigger="every 2s"' in fragment.text
    assert "Đang chờ máy chạy nền nhận việc." in fragment.text
    assert reverse("jobs:download", args=[job.pk]) not in fragment.text

    worker.run_job(job.pk)
    page = head.get(reverse("jobs:detail", args=[job.pk]))  # a reload shows the final state
    assert "hx-trigger" not in page.text
    assert reverse("jobs:download", args=[job.pk]) in page.text
    assert "quyet-dinh-2024.zip" in page.text


def test_it_writes_progress_while_the_job_runs(issued, people, monkeypatch):
    seen = []
    original = worker.runners.documents.decision_docx

    def watching(decision):
        seen.append(Job.objects.values_list("state", "done", "total").get())
        return original(decision)

    monkeypatch.setattr(worker.runners.documents, "decision_docx", watching)
    job = services.start_decision_documents(issued.cycle, actor=people["head"].user)
    worker.run_job(job.pk)
    assert seen == [(State.RUNNING, 0, 1)]
    job.refresh_from_db()
    assert (job.state, job.done) == (State.DONE, 1)


def test_it_refuses_the_file_to_everyone_but_the_requester(
    issued, people, persona, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        start_bundle(people["head"])
    job = Job.objects.get()
    outsider_head = persona(Role.APPRAISAL_HEAD, district("Huyện Thanh Hà"))
    for client in (people["officer"], people["appraiser"], outsider_head):
        for name in ("detail", "progress", "download"):
            assert client.get(reverse(f"jobs:{name}", args=[job.pk])).status_code == 404


def test_it_refuses_the_file_once_the_requester_may_no_longer_see_it(
    draft, people, django_capture_on_commit_callbacks
):
    head = people["head"]
    with django_capture_on_commit_callbacks(execute=True):
        start_bundle(head)
    job = Job.objects.get()
    assert head.get(reverse("jobs:download", args=[job.pk])).status_code == 200
    head.user.grants.all().delete()
    reach.forget(head.user)
    assert head.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_it_refuses_to_start_a_bundle_with_nothing_to_download(draft, people):
    """A draft is seen only by the heads: an appraiser has nothing to bundle, and no job is made."""
    response = start_bundle(people["appraiser"])
    assert response.status_code == 302
    assert response.url == reverse("assessments:decision_list")
    assert not Job.objects.exists()


def test_it_prepares_the_cycle_export_from_the_dashboard(
    cycle_2024, people, django_capture_on_commit_callbacks
):
    appraiser = people["appraiser"]
    dashboard = appraiser.get(reverse("reports:dashboard", args=[2024]))
    assert reverse("jobs:start_cycle_export", args=[2024]) in dashboard.text
    with django_capture_on_commit_callbacks(execute=True):
        appraiser.post(reverse("jobs:start_cycle_export", args=[2024]))
    job = Job.objects.get()
    units = 2 * services.exports.cycle_export_units(cycle_2024, appraiser.user)  # results + matrix rows
    assert (job.kind, job.state, job.done, job.total) == (Kind.CYCLE_EXPORT, State.DONE, units, units)
    download = appraiser.get(reverse("jobs:download", args=[job.pk]))
    direct = appraiser.get(reverse("reports:export_cycle", args=[2024])).content
    assert workbook_differences(direct, b"".join(download.streaming_content)) == []
    # The dashboard shows the job (and a reload keeps showing it).
    assert (
        reverse("jobs:download", args=[job.pk])
        in appraiser.get(reverse("reports:dashboard", args=[2024])).text
    )


def test_it_refuses_the_export_to_someone_who_sees_nothing_of_the_cycle(cycle_2024, signed_in):
    response = signed_in.post(reverse("jobs:start_cycle_export", args=[2024]))
    assert response.status_code == 404
    assert not Job.objects.exists()


def test_it_ends_a_failing_job_as_failed_with_a_readable_message(issued, people, monkeypatch):
    def broken(decision):
        raise OSError("disk full")

    monkeypatch.setattr(worker.runners.documents, "decision_docx", broken)
    job = services.start_decision_documents(issued.cycle, actor=people["head"].user)
    worker.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == State.FAILED
    assert "Có lỗi khi chuẩn bị tệp" in job.error
    assert not job.result
    assert people["head"].get(reverse("jobs:download", args=[job.pk])).status_code == 404
    fragment = people["head"].get(reverse("jobs:progress", args=[job.pk]))
    assert "Có lỗi khi chuẩn bị tệp" in fragment.text


def test_it_never_runs_a_finished_job_again(issued, people):
    job = services.start_decision_documents(issued.cycle, actor=people["head"].user)
    worker.run_job(job.pk)
    first = Job.objects.get().result.name
    worker.run_job(job.pk)
    assert Job.objects.get().result.name == first
    with pytest.raises(worker.JobTransitionNotAllowed):
        worker.move_job(Job.objects.get(), State.RUNNING)


def test_it_offers_the_background_bundle_on_the_decisions_page(issued, people):
    page = people["head"].get(reverse("assessments:decision_list"))
    assert reverse("jobs:start_decision_documents", args=[2024]) in page.text


def test_it_queues_the_job_for_the_database_worker_when_configured(
    issued, people, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # django-tasks drops its backends when TASKS changes (setting_changed), and again on restore.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with django_capture_on_commit_callbacks(execute=True):
        start_bundle(people["head"])
    job = Job.objects.get()
    assert job.state == State.QUEUED  # waits for `manage.py db_worker`
    stored = DBTaskResult.objects.get(id=job.task_id)
    assert stored.args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert stored.task_path == "friendlygov.jobs.tasks.run_job"

    # The worker closes stale connections between tasks; here that would close the test's own
    # transaction (on PostgreSQL), so it is kept open for the test.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())
    job.refresh_from_db()
    assert (job.state, job.done) == (State.DONE, 1)


def test_it_prunes_finished_jobs_and_their_files_after_the_retention_days(issued, people, settings):
    import time_machine

    settings.JOB_RETENTION_DAYS = 7
    old = services.start_decision_documents(issued.cycle, actor=people["head"].user)
    with time_machine.travel("2026-11-01 08:00 +0700", tick=False):
        worker.run_job(old.pk)
    old.refresh_from_db()
    stored = old.result.path
    waiting = services.start_decision_documents(issued.cycle, actor=people["head"].user)

    with time_machine.travel("2026-11-07 09:00 +0700", tick=False):
        call_command("prune_jobs", stdout=io.StringIO())
    assert Job.objects.filter(pk=old.pk).exists()
    out = io.StringIO()
    with time_machine.travel("2026-11-08 09:00 +0700", tick=False):
        call_command("prune_jobs", stdout=out)
    assert "removed 1 finished job(s)" in out.getvalue()
    assert list(Job.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert not Path(stored).exists()


def zip_names(job):
    job.refresh_from_db()
    with job.result.open("rb") as handle:
        return sorted(zipfile.ZipFile(io.BytesIO(handle.read())).namelist())


def test_it_keeps_the_word_files_and_says_so_when_the_pdf_cannot_be_made(issued, people, monkeypatch):
    monkeypatch.setattr(worker.runners, "soffice_path", lambda: None)
    job = services.start_decision_documents(issued.cycle, with_pdf=True, actor=people["head"].user)
    worker.run_job(job.pk)
    assert zip_names(job) == ["DANH-MUC.csv", f"{DECISION}.docx"]
    assert job.state == State.DONE
    assert "Không tạo được bản PDF cho 1 quyết định" in job.note
    assert job.note in people["head"].get(reverse("jobs:detail", args=[job.pk])).text


def test_it_adds_the_pdf_of_each_decision_when_libreoffice_is_installed(issued, people):
    needs_libreoffice()
    job = services.start_decision_documents(issued.cycle, with_pdf=True, actor=people["head"].user)
    worker.run_job(job.pk)
    assert zip_names(job) == ["DANH-MUC.csv", f"{DECISION}.docx", f"{DECISION}.pdf"]
    assert job.note == ""


def test_it_follows_the_waiting_job_instead_of_queueing_the_same_work_twice(issued, people):
    head = people["head"].user
    first = services.start_decision_documents(issued.cycle, actor=head)
    assert services.start_decision_documents(issued.cycle, actor=head) == first
    with_pdf = services.start_decision_documents(issued.cycle, with_pdf=True, actor=head)
    assert with_pdf != first
    worker.run_job(first.pk)
    assert services.start_decision_documents(issued.cycle, actor=head) not in (first, with_pdf)
    assert Job.objects.count() == 3


def test_a_running_job_whose_worker_died_is_ended_and_can_be_asked_again(issued, people, settings):
    import time_machine

    settings.JOB_STALE_MINUTES = 15
    head = people["head"]
    job = services.start_decision_documents(issued.cycle, actor=head.user)
    with time_machine.travel("2026-12-03 09:00 +0700", tick=False):
        worker.move_job(job, State.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    with time_machine.travel("2026-12-03 09:14 +0700", tick=False):
        fragment = head.get(reverse("jobs:progress", args=[job.pk]))
        job.refresh_from_db()
        assert job.state == State.RUNNING and "every" in fragment.text  # still polling
        assert "Đã xong 0/1." in fragment.text
    with time_machine.travel("2026-12-03 09:16 +0700", tick=False):
        page = head.get(reverse("jobs:detail", args=[job.pk]))
        assert "máy chạy nền đã dừng" in page.text  # the page itself, not only its next poll
        fragment = head.get(reverse("jobs:progress", args=[job.pk]))
        job.refresh_from_db()
        assert job.state == State.FAILED and "máy chạy nền đã dừng" in fragment.text
        assert "every" not in fragment.text  # the page stops polling
        again = services.start_decision_documents(issued.cycle, actor=head.user)
    assert again != job and again.state == State.QUEUED


def test_a_job_that_reports_progress_is_not_stale_and_prune_ends_the_silent_ones(issued, people, settings):
    import time_machine

    settings.JOB_STALE_MINUTES = 15
    beating = services.start_decision_documents(issued.cycle, actor=people["head"].user)
    silent = services.start_cycle_export(issued.cycle, actor=people["head"].user)
    with time_machine.travel("2026-12-03 09:00 +0700", tick=False):
        for job in (beating, silent):
            worker.move_job(job, State.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    with time_machine.travel("2026-12-03 09:10 +0700", tick=False):
        Job.objects.filter(pk=beating.pk).update(heartbeat_at=timezone.now())
    with time_machine.travel("2026-12-03 09:20 +0700", tick=False):
        out = io.StringIO()
        call_command("prune_jobs", stdout=out)
    assert "ended 1 running job(s)" in out.getvalue()
    states = dict(Job.objects.values_list("pk", "state"))
    assert states == {beating.pk: State.RUNNING, silent.pk: State.FAILED}


def test_a_job_ended_as_stale_while_its_worker_was_still_busy_keeps_no_file(issued, people, monkeypatch):
    job = services.start_decision_documents(issued.cycle, actor=people["head"].user)
    real = worker.runners.RUNNERS[job.kind]

    def slow(job, progress):
        output = real(job, progress)
        Job.objects.filter(pk=job.pk).update(state=State.FAILED)  # what fail_stale_jobs does meanwhile
        return output

    monkeypatch.setitem(worker.runners.RUNNERS, job.kind, slow)
    worker.run_job(job.pk)
    job.refresh_from_db()
    assert job.state == State.FAILED and not job.result


def test_reading_job_pages_writes_nothing_while_no_job_is_stale(issued, people):
    head = people["head"]
    job = services.start_decision_documents(issued.cycle, actor=head.user)
    worker.move_job(job, State.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        for name in ("jobs:detail", "jobs:progress"):
            assert head.get(reverse(name, args=[job.pk])).status_code == 200
        assert head.get(reverse("jobs:list")).status_code == 200
    job_writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]
    assert not any('"jobs_job"' in sql for sql in job_writes), job_writes


def test_a_queued_job_says_how_long_it_has_waited_and_warns_when_no_worker_takes_it(issued, people, settings):
    import time_machine

    settings.JOB_STALE_MINUTES = 15
    head = people["head"]
    with time_machine.travel("2026-12-03 09:00 +0700", tick=False):
        job = services.start_decision_documents(issued.cycle, actor=head.user)
    with time_machine.travel("2026-12-03 09:05 +0700", tick=False):
        page = head.get(reverse("jobs:detail", args=[job.pk])).text
        assert "Đang chờ máy chạy nền nhận việc." in page and "Đã chờ 5 phút." in page
        assert "lâu hơn bình thường" not in page
    with time_machine.travel("2026-12-03 09:20 +0700", tick=False):
        fragment = head.get(reverse("jobs:progress", args=[job.pk])).text
        assert "lâu hơn bình thường" in fragment and "every" in fragment  # still polling, still kept
    job.refresh_from_db()
    assert job.state == State.QUEUED


def test_the_cycle_export_job_records_its_progress_row_by_row_as_it_writes(issued, people, monkeypatch):
    monkeypatch.setattr(services.exports, "PROGRESS_EVERY", 2)
    seen = []
    original = worker.Job.objects.filter

    def watching(*args, **kwargs):
        queryset = original(*args, **kwargs)
        update = queryset.update

        def recording(**fields):
            if "done" in fields and fields.get("heartbeat_at"):
                seen.append((fields["done"], fields["total"]))
            return update(**fields)

        queryset.update = recording
        return queryset

    job = services.start_cycle_export(issued.cycle, actor=people["head"].user)
    monkeypatch.setattr(worker.Job.objects, "filter", watching)
    worker.run_job(job.pk)
    total = 2 * services.exports.cycle_export_units(issued.cycle, people["head"].user)
    assert total >= 4 and seen[0] == (0, total) and seen[-1] == (total, total)
    assert [done for done, _total in seen] == sorted({*range(0, total, 2), total})
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (State.DONE, total, total)
