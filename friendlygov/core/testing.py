"""Test personas and helpers shared by every app's tests (a pytest plugin, see conftest.py).

A persona is a signed-in client for one role on one place: `anonymous`, `admin_client` now;
the workflow adds commune officers, appraisers and outsiders on top of `make_persona`.
"""

import shutil
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.test import Client

from friendlygov.core.testing_db import DatabaseTemplate

PERSONA_PASSWORD = "persona-pass-2026"


def _setup_demo(*args) -> str:
    from django.core.management import call_command

    output = StringIO()
    call_command("setup_demo", *args, stdout=output)
    return output.getvalue()


# The demo data set (`setup_demo`, small and full): built once per source hash, copied per module.
DEMO_TEMPLATES = {
    "small_demo": DatabaseTemplate("demo-small", lambda: _setup_demo("--small")),
    "full_demo": DatabaseTemplate("demo-full", _setup_demo),
}
SMALL_DEMO = DEMO_TEMPLATES["small_demo"]


def build_templates_for(items) -> None:
    """Build (or find, by source hash) the demo templates these tests read. Called once at the
    start of the session, when the test database holds only the migrations and reference data."""
    import os

    wanted = {name for item in items for name in getattr(item, "fixturenames", ())}
    wanted |= {"small_demo"} if "small_demo_committed" in wanted else set()
    order = list(DEMO_TEMPLATES.items())
    if int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0) % 2:
        order.reverse()  # two parallel workers build the two templates at the same time
    for name, template in order:
        if name in wanted:
            template.ensure()


@contextmanager
def _copy_of(template, django_db_blocker):
    with django_db_blocker.unblock(), template.loaded() as output:
        yield output


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker):
    """The small demo (2 districts, 14 units, cycles 2024–2026) for this module's tests, each in
    its own rolled-back transaction; the database is as before once the module ends. Yields what
    `setup_demo --small` printed."""
    with _copy_of(SMALL_DEMO, django_db_blocker) as output:
        yield output


@pytest.fixture(scope="module")
def full_demo(django_db_setup, django_db_blocker):
    """The full demo (`make run`'s data set), as small_demo. Yields what `setup_demo` printed."""
    with _copy_of(DEMO_TEMPLATES["full_demo"], django_db_blocker) as output:
        yield output


@pytest.fixture
def small_demo_committed(transactional_db) -> str:
    """The small demo written for real, for a transactional test (a live server reads it); the
    database is flushed after the test as usual."""
    return SMALL_DEMO.install()


@pytest.fixture
def make_persona(db):
    return signed_in_client


