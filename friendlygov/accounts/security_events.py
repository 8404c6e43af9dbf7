"""Security events into the audit trail: failed logins and lockouts from the signals here; logins
(accounts.views.LoginView), two-factor changes (accounts.services) and API tokens (the API's
services) are recorded where they happen."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from friendlygov.audit.services import record
from friendlygov.core.client import client_address

# Event types the security events page shows, by prefix.
SECURITY_PREFIXES = ("auth.", "two_factor.", "api_token.")


class LoginName:
    """The audit target of a login for a user name that may not exist."""

    class _meta:
        label_lower = "accounts.loginname"

    def __init__(self, username):
        self.pk = (username or "")[:64]


def _target(username):
    user = get_user_model().objects.filter(username=username).first() if username else None
    return user or LoginName(username)


@receiver(user_login_failed, dispatch_uid="security-login-failed")
def login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    ip = client_address(request) if request is not None else ""  # authenticate() without a request
    record(None, "auth.login_failed", _target(username), {"username": username, "ip": ip})


@receiver(user_locked_out, dispatch_uid="security-locked-out")
def locked_out(sender, request, username, ip_address, **kwargs):
    record(None, "auth.locked_out", _target(username), {"username": username or "", "ip": ip_address or ""})
