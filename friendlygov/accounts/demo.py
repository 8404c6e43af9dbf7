"""Demo accounts for `make run`. Passwords are public on purpose: these exist only in demo data.

One account per role, placed where the demo cycles (friendlygov/demo) give it something to do:
the current 2026 cycle on the 64 units of Hải Phòng formed from Hải Dương, and the 2024 history.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Role

DEMO_PASSWORD = "demo-friendlygov-2026"  # noqa: S105 (documented demo login)

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
    where: str = ""
    try_this: str = ""
    is_staff: bool = False
    is_superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount(
        "admin",
        "Quản trị hệ thống",
        Role.PROVINCE_ADMIN,
        where=_("toàn hệ thống"),
        try_this=_("Đơn vị hành chính, bộ tiêu chí, ba đợt đánh giá 2024–2026"),
        is_staff=True,
        is_superuser=True,
    ),
    DemoAccount(
        "canbo.kimthanh",
        "Nguyễn Thị Thu Hà",
        Role.COMMUNE_OFFICER,
        XA_KIM_THANH,
        where=_("Xã Kim Thành"),
        try_this=_("Năm 2026: chấm tiếp các chỉ tiêu còn trống, tải tài liệu kiểm chứng"),
    ),
    DemoAccount(
        "chutich.kimthanh",
        "Phạm Văn Khánh",
        Role.COMMUNE_CHAIR,
        XA_KIM_THANH,
        where=_("Xã Kim Thành"),
        try_this=_("Năm 2026: duyệt và gửi hồ sơ tự đánh giá khi đã chấm đủ"),
    ),
    DemoAccount(
        "thamdinh.sonoivu",
        "Trần Minh Tuấn",
        Role.APPRAISER,
        HAI_PHONG,
        where=_("Sở Nội vụ thành phố Hải Phòng"),
        try_this=_("Năm 2026: thẩm định hồ sơ đã gửi, yêu cầu giải trình, duyệt kết quả"),
    ),
    DemoAccount(
        "giamdoc.sonoivu",
        "Vũ Thị Lan Anh",
        Role.APPRAISAL_HEAD,
        HAI_PHONG,
        where=_("Sở Nội vụ thành phố Hải Phòng"),
        try_this=_("Năm 2026: lập dự thảo quyết định công nhận; xem quyết định năm 2025"),
    ),
    DemoAccount(
        "lanhdao.haiphong",
        "Đỗ Quang Huy",
        Role.VIEWER,
        HAI_PHONG,
        where=_("Thành phố Hải Phòng"),
        try_this=_("Chỉ xem: tiến độ năm 2026, kết quả năm 2025"),
    ),
    DemoAccount(
        "thamdinh.kimthanh2024",
        "Lê Văn Thịnh",
        Role.APPRAISER,
        HUYEN_KIM_THANH,
        year=2024,
        where=_("Huyện Kim Thành (năm 2024)"),
        try_this=_("Lịch sử: hồ sơ và quyết định năm 2024 của các xã, thị trấn trong huyện"),
    ),
]
