"""Cycles, one assessment per unit and cycle, its indicator scores (self and appraised),
evidence, explanation rounds, and recognition decisions."""

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from friendlygov.core import decree30
from friendlygov.frameworks.levels import LEVEL_BANDS
from friendlygov.programs.models import DEFAULT_PROGRAM_NAME, default_program_pk
from friendlygov.programs.selectors import newest_version_id, rules_for

from .workflow import (
    APPRAISED,
    DECIDED,
    FINAL,
    SELF,
    Stage,
    Status,
    deadline_of,
    decided_level,
    is_overdue,
    shown_layer,
)

POINTS = {"max_digits": 6, "decimal_places": 2}
LOWEST_BAND = LEVEL_BANDS[-1][0]  # the default program's 80 points; a decision item asks its cycle's rules
PROGRAM_NAME = DEFAULT_PROGRAM_NAME  # the default program's name: filter cycles with program__name=


class Cycle(models.Model):
    """One year of the programme: its framework version, calendar and appraising bodies."""

    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        related_name="cycles",
        verbose_name=_("chương trình"),
    )
    # The program's rule version that judges the year: its newest while the year is open (a new
    # version moves every cycle not yet kept), kept from the first issued decision on
    # (`rules_kept_at`), so editing the bands or targets never rewrites a decided year.
    rules_version = models.ForeignKey(
        "programs.RuleVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycles",
        verbose_name=_("phiên bản quy định đã áp dụng"),
    )
    rules_kept_at = models.DateTimeField(_("giữ phiên bản quy định từ"), null=True, blank=True)
    year = models.PositiveIntegerField(_("năm đánh giá"))
    name = models.CharField(_("tên đợt đánh giá"), max_length=200)
    framework = models.ForeignKey(
        "frameworks.FrameworkVersion",
        on_delete=models.PROTECT,
        related_name="cycles",
        verbose_name=_("bộ tiêu chí"),
    )
    self_assessment_opens = models.DateField(_("mở tự đánh giá"))
    self_assessment_closes = models.DateField(_("hạn tự đánh giá"))
    appraisal_deadline = models.DateField(_("hạn thẩm định"))
    decision_from = models.DateField(_("ra quyết định từ"))
    decision_until = models.DateField(_("ra quyết định đến"))
    max_explanation_rounds = models.PositiveSmallIntegerField(_("số vòng giải trình tối đa"), default=2)
    explanation_days = models.PositiveSmallIntegerField(_("số ngày giải trình mỗi vòng"), default=7)
    opened_at = models.DateTimeField(_("ngày mở"), null=True, blank=True)
    # The last change of its calendar, bodies or settings (the admin saves the cycle with them):
    # the API's `updated_at` and `updated_since` of cycles.
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)
    late_allowed = models.BooleanField(
        _("cho phép nộp muộn"),
        default=False,
        help_text=_(
            "Khi chọn: quá hạn vẫn được làm tiếp nhưng hồ sơ bị ghi là muộn. "
            "Khi không chọn: quá hạn thì khoá, trừ đơn vị được gia hạn."
        ),
    )

    class Meta:
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["program", "year"], name="cycle_program_year_unique")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # A cycle created without a program belongs to the default one; set here rather than as
        # the field's default, so that building a Cycle in memory (a pure test) reads no database.
        if self.program_id is None:
            self.program_id = default_program_pk()
        if self.rules_version_id is None:
            self.rules_version_id = newest_version_id(self.program_id)
        super().save(*args, **kwargs)

    @property
    def scope_date(self) -> date:
        """Units in scope are those valid on 31 December of the cycle's year."""
        return date(self.year, 12, 31)

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None


