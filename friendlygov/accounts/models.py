from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. What they may do comes from their role grants on units (RoleGrant)."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    # Moves on whenever the person's grants change (accounts/reach.py): the user row is read on
    # every request anyway, so the grants read for this version can be kept between requests.
    grants_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.full_name or self.username


class Role(models.TextChoices):
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ cấp xã")
    COMMUNE_CHAIR = "commune_chair", _("Chủ tịch UBND cấp xã")
    APPRAISER = "appraiser", _("Cán bộ thẩm định")
    APPRAISAL_HEAD = "appraisal_head", _("Thủ trưởng cơ quan thẩm định")
    # Văn thư: gives the decision its number and date and applies the agency's signature (Decree 30).
    CLERK = "clerk", _("Văn thư")
    PROVINCE_ADMIN = "province_admin", _("Quản trị viên cấp tỉnh")
    VIEWER = "viewer", _("Người xem")


class RoleGrant(models.Model):
    """A role on a unit. It covers the unit and its subtree, for one cycle year or for every year.

    Unit versions differ before and after a reorganisation, so a grant on a 2024 district does
    not reach the communes formed in July 2025: access follows the map of the cycle's year.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="grants", verbose_name=_("người dùng")
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        "units.UnitVersion", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    year = models.PositiveIntegerField(
        _("năm đánh giá"), null=True, blank=True, help_text=_("Để trống: mọi năm")
    )
    granted_at = models.DateTimeField(_("ngày cấp"), auto_now_add=True)

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit", "year"], name="role_grant_unique"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    def applies_to_year(self, year: int) -> bool:
        return self.year is None or self.year == year
