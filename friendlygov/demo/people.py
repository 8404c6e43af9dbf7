"""The officials behind the demo history: one officer and one chair per commune, one appraiser and
one head per appraising body. They hold real role grants, so every transition in the demo is taken
by someone allowed to take it, and the audit trail names a person. Only the accounts listed in
accounts/demo.py can sign in; these have unusable passwords."""

import random

from django.contrib.auth.hashers import make_password

from friendlygov.accounts.models import Role, RoleGrant, User
from friendlygov.accounts.reach import grants_changed

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Dương", "Đinh", "Mạc")
SURNAME_WEIGHTS = (36, 12, 10, 9, 5, 7, 5, 4, 3, 3, 2, 2, 1)
MIDDLE = {
    "m": ("Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Thanh"),
    "f": ("Thị", "Thị", "Thu", "Thanh", "Ngọc"),
}
GIVEN = {
    "m": (
        "Hùng",
        "Dũng",
        "Tuấn",
        "Hải",
        "Long",
        "Thắng",
        "Cường",
        "Khải",
        "Hiếu",
        "Nam",
        "Sơn",
        "Trung",
        "Phong",
    ),
    "f": (
        "Hương",
        "Lan",
        "Hà",
        "Hạnh",
        "Huyền",
        "Nga",
        "Thủy",
        "Trang",
        "Yến",
        "Oanh",
        "Liên",
        "Mai",
        "Nhung",
    ),
}


def full_name(rng: random.Random) -> str:
    sex = rng.choice("mf")
    surname = rng.choices(SURNAMES, SURNAME_WEIGHTS)[0]
    return f"{surname} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"


def ensure_officials(wanted, rng: random.Random) -> dict[str, User]:
    """`wanted`: (username, role, unit_id, year) tuples. Creates the missing users and grants in
    bulk, keeps the existing ones untouched, returns fresh users (no cached grants) by username."""
    usernames = {username for username, *_ in wanted}
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    unusable = make_password(None)
    User.objects.bulk_create(
        User(username=name, full_name=full_name(rng), password=unusable)
        for name in sorted(usernames - existing)
    )
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    have = set(
        RoleGrant.objects.filter(user__in=users.values()).values_list(
            "user__username", "role", "unit_id", "year"
        )
    )
    added = RoleGrant.objects.bulk_create(
        RoleGrant(user=users[name], role=role, unit_id=unit_id, year=year)
        for name, role, unit_id, year in dict.fromkeys(wanted)
        if (name, role, unit_id, year) not in have
    )
    grants_changed({grant.user_id for grant in added})  # bulk_create sends no signals
    return {u.username: u for u in User.objects.filter(username__in=usernames)}


def commune_officials(units, *, year: int | None, demo: dict[str, tuple[str, str]]):
    """(username, role, unit, year) for the officer and chair of each commune; `demo` maps a unit id
    to the demo accounts (officer, chair) that stand in for that commune."""
    suffix = f".{year}" if year else ""
    wanted = []
    for unit in units:
        officer, chair = demo.get(unit.pk, (f"canbo.{unit.code}{suffix}", f"chutich.{unit.code}{suffix}"))
        wanted += [(officer, Role.COMMUNE_OFFICER, unit.pk, year), (chair, Role.COMMUNE_CHAIR, unit.pk, year)]
    return wanted
