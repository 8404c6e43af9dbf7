"""Demo accounts for `make run`. Passwords are public on purpose: these exist only in demo data.

One account per role, placed where the demo cycles (friendlygov/demo) give it something to do:
the current 2026 cycle on the 64 units of Hải Phòng formed from Hải Dương, and the 2024 history.
"""

from dataclasses import dataclass

from .models import Role

DEMO_PASSWORD = "demo-friendlygov-2026"  # noqa: S105 (documented demo login)  # nosec B105  # the published demo password

HAI_PHONG = "31@2025-07-01"  # Thành phố Hải Phòng since the two-tier reorganisation
XA_KIM_THANH = "10804@2025-07-01"  # Xã Kim Thành (took the code of Xã Đồng Cẩm)
HUYEN_KIM_THANH = "293@2024-01-01"  # Huyện Kim Thành, abolished 1 July 2025


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str  # a Role value; the superuser holds PROVINCE_ADMIN without a grant
    unit_id: str | None = None  # where the grant is; None: no grant (the superuser)
    year: int | None = None  # the grant's cycle year; None: every year
    where: str = ""  # console text for whoever runs `make run` (English, like the other commands)
    try_this: str = ""
    is_staff: bool = False
    is_superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount(
        "admin",
        "Quản trị hệ thống",
        Role.PROVINCE_ADMIN,
        where="whole system",
        try_this="units, frameworks, the 2024–2026 cycles, the audit log",
        is_staff=True,
        is_superuser=True,
    ),
    DemoAccount(
        "canbo.kimthanh",
        "Nguyễn Thị Thu Hà",
        Role.COMMUNE_OFFICER,
        XA_KIM_THANH,
        where="Xã Kim Thành",
        try_this="2026: score the indicators still empty, upload evidence",
    ),
    DemoAccount(
        "chutich.kimthanh",
        "Phạm Văn Khánh",
        Role.COMMUNE_CHAIR,
        XA_KIM_THANH,
        where="Xã Kim Thành",
        try_this="2026: submit the self-assessment once every indicator is scored",
    ),
    DemoAccount(
        "thamdinh.sonoivu",
        "Trần Minh Tuấn",
        Role.APPRAISER,
        HAI_PHONG,
        where="Sở Nội vụ thành phố Hải Phòng",
        try_this="2026: appraise submitted units, ask for explanations, approve",
    ),
    DemoAccount(
        "giamdoc.sonoivu",
        "Vũ Thị Lan Anh",
        Role.APPRAISAL_HEAD,
        HAI_PHONG,
        where="Sở Nội vụ thành phố Hải Phòng",
        try_this="2026: draft a recognition decision; read the issued 2025 decision",
    ),
    DemoAccount(
        "vanthu.sonoivu",
        "Hoàng Thị Mai",
        Role.CLERK,
        HAI_PHONG,
        where="Sở Nội vụ thành phố Hải Phòng",
        try_this="2026: issue the decision the head drafts (number, date; the agency signature with a token)",
    ),
    DemoAccount(
        "lanhdao.haiphong",
        "Đỗ Quang Huy",
        Role.VIEWER,
        HAI_PHONG,
        where="Thành phố Hải Phòng",
        try_this="read only: 2026 progress, results and the trend from 2024 (through lineage)",
    ),
    DemoAccount(
        "thamdinh.kimthanh2024",
        "Lê Văn Thịnh",
        Role.APPRAISER,
        HUYEN_KIM_THANH,
        year=2024,
        where="Huyện Kim Thành (2024 only)",
        try_this="history: the district's 2024 assessments and its issued decision",
    ),
]
