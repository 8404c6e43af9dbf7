from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from friendlygov.audit.services import record

from . import two_factor
from .demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from .models import RoleGrant, User


@transaction.atomic
def ensure_demo_accounts() -> list[User]:
    """Create the demo accounts and their role grants once; a second run keeps them (and any
    password or name changed since). A grant whose unit is not loaded yet is left for a later run."""
    from friendlygov.units.models import UnitVersion

    loaded = set(
        UnitVersion.objects.filter(pk__in=[a.unit_id for a in DEMO_ACCOUNTS if a.unit_id]).values_list(
            "pk", flat=True
        )
    )
    users = []
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "full_name": account.full_name,
                # A reserved domain (RFC 2606): reminders can be tried on the demo and go nowhere.
                "email": f"{account.username}@demo.friendlygov.invalid",
                "is_staff": account.is_staff,
                "is_superuser": account.is_superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if account.unit_id in loaded:
            RoleGrant.objects.get_or_create(
                user=user, role=account.role, unit_id=account.unit_id, year=account.year
            )
        users.append(user)
    return users


# --- Two-factor -----------------------------------------------------------------------------


class WrongCode(ValueError):
    """The one-time code was wrong, expired or tried too often."""


def _only_oneself(user, actor):
    if actor is None or actor.pk != user.pk:
        raise PermissionDenied(_("Chỉ chính người dùng mới thay đổi được xác thực hai lớp của mình."))


@transaction.atomic
def start_two_factor(user, *, actor) -> TOTPDevice:
    """A fresh, unconfirmed authenticator key; it counts only once a code from it is confirmed."""
    _only_oneself(user, actor)
    if two_factor.confirmed_device(user) is not None:
        raise PermissionDenied(_("Xác thực hai lớp đã được bật."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Ứng dụng xác thực"), confirmed=False)


WRONG_CODE = gettext_lazy("Mã xác thực không đúng hoặc đã hết hạn. Vui lòng nhập mã mới.")


def confirm_two_factor(user, token: str, *, actor) -> TOTPDevice:
    """Turn two-factor on with a code from the new key. A wrong code is recorded (and counts
    towards django-otp's throttling) before it is refused, so the refusal is not rolled back."""
    _only_oneself(user, actor)
    with transaction.atomic():
        device = two_factor.pending_device(user)
        accepted = device is not None and device.verify_token(token.strip())
        if accepted:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            record(actor, "two_factor.enabled", user, {"method": "totp"})
        else:
            record(actor, "two_factor.failed", user, {"step": "enrolment"})
    if not accepted:
        raise WrongCode(WRONG_CODE)
    return device


def disable_two_factor(user, token: str, *, actor) -> None:
    _only_oneself(user, actor)
    if settings.TWO_FACTOR_REQUIRED and two_factor.is_guarded(user):
        raise PermissionDenied(_("Vai trò của bạn bắt buộc dùng xác thực hai lớp; không thể tắt."))
    with transaction.atomic():
        device = two_factor.confirmed_device(user)
        accepted = device is not None and device.verify_token(token.strip())
        if accepted:
            TOTPDevice.objects.filter(user=user).delete()
            record(actor, "two_factor.disabled", user, {"method": "totp"})
        else:
            record(actor, "two_factor.failed", user, {"step": "disable"})
    if not accepted:
        raise WrongCode(WRONG_CODE)


def check_second_factor(user, token: str, *, actor) -> TOTPDevice:
    """The device that accepts the code at login; a wrong code is recorded, then refused."""
    _only_oneself(user, actor)
    with transaction.atomic():
        device = two_factor.confirmed_device(user)
        accepted = device is not None and device.verify_token(token.strip())
        if not accepted:
            record(actor, "two_factor.failed", user, {"step": "login"})
    if not accepted:
        raise WrongCode(WRONG_CODE)
    return device
