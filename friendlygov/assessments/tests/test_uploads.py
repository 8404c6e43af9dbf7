"""Office documents with active content are refused whatever the case of their part names."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from friendlygov.assessments.uploads import DOCX, UploadRefused, check_upload

CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def docx(extra: dict[str, bytes]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("word/document.xml", b"<w:document/>")
        for name, data in extra.items():
            package.writestr(name, data)
    return SimpleUploadedFile("bien-ban.docx", buffer.getvalue())


def test_a_plain_document_is_accepted():
    assert check_upload(docx({})).content_type == DOCX


@pytest.mark.parametrize(
    "part",
    [
        "word/vbaProject.bin",
        "word/vbaproject.BIN",  # the check used to compare names case-sensitively
        "word/activeX/activeX1.bin",
        "word/embeddings/oleObject1.bin",
    ],
)
def test_a_document_with_macros_activex_or_embedded_objects_is_refused(part):
    with pytest.raises(UploadRefused):
        check_upload(docx({part: b"\x00" * 16}))


def test_a_document_that_attaches_a_template_from_elsewhere_is_refused():
    rels = (
        b'<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/attachedTemplate" Target="http://example.invalid/t.dotm"'
        b' TargetMode="External"/></Relationships>'
    )
    with pytest.raises(UploadRefused):
        check_upload(docx({"word/_rels/settings.xml.rels": rels}))
