"""An assessment leaving Obscura (the PDF report, the JSON export) and coming in (the
JSON import, which starts a new assessment)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compliance.access import client_ip, require_perm
from dpia.access import access_assessment
from dpia.document import version_document
from dpia.models import Assessment, AssessmentVersion
from dpia.report import report_filename, report_pdf
from dpia.services.common import DpiaError, current_version
from dpia.services.transfer import assessment_import, document_json


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Exported assessment (JSON)"),
        help_text=gettext_lazy("A file exported from Obscura with “Export as JSON”, at most 5 MB."),
    )


def _version(item: Assessment, number: str | None) -> AssessmentVersion:
    """The version named by `?version=N`, the newest without it; 404 for one that does not exist."""
    if not number:
        return current_version(item)
    version = item.versions.filter(number=int(number)).first() if number.isdigit() else None
    if version is None:
        raise Http404
    return version


def report(request: HttpRequest, reference: str) -> FileResponse:
    item = access_assessment(request.user, reference)
    version = _version(item, request.GET.get("version"))
    return FileResponse(
        report_pdf(version, request),
        as_attachment=True,
        filename=report_filename(version),
        content_type="application/pdf",
    )


def export_json(request: HttpRequest, reference: str) -> HttpResponse:
    item = access_assessment(request.user, reference)
    version = _version(item, request.GET.get("version"))
    response = HttpResponse(document_json(version_document(version)), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{item.reference}-v{version.number}.json"'
    return response


def import_assessment(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "dpia.edit_dpia")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = assessment_import(
                actor=request.user, upload=upload, size=upload.size, name=upload.name, ip=client_ip(request)
            )
        except DpiaError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(
                request,
                _("Imported as %(reference)s, a new draft.") % {"reference": result.assessment.reference},
            )
            for label, names in ((_("cameras"), result.unknown_cameras), (_("sites"), result.unknown_sites)):
                if names:
                    messages.warning(
                        request,
                        _("These %(what)s are not known here and were not linked: %(names)s.")
                        % {"what": label, "names": ", ".join(names)},
                    )
            return redirect("dpia:assessment", reference=result.assessment.reference)
    return render(request, "dpia/import.html", {"form": form}, status=400 if form.errors else 200)


urlpatterns: list[URLPattern] = [
    path("<dpia_ref:reference>/report.pdf", report, name="report_pdf"),
    path("<dpia_ref:reference>/export.json", export_json, name="export_json"),
    path("import/", import_assessment, name="import"),
]
