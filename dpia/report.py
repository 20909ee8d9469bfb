"""One version of an assessment as the page and the PDF show it, and the PDF itself.

Both read the version document (`dpia.document.version_document`): a frozen version is
printed from its snapshot, so its report never changes with later edits.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO, Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from compliance.models import Organisation
from dpia.ai_act import ai_act_check
from dpia.diagrams.flow import flow_svg
from dpia.diagrams.heatmap import heatmap_svg
from dpia.document import version_document
from dpia.map_checks import map_findings, retention_limit_days
from dpia.models import Assessment, AssessmentVersion, VersionStatus
from dpia.reading import readable
from dpia.risk_catalogue import residual_high


def document_context(document: dict[str, Any], *, assessment: Assessment) -> dict[str, Any]:
    """What `templates/dpia/_document.html` needs to show `document`.

    The map findings compare the map with the retention configured today, so an old
    version also shows where it no longer matches the configuration.
    """
    return {
        "doc": readable(document),
        "flow_svg": flow_svg(document),
        "findings": map_findings(document, retention_limit_days=retention_limit_days(assessment)),
        "heatmap_before": heatmap_svg(document, stage="before", id_prefix="heatmap-before"),
        "heatmap_residual": heatmap_svg(document, stage="residual", id_prefix="heatmap-residual"),
        "residual_high": residual_high(document),
        "ai_act": ai_act_check(document.get("answers") or {}),
    }


def watermark(version: AssessmentVersion) -> str:
    """What each page of a version not (yet) approved says across it; "" for an approved one."""
    return {
        VersionStatus.DRAFT: _("DRAFT"),
        VersionStatus.SUBMITTED: _("DRAFT — under evaluation"),
        VersionStatus.EVALUATED: _("DRAFT — awaiting the DPO"),
        VersionStatus.REJECTED: _("REJECTED"),
    }.get(VersionStatus(version.status), "")


def report_html(version: AssessmentVersion, request: HttpRequest | None = None) -> str:
    document = version_document(version)
    context = {
        **document_context(document, assessment=version.assessment),
        "assessment": version.assessment,
        "version": version,
        "document": document,
        "organisation": Organisation.current(),
        "watermark": watermark(version),
    }
    return render_to_string("dpia/report_pdf.html", context, request=request)


def report_filename(version: AssessmentVersion) -> str:
    return f"{version.assessment.reference}-v{version.number}.pdf"


def report_pdf(version: AssessmentVersion, request: HttpRequest | None = None) -> IO[bytes]:
    """The report as an open PDF file, complete before anyone reads it.

    WeasyPrint writes to a temporary name that is renamed once the PDF is whole; the file
    is opened and its name removed, so nothing is left behind when the reader closes it.
    """
    import weasyprint  # heavy: loaded only when a report is made

    html = report_html(version, request)
    folder = Path(tempfile.mkdtemp(prefix="dpia-report-"))
    partial, whole = folder / "report.pdf.part", folder / "report.pdf"
    try:
        weasyprint.HTML(string=html).write_pdf(target=str(partial))
        os.replace(partial, whole)
        handle = whole.open("rb")
    finally:
        for leftover in (partial, whole):
            leftover.unlink(missing_ok=True)
        folder.rmdir()
    return handle
