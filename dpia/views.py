from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from compliance.access import require_perm


def index(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "dpia.view_dpia")
    return render(request, "dpia/index.html")
