"""Where the clerk's number and date, and the signatures, stand on the register's PDF.

LibreOffice lays the decision out; this module reads the laid-out PDF back (pypdf's text
positions) to find the lines the heading prints for the number and the place and date, and the
signer's name under the signature block. The columns come from the heading's fixed widths
(core/decree30.add_heading, add_closing): A4, a 165 mm text block from 30 mm, the heading table
174 mm wide centred on it (70 mm | 104 mm), the closing table 80 mm | 85 mm.
"""

import io
from dataclasses import dataclass

from pypdf import PdfReader

MM = 72 / 25.4
HEADING_LEFT = (25.5 * MM, 95.5 * MM)
HEADING_RIGHT = (95.5 * MM, 199.5 * MM)
CLOSING_RIGHT = (110 * MM, 195 * MM)
PERSON_BOX = (62 * MM, 24 * MM)  # the person's signature: 62 × 24 mm
SEAL_SIZE = 34 * MM  # the agency's seal, the common 34–36 mm


class LayoutNotFound(Exception):
    """The PDF does not show a line this module looks for (the decision's text changed shape)."""


@dataclass(frozen=True)
class Line:
    page: int
    y: float
    text: str


@dataclass(frozen=True)
class Box:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    def rect(self) -> tuple[int, int, int, int]:
        return (round(self.x0), round(self.y0), round(self.x1), round(self.y1))


@dataclass(frozen=True)
class Places:
    number: Box
    date: Box
    person: Box
    agency: Box
    qr: Box = Box(0, 30 * MM, 3 * MM, 46 * MM, 19 * MM)  # first page, in the bottom margin


def lines(pdf: bytes) -> list[Line]:
    """The text of every page as lines: the pieces LibreOffice draws at one height, joined."""
    found: list[Line] = []
    for index, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        pieces: dict[float, list[tuple[float, str]]] = {}

        def visit(text, cm, tm, _font, _size, pieces=pieces):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            pieces.setdefault(round(y, 1), []).append((x, text))

        page.extract_text(visitor_text=visit)
        for y in sorted(pieces, reverse=True):
            text = "".join(t for _x, t in sorted(pieces[y])).replace("\n", "")
            found.append(Line(index, y, " ".join(text.split())))
    return found


def places(pdf: bytes, *, signer_name: str) -> Places:
    """The boxes of the number and date fields and of both signatures on the register's PDF."""
    every = lines(pdf)
    number = _first(every, lambda line: line.page == 0 and line.text.startswith("Số:"), "Số:")
    date = _first(every, lambda line: line.page == 0 and ", ngày" in line.text, "ngày … tháng … năm")
    recipients = _first(every, lambda line: line.text.startswith("Nơi nhận"), "Nơi nhận:")
    name = " ".join(signer_name.split())
    signer = _first(
        every,
        lambda line: (line.page, -line.y) > (recipients.page, -recipients.y) and line.text == name,
        name,
    )
    person_w, person_h = PERSON_BOX
    centre = sum(CLOSING_RIGHT) / 2
    person = Box(
        signer.page, centre - person_w / 2, signer.y + 16, centre + person_w / 2, signer.y + 16 + person_h
    )
    # Decree 30, annex I: the seal covers the left third of the person's signature.
    seal_right = person.x0 + person_w / 3
    middle = (person.y0 + person.y1) / 2
    agency = Box(
        signer.page, seal_right - SEAL_SIZE, middle - SEAL_SIZE / 2, seal_right, middle + SEAL_SIZE / 2
    )
    return Places(
        number=_line_box(number, HEADING_LEFT, size=13),
        date=_line_box(date, HEADING_RIGHT, size=14),
        person=person,
        agency=agency,
    )


def _line_box(line: Line, column: tuple[float, float], *, size: float) -> Box:
    return Box(line.page, column[0] + 2, line.y - size * 0.3, column[1] - 2, line.y + size * 1.05)


def _first(every: list[Line], test, what: str) -> Line:
    for line in every:
        if test(line):
            return line
    raise LayoutNotFound(what)
