"""People in bulk: the .xlsx list of people a province sends each year (name, e-mail, phone, unit,
role, year), its template, the invitation to set a password, deactivation, and role grants.

All-or-nothing, as every import (core/spreadsheets.py): the whole sheet is read and every cell
checked first; any problem is named by sheet, row and column, and nothing is written. A clean file
is saved in one transaction; the invitations leave after the commit.

An invitation is Django's password-reset token for the person (a link valid for
PASSWORD_RESET_TIMEOUT, spent once the password is set), sent by the configured e-mail backend.
A person is identified by e-mail: a known address receives the new grant, not a second account.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from friendlygov.audit.services import record
from friendlygov.core.i18n import fold
from friendlygov.core.spreadsheets import (
    Bounds,
    ImportRefused,
    Problem,
    bounded_rows,
    cell_text,
    open_workbook,
    unreadable,
    workbook_bytes,
)
from friendlygov.units.models import UnitVersion

from . import reach
from .models import Role, RoleGrant, User

PEOPLE_BOUNDS = Bounds(sheets=5, rows=2_001, unpacked_bytes=8 * 1024 * 1024)
# (field, header in the template, folded headers accepted)
COLUMNS = (
    ("full_name", "Họ và tên", ("ho va ten", "ho ten", "full name", "name")),
    ("email", "Thư điện tử", ("thu dien tu", "email", "e-mail")),
    ("phone", "Điện thoại", ("dien thoai", "so dien thoai", "phone")),
    ("unit", "Mã đơn vị", ("ma don vi", "unit code", "unit")),
    ("role", "Vai trò", ("vai tro", "role")),
    ("year", "Năm đánh giá", ("nam danh gia", "nam", "year")),
)
REQUIRED = ("full_name", "email", "unit", "role")
PHONE = re.compile(r"^\+?[0-9 .]{8,15}$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _require_admin(actor) -> None:
    if not reach.is_province_admin(actor):
        raise PermissionDenied(_("Chỉ quản trị viên cấp tỉnh được quản lý người dùng."))


# --- The template ---------------------------------------------------------------------------------


def people_template() -> bytes:
    """The .xlsx people fill in: the header row, one example row, and a sheet listing the roles."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Người dùng")
    sheet.append([header for _field, header, _aliases in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(
        [
            "Nguyễn Văn An",
            "an.nguyen@example.vn",
            "0912 345 678",
            "10804",
            str(Role.COMMUNE_OFFICER.label),
            2027,
        ]
    )
    for index, width in enumerate((28, 30, 16, 12, 30, 14), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    roles = book.create_sheet(_("Vai trò"))
    roles.append([_("Vai trò"), _("Mã")])
    for value, label in Role.choices:
        roles.append([str(label), value])
    return workbook_bytes(book)


# --- Reading and checking -------------------------------------------------------------------------


@dataclass
class Person:
    row: int
    full_name: str
    email: str
    phone: str
    unit: UnitVersion
    role: str
    year: int | None
    sheet: str = ""
    unit_column: str = ""


def _header_map(header, sheet_name, problems) -> dict[str, int]:
    aliases = {alias: name for name, _header, names in COLUMNS for alias in names}
    columns = {}
    for index, title in enumerate(header):
        name = aliases.get(fold(cell_text(title)))
        if name and name not in columns:
            columns[name] = index
    missing = [header for name, header, _aliases in COLUMNS if name in REQUIRED and name not in columns]
    if missing:
        problems.append(
            Problem(sheet_name, 1, None, _("Thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)})
        )
    return columns


def _role_of(text: str) -> str | None:
    folded = fold(text)
    for value, label in Role.choices:
        if folded in (value, fold(str(label))):
            return value
    return None


def _year_of(value) -> int | None:
    text = cell_text(value)
    if not text:
        return None
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise ValueError
    return int(text)


def read_people(data: bytes, name: str) -> list[Person]:
    """The people of the first sheet, every cell checked; ImportRefused lists every problem."""
    book = open_workbook(data, name, bounds=PEOPLE_BOUNDS)
    sheet = book.worksheets[0]
    problems: list[Problem] = []
    try:
        table = [(number, list(values)) for number, values in bounded_rows(sheet, PEOPLE_BOUNDS, problems)]
    except Exception as error:  # a read-only workbook parses the cells only now
        raise unreadable(name, error) from None
    finally:
        book.close()
    if problems:
        raise ImportRefused(problems)
    if not table:
        raise ImportRefused([Problem(sheet.title, None, None, _("Trang tính không có dữ liệu."))])
    columns = _header_map(table[0][1], sheet.title, problems)
    if problems:
        raise ImportRefused(problems)
    rows = [(n, values) for n, values in table[1:] if any(cell_text(v) for v in values)]
    if not rows:
        raise ImportRefused([Problem(sheet.title, None, None, _("Trang tính không có người nào."))])
    people = _checked(rows, columns, sheet.title, problems)
    if problems:
        raise ImportRefused(problems)
    return people


def _checked(rows, columns, sheet_name, problems) -> list[Person]:
    letter = {name: get_column_letter(index + 1) for name, index in columns.items()}
    wanted_codes = set()
    cells = []
    for number, values in rows:
        values = values + [None] * (max(columns.values()) + 1 - len(values))
        cell = {name: cell_text(values[index]) for name, index in columns.items()}
        cells.append((number, cell))
        wanted_codes.add(cell.get("unit", ""))
    units = _units_by_code(wanted_codes)
    seen: dict[tuple, int] = {}
    people = []
    for number, cell in cells:

        def refuse(name, reason, number=number):
            problems.append(Problem(sheet_name, number, letter.get(name), reason))

        for name in REQUIRED:
            if not cell.get(name):
                refuse(name, _("Ô này không được để trống."))
        email = cell.get("email", "").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                refuse("email", _("“%(value)s” không phải là địa chỉ thư điện tử.") % {"value": email})
        phone = cell.get("phone", "")
        if phone and not PHONE.match(phone):
            refuse("phone", _("Số điện thoại “%(value)s” không hợp lệ (8–15 chữ số).") % {"value": phone})
        role = _role_of(cell.get("role", "")) if cell.get("role") else None
        if cell.get("role") and role is None:
            refuse(
                "role",
                _("Không có vai trò “%(value)s”; xem trang “Vai trò” của tệp mẫu.") % {"value": cell["role"]},
            )
        try:
            year = _year_of(cell.get("year", ""))
        except ValueError:
            refuse(
                "year",
                _("Năm “%(value)s” không hợp lệ; ghi năm bốn chữ số hoặc để trống (mọi năm).")
                % {"value": cell["year"]},
            )
            year = None
        unit = None
        if cell.get("unit"):
            unit = _unit_for(units.get(cell["unit"], []), year)
            if unit is None:
                day = date(year, 12, 31) if year else timezone.localdate()
                refuse(
                    "unit",
                    _("Không có đơn vị mã “%(code)s” còn hiệu lực ngày %(date)s.")
                    % {"code": cell["unit"], "date": f"{day:%d/%m/%Y}"},
                )
        key = (email, role, unit.pk if unit else None, year)
        if email and key in seen:
            refuse(
                "email",
                _("Trùng với dòng %(row)s (cùng người, vai trò, đơn vị và năm).") % {"row": seen[key]},
            )
        seen.setdefault(key, number)
        if unit is not None and role is not None and email:
            people.append(
                Person(number, cell["full_name"], email, phone, unit, role, year, sheet_name, letter["unit"])
            )
    return people


def _units_by_code(codes) -> dict[str, list[UnitVersion]]:
    found: dict[str, list[UnitVersion]] = {}
    for unit in UnitVersion.objects.filter(code__in=[c for c in codes if c]).order_by("valid_from"):
        found.setdefault(unit.code, []).append(unit)
    return found


def _unit_for(versions, year: int | None) -> UnitVersion | None:
    """The version of a code valid on 31 December of `year` (for every year: the one valid today)."""
    day = date(year, 12, 31) if year else timezone.localdate()
    return next((unit for unit in versions if unit.is_valid_on(day)), None)


def unit_for_code(code: str, year: int | None) -> UnitVersion | None:
    """The unit version a grant "on code X for year Y" means: the one valid on 31 December of Y."""
    return _unit_for(list(UnitVersion.objects.filter(code=code.strip()).order_by("valid_from")), year)


def administers_unit(actor, unit: UnitVersion, year: int | None) -> bool:
    """May `actor` grant roles on `unit`? A superuser anywhere; a province administrator on the
    units their grant reaches, or that their units were formed from (the policy's lineage reach)."""
    if reach.sees_everything(actor):
        return True
    year = year or timezone.localdate().year
    return reach.reaches(actor, unit, reach.PROVINCE_ADMIN, year) or reach.reaches_through_lineage(
        actor, unit, reach.PROVINCE_ADMIN, year
    )


def _outside_reach(unit) -> str:
    return _("Đơn vị %(unit)s nằm ngoài phạm vi bạn quản trị.") % {"unit": unit.name}


# --- Writing --------------------------------------------------------------------------------------


@dataclass
class Imported:
    created: int
    granted: int
    invited: list[str]


@transaction.atomic
def import_people(people: list[Person], *, actor, site: str) -> Imported:
    """Create the accounts and grants of `people` (checked by `read_people`); invite every new
    account to set its password, after the commit. One audit event per account and grant."""
    _require_admin(actor)
    outside = [
        Problem(person.sheet, person.row, person.unit_column, _outside_reach(person.unit))
        for person in people
        if not administers_unit(actor, person.unit, person.year)
    ]
    if outside:
        raise ImportRefused(outside)
    existing = {user.email.lower(): user for user in User.objects.filter(email__in=[p.email for p in people])}
    created, granted, invited = 0, 0, []
    for person in people:
        user = existing.get(person.email)
        if user is None:
            user = User(
                username=person.email, email=person.email, full_name=person.full_name, phone=person.phone
            )
            user.set_unusable_password()
            user.save()
            existing[person.email] = user
            record(actor, "user.created", user, {"email": user.email, "row": person.row})
            created += 1
            invited.append(user)
        _grant, new = RoleGrant.objects.get_or_create(
            user=user, role=person.role, unit=person.unit, year=person.year
        )
        if new:
            record(
                actor,
                "role.granted",
                user,
                {"role": person.role, "unit": person.unit.pk, "year": person.year},
            )
            granted += 1
    for user in invited:
        transaction.on_commit(lambda user=user: send_invitation(user, site=site))
    return Imported(created, granted, [user.email for user in invited])


def invitation_link(user, *, site: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return site.rstrip("/") + reverse("set_password", kwargs={"uidb64": uid, "token": token})


def send_invitation(user, *, site: str) -> None:
    link = invitation_link(user, site=site)
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    send_mail(
        _("Mời tham gia hệ thống Chính quyền thân thiện"),
        _(
            "Chào %(name)s,\n\nBạn được mời sử dụng hệ thống đánh giá Chính quyền thân thiện. "
            "Tên đăng nhập của bạn là %(username)s. "
            "Hãy đặt mật khẩu tại địa chỉ sau (có hiệu lực %(days)s ngày):\n\n%(link)s\n"
        )
        % {"name": user.full_name or user.username, "username": user.username, "days": days, "link": link},
        None,
        [user.email],
    )


@transaction.atomic
def invite_again(user, *, actor, site: str) -> None:
    _require_admin(actor)
    record(actor, "user.invited", user, {"email": user.email})
    transaction.on_commit(lambda: send_invitation(user, site=site))


@transaction.atomic
def set_active(user, *, active: bool, actor) -> User:
    """Deactivate (or reactivate) an account: a deactivated person cannot sign in; grants and
    history stay."""
    _require_admin(actor)
    if user.is_superuser and not reach.sees_everything(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được khoá hoặc mở tài khoản quản trị hệ thống."))
    if user.pk == actor.pk and not active:
        raise ValidationError(_("Bạn không thể tự khoá tài khoản của mình."))
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        record(actor, "user.activated" if active else "user.deactivated", user, {})
    return user


@transaction.atomic
def grant_role(user, *, role: str, unit: UnitVersion, year: int | None, actor) -> RoleGrant:
    _require_admin(actor)
    if role not in Role.values:
        raise ValidationError(_("Vai trò không hợp lệ."))
    if not administers_unit(actor, unit, year):
        raise PermissionDenied(_outside_reach(unit))
    if year is not None and not unit.is_valid_on(date(year, 12, 31)):
        raise ValidationError(
            _("Đơn vị %(unit)s không còn hiệu lực ngày 31/12/%(year)s.") % {"unit": unit.name, "year": year}
        )
    grant, new = RoleGrant.objects.get_or_create(user=user, role=role, unit=unit, year=year)
    if not new:
        raise ValidationError(_("Người này đã có quyền này."))
    record(actor, "role.granted", user, {"role": role, "unit": unit.pk, "year": year})
    return grant


@transaction.atomic
def revoke_role(grant: RoleGrant, *, actor) -> None:
    _require_admin(actor)
    if not administers_unit(actor, grant.unit, grant.year):
        raise PermissionDenied(_outside_reach(grant.unit))
    record(actor, "role.revoked", grant.user, {"role": grant.role, "unit": grant.unit_id, "year": grant.year})
    grant.delete()
