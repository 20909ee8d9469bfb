from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from compliance.access import access_retention


def retention(request: HttpRequest) -> HttpResponse:
    access_retention(request.user)
    return render(request, "compliance/retention.html")