def signed_in_client(username: str, **fields) -> Client:
    """A new user, signed in: a client carrying its session, with the user as `client.user`."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=username, password=PERSONA_PASSWORD, **fields)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def copy_of_client(client: Client) -> Client:
    """Another client in the same session, with its own copy of the user: a test that signs it
    out or changes its user in memory leaves the original as it was."""
    import copy

    fresh = Client()
    fresh.cookies = copy.deepcopy(client.cookies)
    fresh.user = copy.deepcopy(client.user)
    return fresh


@pytest.fixture
def anonymous() -> Client:
    return Client()


@pytest.fixture
def admin_client(make_persona) -> Client:
    return make_persona("province-admin", is_staff=True, is_superuser=True)


@pytest.fixture
def signed_in(make_persona) -> Client:
    """Any signed-in person with no role: sees what every account may see, nothing more."""
    return make_persona("someone")


@pytest.fixture
def reference_data(db):
    """The shipped units and default framework. Loaded once per session (conftest.py); loaded again
    here only after a transactional test has flushed the database."""
    from django.apps import apps
    from django.core.management import call_command

    if not apps.get_model("units", "UnitVersion").objects.exists():
        call_command("load_units", verbosity=0)
    if not apps.get_model("frameworks", "FrameworkVersion").objects.exists():
        call_command("load_default_framework", verbosity=0)
    from friendlygov.programs.seeding import ensure_default_program

    ensure_default_program()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; a deliberately slow hasher would dominate the suite's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Counters kept in the cache (import and survey limits) start from zero in every test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Vietnamese: a request in English must not leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_login_lockout(settings):
    """django-axes counts failed logins per address; tests that log in many times from 127.0.0.1
    must not lock each other out. A lockout test turns it back on with `settings.AXES_ENABLED = True`
    (axes' own advice for test suites). Two-factor is off unless a test sets TWO_FACTOR_REQUIRED or
    gives its user an authenticator."""
    settings.AXES_ENABLED = False
    settings.TWO_FACTOR_REQUIRED = False


# --- optional tools: a test that needs one skips, with the reason, where it is missing ----------
def needs_tool(name: str, found, install: str, required_by: tuple[str, ...]):
    """`found` when the tool is there; otherwise skip, or fail where the environment says the tool
    is required (CI sets FRIENDLYGOV_REQUIRE_OFFICE=1 and FRIENDLYGOV_REQUIRE_BROWSER=1)."""
    from friendlygov.core.env import env_bool

    if found:
        return found
    for variable in required_by:
        if env_bool(variable, False):
            pytest.fail(f"{name} is required ({variable}=1) but missing: {install}")
    pytest.skip(f"{name} is missing: {install}")


OFFICE_REQUIRED_BY = ("FRIENDLYGOV_REQUIRE_OFFICE", "FRIENDLYGOV_REQUIRE_BROWSER")
CALC_LIBRARIES = ["/usr/lib/libreoffice/program/libsclo.so"]  # Debian's libreoffice-calc


def needs_libreoffice() -> str:
    """The soffice program (LibreOffice Writer converts .docx to PDF)."""
    from friendlygov.core.office import soffice_path

    return needs_tool(
        "LibreOffice (soffice)",
        soffice_path(),
        "apt-get install libreoffice-writer-nogui",
        OFFICE_REQUIRED_BY,
    )


def needs_libreoffice_calc() -> str:
    """soffice with Calc, which spreadsheets (.xlsx, .ods) need; Writer alone cannot open them."""
    import os
    from pathlib import Path

    soffice = needs_libreoffice()
    beside_soffice = Path(os.path.realpath(soffice)).parent / "libsclo.so"
    calc = any(Path(library).exists() for library in (beside_soffice, *CALC_LIBRARIES))
    needs_tool("LibreOffice Calc", calc, "apt-get install libreoffice-calc-nogui", OFFICE_REQUIRED_BY)
    return soffice


# --- printed files, looked at page by page ------------------------------------------------------
PRINTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "prints"


def printed_pages(pdf: bytes, name: str) -> list[str]:
    """The text of each page of `pdf`, after keeping it and a PNG of every page under
    test-artifacts/prints/ for people to look at (as a clerk would read the printout).
    Needs poppler's pdftotext and pdftoppm, installed beside LibreOffice."""
    import subprocess  # nosec B404  # poppler only, fixed arguments

    pdftotext = needs_tool("pdftotext", shutil.which("pdftotext"), "apt-get install poppler-utils", ())
    PRINTS.mkdir(parents=True, exist_ok=True)
    for stale in PRINTS.glob(f"{name}-*.png"):  # pages of an earlier, longer print
        stale.unlink()
    source = PRINTS / f"{name}.pdf"
    source.write_bytes(pdf)
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        to_png = [pdftoppm, "-r", "50", "-png", str(source), str(PRINTS / name)]
        subprocess.run(to_png, check=True)  # noqa: S603  # nosec B603
    to_text = [pdftotext, "-layout", str(source), "-"]
    text = subprocess.run(to_text, check=True, capture_output=True, text=True).stdout  # noqa: S603  # nosec B603
    return text.split("\f")[:-1]  # one form feed ends each page


def oversized_workbook(rows: int, *, columns: int = 6, sheets: int = 1) -> bytes:
    """A valid .xlsx of `rows` filled rows per sheet, written straight as XML (seconds, not minutes):
    the shape of the upload that once held the service for a minute (450,000 rows: a 3.7 MB file,
    47 MB of sheet XML, under the 60 MB unpacked cap). Small numbers, so the file stays small."""
    import io
    import zipfile

    def sheet_xml() -> bytes:
        cell = "<c><v>12345</v></c>" * columns
        body = "".join(f"<row>{cell}</row>" for _ in range(rows))
        return (
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>'
        ).encode()

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>'
        for n in range(1, sheets + 1)
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            + "".join(f'<sheet name="S{n}" sheetId="{n}" r:id="rId{n}"/>' for n in range(1, sheets + 1))
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{rel}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, sheets + 1)
            )
            + "</Relationships>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for name, text in parts.items():
            package.writestr(name, text)
        xml = sheet_xml()
        for n in range(1, sheets + 1):
            package.writestr(f"xl/worksheets/sheet{n}.xml", xml)
    return buffer.getvalue()


def workbook_differences(expected: bytes, actual: bytes, *, limit: int = 20) -> list[str]:
    """What differs between two .xlsx as a reader sees them: sheets, every cell's value, number
    format, font weight, fill, border and wrapping, column widths, the header row's height, frozen
    panes, filter, print titles, page header and footer. Empty when they read back the same."""
    from io import BytesIO

    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    old, new = load_workbook(BytesIO(expected)), load_workbook(BytesIO(actual))
    found = []
    if old.sheetnames != new.sheetnames:
        return [f"sheets {old.sheetnames} != {new.sheetnames}"]

    def look(cell):
        return (
            cell.value,
            cell.number_format,
            bool(cell.font.b),
            cell.fill.fill_type,
            cell.fill.fgColor.rgb if cell.fill.fill_type else None,
            cell.border.left.style,
            cell.border.bottom.style,
            bool(cell.alignment.wrap_text),
            cell.alignment.vertical,
        )

    for a, b in zip(old.worksheets, new.worksheets, strict=True):
        for name, read in (
            ("size", lambda s: (s.max_row, s.max_column)),
            ("freeze", lambda s: s.freeze_panes),
            ("filter", lambda s: s.auto_filter.ref),
            ("titles", lambda s: s.print_title_rows),
            ("header", lambda s: s.oddHeader.center.text),
            ("footer", lambda s: s.oddFooter.center.text),
            ("page", lambda s: (s.page_setup.orientation, s.page_setup.fitToWidth, s.page_setup.fitToHeight)),
            ("row 1 height", lambda s: s.row_dimensions[1].height),
        ):
            if read(a) != read(b):
                found.append(f"{a.title}: {name} {read(a)!r} != {read(b)!r}")
        for column in range(1, max(a.max_column, b.max_column) + 1):
            letter = get_column_letter(column)
            if a.column_dimensions[letter].width != b.column_dimensions[letter].width:
                found.append(
                    f"{a.title}: width of {letter} "
                    f"{a.column_dimensions[letter].width} != {b.column_dimensions[letter].width}"
                )
        for row in range(1, max(a.max_row, b.max_row) + 1):
            for column in range(1, max(a.max_column, b.max_column) + 1):
                left, right = look(a.cell(row, column)), look(b.cell(row, column))
                if left != right:
                    found.append(f"{a.title}!{get_column_letter(column)}{row}: {left} != {right}")
                    if len(found) >= limit:
                        return found
    return found
