"""A program (the province's scheme) and its rule versions: level bands and yearly targets.

A version is never edited: a change is a new version. A cycle judged under a version keeps it
(`assessments.Cycle.rules_version`, set when its first decision is issued), so a later edit never
rewrites a decided year.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_PROGRAM_CODE = "hai-duong-2024-2030"
DEFAULT_PROGRAM_NAME = "Chính quyền cấp xã thân thiện, vì Nhân dân phục vụ"
POINTS = {"max_digits": 5, "decimal_places": 2}


class Program(models.Model):
    code = models.SlugField(_("mã chương trình"), max_length=60, unique=True)
    name = models.CharField(_("tên chương trình"), max_length=200, unique=True)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        verbose_name = _("chương trình")
        verbose_name_plural = _("chương trình")
        ordering = ["name"]

    def __str__(self):
        return self.name


def default_program_pk() -> int:
    """A cycle created without a program belongs to Hải Dương's 2024–2030 scheme (seeded by
    migration 0002; created here if a test flushed it)."""
    program, _created = Program.objects.get_or_create(
        code=DEFAULT_PROGRAM_CODE, defaults={"name": DEFAULT_PROGRAM_NAME}
    )
    return program.pk


class RuleVersion(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("ghi chú thay đổi"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("phiên bản quy định")
        verbose_name_plural = _("phiên bản quy định")
        ordering = ["program", "-number"]
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="rule_version_unique")]

    def __str__(self):
        return f"{self.program} · v{self.number}"


class LevelBand(models.Model):
    version = models.ForeignKey(RuleVersion, on_delete=models.CASCADE, related_name="bands")
    level = models.PositiveSmallIntegerField(_("mức"))
    lowest = models.DecimalField(_("điểm tối thiểu"), **POINTS)
    name = models.CharField(_("tên mức"), max_length=100)
    name_en = models.CharField(_("tên mức (tiếng Anh)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("mức")
        verbose_name_plural = _("mức")
        ordering = ["version", "level"]
        constraints = [models.UniqueConstraint(fields=["version", "level"], name="level_band_unique")]

    def __str__(self):
        return f"{self.version} · {self.name}"


class YearTarget(models.Model):
    class Kind(models.TextChoices):
        SHARE = "share", _("Tỷ lệ đơn vị")
        COUNT = "count", _("Số đơn vị")

    version = models.ForeignKey(RuleVersion, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveIntegerField(_("năm"))
    kind = models.CharField(_("loại chỉ tiêu"), max_length=8, choices=Kind.choices)
    min_level = models.PositiveSmallIntegerField(_("từ mức"))
    percent = models.DecimalField(_("tỷ lệ (%)"), **POINTS, null=True, blank=True)
    count = models.PositiveIntegerField(_("số đơn vị"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("chỉ tiêu năm")
        verbose_name_plural = _("chỉ tiêu năm")
        ordering = ["version", "year", "position"]

    def __str__(self):
        return f"{self.version} · {self.year}"
