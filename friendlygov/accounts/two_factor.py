"""Who must use a second factor, and the device they use (rules only; writes are in services)."""

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import reach


def is_guarded(user) -> bool:
    """Whose decisions or powers are worth a second factor when TWO_FACTOR_REQUIRED is on:
    appraisers and administrators (province administrators, and staff, who reach the admin site)."""
    return bool(user.is_staff or reach.is_province_admin(user) or reach.holds(user, reach.APPRAISAL_ROLES))


def must_enrol(user) -> bool:
    return settings.TWO_FACTOR_REQUIRED and is_guarded(user) and confirmed_device(user) is None


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()
