"""Review requests (kiến nghị về kết quả): a commune disputes its appraisal result or its decision,
naming indicators, reasons and evidence; the appraising body assigns and answers it."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReviewState(models.TextChoices):
    FILED = "filed", _("Đã gửi, chờ phân công")
    ASSIGNED = "assigned", _("Đang xem xét")
    ACCEPTED = "accepted", _("Chấp nhận, đang thẩm định lại")
    REJECTED = "rejected", _("Không chấp nhận")
    RESOLVED = "resolved", _("Đã có quyết định điều chỉnh")


# A request is open until it is rejected or a decision settles it after its re-appraisal.
OPEN = (ReviewState.FILED, ReviewState.ASSIGNED, ReviewState.ACCEPTED)
UNANSWERED = (ReviewState.FILED, ReviewState.ASSIGNED)


class Subject(models.TextChoices):
    APPRAISAL = "appraisal", _("Kết quả thẩm định")
    DECISION = "decision", _("Quyết định công nhận")


class ReviewRequest(models.Model):
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="review_requests"
    )
    subject = models.CharField(_("nội dung kiến nghị"), max_length=10, choices=Subject.choices)
    # The decision in force when it was filed (Subject.DECISION), else empty.
    disputed_decision = models.ForeignKey(
        "assessments.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quyết định bị kiến nghị"),
    )
    state = models.CharField(
        _("tình trạng"), max_length=10, choices=ReviewState.choices, default=ReviewState.FILED
    )
    indicators = models.ManyToManyField("frameworks.Indicator", related_name="+", verbose_name=_("chỉ tiêu"))
    reasons = models.TextField(_("lý do kiến nghị"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("ngày gửi"))
    answer_due = models.DateField(_("hạn trả lời"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xem xét"),
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("ngày trả lời"), null=True, blank=True)
    answered_late = models.BooleanField(_("trả lời quá hạn"), default=False)
    corrective_decision = models.ForeignKey(
        "assessments.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quyết định điều chỉnh"),
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kiến nghị về kết quả")
        verbose_name_plural = _("kiến nghị về kết quả")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment"],
                condition=Q(state__in=["filed", "assigned", "accepted"]),
                name="review_one_open_per_assessment",
            )
        ]

    def __str__(self):
        return _("Kiến nghị #%(pk)s · %(assessment)s") % {"pk": self.pk, "assessment": self.assessment}

    @property
    def is_open(self) -> bool:
        return self.state in OPEN

    @property
    def is_unanswered(self) -> bool:
        return self.state in UNANSWERED


def review_evidence_path(instance, filename):
    """A random stored name: the uploaded name is kept only as data, never as a path."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"reviews/{uuid.uuid4().hex}{suffix}"


class ReviewEvidence(models.Model):
    request = models.ForeignKey(ReviewRequest, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("tệp"), upload_to=review_evidence_path, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("ngày tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu kèm kiến nghị")
        verbose_name_plural = _("tài liệu kèm kiến nghị")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name
