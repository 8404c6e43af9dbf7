"""Signing the register's PDF with pyHanko, keys on a PKCS#11 token (python-pkcs11).

The person signs first with a certification signature that allows only filling the number and
date fields and further signatures (DocMDP, P=2). The agency then signs the filled document in
its field, whose box covers the left third of the person's (forms.py, layout.py). An attachment
gets the agency's signature at the top right of its first page, without the seal image
(Decree 30/2020, annex I).
"""

import io
import textwrap
from contextlib import contextmanager
from datetime import datetime

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.pkcs11 import PKCS11Signer, TokenCriteria, open_pkcs11_session
from pyhanko.stamp import TextStampStyle

from . import fonts
from .config import Token
from .field_names import AGENCY_FIELD, ATTACHMENT_FIELD, PERSON_FIELD
from .layout import MM
from .loop import outside_any_event_loop

A4 = (595.28, 841.89)
ATTACHMENT_BOX = (62 * MM, 16 * MM)


class TokenUnavailable(Exception):
    """The token cannot be opened or holds no usable key (the reason is in the message)."""


@contextmanager
def token_signer(token: Token):
    try:
        session = open_pkcs11_session(
            token.module, token_criteria=TokenCriteria(label=token.label), user_pin=token.pin
        )
    except Exception as exc:  # python-pkcs11 and pyHanko raise many kinds; all mean the same here
        raise TokenUnavailable(str(exc) or type(exc).__name__) from exc
    try:
        yield PKCS11Signer(
            session, cert_label=token.key_label, key_label=token.key_label, other_certs_to_pull=None
        )
    finally:
        session.close()


def iso_now(now: datetime) -> str:
    """Signing time in ISO 8601 with its offset, to the second: 2026-01-05T09:30:00+07:00."""
    return now.replace(microsecond=0).isoformat()


def sign_person(pdf: bytes, token: Token, *, now: datetime) -> bytes:
    """The competent person's certification signature in their field."""
    # The text stands in the right two thirds, clear of the seal that covers the left third.
    style = TextStampStyle(
        stamp_text="Ký bởi: %(signer)s\nThời gian ký:\n%(iso)s",
        text_box_style=TextBoxStyle(font=fonts.serif(), font_size=7),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MAX, y_align=layout.AxisAlignment.ALIGN_MID
        ),
        border_width=0,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=PERSON_FIELD,
        certify=True,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    return _sign(pdf, token, meta, style, now=now)


def sign_agency(pdf: bytes, token: Token, *, now: datetime) -> bytes:
    """The issuing agency's signature over the filled number and date: the seal image with the
    agency's name (its certificate's) and the signing time."""
    style = TextStampStyle(
        stamp_text="%(agency)s\n%(iso)s",
        text_box_style=TextBoxStyle(font=fonts.serif(fonts.BOLD), font_size=5, text_color=(0.75, 0.0, 0.0)),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID
        ),
        background=_seal(),
        background_opacity=0.85,
        border_width=0,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=AGENCY_FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    return _sign(pdf, token, meta, style, now=now)


def sign_attachment(pdf: bytes, token: Token, *, now: datetime) -> bytes:
    """An attachment: the agency's signature at the top right of the first page, no image."""
    width, height = ATTACHMENT_BOX
    right, top = A4[0] - 15 * MM, A4[1] - 8 * MM
    spec = fields.SigFieldSpec(
        ATTACHMENT_FIELD, on_page=0, box=(round(right - width), round(top - height), round(right), round(top))
    )
    style = TextStampStyle(
        stamp_text="%(agency)s\n%(iso)s",
        text_box_style=TextBoxStyle(font=fonts.serif(), font_size=7),
        border_width=0,
    )
    meta = signers.PdfSignatureMetadata(
        field_name=ATTACHMENT_FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    return _sign(pdf, token, meta, style, now=now, new_field=spec)


def _sign(pdf, token, meta, style, *, now, new_field=None, **params) -> bytes:
    return outside_any_event_loop(_sign_here, pdf, token, meta, style, now=now, new_field=new_field, **params)


def _sign_here(pdf, token, meta, style, *, now, new_field=None, **params) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    with token_signer(token) as signer:
        name = signer.signing_cert.subject.native.get("common_name", "")
        # The agency's name as its certificate says, in short lines that fit inside the seal.
        agency = "\n".join(textwrap.wrap(name, 18))
        pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style, new_field_spec=new_field)
        out = pdf_signer.sign_pdf(
            writer, appearance_text_params={"iso": iso_now(now), "agency": agency, **params}
        )
    return out.getvalue()


def _seal() -> RawContent:
    """A round red seal drawn as vectors (two rings and a star): a stand-in until the agency's
    own seal image is configured."""
    size = 100
    ops = [b"q 0.8 0 0 RG 0.8 0 0 rg"]
    for radius, width in ((48, 3), (38, 1.2)):
        ops.append(b"%.1f w" % width + _circle(50, 50, radius) + b" S")
    ops.append(_star(50, 76, 8, 3.5) + b" f Q")  # the star at the top, the text below it
    return RawContent(b" ".join(ops), box=layout.BoxConstraints(size, size))


def _circle(cx, cy, r) -> bytes:
    k = 0.5523 * r
    return (
        b" %.2f %.2f m" % (cx + r, cy)
        + b" %.2f %.2f %.2f %.2f %.2f %.2f c" % (cx + r, cy + k, cx + k, cy + r, cx, cy + r)
        + b" %.2f %.2f %.2f %.2f %.2f %.2f c" % (cx - k, cy + r, cx - r, cy + k, cx - r, cy)
        + b" %.2f %.2f %.2f %.2f %.2f %.2f c" % (cx - r, cy - k, cx - k, cy - r, cx, cy - r)
        + b" %.2f %.2f %.2f %.2f %.2f %.2f c" % (cx + k, cy - r, cx + r, cy - k, cx + r, cy)
    )


def _star(cx, cy, outer, inner) -> bytes:
    import math

    points = []
    for index in range(10):
        radius = outer if index % 2 == 0 else inner
        angle = math.pi / 2 + index * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    path = b" %.2f %.2f m" % points[0] + b"".join(b" %.2f %.2f l" % p for p in points[1:])
    return path + b" h"
