from django.contrib.auth.middleware import LoginRequiredMiddleware


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
