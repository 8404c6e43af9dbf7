"""Citizen satisfaction: survey form versions, responses (no identity: no name, address, device or
time of day), the sample frame N per unit and cycle, and counters of refused submissions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from friendlygov.assessments.models import PROGRAM_NAME

from .definition import Definition


class PublishedFormImmutable(Exception):
    """A published survey form never changes: a change is a new version."""


class SurveyForm(models.Model):
    """One version of a programme's survey form; `definition` is validated by `definition.Definition`."""

    program = models.CharField(_("chương trình"), max_length=200, default=PROGRAM_NAME)
    code = models.CharField(_("mã phiếu"), max_length=32)
    version = models.PositiveIntegerField(_("phiên bản"))
    definition = models.JSONField(_("nội dung phiếu"))
    published_at = models.DateTimeField(_("ngày công bố"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiếu khảo sát")
        verbose_name_plural = _("phiếu khảo sát")
        ordering = ["program", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="survey_form_version_unique")]

    def __str__(self):
        return f"{self.code} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk and SurveyForm.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise PublishedFormImmutable(str(self))
        super().save(*args, **kwargs)

    def parsed(self) -> Definition:
        cached = getattr(self, "_parsed", None)
        if cached is None:
            cached = self._parsed = Definition.model_validate(self.definition)
        return cached


class Channel(models.TextChoices):
    QR = "qr", _("Mã QR")
    PAPER = "paper", _("Phiếu giấy")
    OTHER = "other", _("Khác")


class SurveyResponse(models.Model):
    """One citizen's answers about one unit in one cycle. Only the day is kept, not the time."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="survey_responses"
    )
    form = models.ForeignKey(SurveyForm, on_delete=models.PROTECT, related_name="responses")
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    overall = models.PositiveSmallIntegerField(_("mức hài lòng chung"))
    comment = models.TextField(_("góp ý"), blank=True)
    received_on = models.DateField(_("ngày nhận"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ nhập phiếu giấy"),
    )

    class Meta:
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["assessment", "channel"], name="survey_response_channel")]
        constraints = [
            models.CheckConstraint(condition=models.Q(overall__gte=1, overall__lte=5), name="overall_1_to_5")
        ]

    def __str__(self):
        return f"{self.assessment} · {self.get_channel_display()} · {self.received_on}"


class SurveyAnswer(models.Model):
    """The answer to one aspect question (the overall answer is on the response itself)."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(_("câu hỏi"), max_length=32)
    value = models.PositiveSmallIntegerField(_("mức"))

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question"),
            models.CheckConstraint(condition=models.Q(value__gte=1, value__lte=5), name="answer_1_to_5"),
        ]

    def __str__(self):
        return f"{self.question}={self.value}"


class SampleFrame(models.Model):
    """N for the recommended sample: e.g. the dossiers the unit handled in the cycle's year."""

    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="sample_frame"
    )
    population = models.PositiveIntegerField(_("quy mô tổng thể (N)"))
    basis = models.CharField(_("căn cứ"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quy mô tổng thể khảo sát")
        verbose_name_plural = _("quy mô tổng thể khảo sát")

    def __str__(self):
        return f"{self.assessment} · N={self.population}"


class Refusal(models.TextChoices):
    DEVICE_LIMIT = "device_limit", _("Quá số lần trong ngày trên một thiết bị")
    NETWORK_LIMIT = "network_limit", _("Quá số lần trong ngày từ một địa chỉ mạng")
    HONEYPOT = "honeypot", _("Bẫy chương trình tự động")


class RefusedCount(models.Model):
    """How many submissions were refused, per unit, day and reason. Nothing of their content."""

    unit = models.ForeignKey("units.UnitVersion", on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("ngày"))
    reason = models.CharField(_("lý do"), max_length=16, choices=Refusal.choices)
    count = models.PositiveIntegerField(_("số lần"), default=0)

    class Meta:
        verbose_name = _("số lần bị từ chối")
        verbose_name_plural = _("số lần bị từ chối")
        constraints = [models.UniqueConstraint(fields=["unit", "day", "reason"], name="refused_count_unique")]

    def __str__(self):
        return f"{self.unit} · {self.day} · {self.reason}: {self.count}"
