"""Who may call the non-public operations: a personal API token, or the browser's session."""

from django.core.exceptions import PermissionDenied
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from . import tokens


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` of a personal API token (tokens.py). The request then acts as
    the token's user, so the permission policy and the audit trail see the same person as the pages."""

    openapi_description = "A personal API token: created on the “API tokens” page or by `create_api_token`."

    def authenticate(self, request, token):
        user = token_user(request)
        if user is None:
            raise AuthenticationError
        # A token must not be the way around TWO_FACTOR_REQUIRED: whoever must use a second
        # factor on the pages uses a token only once an authenticator is confirmed.
        if tokens.must_enrol(user):
            raise PermissionDenied(tokens.second_factor_first())
        request.user = user
        return user


_RESOLVED = "_friendlygov_token_user"


def presents_token(request) -> bool:
    return request.headers.get("Authorization", "").split(" ")[0].lower() == "bearer"


def token_user(request):
    """The active user of the request's bearer token, or None; looked up once per request (the
    API's middleware does it first, so that public operations refuse a bad token too)."""
    token = request_token(request)
    return token.user if token is not None else None


def request_token(request):
    """The request's active bearer token (tokens.ApiToken), or None; looked up once per request."""
    if not hasattr(request, _RESOLVED):
        secret = request.headers.get("Authorization", "").partition(" ")[2]
        setattr(request, _RESOLVED, tokens.token_for(secret))
    return getattr(request, _RESOLVED)


class SignedInSession(SessionAuth):
    """The browser's session. CSRF is checked only for someone signed in: a caller with no session
    (a program whose token was refused, say) is told 401, not that a CSRF cookie is missing."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


# Who may call the non-public operations. The bearer token goes FIRST: the session auth checks CSRF
# on unsafe methods and refuses before any later entry is tried, and programs carry no cookie.
AUTH = [BearerToken(), SignedInSession()]


def anyone(request):
    return True


# Public operations that show a signed-in caller more (draft frameworks, undecided results): the
# caller is recognised by token or session when it can be, and served as anonymous otherwise.
OPTIONAL_AUTH = [*AUTH, anyone]
