"""Who must use a second factor, and the device they use (rules only; writes are in services)."""

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role

# Roles whose decisions or powers are worth a second factor when TWO_FACTOR_REQUIRED is on.
GUARDED_ROLES = {Role.APPRAISER, Role.APPRAISAL_HEAD, Role.PROVINCE_ADMIN}


def is_guarded(user) -> bool:
    """Appraisers and administrators (staff, superusers, province administrators)."""
    return bool(user.is_staff or user.is_superuser or user.grants.filter(role__in=GUARDED_ROLES).exists())


def must_enrol(user) -> bool:
    return settings.TWO_FACTOR_REQUIRED and is_guarded(user) and confirmed_device(user) is None


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()
