"""Results of past cycles imported from the sheets officials kept before this system.

A past year's decided results are stored as ImportedResult rows, one per unit version and year,
not as assessments of a synthetic cycle: they have no indicator scores, no workflow and no
decision document here, only what the signed decision says (score, level, number, date). Keeping
them apart means no workflow rule has to learn about "imported" assessments, and a report can say
plainly where a number came from (`source_name`, `source_sha256`, who imported it and when).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

POINTS = {"max_digits": 6, "decimal_places": 2}


class ImportedResult(models.Model):
    year = models.PositiveIntegerField(_("năm đánh giá"))
    unit = models.ForeignKey(
        "units.UnitVersion", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    final_score = models.DecimalField(_("điểm cuối cùng"), **POINTS)
    level = models.PositiveSmallIntegerField(_("mức đạt"))
    # Why the decided level is below the score's band: the failed conditions the file names.
    reasons = models.JSONField(_("lý do không đạt chuẩn"), default=list, blank=True)
    decision_number = models.CharField(_("số quyết định"), max_length=40)
    decision_date = models.DateField(_("ngày quyết định"))
    source_name = models.CharField(_("tệp nguồn"), max_length=255)
    source_sha256 = models.CharField(_("mã băm tệp nguồn"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("ngày nhập"), auto_now=True)

    class Meta:
        verbose_name = _("kết quả nhập từ tệp")
        verbose_name_plural = _("kết quả nhập từ tệp")
        ordering = ["-year", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="imported_result_year_unit_unique")
        ]

    def __str__(self):
        return f"{self.unit} · {self.year}"
