"""Deletion certificates: one page per sweep run, and the same as a PDF."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from compliance.access import access_retention
from compliance.models import DeletionCertificate, Organisation, RetentionCategory


def _context(pk: int) -> dict[str, object]:
    certificate = get_object_or_404(DeletionCertificate, pk=pk)
    items = certificate.items.all()
    totals = items.aggregate(count=Count("pk"), bytes=Sum("size"))
    by_category = [
        {**row, "label": RetentionCategory(row["category"]).label}
        for row in items.values("category").annotate(count=Count("pk"), bytes=Sum("size")).order_by("category")
    ]
    return {
        "certificate": certificate,
        "items": items,
        "totals": totals,
        "by_category": by_category,
        "organisation": Organisation.current(),
    }


def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access_retention(request.user)
    return render(request, "compliance/certificate.html", _context(pk))


def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Rendered by WeasyPrint from a template that loads nothing from outside the server."""
    import weasyprint  # heavy: loaded only when a PDF is asked for

    access_retention(request.user)
    html = render_to_string("compliance/certificate_pdf.html", _context(pk), request=request)
    pdf = weasyprint.HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = _("deletion-certificate-%(pk)s.pdf") % {"pk": pk}
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
