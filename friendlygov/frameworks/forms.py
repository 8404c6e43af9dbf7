from django import forms
from django.utils.translation import gettext_lazy as _

from friendlygov.core import spreadsheets

MAX_YAML_BYTES = 1024 * 1024
XLSX, YAML = "xlsx", "yaml"


class FrameworkUploadForm(forms.Form):
    """A framework file: an Excel workbook in the export's layout or a YAML document, told apart by
    content (a workbook is a zip package), never by the name's extension."""

    file = forms.FileField(
        label=_("Tệp bộ tiêu chí (.xlsx hoặc .yaml)"),
        help_text=_(
            "Tệp Excel hoặc YAML theo mẫu tải về từ trang của một bộ tiêu chí; "
            "Excel tối đa 5 MB, YAML tối đa 1 MB."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > spreadsheets.MAX_BYTES:
            raise forms.ValidationError(spreadsheets.too_large())
        head = upload.read(4)
        upload.seek(0)
        if head == b"PK\x03\x04":
            self.kind = XLSX
            return upload
        self.kind = YAML
        if upload.size > MAX_YAML_BYTES:
            raise forms.ValidationError(_("Tệp YAML lớn hơn 1 MB."))
        try:
            self.text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("Tệp không phải là tệp Excel .xlsx, cũng không phải văn bản YAML UTF-8.")
            ) from None
        return upload
