"""Every named URL, visited anonymously, either is on the public list or refuses.

A new view is private unless someone adds it to PUBLIC on purpose; this test is what keeps
`LoginRequiredMiddleware` and the API's own checks honest as the project grows.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Views anyone may open. Keep this list short and each entry deliberate.
PUBLIC = {
    "login",
    "admin:login",
    # An invitation's link to set a password: the token in the link is the credential.
    "set_password",
    "healthz",
    "set_language",
    # Unit data and published frameworks are public reference data.
    "api:openapi-json",
    "api:openapi-view",
    # Decided results, once a decision is issued.
    "public:results",
    "public:cycle_results",
    # Results of a cycle: public once issued decisions settle all of it, else 401.
    "api:cycle_summary",
    "api:cycle_results",
    # The citizen survey behind each commune's QR code and its thank-you page: no account,
    # the link names the unit; a code with no open survey answers a friendly 404.
    "survey:form",
    "survey:thanks",
    # The public verification page for signed decisions, and the signed originals (with their
    # attachments) of issued decisions, which the public results page links.
    "signing:verify",
    "signing:original_pdf",
    "signing:attachment_pdf",
}
PUBLIC_API_PREFIXES = ("/api/v1/units", "/api/v1/frameworks")

SAMPLE_VALUES = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def named_urls(patterns=None, prefix="", namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = _route_of(entry)
        if route is None:
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_urls(entry.url_patterns, prefix + route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", "/" + prefix + route


def _route_of(entry):
    """A concrete path for a route with sample arguments; None for regex routes with groups."""
    pattern = entry.pattern
    if hasattr(pattern, "_route"):
        return re.sub(
            r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES.get(m.group(1) or "str", "x"), pattern._route
        )
    regex = pattern._regex
    if "(" in regex:
        return None
    return regex.lstrip("^").rstrip("$").replace("\\", "")


def is_admin(path):
    return path.startswith("/admin/")


def test_the_sweep_finds_the_views_of_every_area():
    names = {name for name, _ in named_urls()}
    assert {"home", "login", "units:tree", "frameworks:list", "api:openapi-json"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), sorted(set(named_urls())))
def test_anonymous_visitors_are_refused_outside_the_public_list(anonymous, name, path):
    response = anonymous.get(path)
    if name in PUBLIC or path.startswith(PUBLIC_API_PREFIXES):
        assert response.status_code < 500, f"{name} ({path}) failed with {response.status_code}"
        return
    if is_admin(path):
        assert response.status_code in (302, 404), f"{name} ({path}) answered {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith(("/admin/login/", "/accounts/login/"))
        return
    if path.startswith("/api/"):
        assert response.status_code in (401, 403, 404), f"{name} ({path}) answered {response.status_code}"
        return
    assert response.status_code == 302, (
        f"{name} ({path}) answered {response.status_code} to an anonymous visitor"
    )
    assert response["Location"].startswith("/accounts/login/")