class IssuedAs(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể (Ủy ban nhân dân)")
    HEAD = "head", _("Người đứng đầu (Chủ tịch, Giám đốc Sở)")


class SigningMode(models.TextChoices):
    """Decree 30, art. 13; the codes are core/decree30.py's."""

    DIRECT = decree30.DIRECT, _("Ký trực tiếp")
    ON_BEHALF = decree30.ON_BEHALF, _("TM. (thay mặt tập thể)")
    FOR_HEAD = decree30.FOR_HEAD, _("KT. (ký thay người đứng đầu)")
    ACTING = decree30.ACTING, _("Q. (quyền)")
    BY_ORDER = decree30.BY_ORDER, _("TL. (thừa lệnh)")
    AUTHORISED = decree30.AUTHORISED, _("TUQ. (thừa ủy quyền)")


class AppraisingBody(models.Model):
    """Who appraises and decides for the units under `unit` in one cycle (configuration)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="bodies")
    name = models.CharField(_("tên cơ quan"), max_length=200)
    unit = models.ForeignKey(
        "units.UnitVersion", on_delete=models.PROTECT, related_name="+", verbose_name=_("địa bàn phụ trách")
    )
    issuing_authority = models.CharField(
        _("cơ quan ban hành quyết định"),
        max_length=200,
        help_text=_("Ví dụ: ỦY BAN NHÂN DÂN HUYỆN KIM THÀNH"),
    )
    place_name = models.CharField(_("địa danh ghi trên quyết định"), max_length=100)
    signer_title = models.CharField(
        _("chức danh người đứng đầu"),
        max_length=100,
        default="CHỦ TỊCH",
        help_text=_("Ví dụ: CHỦ TỊCH, GIÁM ĐỐC"),
    )
    signing_on_behalf = models.CharField(_("thay mặt"), max_length=100, default="TM. ỦY BAN NHÂN DÂN")
    decision_symbol = models.CharField(_("ký hiệu quyết định"), max_length=30, default="QĐ-UBND")
    # The Decree 30 frame of the body's documents (core/decree30.py), as data: who decides (the
    # collective or its head), the governing body printed above a Department, the deputy who signs
    # KT., the usual signing mode, and the defaults of "Theo đề nghị của" and Nơi nhận.
    issued_as = models.CharField(
        _("thẩm quyền ban hành"), max_length=12, choices=IssuedAs.choices, default=IssuedAs.COLLECTIVE
    )
    governing_body = models.CharField(
        _("cơ quan chủ quản"),
        max_length=200,
        blank=True,
        help_text=_("Dòng trên tên cơ quan ban hành, ví dụ UBND THÀNH PHỐ HẢI PHÒNG; để trống với UBND."),
    )
    deputy_title = models.CharField(_("chức danh cấp phó"), max_length=100, default="PHÓ CHỦ TỊCH")
    signing_mode = models.CharField(
        _("hình thức ký thường dùng"),
        max_length=8,
        choices=SigningMode.choices,
        default=SigningMode.ON_BEHALF,
    )
    proposed_by = models.CharField(
        _("theo đề nghị của"),
        max_length=300,
        blank=True,
        help_text=_("Để trống để dùng mặc định theo quy định hiện hành vào ngày ký."),
    )
    recipients = models.TextField(
        _("nơi nhận mặc định"),
        blank=True,
        help_text=_("Mỗi nơi nhận một dòng; để trống để dùng mặc định."),
    )

    class Meta:
        verbose_name = _("cơ quan thẩm định")
        verbose_name_plural = _("cơ quan thẩm định")
        ordering = ["cycle", "name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="body_cycle_unit_unique")]

    def __str__(self):
        return self.name

    def clean(self):
        problems = decree30.signing_problems(
            self.signing_mode, collective=self.is_collective, signer_title=self.deputy_title
        )
        if problems:
            raise ValidationError({"signing_mode": problems})
        if self.is_collective and not self.collective_name:
            message = _("Cần ghi tên tập thể sau TM., ví dụ TM. ỦY BAN NHÂN DÂN.")
            raise ValidationError({"signing_on_behalf": message})

    @property
    def is_collective(self) -> bool:
        return self.issued_as == IssuedAs.COLLECTIVE

    @property
    def collective_name(self) -> str:
        """ "TM. ỦY BAN NHÂN DÂN" → "ỦY BAN NHÂN DÂN"."""
        return decree30.upper(self.signing_on_behalf).removeprefix("TM.").strip()

    def frame(self) -> decree30.Frame:
        return decree30.Frame(
            issuing_body=self.issuing_authority,
            place=self.place_name,
            head_title=self.signer_title,
            governing_body=self.governing_body,
            collective=self.collective_name if self.is_collective else "",
        )


@dataclass(frozen=True)
class Headline:
    """An assessment at a glance, derived from its state by the workflow's reading rules."""

    status: str
    label: str
    layer: str  # whose points are shown: SELF, APPRAISED or FINAL
    score: object  # Decimal | None, the points of that layer
    level: int | None  # the decided level, None while undecided
    deadline: date | None
    overdue: bool


class Assessment(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey("units.UnitVersion", on_delete=models.PROTECT, related_name="assessments")
    body = models.ForeignKey(AppraisingBody, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    self_flags = models.JSONField(_("điểm liệt (tự khai)"), default=dict, blank=True)
    appraised_flags = models.JSONField(_("điểm liệt (thẩm định)"), default=dict, blank=True)
    self_bonus = models.DecimalField(_("điểm thưởng (tự chấm)"), default=0, **POINTS)
    appraised_bonus = models.DecimalField(_("điểm thưởng (thẩm định)"), null=True, blank=True, **POINTS)
    # Bonus rule by rule (rule code → points as a string); self_bonus and appraised_bonus are
    # their sums, written by services.save_flags. A rule the commune claimed and the appraiser has
    # not named here is undecided, and approval waits for it.
    self_bonus_by_rule = models.JSONField(_("điểm thưởng đề nghị theo nội dung"), default=dict, blank=True)
    appraised_bonus_by_rule = models.JSONField(
        _("điểm thưởng được công nhận theo nội dung"), default=dict, blank=True
    )
    self_score = models.DecimalField(_("điểm tự chấm"), null=True, blank=True, **POINTS)
    appraised_score = models.DecimalField(_("điểm thẩm định"), null=True, blank=True, **POINTS)
    final_score = models.DecimalField(_("điểm cuối cùng"), null=True, blank=True, **POINTS)
    final_level = models.PositiveSmallIntegerField(_("mức đạt"), null=True, blank=True)
    # The conditions the final result failed, with their figures ("TC2 đạt 31,5% < 50%"), written
    # when the appraisal is approved: why a unit whose score reaches a band is not recognised.
    final_reasons = models.JSONField(_("lý do không đạt chuẩn"), default=list, blank=True)
    # The appraiser the head of the body gave the commune to (or who received it first): only they
    # take the appraisal's actions; the others of the body read it (permissions.ASSIGNED_ONLY).
    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thẩm định được giao"),
    )
    # While a review request is re-appraised (Status.UNDER_REVIEW): the ids of the indicators it
    # names, the only ones the appraiser may change then (services.reopen_for_review).
    reopened_indicators = models.JSONField(_("chỉ tiêu thẩm định lại"), default=list, blank=True)
    explanation_rounds = models.PositiveSmallIntegerField(_("số vòng giải trình"), default=0)
    explanation_due = models.DateField(_("hạn giải trình"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("ngày gửi"), null=True, blank=True)
    appraised_at = models.DateTimeField(_("ngày thẩm định xong"), null=True, blank=True)
    decided_at = models.DateTimeField(_("ngày có quyết định"), null=True, blank=True)
    # The stages (deadlines.Stage) done after their deadline in a cycle that allows it.
    late_stages = models.JSONField(_("bước làm sau hạn"), default=list, blank=True)

    class Meta:
        verbose_name = _("hồ sơ đánh giá")
        verbose_name_plural = _("hồ sơ đánh giá")
        ordering = ["cycle", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="assessment_cycle_unit_unique")]
        indexes = [models.Index(fields=["cycle", "status"], name="assessment_cycle_status")]

    def __str__(self):
        return f"{self.unit} · {self.cycle.year}"

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED

    def headline(self, today: date) -> Headline:
        layer = shown_layer(self.status)
        scores = {SELF: self.self_score, APPRAISED: self.appraised_score, FINAL: self.final_score}
        return Headline(
            status=self.status,
            label=Status(self.status).label,
            layer=layer,
            score=scores[layer],
            level=decided_level(self.status, self.final_level),
            deadline=deadline_of(self),
            overdue=is_overdue(self, today),
        )

    @property
    def awaits_explanation(self) -> bool:
        """Returned by the appraiser: the commune has indicators to explain."""
        return self.status == Status.RETURNED


class DeadlineExtension(models.Model):
    """A later date the appraising body grants one unit for one stage (self-assessment, appraisal,
    explanation): the stage stays open until `until`. Granting again replaces the date; the audit
    trail keeps every grant."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="extensions")
    stage = models.CharField(_("bước"), max_length=20, choices=Stage.choices)
    until = models.DateField(_("gia hạn đến ngày"))
    reason = models.TextField(_("lý do gia hạn"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("ngày gia hạn"), auto_now=True)

    class Meta:
        verbose_name = _("gia hạn")
        verbose_name_plural = _("gia hạn")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "stage"], name="extension_once_per_stage"),
        ]

    def __str__(self):
        return f"{self.assessment} · {self.get_stage_display()} · {self.until:%d/%m/%Y}"


class Review(models.TextChoices):
    ACCEPTED = "accepted", _("Chấp nhận số liệu của xã")
    CHANGED = "changed", _("Đã sửa, có nhận xét")


class IndicatorScore(models.Model):
    """One indicator of one assessment: the commune's input and the appraiser's, each turned into
    points by the indicator's method. `version` guards against lost updates (optimistic locking)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey("frameworks.Indicator", on_delete=models.PROTECT, related_name="+")
    self_value = models.DecimalField(
        _("số liệu tự chấm"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    self_na = models.BooleanField(_("không áp dụng"), default=False)
    self_points = models.DecimalField(_("điểm tự chấm"), null=True, blank=True, **POINTS)
    explanation = models.TextField(_("giải trình"), blank=True)
    appraised_value = models.DecimalField(
        _("số liệu thẩm định"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    appraised_na = models.BooleanField(_("không áp dụng (thẩm định)"), default=False)
    appraised_points = models.DecimalField(_("điểm thẩm định"), null=True, blank=True, **POINTS)
    appraisal_comment = models.TextField(_("nhận xét thẩm định"), blank=True)
    # The appraiser's review of the row: accepted (the commune's value) or changed (with a
    # comment); empty while not reviewed, and again after the commune changes its value.
    review = models.CharField(_("xem xét"), max_length=10, choices=Review.choices, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("điểm chỉ tiêu")
        verbose_name_plural = _("điểm chỉ tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="score_assessment_indicator_unique"
            )
        ]

    def __str__(self):
        return f"{self.assessment} · {self.indicator.code}"

    @property
    def self_scored(self) -> bool:
        return self.self_na or self.self_points is not None

    @property
    def appraised_scored(self) -> bool:
        return self.appraised_na or self.appraised_points is not None

    @property
    def reviewed(self) -> bool:
        return bool(self.review)

    @property
    def differs(self) -> bool:
        """The appraiser's result differs from the commune's: a comment is then required."""
        return self.appraised_scored and (
            self.appraised_na != self.self_na or self.appraised_points != self.self_points
        )


def evidence_path(instance, filename):
    """A random stored name: the uploaded name is kept only as data, never as a path."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"evidence/{instance.assessment.cycle.year}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey("frameworks.Indicator", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("tệp"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("ngày tải lên"), auto_now_add=True)
    removed_at = models.DateTimeField(_("ngày gỡ"), null=True, blank=True)
    # Set when a withdrawn file's retention ended (services.purge_withdrawn_evidence): `file` is
    # then empty; the name, type, size and hash stay here and in the audit trail.
    purged_at = models.DateTimeField(_("ngày xoá tệp"), null=True, blank=True)

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        ordering = ["uploaded_at"]
        # Identical files are stored once: an upload looks for a kept file with its hash.
        indexes = [models.Index(fields=["sha256"], name="evidence_sha256")]

    def __str__(self):
        return self.original_name


class ExplanationRequest(models.Model):
    """One indicator the appraiser asks the commune to explain, in one round."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="explanation_requests")
    indicator = models.ForeignKey("frameworks.Indicator", on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(_("vòng"))
    reason = models.TextField(_("lý do"))
    due = models.DateField(_("hạn giải trình"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    response = models.TextField(_("nội dung giải trình"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    # A request the appraiser wrote on the indicator and has not sent yet: the round's drafts are
    # sent together (services.return_for_explanation); the commune never sees a draft.
    draft = models.BooleanField(_("chưa gửi"), default=False)
    # The commune's value and evidence when the request was sent, to show what changed since.
    value_then = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    na_then = models.BooleanField(default=False)
    evidence_then = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("yêu cầu giải trình")
        verbose_name_plural = _("yêu cầu giải trình")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator", "round"], name="explanation_once_per_round"
            )
        ]

    def __str__(self):
        return f"{self.assessment} · {self.indicator.code} · {self.round}"


class Decision(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ISSUED = "issued", _("Đã ban hành")

    class Kind(models.TextChoices):
        RECOGNITION = "recognition", _("Công nhận")
        REVOCATION = "revocation", _("Thu hồi")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="decisions")
    body = models.ForeignKey(AppraisingBody, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(
        _("loại quyết định"), max_length=16, choices=Kind.choices, default=Kind.RECOGNITION
    )
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.DRAFT)
    # The clerk numbers a decision when it is issued (assessments/numbering.py); a draft may carry
    # a proposed number. `authority`, `register_year` and `serial` are the issuing authority's
    # register: one số per authority and calendar year, whatever the cycle.
    number = models.CharField(_("số quyết định"), max_length=40, blank=True)
    authority = models.CharField(_("cơ quan ban hành (sổ đăng ký)"), max_length=200, blank=True)
    register_year = models.PositiveSmallIntegerField(_("năm đăng ký"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("số thứ tự trong năm"), null=True, blank=True)
    signed_on = models.DateField(_("ngày ký"))
    date_reason = models.TextField(
        _("lý do ký ngoài thời hạn"),
        blank=True,
        help_text=_("Bắt buộc khi ngày ký nằm ngoài thời hạn ra quyết định của đợt đánh giá."),
    )
    signer_name = models.CharField(_("người ký"), max_length=120)
    signing_mode = models.CharField(
        _("hình thức ký"), max_length=8, choices=SigningMode.choices, default=SigningMode.ON_BEHALF
    )
    signer_title = models.CharField(
        _("chức danh người ký"),
        max_length=100,
        blank=True,
        help_text=_("Khi ký KT., TL. hoặc TUQ., ví dụ PHÓ CHỦ TỊCH."),
    )
    legal_bases = models.TextField(_("căn cứ pháp lý"), help_text=_("Mỗi căn cứ một dòng"))
    recipients = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi nơi nhận một dòng"))
    # The issuer as printed (core/decree30.Frame), kept when the decision is issued: an issued
    # document keeps its text even if its body is renamed later. Empty while a draft.
    frame = models.JSONField(_("tiêu đề văn bản khi ban hành"), default=dict, blank=True)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("thay thế / thu hồi quyết định"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("quyết định công nhận")
        verbose_name_plural = _("quyết định công nhận")
        ordering = ["-signed_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "register_year", "serial"],
                name="decision_number_unique_per_authority_year",
            )
        ]

    def __str__(self):
        if not self.number:
            return str(_("Dự thảo quyết định (chưa cấp số)"))
        return _("Quyết định số %(number)s") % {"number": self.number}

    def save(self, *args, **kwargs):
        if self.pk and Decision.objects.filter(pk=self.pk, state=self.State.ISSUED).exists():
            raise IssuedDecisionImmutable(self.number)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_issued:
            raise IssuedDecisionImmutable(self.number)
        return super().delete(*args, **kwargs)

    @property
    def is_issued(self) -> bool:
        return self.state == self.State.ISSUED

    def printed_frame(self) -> decree30.Frame:
        """The issuer as this decision prints it: as issued, or as its body reads now (a draft)."""
        return decree30.Frame(**self.frame) if self.frame else self.body.frame()

    @property
    def shown_number(self) -> str:
        """The number, or what a draft without one shows in its place."""
        return self.number or str(_("(chưa cấp số)"))


class IssuedDecisionImmutable(Exception):
    """An issued decision never changes: a correction is a new decision that points at it."""


class DecisionItem(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="items")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="decision_items")
    final_score = models.DecimalField(_("điểm"), **POINTS)
    level = models.PositiveSmallIntegerField(_("mức"))
    reasons = models.JSONField(_("lý do không đạt chuẩn"), default=list, blank=True)

    class Meta:
        verbose_name = _("đơn vị trong quyết định")
        verbose_name_plural = _("đơn vị trong quyết định")
        ordering = ["-level", "-final_score", "assessment__unit__search_name"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "assessment"], name="decision_item_unique"),
        ]

    def __str__(self):
        return f"{self.decision} · {self.assessment}"

    def save(self, *args, **kwargs):
        if Decision.objects.filter(pk=self.decision_id, state=Decision.State.ISSUED).exists():
            raise IssuedDecisionImmutable(self.decision.number)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Decision.objects.filter(pk=self.decision_id, state=Decision.State.ISSUED).exists():
            raise IssuedDecisionImmutable(self.decision.number)
        return super().delete(*args, **kwargs)

    @property
    def below_every_band(self) -> bool:
        """Not recognised because the score reaches no band of the cycle's program: the score is
        the reason."""
        return not self.level and self.final_score < rules_for(self.decision.cycle).lowest_band

    @property
    def reasons_missing(self) -> bool:
        """Not recognised although the score reaches a band, and no reason on record: decided
        before reasons were stored with results, and none could be recovered (migration 0006)."""
        return not self.level and not self.reasons and not self.below_every_band
