"""The frame of an administrative document in the national format (Decree 30/2020/NĐ-CP, annex I):
the heading (governing body above the issuing body, the national motto, number, place and date),
the authority line, the signature block with its signing mode, the recipients, and page numbers
from page 2 at the top centre. The recognition decision and the appraisal report both use it.

Generic on purpose: it knows the format, not our models. Callers describe the issuer with a
`Frame` (plain strings) and the way a document is signed with a `Signature`.
"""

import re
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .office import FONT, HEADER_SIZE, SMALL_SIZE, add_para, add_rule, add_run

# Signing modes (Decree 30, art. 13): the head signs directly; TM. on behalf of a collective;
# KT. a deputy signs for the head; Q. an acting head; TL. by order of the head; TUQ. by the head's
# authorisation. Codes stored on the decision.
DIRECT, ON_BEHALF, FOR_HEAD, ACTING, BY_ORDER, AUTHORISED = "direct", "tm", "kt", "q", "tl", "tuq"
PREFIX = {FOR_HEAD: "KT.", ACTING: "Q.", BY_ORDER: "TL.", AUTHORISED: "TUQ."}
# The modes whose signer holds a title of their own, printed under the head's ("PHÓ CHỦ TỊCH").
NEEDS_SIGNER_TITLE = {FOR_HEAD, BY_ORDER, AUTHORISED}
# A collective (a People's Committee) decides through its head: TM. always leads its block.
COLLECTIVE_MODES = (ON_BEHALF, FOR_HEAD, ACTING)
HEAD_MODES = (DIRECT, FOR_HEAD, ACTING, BY_ORDER, AUTHORISED)


@dataclass(frozen=True)
class Frame:
    """Who issues, as printed. `governing_body` is empty for a People's Committee, whose own name
    is the only heading line; `collective` is the body's name after "TM." ("ỦY BAN NHÂN DÂN") and
    empty when a person decides (a Chairman, a Director)."""

    issuing_body: str  # "SỞ NỘI VỤ", "ỦY BAN NHÂN DÂN HUYỆN KIM THÀNH"
    place: str  # "Hải Phòng"
    head_title: str  # "CHỦ TỊCH", "GIÁM ĐỐC"
    governing_body: str = ""  # "UBND THÀNH PHỐ HẢI PHÒNG" (its usual short form)
    collective: str = ""  # "ỦY BAN NHÂN DÂN"

    @property
    def heading_lines(self) -> list[str]:
        """Top left: the governing body (regular), then the issuing body (bold). A People's
        Committee's own name is set on two lines, as in the signed originals."""
        issuing = upper(self.issuing_body)
        if self.governing_body:
            return [upper(self.governing_body), issuing]
        head = "ỦY BAN NHÂN DÂN"
        if issuing.startswith(head + " "):
            return [head, issuing[len(head) + 1 :]]
        return [issuing]

    @property
    def authority_line(self) -> str:
        """Thẩm quyền ban hành, above the legal bases: the collective itself, or the person
        ("CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG", "GIÁM ĐỐC SỞ NỘI VỤ")."""
        if self.collective:
            return upper(self.issuing_body)
        return upper(f"{self.head_title} {self.issuing_body}")

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Signature:
    mode: str
    name: str
    signer_title: str = ""  # the deputy's or the delegate's own title


def upper(text: str) -> str:
    return " ".join((text or "").upper().split())


def in_running_text(name: str, place: str = "") -> str:
    """An issuer's name as running text, capitalised in the national style: "ỦY BAN NHÂN DÂN
    HUYỆN KIM THÀNH" → "Ủy ban nhân dân huyện Kim Thành", "GIÁM ĐỐC SỞ NỘI VỤ" → "Giám đốc Sở
    Nội vụ", "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG" → "Chủ tịch Ủy ban nhân dân thành
    phố Hải Phòng" (the organ's name keeps its capital; the place is written as given)."""
    text = " ".join((name or "").split()).lower()
    text = re.sub(r"\bubnd\b", "ủy ban nhân dân", text)  # "UBND THÀNH PHỐ …", the usual short form
    text = re.sub(r"(?<=\S )ủy ban nhân dân", "Ủy ban nhân dân", text)
    text = re.sub(r"\bsở (\w)", lambda m: "Sở " + m.group(1).upper(), text)
    place = " ".join((place or "").split())
    if place:
        text = re.sub(re.escape(place.lower()) + r"$", place, text)
    return text[:1].upper() + text[1:]


def signing_problems(mode: str, *, collective: bool, signer_title: str) -> list[str]:
    """Why a signing mode does not fit the issuer, or [] when it does."""
    allowed = COLLECTIVE_MODES if collective else HEAD_MODES
    if mode not in allowed:
        if collective:
            return [
                _(
                    "Quyết định của tập thể Ủy ban nhân dân được ký TM. (thay mặt), KT. (ký thay) "
                    "hoặc Q. (quyền); không ký trực tiếp, TL. hay TUQ."
                )
            ]
        return [
            _(
                "Quyết định của người đứng đầu không ký TM. (thay mặt tập thể); hãy chọn ký trực "
                "tiếp, KT., Q., TL. hoặc TUQ."
            )
        ]
    if mode in NEEDS_SIGNER_TITLE and not signer_title.strip():
        return [_("Khi ký KT., TL. hoặc TUQ. cần ghi chức danh của người ký, ví dụ PHÓ CHỦ TỊCH.")]
    return []


