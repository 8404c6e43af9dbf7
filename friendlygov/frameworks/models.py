"""Versioned criteria frameworks: version → criteria → indicators (optionally one sub-level),
gating rules and bonus rules. A published version is immutable: every write path refuses it."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as PydanticValidationError

from . import gating, scoring
from .labels import GATING_KIND_CHOICES, METHOD_CHOICES, UNIT_TYPE_CHOICES, UNIT_TYPES
from .params import mapping_from_params, validate_params

POINTS = {"max_digits": 6, "decimal_places": 2}


class PublishedFrameworkImmutable(Exception):
    """A published framework version, or anything in it, cannot be changed or deleted."""


class FrameworkVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã ban hành")

    code = models.SlugField(_("mã"), max_length=80)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    program = models.CharField(_("chương trình"), max_length=300)
    name = models.CharField(_("tên"), max_length=300)
    year = models.PositiveIntegerField(_("năm áp dụng"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(_("ngày ban hành"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_template = models.BooleanField(_("là bộ mẫu"), default=False)
    template_note = models.TextField(_("ghi chú bộ mẫu"), blank=True)
    source_filename = models.CharField(_("tệp nguồn"), max_length=255, blank=True)
    source_yaml = models.TextField(_("nội dung YAML nguồn"), blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    # The last change of the version or of anything in it (VersionChild touches it): the API's
    # `updated_at` and `updated_since` (docs/api.md). Published versions never change again.
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("phiên bản bộ tiêu chí")
        verbose_name_plural = _("phiên bản bộ tiêu chí")
        ordering = ["-year", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="framework_code_version_unique")
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    def save(self, *args, **kwargs):
        if self._stored_status() == self.Status.PUBLISHED:
            raise PublishedFrameworkImmutable(f"{self} is published and cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_status() == self.Status.PUBLISHED:
            raise PublishedFrameworkImmutable(f"{self} is published and cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def _stored_status(self):
        if self.pk is None:
            return None
        return FrameworkVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()

    @property
    def bonus_cap(self) -> Decimal:
        return sum((rule.cap for rule in self.bonus_rules.all()), Decimal("0"))

    def gating_rules_for_scoring(self) -> list[gating.GatingRule]:
        return [rule.as_rule() for rule in self.gating_rules.all()]


class VersionChild(models.Model):
    """Rows that belong to a version: saving or deleting them is refused once it is published."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._touch_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._touch_draft()
        return super().delete(*args, **kwargs)

    def _touch_draft(self):
        """Refused once the version is published; otherwise the version changes now (its
        `updated_at`), in the one query the check costs."""
        drafts = FrameworkVersion.objects.filter(pk=self.version_id).exclude(
            status=FrameworkVersion.Status.PUBLISHED
        )
        if not drafts.update(updated_at=timezone.now()):
            raise PublishedFrameworkImmutable(f"the framework version of {self} is published")


class LocalisedName:
    def localised_name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class Criterion(LocalisedName, VersionChild):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=500)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=500, blank=True)
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="criterion_code_unique")]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Indicator(LocalisedName, VersionChild):
    """A leaf indicator is scored by its method; a parent (with sub-indicators) has no method and
    earns the sum of its sub-indicators."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="indicators")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("chỉ tiêu cha"),
    )
    code = models.CharField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=500)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=500, blank=True)
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    method = models.CharField(_("cách chấm"), max_length=20, choices=METHOD_CHOICES, blank=True)
    params = models.JSONField(_("tham số cách chấm"), default=dict, blank=True)
    step = models.DecimalField(_("bước điểm"), null=True, blank=True, **POINTS)
    evidence = models.TextField(_("tài liệu kiểm chứng"), blank=True)
    guidance_vi = models.TextField(_("hướng dẫn (tiếng Việt)"), blank=True)
    guidance_en = models.TextField(_("hướng dẫn (tiếng Anh)"), blank=True)
    unit_types = models.JSONField(_("loại đơn vị áp dụng"), default=list)
    na_allowed = models.BooleanField(_("cho phép không áp dụng"), default=False)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="indicator_code_unique")]

    def __str__(self):
        return f"{self.code}. {self.name}"

    def clean(self):
        if self.method:
            try:
                self.params = validate_params(self.method, self.params)
            except PydanticValidationError as error:
                raise ValidationError({"params": str(error)}) from None
        for code in self.unit_types:
            if code not in UNIT_TYPES:
                raise ValidationError(
                    {"unit_types": _("Loại đơn vị không hợp lệ: %(code)s") % {"code": code}}
                )

    @property
    def is_group(self) -> bool:
        return not self.method

    def applies_to(self, unit_type: str) -> bool:
        return unit_type in self.unit_types

    @property
    def guidance(self) -> str:
        return self.guidance_en if get_language() == "en" and self.guidance_en else self.guidance_vi

    def unit_type_labels(self) -> list[str]:
        labels = dict(UNIT_TYPE_CHOICES)
        return [str(labels.get(code, code)) for code in self.unit_types]

    def mapping(self):
        return mapping_from_params(self.params) if self.method in (scoring.RATIO, scoring.SURVEY) else None

    def scoring_rule(self) -> scoring.IndicatorRule:
        params = validate_params(self.method, self.params)
        return scoring.IndicatorRule(
            code=self.code,
            method=self.method,
            max_points=self.max_points,
            step=self.step,
            mapping=self.mapping(),
            per_violation=Decimal(params["per_violation"]) if self.method == scoring.DEDUCTION else None,
            na_allowed=self.na_allowed,
        )


class GatingRule(VersionChild):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="gating_rules")
    code = models.CharField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=500)
    kind = models.CharField(_("loại"), max_length=30, choices=GATING_KIND_CHOICES)
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("điều kiện bắt buộc")
        verbose_name_plural = _("điều kiện bắt buộc")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="gating_rule_code_unique")]

    def __str__(self):
        return f"{self.code}. {self.name}"

    def as_rule(self) -> gating.GatingRule:
        p = self.params
        return gating.GatingRule(
            code=self.code,
            name=self.name,
            kind=self.kind,
            percent=Decimal(str(p["percent"])) if "percent" in p else None,
            min_total=Decimal(str(p["min_total"])) if "min_total" in p else None,
            flag=p.get("flag"),
        )


class BonusRule(VersionChild):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="bonus_rules")
    code = models.CharField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=500)
    description = models.TextField(_("mô tả"), blank=True)
    cap = models.DecimalField(_("điểm thưởng tối đa"), **POINTS)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("điểm thưởng")
        verbose_name_plural = _("điểm thưởng")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="bonus_rule_code_unique")]

    def __str__(self):
        return f"{self.code}. {self.name}"
