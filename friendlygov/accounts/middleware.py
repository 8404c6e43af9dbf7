import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from friendlygov.core.errors import api_error
from friendlygov.core.middleware import is_public, wants_script_answer

from . import two_factor

# What a signed-in person may still open before passing the second factor.
OPEN_BEFORE_SECOND_FACTOR = {"two_factor_verify", "logout", "set_language"}
OPEN_BEFORE_ENROLMENT = OPEN_BEFORE_SECOND_FACTOR | {
    "two_factor",
    "two_factor_start",
    "two_factor_qr",
    "two_factor_confirm",
}
# Session keys: whether the person has an authenticator (noted at login and when it changes, so
# pages cost no query for it), whether their role must have one, and when they were last seen.
HAS_DEVICE, GUARDED, SEEN = "_2fa_device", "_2fa_guarded", "_seen"


def note_device(request, has_device: bool) -> None:
    request.session[HAS_DEVICE] = has_device


@receiver(user_logged_in, dispatch_uid="two-factor-note-device")
def _note_at_login(sender, request, user, **kwargs):
    if getattr(request, "session", None) is not None:
        note_device(request, two_factor.confirmed_device(user) is not None)
        request.session[SEEN] = int(time.time())


class TwoFactorMiddleware:
    """A person with an authenticator passes it before anything else; with TWO_FACTOR_REQUIRED,
    appraisers and administrators without one are sent to set it up. The API answers in JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_public(view_func):
            return None  # public pages (health probe, survey form, public results) read no session
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        session = request.session
        if HAS_DEVICE not in session:  # a session from before this check existed
            note_device(request, two_factor.confirmed_device(user) is not None)
        name = request.resolver_match.view_name if request.resolver_match else ""
        if session[HAS_DEVICE]:
            return None if name in OPEN_BEFORE_SECOND_FACTOR else self._refuse(request, "two_factor_verify")
        if settings.TWO_FACTOR_REQUIRED and name not in OPEN_BEFORE_ENROLMENT:
            if GUARDED not in session:
                session[GUARDED] = two_factor.is_guarded(user)
            if session[GUARDED]:
                return self._refuse(request, "two_factor")
        return None

    def _refuse(self, request, page):
        if request.path_info.startswith("/api/") or wants_script_answer(request):
            return api_error(
                403, "two_factor_required", _("Cần xác thực hai lớp: hãy hoàn tất trên trang web trước.")
            )
        return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")


class SessionIdleMiddleware:
    """Renews a signed-in session's expiry (SESSION_COOKIE_AGE) at most once a minute, so a session
    ends after that long without a request, without a database write on every request."""

    RENEW_AFTER_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_public(view_func):
            return None  # public pages read no session, so a probe leaves none behind
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(SEEN, 0) >= self.RENEW_AFTER_SECONDS:
                request.session[SEEN] = now
        return None
