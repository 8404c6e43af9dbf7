"""The register's PDF as a form: the clerk's number and date are text fields, and the person's and
the agency's signatures have their fields ready (Decree 30: the person signs first, the clerk then
gives the number and date and applies the agency's signature over them).

Everything here is an incremental update (pyHanko's writer): what was signed before stays byte
for byte at the start of the file.
"""

import io

import segno
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import PdfResources
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBox, TextBoxStyle
from pyhanko.sign import fields

from . import fonts
from .field_names import AGENCY_FIELD, DATE_FIELD, NUMBER_FIELD, PERSON_FIELD
from .layout import Box, Places

PRINT = 4  # annotation flag: printed


def with_fields(pdf: bytes, places: Places, *, verify_url: str = "") -> bytes:
    """The register's PDF: the laid-out decision with empty number and date fields and the two
    signature fields (the agency's seal overlapping the left third of the person's), and a QR code
    in the bottom margin of the first page that opens the public verification page."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for name, box in ((NUMBER_FIELD, places.number), (DATE_FIELD, places.date)):
        _add_text_field(writer, name, box)
    if verify_url:
        _add_qr(writer, verify_url, places.qr)
    for name, box in ((PERSON_FIELD, places.person), (AGENCY_FIELD, places.agency)):
        fields.append_signature_field(writer, fields.SigFieldSpec(name, on_page=box.page, box=box.rect()))
    return _written(writer)


def fill(pdf: bytes, values: dict[str, str]) -> bytes:
    """The number and the date written into their fields, as one incremental update (the
    change a certification signature with form filling allowed permits)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    for reference in writer.root["/AcroForm"].get_object()["/Fields"]:
        field = reference.get_object()
        name = str(field.get("/T", ""))
        if name not in values:
            continue
        field["/V"] = generic.TextStringObject(values[name])
        field["/AP"] = generic.DictionaryObject(
            {generic.NameObject("/N"): writer.add_object(_appearance(writer, field, values[name]))}
        )
        writer.update_container(field)
    return _written(writer)


def field_values(reader) -> dict[str, str]:
    """The text fields' values as a reader sees them (the number and date the clerk gave)."""
    form = reader.root.get("/AcroForm")
    if form is None:
        return {}
    values = {}
    for reference in form.get_object().get("/Fields", []):
        field = reference.get_object()
        if field.get("/FT") == "/Tx" and "/V" in field:
            values[str(field["/T"])] = str(field["/V"])
    return values


def _add_text_field(writer, name: str, box: Box):
    page_ref = writer.find_page_for_modification(box.page)[0]
    width, height = box.x1 - box.x0, box.y1 - box.y0
    empty = generic.StreamObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/XObject"),
            generic.NameObject("/Subtype"): generic.NameObject("/Form"),
            generic.NameObject("/BBox"): _numbers(0, 0, width, height),
        },
        stream_data=b"",
    )
    widget = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Widget"),
            generic.NameObject("/FT"): generic.NameObject("/Tx"),
            generic.NameObject("/T"): generic.TextStringObject(name),
            generic.NameObject("/Rect"): _numbers(box.x0, box.y0, box.x1, box.y1),
            generic.NameObject("/F"): generic.NumberObject(PRINT),
            generic.NameObject("/P"): page_ref,
            generic.NameObject("/DA"): generic.TextStringObject("/F1 13 Tf 0 g"),
            generic.NameObject("/AP"): generic.DictionaryObject(
                {generic.NameObject("/N"): writer.add_object(empty)}
            ),
        }
    )
    widget_ref = writer.add_object(widget)
    _attach_to_page(writer, box.page, widget_ref)
    form = writer.root.get("/AcroForm")
    if form is None:
        form = generic.DictionaryObject({generic.NameObject("/Fields"): generic.ArrayObject()})
        writer.root[generic.NameObject("/AcroForm")] = writer.add_object(form)
        writer.update_root()
    form = form.get_object()
    form["/Fields"].append(widget_ref)
    writer.update_container(form)


def _add_qr(writer, url: str, box: Box):
    """A stamp annotation whose appearance is the QR code, drawn as vector squares."""
    matrix = segno.make(url, error="m").matrix
    size = box.x1 - box.x0
    module = size / len(matrix)
    squares = [
        b"%.3f %.3f %.3f %.3f re" % (col * module, size - (row + 1) * module, module, module)
        for row, line in enumerate(matrix)
        for col, dark in enumerate(line)
        if dark
    ]
    drawing = generic.StreamObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/XObject"),
            generic.NameObject("/Subtype"): generic.NameObject("/Form"),
            generic.NameObject("/BBox"): _numbers(0, 0, size, size),
        },
        stream_data=b"q 0 g " + b" ".join(squares) + b" f Q",
    )
    page_ref = writer.find_page_for_modification(box.page)[0]
    stamp = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Stamp"),
            generic.NameObject("/Rect"): _numbers(box.x0, box.y0, box.x1, box.y1),
            generic.NameObject("/F"): generic.NumberObject(PRINT | 128),  # printed, locked
            generic.NameObject("/P"): page_ref,
            generic.NameObject("/Contents"): generic.TextStringObject(url),
            generic.NameObject("/AP"): generic.DictionaryObject(
                {generic.NameObject("/N"): writer.add_object(drawing)}
            ),
        }
    )
    _attach_to_page(writer, box.page, writer.add_object(stamp))


def _attach_to_page(writer, page_index: int, annotation_ref):
    page_dict = writer.find_page_for_modification(page_index)[0].get_object()
    annots = page_dict.get("/Annots")
    if annots is None:
        page_dict[generic.NameObject("/Annots")] = generic.ArrayObject([annotation_ref])
    else:
        annots.get_object().append(annotation_ref)
    writer.update_container(page_dict)


def _appearance(writer, field, text: str) -> generic.StreamObject:
    """White over the blank the printed line leaves, then the text centred, in an embedded
    Liberation Serif (fonts.py)."""
    x0, y0, x1, y1 = (float(v) for v in field["/Rect"])
    width, height = x1 - x0, y1 - y0
    italic = str(field["/T"]) == DATE_FIELD
    size = 14 if italic else 13
    resources = PdfResources()
    style = TextBoxStyle(font=fonts.serif(fonts.ITALIC if italic else fonts.REGULAR), font_size=size)
    box = TextBox(style, writer, resources=resources)
    box.content = text
    drawn = box.render()
    # A text box draws 10 pt in from its corner (pyHanko's default margin).
    left = (width - box.box.width) / 2
    bottom = (height - size) / 2 - 10 + size * 0.25
    content = b"q 1 g 0 0 %.2f %.2f re f Q q 1 0 0 1 %.2f %.2f cm " % (width, height, left, bottom)
    stream = generic.StreamObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/XObject"),
            generic.NameObject("/Subtype"): generic.NameObject("/Form"),
            generic.NameObject("/BBox"): _numbers(0, 0, width, height),
            generic.NameObject("/Resources"): resources.as_pdf_object(),
        },
        stream_data=content + drawn + b" Q",
    )
    return stream


def _numbers(*values) -> generic.ArrayObject:
    return generic.ArrayObject(generic.FloatObject(round(v, 2)) for v in values)


def _written(writer) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


__all__ = [
    "AGENCY_FIELD",
    "DATE_FIELD",
    "NUMBER_FIELD",
    "PERSON_FIELD",
    "field_values",
    "fill",
    "with_fields",
]
