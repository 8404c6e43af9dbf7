"""Creating, checking and revoking API tokens. Writes follow the services rule: atomic, checked,
audited in the same transaction."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from friendlygov.accounts import reach, two_factor
from friendlygov.audit.services import record

from . import scopes as scope_rules
from .models import ApiToken, ServiceAccount

PREFIX = "fg_"
SECRET_BYTES = 32  # 256 bits: guessing is hopeless, so a fast hash (SHA-256) is enough
LAST_USED_PRECISION = timedelta(minutes=1)  # spare a write on every request of a busy program


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def must_enrol(user) -> bool:
    """Whether a token of `user` waits for a second factor. A service account has no person to
    hold an authenticator and never signs in to the pages: its token, created by an administrator
    and held to its scopes, is its only credential."""
    return not is_service_account(user) and two_factor.must_enrol(user)


def is_service_account(user) -> bool:
    return hasattr(user, "service_account")


def second_factor_first() -> str:
    """Why a token is refused to someone who must use a second factor and has none confirmed yet:
    a token must not be the way around TWO_FACTOR_REQUIRED."""
    return _("Tài khoản này phải bật xác thực hai bước trước khi dùng mã truy cập API.")


@transaction.atomic
def create_token(
    user, *, name: str, expires_at: datetime | None = None, scopes=(), actor
) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret, which is not stored and cannot be shown again.
    `actor` None is an administrator at the server's console (create_api_token). `scopes` narrow
    what the token may call (scopes.py); a service account's token must have some."""
    if actor is not None and actor.pk != user.pk and not reach.sees_everything(actor):
        raise PermissionDenied(_("Chỉ quản trị viên mới tạo được mã truy cập cho người khác."))
    scopes = sorted(set(scopes))
    unknown = [scope for scope in scopes if scope not in scope_rules.SCOPES]
    if unknown:
        raise ValidationError(
            _("Phạm vi không hợp lệ: %(scopes)s. Các phạm vi: %(known)s.")
            % {"scopes": ", ".join(unknown), "known": ", ".join(scope_rules.SCOPES)}
        )
    if not scopes and ServiceAccount.objects.filter(user=user).exists():
        raise ValidationError(_("Mã truy cập của tài khoản hệ thống phải có ít nhất một phạm vi."))
    if must_enrol(user):
        raise ValidationError(second_factor_first())
    name = name.strip()
    if not name:
        raise ValidationError(_("Hãy đặt tên cho mã truy cập, ví dụ tên hệ thống sẽ dùng nó."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("Ngày hết hạn phải ở tương lai."))
    secret = PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:10],
        digest=digest_of(secret),
        expires_at=expires_at,
        scopes=scopes,
    )
    record(
        actor,
        "api_token.created",
        token,
        {"user": user.get_username(), "expires_at": expires_at, "scopes": scopes},
    )
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken, *, actor) -> ApiToken:
    if actor.pk != token.user_id and not reach.sees_everything(actor):
        raise PermissionDenied(_("Bạn chỉ thu hồi được mã truy cập của chính mình."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor, "api_token.revoked", token, {"user": token.user.get_username()})
    return token


def user_for(secret: str):
    """The active user a secret belongs to, or None. Records when the token was last used."""
    token = token_for(secret)
    return token.user if token is not None else None


def token_for(secret: str) -> ApiToken | None:
    """The active token of an active user a secret is, or None. Records when it was last used."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user__service_account").filter(digest=digest_of(secret)).first()
    now = timezone.now()
    if token is None or not token.is_active(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def tokens_of(user):
    return ApiToken.objects.filter(user=user)


@transaction.atomic
def create_service_account(username: str, *, description: str = "", actor) -> ServiceAccount:
    """A user for a system, not a person: it cannot sign in to the pages (no usable password) and
    reaches what the role grants the administrator gives it reach. `actor` None: the console."""
    from django.contrib.auth import get_user_model

    if actor is not None and not reach.sees_everything(actor):
        raise PermissionDenied(_("Chỉ quản trị viên mới tạo được tài khoản hệ thống."))
    username = username.strip()
    User = get_user_model()
    if not username or User.objects.filter(username=username).exists():
        raise ValidationError(_("Hãy chọn một tên đăng nhập chưa ai dùng cho tài khoản hệ thống."))
    user = User(username=username)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    account = ServiceAccount.objects.create(user=user, description=description.strip()[:200])
    record(actor, "service_account.created", account, {"user": username})
    return account
