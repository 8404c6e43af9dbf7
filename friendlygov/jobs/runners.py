"""What each kind of job produces. Each runner calls the same functions as the direct downloads
(assessments.documents, reports.exports), so a file made in the background is the same file."""

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from friendlygov.assessments import documents
from friendlygov.core.office import PdfUnavailable, docx_to_pdf, soffice_path
from friendlygov.feedback import exports as feedback_exports
from friendlygov.reports import exports

from . import permissions
from .models import Kind

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Output:
    filename: str
    data: bytes
    note: str = ""


def decision_documents(job, progress: Progress) -> Output:
    """One .docx per decision (and its PDF when asked and LibreOffice is installed), in one zip.
    The decisions are those the requester may see when the job runs, not when it was asked for."""
    decisions = permissions.decisions_for(job.created_by, job.cycle, job.body)
    soffice = soffice_path() if job.with_pdf else None
    pdf_failures = 0
    buffer = io.BytesIO()
    manifest = []
    progress(0, len(decisions))
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(decision, extension, data):
            name = documents.decision_filename(decision, extension)
            if name in archive.namelist():  # a name is unique by construction: never overwrite
                raise ValueError(f"two files of the bundle would be named {name}")
            archive.writestr(name, data)
            manifest.append(manifest_row(decision, name, data))

        for done, decision in enumerate(decisions, start=1):
            docx = documents.decision_docx(decision)
            add(decision, "docx", docx)
            if job.with_pdf:
                try:
                    pdf = docx_to_pdf(docx, "quyet-dinh", soffice=soffice)
                except PdfUnavailable:
                    pdf_failures += 1
                else:
                    add(decision, "pdf", pdf)
            progress(done, len(decisions))
        archive.writestr(MANIFEST_NAME, manifest_csv(manifest))
    note = ""
    if pdf_failures:
        note = _("Không tạo được bản PDF cho %(count)s quyết định; các bản Word (.docx) vẫn đủ.") % {
            "count": pdf_failures
        }
    scope = f"-{job.body.unit.code}" if job.body_id else ""
    return Output(f"quyet-dinh-{job.cycle.year}{scope}.zip", buffer.getvalue(), note)


# The bundle's table of contents: every file with what it is and its SHA-256, so that a reader can
# check that nothing is missing or altered. UTF-8 with a byte-order mark: Excel opens it as such.
MANIFEST_NAME = "DANH-MUC.csv"
MANIFEST_HEADINGS = ("Tệp", "Cơ quan ban hành", "Số", "Ngày ký", "Loại", "Tình trạng", "Số đơn vị", "SHA-256")


def manifest_row(decision, name, data) -> tuple:
    return (
        name,
        decision.printed_frame().issuing_body,
        decision.number,
        decision.signed_on.strftime("%d/%m/%Y"),
        decision.get_kind_display(),
        decision.get_state_display(),
        decision.items.count(),
        hashlib.sha256(data).hexdigest(),
    )


def manifest_csv(rows) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(MANIFEST_HEADINGS)
    writer.writerows(rows)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def cycle_export(job, progress: Progress) -> Output:
    """Progress counts the rows written on the results and the matrix sheets (two per unit)."""
    data = exports.export_cycle(job.cycle, job.created_by, progress=progress)
    return Output(exports.cycle_export_filename(job.cycle.year), data)


def survey_export(job, progress: Progress) -> Output:
    """Progress counts the lines written (one per unit)."""
    data = feedback_exports.export_user_survey(job.cycle, job.created_by, progress=progress)
    return Output(feedback_exports.survey_export_filename(job.cycle.year), data)


RUNNERS = {
    Kind.DECISION_DOCUMENTS: decision_documents,
    Kind.CYCLE_EXPORT: cycle_export,
    Kind.SURVEY_EXPORT: survey_export,
}
