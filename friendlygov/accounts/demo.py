"""Demo accounts for `make run`. Passwords are public on purpose: these exist only in demo data."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "demo-friendlygov-2026"  # noqa: S105 (documented demo login)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    is_staff: bool = False
    is_superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("admin", "Quản trị hệ thống", _("Quản trị viên cấp tỉnh"), is_staff=True, is_superuser=True),
]
