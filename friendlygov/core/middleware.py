from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.utils.translation import gettext as _

from .errors import api_error


def is_public(view_func) -> bool:
    """Whether the view is marked `login_not_required` (health probe, survey form, public results)."""
    return not getattr(view_func, "login_required", True)


class LoginRequiredExceptApiMiddleware(LoginRequiredMiddleware):
    """Pages require a login unless marked with `login_not_required`.

    The JSON API under /api/ answers for itself: it applies the same permission policies and
    replies 401/403 in JSON, which a program can read, instead of redirecting to a login page.
    Public views are let through before `request.user` is read, so they never load a session
    (the health check stays one query however often it is probed).
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/") or is_public(view_func):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):
        """A page is sent to the login page; a script's request (htmx, or one that asks for JSON)
        gets 401 instead, so a login page never lands inside a card and the page itself can offer
        to sign in and send what it holds again."""
        if wants_script_answer(request):
            return api_error(
                401,
                "not_authenticated",
                _("Phiên đăng nhập đã hết. Hãy đăng nhập lại; các thay đổi chưa lưu vẫn được giữ."),
            )
        return super().handle_no_permission(request, view_func)


def wants_script_answer(request) -> bool:
    """An htmx request, or one that prefers JSON to HTML (a browser's page load prefers HTML)."""
    if request.headers.get("HX-Request") == "true":
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


class PrivateCacheMiddleware:
    """What is answered to a signed-in person is theirs alone: no shared cache or proxy keeps it,
    and pages and files are not left on the disk of a shared office computer
    (`Cache-Control: private, no-store`). API answers stay revalidatable (`private, no-cache`), so
    clients keep using their validators. A request counts as personal when it carries a session
    cookie or an Authorization header: deciding needs no database read, and a public page seen by
    someone signed in (it shows their name) is kept private too. A view that sets its own
    Cache-Control keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        personal = settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META
        if personal and not response.has_header("Cache-Control"):
            api = request.path_info.startswith("/api/")
            response["Cache-Control"] = "private, no-cache" if api else "private, no-store"
        return response
