"""The editable text a decision starts from: legal bases, "Theo đề nghị của", recipients, and the
names of the unit types it covers. Defaults follow the law in force on the signing date: from
1 July 2025 the Law on Organisation of Local Government No. 72/2025/QH15 (two-tier local
government: no districts, communes are xã, phường, đặc khu). Document text, not interface text:
a decision is written in Vietnamese whatever language the official reads the site in.
"""

from datetime import date

from django.utils.translation import gettext as _

from friendlygov.core import decree30

TWO_TIERS_FROM = date(2025, 7, 1)

LAW_2015 = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"
LAW_2019 = (
    "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức "
    "chính quyền địa phương ngày 22 tháng 11 năm 2019;"
)
LAW_2025 = "Căn cứ Luật Tổ chức chính quyền địa phương số 72/2025/QH15 ngày 16 tháng 6 năm 2025;"

# The commune-level types, in the order the law names them.
UNIT_TYPE_WORDS = {"xa": "xã", "phuong": "phường", "thi_tran": "thị trấn", "dac_khu": "đặc khu"}


def laws_in_force(day: date) -> list[str]:
    if day >= TWO_TIERS_FROM:
        return [LAW_2025]
    return [LAW_2015, LAW_2019]


# How each law is recognised in a căn cứ line, and the period it is in force.
LAW_MARKS = (
    ("19 tháng 6 năm 2015", None, TWO_TIERS_FROM, "Luật Tổ chức chính quyền địa phương năm 2015"),
    ("72/2025/QH15", TWO_TIERS_FROM, None, "Luật Tổ chức chính quyền địa phương số 72/2025/QH15"),
)


def law_problems(legal_bases: str, day: date) -> list[str]:
    """A căn cứ that cites a law not in force on the signing date: the 2015 Law after 1 July 2025
    (replaced by Law No. 72/2025/QH15), or that Law before it took effect."""
    problems = []
    for mark, starts, ends, name in LAW_MARKS:
        if mark not in legal_bases:
            continue
        if ends is not None and day >= ends:
            problems.append(
                _(
                    "Căn cứ “%(law)s” hết hiệu lực từ %(ends)s; quyết định ký ngày %(day)s "
                    "phải căn cứ luật hiện hành."
                )
                % {"law": name, "ends": f"{ends:%d/%m/%Y}", "day": f"{day:%d/%m/%Y}"}
            )
        if starts is not None and day < starts:
            problems.append(
                _("Căn cứ “%(law)s” có hiệu lực từ %(starts)s, sau ngày ký %(day)s.")
                % {"law": name, "starts": f"{starts:%d/%m/%Y}", "day": f"{day:%d/%m/%Y}"}
            )
    return problems


def default_proposal(body, day: date) -> str:
    """The body's own line if it has one; else the office that proposes on that date: the
    district's Phòng Nội vụ before the two-tier reform, the Department of Home Affairs after it,
    and, inside a Department, the head of its government-building division."""
    if body.proposed_by.strip():
        return body.proposed_by.strip()
    if body.governing_body:
        return "Theo đề nghị của Trưởng phòng Xây dựng chính quyền."
    if day >= TWO_TIERS_FROM:
        return "Theo đề nghị của Giám đốc Sở Nội vụ."
    return "Theo đề nghị của Trưởng phòng Nội vụ."


def default_legal_bases(body, day: date, *, revokes=None) -> str:
    program = body.cycle.program.name
    year = body.cycle.year
    lines = [
        *laws_in_force(day),
        f"Căn cứ Kế hoạch thực hiện Đề án “{program}” năm {year};",
    ]
    if revokes is not None:
        lines.append(f"Căn cứ Quyết định số {revokes.number} ngày {revokes.signed_on:%d/%m/%Y};")
    lines.append(f"Căn cứ kết quả thẩm định năm {year} của {body.name};")
    lines.append(default_proposal(body, day))
    return "\n".join(lines)


def default_recipients(body, day: date) -> str:
    if body.recipients.strip():
        return body.recipients.strip()
    if body.governing_body:
        above = decree30.in_running_text(body.governing_body, body.place_name)
    elif day >= TWO_TIERS_FROM:
        above = "Bộ Nội vụ"
    else:
        above = "Ủy ban nhân dân tỉnh"
    return "\n".join(("Như Điều 3;", f"{above} (để báo cáo);", "Lưu: VT."))


def unit_types_text(type_codes) -> str:
    """ "xã, phường" for a decision over xã and phường only; "xã, phường, thị trấn" when a thị
    trấn is among them. Falls back to "xã" for an empty list."""
    present = set(type_codes)
    words = [word for code, word in UNIT_TYPE_WORDS.items() if code in present]
    return ", ".join(words) or "xã"
