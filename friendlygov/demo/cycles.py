"""What the demo holds: three synthetic cycles of the programme on the shipped template framework.

Configuration only (dates, score distributions, who appraises, the plan of states of the current
cycle); `generator.py` turns it into rows through the assessment services.
"""

from dataclasses import dataclass
from datetime import date, timedelta

FRAMEWORK_CODE = "hai-duong-2024"
SEED = 20240101
SYNTHETIC = "dữ liệu mô phỏng"

HAI_DUONG = "30"
HAI_DUONG_PROVINCE = "30@2024-01-01"  # the province version of 2024 (until 30/06/2025)
HAI_PHONG_CITY = "31@2025-07-01"
XA_KIM_THANH = "10804@2025-07-01"
BEFORE_MERGER = date(2025, 6, 30)  # the last day of Hải Dương province


@dataclass(frozen=True)
class CycleConfig:
    year: int
    self_assessment_opens: date
    self_assessment_closes: date
    score_mean: float  # of the commune's own total
    score_sd: float
    gate_failures: int  # units with one criterion below 50% of its points

    @property
    def name(self) -> str:
        return f"Đánh giá năm {self.year} ({SYNTHETIC})"

    @property
    def appraisal_deadline(self) -> date:
        return date(self.year, 12, 31)

    @property
    def decision_from(self) -> date:
        return date(self.year + 1, 1, 1)

    @property
    def decision_until(self) -> date:
        return date(self.year + 1, 1, 31)


@dataclass(frozen=True)
class CurrentCycleConfig(CycleConfig):
    """The cycle under way, its calendar set from the day the demo is built: deadlines hold
    (assessments/deadlines.py), so the self-assessment must still be open whenever someone
    builds the demo and follows the README's story of an officer filling it in."""

    built_on: date = date(2026, 11, 1)

    @classmethod
    def around(cls, year: int, today: date, **scores) -> "CurrentCycleConfig":
        return cls(
            year,
            today - timedelta(days=45),
            today + timedelta(days=30),
            built_on=today,
            **scores,
        )

    @property
    def appraisal_deadline(self) -> date:
        return self.built_on + timedelta(days=60)

    @property
    def decision_from(self) -> date:
        return self.appraisal_deadline + timedelta(days=1)

    @property
    def decision_until(self) -> date:
        return self.appraisal_deadline + timedelta(days=45)


def cycles(today: date) -> dict[int, CycleConfig]:
    """The demo's cycles: two decided years on their own calendar, and the current one around `today`."""
    return {
        2024: CycleConfig(2024, date(2024, 10, 1), date(2024, 11, 30), 77.0, 6.5, gate_failures=5),
        2025: CycleConfig(2025, date(2025, 10, 1), date(2025, 11, 30), 84.0, 5.5, gate_failures=2),
        2026: CurrentCycleConfig.around(2026, today, score_mean=84.5, score_sd=6.0, gate_failures=2),
    }


# The current cycle is under way: how many of its 64 assessments stand where (Xã Kim Thành is
# always a half-filled draft, so the demo commune officer has work to do).
DRAFT_EMPTY = "draft_empty"
DRAFT_PARTIAL = "draft_partial"
IN_PROGRESS_PLAN = (
    (DRAFT_EMPTY, 7),
    (DRAFT_PARTIAL, 9),
    ("submitted", 10),
    ("under_appraisal", 10),
    ("returned", 9),
    ("resubmitted", 8),
    ("appraised", 11),
)

# Share of historical assessments that went through an explanation round before approval.
RETURNED_SHARE = 0.12
BONUS_SHARE = 0.12

LAW_2015 = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"
LAW_2019 = (
    "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức "
    "chính quyền địa phương ngày 22 tháng 11 năm 2019;"
)
LAW_2025 = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"
PROJECT = (
    "Căn cứ Đề án “Xây dựng chính quyền cấp xã thân thiện, vì Nhân dân phục vụ” "
    "tỉnh Hải Dương giai đoạn 2024–2030 và Kế hoạch thực hiện năm {year};"
)


def district_legal_bases(year: int, body_name: str, place: str, proposal: str) -> str:
    return "\n".join(
        (
            LAW_2015,
            LAW_2019,
            PROJECT.format(year=year),
            f"Căn cứ kết quả thẩm định năm {year} của {body_name};",
            f"Theo đề nghị của Trưởng phòng Nội vụ {place} tại Tờ trình số {proposal}.",
        )
    )


def city_legal_bases(year: int, proposal: str) -> str:
    return "\n".join(
        (
            LAW_2025,
            PROJECT.format(year=year),
            "Căn cứ kết quả thẩm định của Sở Nội vụ thành phố Hải Phòng đối với các xã, phường "
            f"được thành lập từ các đơn vị hành chính cấp xã của tỉnh Hải Dương (cũ), năm {year};",
            f"Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số {proposal}.",
        )
    )


EXPLANATION_REASONS = (
    "Đề nghị bổ sung biên bản niêm yết công khai có xác nhận của Ban Thanh tra nhân dân.",
    "Số liệu tự chấm chưa khớp với báo cáo trên Hệ thống thông tin giải quyết thủ tục hành chính; "
    "đề nghị giải trình.",
    "Đề nghị cung cấp kết quả khảo sát có ghi rõ cỡ mẫu, thời gian và cách thu thập phiếu.",
    "Ảnh chụp Bộ phận một cửa chưa thể hiện đủ trang thiết bị như tự chấm; đề nghị bổ sung.",
    "Chưa có biên bản hoặc kế hoạch chứng minh nội dung đã thực hiện trong năm.",
)
EXPLANATION_RESPONSES = (
    "Đã bổ sung biên bản niêm yết có xác nhận của Ban Thanh tra nhân dân (bản chụp kèm theo).",
    "Số liệu tự chấm tính đến ngày 30/9; đã cập nhật theo báo cáo đến ngày 31/10 của Hệ thống.",
    "Đã bổ sung tổng hợp phiếu khảo sát: 412 phiếu (mã QR 268, phiếu giấy 144), từ tháng 7 đến tháng 10.",
    "Đã bổ sung ảnh chụp và danh mục trang thiết bị Bộ phận một cửa sau khi sắp xếp lại.",
    "Đã bổ sung kế hoạch và biên bản hội nghị; đề nghị cơ quan thẩm định xem xét.",
)
