"""Long jobs started from a page and run in the background: who started what, for which cycle
and scope, how far it has got, and the file it produced (or why it failed)."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DECISION_DOCUMENTS = "decision_documents", _("Bộ quyết định công nhận (.zip)")
    CYCLE_EXPORT = "cycle_export", _("Tệp Excel kết quả đợt đánh giá")
    SURVEY_EXPORT = "survey_export", _("Tệp Excel khảo sát hài lòng")


class State(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không thành công")


# The allowed moves of a job, as one table (worker.move_job checks it).
TRANSITIONS = {
    State.QUEUED: (State.RUNNING, State.FAILED),
    State.RUNNING: (State.DONE, State.FAILED),
    State.DONE: (),
    State.FAILED: (),
}
FINISHED = (State.DONE, State.FAILED)


def result_path(instance, filename):
    """A random stored name under jobs/<year>/: the download name is kept only as data."""
    suffix = filename.rsplit(".", 1)[-1].lower()[:8]
    return f"jobs/{instance.created_at:%Y}/{uuid.uuid4().hex}.{suffix}"


class Job(models.Model):
    kind = models.CharField(_("loại việc"), max_length=32, choices=Kind.choices)
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("người yêu cầu")
    )
    cycle = models.ForeignKey(
        "assessments.Cycle", on_delete=models.CASCADE, related_name="+", verbose_name=_("đợt đánh giá")
    )
    body = models.ForeignKey(
        "assessments.AppraisingBody",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan thẩm định"),
        help_text=_("Để trống: mọi cơ quan người yêu cầu được xem"),
    )
    with_pdf = models.BooleanField(_("kèm bản PDF"), default=False)
    done = models.PositiveIntegerField(_("đã làm"), default=0)
    total = models.PositiveIntegerField(_("tổng số"), default=0)
    result = models.FileField(_("tệp kết quả"), upload_to=result_path, max_length=200, blank=True)
    result_name = models.CharField(_("tên tệp tải về"), max_length=120, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("ngày yêu cầu"), auto_now_add=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    # Written at the start and with each step of progress: a running job whose worker died stops
    # beating, and services.fail_stale_jobs ends it after JOB_STALE_MINUTES.
    heartbeat_at = models.DateTimeField(_("lần báo tiến độ gần nhất"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("việc chạy nền")
        verbose_name_plural = _("việc chạy nền")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "kind", "created_at"], name="job_owner_kind_created")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.cycle.year}"

    @property
    def is_stale(self) -> bool:
        """Running, but silent for JOB_STALE_MINUTES: its worker died (killed, restarted, out of
        memory) and nothing else would ever finish it (`services.fail_stale_jobs` ends it)."""
        if self.state != State.RUNNING or self.heartbeat_at is None:
            return False
        return timezone.now() - self.heartbeat_at > timedelta(minutes=settings.JOB_STALE_MINUTES)

    @property
    def minutes_waiting(self) -> int:
        """Whole minutes since it was asked for (the page says how long a queued job has waited)."""
        return int((timezone.now() - self.created_at) / timedelta(minutes=1))

    @property
    def waiting_too_long(self) -> bool:
        """Still queued after JOB_STALE_MINUTES: no worker has taken it (none running, or all busy)."""
        return self.state == State.QUEUED and self.minutes_waiting >= settings.JOB_STALE_MINUTES

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED

    @property
    def percent(self) -> int:
        if self.state == State.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
