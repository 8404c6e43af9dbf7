"""What each kind of job produces. Each runner calls the same functions as the direct downloads
(assessments.documents, reports.exports), so a file made in the background is the same file."""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from friendlygov.assessments import documents
from friendlygov.core.office import PdfUnavailable, docx_to_pdf, soffice_path
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
    progress(0, len(decisions))
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, decision in enumerate(decisions, start=1):
            docx = documents.decision_docx(decision)
            archive.writestr(documents.decision_filename(decision, "docx"), docx)
            if job.with_pdf:
                try:
                    pdf = docx_to_pdf(docx, "quyet-dinh", soffice=soffice)
                except PdfUnavailable:
                    pdf_failures += 1
                else:
                    archive.writestr(documents.decision_filename(decision, "pdf"), pdf)
            progress(done, len(decisions))
    note = ""
    if pdf_failures:
        note = _("Không tạo được bản PDF cho %(count)s quyết định; các bản Word (.docx) vẫn đủ.") % {
            "count": pdf_failures
        }
    scope = f"-{job.body.unit.code}" if job.body_id else ""
    return Output(f"quyet-dinh-{job.cycle.year}{scope}.zip", buffer.getvalue(), note)


def cycle_export(job, progress: Progress) -> Output:
    progress(0, 1)
    data = exports.export_cycle(job.cycle, job.created_by)
    progress(1, 1)
    return Output(exports.cycle_export_filename(job.cycle.year), data)


RUNNERS = {
    Kind.DECISION_DOCUMENTS: decision_documents,
    Kind.CYCLE_EXPORT: cycle_export,
}
