from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from compliance.access import require_perm
from dpia.selectors import assessment_rows


def index(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "dpia.view_dpia")
    return render(
        request,
        "dpia/index.html",
        {"rows": assessment_rows(), "today": timezone.localdate()},
    )
