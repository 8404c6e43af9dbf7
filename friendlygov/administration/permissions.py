"""The administration area's one policy: the provincial administrator keeps cycles, bodies,
deadlines, people and their grants, and reads the audit trail (accounts/reach.is_province_admin)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from friendlygov.accounts import reach


def may_administer(user) -> bool:
    return reach.is_province_admin(user)


def require_administrator(user) -> None:
    if not may_administer(user):
        raise PermissionDenied(_("Chỉ quản trị viên cấp tỉnh được vào khu vực quản trị."))
