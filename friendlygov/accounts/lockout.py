"""Failed logins from one client address, whatever the user names tried.

django-axes locks the pair (user name, address) after LOGIN_FAILURE_LIMIT failures, so a stranger
cannot lock an official out from elsewhere; on its own it lets one address try every user name a
few times each. This counts the failures of an address across all names, in the shared cache
(friendlygov.core.counters), and refuses logins from that address once LOGIN_ADDRESS_FAILURE_LIMIT
is reached, until LOGIN_LOCKOUT_MINUTES after its last failure. The limit is higher than the pair's:
a commune office behind one address has several people who mistype their own passwords.
axes cannot do both at once (one limit for every combination of its lockout parameters), hence
this small counter beside it (docs/adr/0010).
"""

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from friendlygov.audit.services import record
from friendlygov.core import counters
from friendlygov.core.client import client_address


def _key(request) -> str:
    return f"login:address-failures:{client_address(request)}"


def _window_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def address_locked(request) -> bool:
    return counters.current(_key(request)) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def lock_reason(request) -> str | None:
    """ "address" when this request was refused because of its address, else None."""
    return getattr(request, "friendlygov_lockout", None)


@receiver(user_login_failed, dispatch_uid="login-address-failures")
def note_failure(sender, credentials, request=None, **kwargs):
    if request is None or not settings.AXES_ENABLED:
        return
    failures = counters.count(_key(request), _window_seconds(), sliding=True)
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    if failures < limit:
        return
    # axes' middleware answers with the lockout page (accounts.views.locked_out).
    request.axes_locked_out = True
    request.friendlygov_lockout = "address"
    if failures == limit:
        record(
            None,
            "auth.address_locked_out",
            _AddressTarget(client_address(request)),
            {
                "ip": client_address(request),
                "failures": failures,
                "username": credentials.get("username", ""),
            },
        )


class _AddressTarget:
    """The audit target of an address-wide lockout."""

    class _meta:
        label_lower = "accounts.clientaddress"

    def __init__(self, address):
        self.pk = address[:64]
