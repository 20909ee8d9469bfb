from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from compliance.access import require_perm


def index(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "media_processing.view_footage")
    return render(request, "media_processing/index.html")
