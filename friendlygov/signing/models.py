"""The signed original of an issued decision and its attachments, kept in the register.

`register_pdf` is the PDF/A the product generated for the person to sign (number and date left as
form fields); `person_pdf` the same file with the person's certification signature;
`issued_pdf` the original as issued: number and date filled and, when the deployment has the
agency's token, the agency's signature. Each file's SHA-256 is kept so that the public
verification page finds a file in the register without trusting anything inside it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignedOriginal(models.Model):
    class Source(models.TextChoices):
        TOKEN = "token", _("Ký trên hệ thống (PKCS#11)")
        UPLOAD = "upload", _("Ký ngoài hệ thống, tải lên")

    decision = models.OneToOneField(
        "assessments.Decision", on_delete=models.PROTECT, related_name="signed_original"
    )
    # What the draft said when the register's PDF was made (signing.content.fingerprint): a draft
    # changed since then needs a new PDF and a new signature.
    fingerprint = models.CharField(max_length=64)
    register_pdf = models.BinaryField(_("bản PDF/A để ký"))
    register_sha256 = models.CharField(max_length=64, db_index=True)
    # When officials edited the .docx before signing, the register's PDF is made from their file:
    # its SHA-256, and what it changed from the generated text (signing.edits.differences).
    edited_docx = models.BinaryField(_("bản Word đã sửa"), null=True, blank=True)
    edited_docx_sha256 = models.CharField(_("SHA-256 của bản Word đã sửa"), max_length=64, blank=True)
    edits = models.JSONField(_("khác biệt so với bản hệ thống tạo"), default=list, blank=True)
    # Printed as a QR code on the first page: /xac-minh/?qd=<code> opens the issued original.
    verify_code = models.CharField(max_length=32, unique=True)
    person_pdf = models.BinaryField(_("bản đã có chữ ký người có thẩm quyền"), null=True, blank=True)
    person_signer = models.CharField(_("người ký"), max_length=200, blank=True)
    person_signed_at = models.DateTimeField(_("thời điểm người có thẩm quyền ký"), null=True, blank=True)
    person_source = models.CharField(max_length=8, choices=Source.choices, blank=True)
    issued_pdf = models.BinaryField(_("bản gốc điện tử đã ban hành"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256 của bản gốc"), max_length=64, blank=True, db_index=True)
    agency_signed = models.BooleanField(_("có chữ ký số của cơ quan"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bản gốc điện tử của quyết định")
        verbose_name_plural = _("bản gốc điện tử của quyết định")

    def __str__(self):
        return str(self.decision)

    @property
    def person_signed(self) -> bool:
        return self.person_pdf is not None

    @property
    def is_issued(self) -> bool:
        return self.issued_pdf is not None

    @property
    def from_edited_docx(self) -> bool:
        return bool(self.edited_docx_sha256)


class SignedAttachment(models.Model):
    """An attachment of an issued decision as its own PDF/A (the appendix listing the units, the
    appraisal report), signed by the agency at the top right of its first page when the
    deployment has the agency's token."""

    class Kind(models.TextChoices):
        APPENDIX = "appendix", _("Phụ lục: danh sách đơn vị")
        APPRAISAL_REPORT = "appraisal_report", _("Báo cáo kết quả thẩm định")

    decision = models.ForeignKey(
        "assessments.Decision", on_delete=models.PROTECT, related_name="signed_attachments"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64, db_index=True)
    agency_signed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu kèm theo quyết định")
        verbose_name_plural = _("tài liệu kèm theo quyết định")
        ordering = ["kind"]  # the appendix, then the appraisal report
        constraints = [
            models.UniqueConstraint(fields=["decision", "kind"], name="signed_attachment_unique_kind"),
        ]

    def __str__(self):
        return f"{self.decision} · {self.get_kind_display()}"
