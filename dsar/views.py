from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from compliance.access import require_perm


def index(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "dsar.view_dsar")
    return render(request, "dsar/index.html")