def signature_lines(frame: Frame, mode: str, signer_title: str = "") -> list[str]:
    """The bold lines above the signature, e.g. ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH"] or ["GIÁM ĐỐC"]."""
    head = upper(frame.head_title)
    lines = [f"TM. {upper(frame.collective)}"] if frame.collective else []
    if mode in (DIRECT, ON_BEHALF):
        return [*lines, head]
    lines.append(f"{PREFIX[mode]} {head}")
    if mode in NEEDS_SIGNER_TITLE:
        lines.append(upper(signer_title))
    return lines


# --- Writing it into a python-docx document ----------------------------------------------------


def add_heading(document, frame: Frame, *, number: str, place_and_date: str):
    """The two-column heading: issuer and number on the left, motto, place and date on the right."""
    # Wider than the 165 mm text block (centred, into the margins) so that the motto and a
    # governing body's line each hold on one line at 13 pt, as on signed originals.
    left_mm, right_mm = 70, 104
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, (left_mm, right_mm), strict=True):
        column.width = Mm(width)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(left_mm), Mm(right_mm)

    lines = frame.heading_lines
    governed = bool(frame.governing_body)
    first = left.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # Under a governing body, its line is regular (12 pt, to hold on one line) and the issuing
    # body's bold (annex I, item 2: 12–13 pt).
    add_run(first, lines[0], bold=not governed, size=Pt(12) if governed else HEADER_SIZE)
    for line in lines[1:]:
        add_para(left, line, bold=True, size=HEADER_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_rule(left, width_mm=22, column_mm=left_mm)
    number_para = add_para(left, f"Số: {number}", size=HEADER_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
    number_para.paragraph_format.space_before = Pt(6)

    motto = right.paragraphs[0]
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(motto, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=HEADER_SIZE)
    add_para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_rule(right, width_mm=58, column_mm=right_mm)
    place = add_para(right, place_and_date, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    place.paragraph_format.space_before = Pt(6)


def add_authority_line(document, frame: Frame):
    line = add_para(document, frame.authority_line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    line.paragraph_format.space_before = Pt(12)
    line.paragraph_format.space_after = Pt(12)
    return line


def add_closing(document, frame: Frame, signature: Signature, recipients: list[str]):
    """Recipients (left, 12 pt bold italic heading, 11 pt lines) beside the signature block."""
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    widths = (Mm(80), Mm(85))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    left, right = table.rows[0].cells
    left.width, right.width = widths

    heading = left.paragraphs[0]
    heading.paragraph_format.space_before = Pt(12)
    add_run(heading, "Nơi nhận:", bold=True, italic=True, size=Pt(12))
    for line in recipient_lines(recipients):
        add_para(left, line, size=SMALL_SIZE)

    lines = signature_lines(frame, signature.mode, signature.signer_title)
    top = right.paragraphs[0]
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    top.paragraph_format.space_before = Pt(12)
    add_run(top, lines[0], bold=True)
    for line in lines[1:]:
        add_para(right, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _blank in range(4):
        right.add_paragraph()
    add_para(right, signature.name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def recipient_lines(recipients: list[str]) -> list[str]:
    """ "- Như Điều 3;" … "- Lưu: VT." : a dash before each, ";" after all but the last, "." last."""
    lines = [line.strip().lstrip("-–•").strip().rstrip(";.,").strip() for line in recipients]
    lines = [line for line in lines if line]
    return [f"- {line}{'.' if index == len(lines) - 1 else ';'}" for index, line in enumerate(lines)]


def add_page_numbers(document):
    """Page numbers from page 2, centred at the top (a PAGE field); the first page has none."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.header_distance = Mm(10)
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.name = FONT
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "2":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


# A draft says so on every page, not only on page 1: a large grey "DỰ THẢO" across the page,
# behind the text, in the header of every page (the way Word and LibreOffice write a watermark:
# a VML text path, which both open, print and convert to PDF).
WATERMARK = """<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
 xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"><w:pict>
<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
 path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>
<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>
<v:shape id="{shape_id}" o:spid="_x0000_s{spid}" type="#_x0000_t136" o:allowincell="f"
 fillcolor="#c8c8c8" stroked="f" style="position:absolute;margin-left:0;margin-top:0;width:430pt;
height:107pt;rotation:315;z-index:-251654144;mso-position-horizontal:center;
mso-position-horizontal-relative:margin;mso-position-vertical:center;mso-position-vertical-relative:margin">
<v:fill opacity=".5"/>
<v:textpath style="font-family:&quot;Times New Roman&quot;;font-size:1pt;font-weight:bold"
 string="{text}"/></v:shape></w:pict></w:r>"""


def add_draft_watermark(document, text: str = "DỰ THẢO"):
    """Write `text` across every page (first page and the others: their headers differ)."""
    section = document.sections[0]
    headers = [section.header]
    if section.different_first_page_header_footer:
        headers.append(section.first_page_header)
    for index, header in enumerate(headers, start=1):
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        shape = WATERMARK.format(shape_id=f"DraftWatermark{index}", spid=2050 + index, text=text)
        paragraph._p.append(parse_xml(shape))
