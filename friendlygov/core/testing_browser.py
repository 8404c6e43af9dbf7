"""Browser-test fixtures (a pytest plugin, see conftest.py).

Playwright for Python driving Debian's Chromium: its headless shell
(/usr/bin/chromium-headless-shell, package chromium-headless-shell) where it is installed, which
is the build Playwright itself runs headless tests in and takes the browser tests a fifth less
time; otherwise the browser (/usr/bin/chromium). FRIENDLYGOV_CHROMIUM names another; .ci/run's
browser stage names /usr/bin/chromium, so CI checks the browser people use.

Skipped when Chromium is missing, unless FRIENDLYGOV_REQUIRE_BROWSER=1 (as in .ci/run), where a
missing browser is a failure. Screenshots go to test-artifacts/screenshots/.
"""

import json
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from friendlygov.core.env import env_bool

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test itself
# (creating users, loading data) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("FRIENDLYGOV_CHROMIUM") or next(
    (path for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium") if Path(path).exists()),
    "/usr/bin/chromium",
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
AXE = next((Path(__file__).resolve().parents[2] / "tests" / "vendor").glob("axe-core-*/axe.min.js"))
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server for an in-memory SQLite test database. Django hands every request thread
    the test's one connection; two requests at once (a save and the summary htmx asks for beside
    it) then run inside each other's transaction, and SQLite refuses the write with "database
    table is locked" (a 503 the person would not see on a real server). Each request is answered
    whole, body included, before the next starts; connections are still accepted and read in
    their own threads, so a browser's idle pre-opened socket blocks nothing. Static files touch no
    database and are still served side by side, so a page's scripts load as fast as before."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, connections_override=connections_override, **kwargs)
        self._serial = bool(connections_override)
        self._answering = threading.Lock()

    def get_request(self):
        """Every accepted connection sends at once (TCP_NODELAY). The server writes a response's
        status line, headers and body in separate small writes; with Nagle's algorithm on, the
        second waits for the browser's delayed acknowledgement, about 40 ms a request (a page that
        took the app 2 ms reached the browser after 65 ms; 23 ms with this)."""
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address

    def set_app(self, application):
        if not self._serial:
            return super().set_app(application)

        static = settings.STATIC_URL

        def one_at_a_time(environ, start_response):
            if environ.get("PATH_INFO", "").startswith(static):
                return application(environ, start_response)
            with self._answering:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = _OneRequestAtATime


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started once the test database exists. Its own fixture asks
    for no database, so a test naming `live_server` before its data fixtures started the server
    while the settings still named the development database file: the server then had no
    connection to share, every request thread opened its own to the in-memory test database, two
    requests at once locked each other out ("database table is locked", a 503) and the page's
    retry went out ten seconds later."""
    return live_server


@pytest.fixture(scope="session")
def chromium_browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if env_bool("FRIENDLYGOV_REQUIRE_BROWSER", False):
            pytest.fail(f"Chromium is required (FRIENDLYGOV_REQUIRE_BROWSER=1) but {CHROMIUM} is missing.")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # some tests also keep a picture of one element
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser):
    context = chromium_browser.new_context(viewport=VIEWPORTS["desktop"], locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in(page, live_server, user, to: str = "/") -> None:
    """Open `to` signed in as `user`, with the session the sign-in form would give (Django's
    force_login through the app's own backend), without walking the form each time: the form is
    walked in tests/browser/test_smoke.py, at the start of the whole cycle, and where a test signs
    in again after its session ended."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="friendlygov.accounts.backends.UserBackend")
    page.context.clear_cookies()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}{to}")


def serious_axe_violations(page) -> list[dict]:
    """Run axe-core on the current page; return the serious and critical violations."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern; a script tag
    # would be an inline script, and the app's strict CSP (rightly) refuses those.
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def look_at(page, name: str) -> None:
    """Fail on serious accessibility issues, and screenshot the page at desktop and phone width
    for people to look at.

    axe-core is a large cost of the browser tests (98 runs took 16.5 s), so `make test` runs it once
    per distinct page in a session (see `distinct_page`), at desktop width; with
    FRIENDLYGOV_AXE=every (as .ci/run's browser stage sets) it runs on every looked-at state at
    both widths, so every state is still checked at both widths on every CI run. Screenshots are
    taken where someone will look at them: of the visible part with
    FRIENDLYGOV_SCREENSHOTS=visible (`make test-browser`), of the whole page with
    FRIENDLYGOV_SCREENSHOTS=full (.ci/run's browser stage); a plain `make test` takes none (they
    were a tenth of its browser time). A state is looked at once per session, so a test
    run at two widths names it once; the test's own viewport is given back afterwards.
    """
    if name in _LOOKED_AT:
        return
    _LOOKED_AT.add(name)
    screenshots = os.environ.get("FRIENDLYGOV_SCREENSHOTS", "")
    every_state = os.environ.get("FRIENDLYGOV_AXE", "") == "every"
    page_key = distinct_page(page)
    own_viewport = page.viewport_size
    resized = False
    for label, viewport in VIEWPORTS.items():
        check = every_state or (label == "desktop" and (page_key, label) not in _AXE_CHECKED)
        if not (screenshots or check):
            continue
        if viewport != page.viewport_size:
            page.set_viewport_size(viewport)
            resized = True
        if screenshots:
            path = str(ARTIFACTS / f"{name}-{label}.png")
            page.screenshot(path=path, full_page=screenshots == "full")
        if check:
            _AXE_CHECKED.add((page_key, label))
            violations = serious_axe_violations(page)
            assert not violations, f"axe-core on {name} at {label} width:\n" + json.dumps(
                violations, indent=1
            )
    if resized:
        page.set_viewport_size(own_viewport)


def distinct_page(page) -> tuple:
    """What makes two looked-at states one page for axe-core in `make test`: the URL pattern they
    were served by (not the object's id), the names of the query parameters (a tab, a year, a
    search), and the page's language."""
    from urllib.parse import parse_qsl, urlsplit

    from django.urls import Resolver404, resolve

    url = urlsplit(page.url)
    try:
        route = resolve(url.path).route
    except Resolver404:
        route = url.path
    keys = tuple(sorted({key for key, _value in parse_qsl(url.query, keep_blank_values=True)}))
    return route, keys, page.evaluate("document.documentElement.lang")


_LOOKED_AT: set[str] = set()
_AXE_CHECKED: set[tuple] = set()
