"""The answer's job functions, run by RQ workers through `compliance.jobs.execute`: thin,
they load rows by primary key and call the services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from compliance.jobs import JobError, ProgressCallback
from compliance.models import JobRun
from dsar.answer.search import answer_search_run
from dsar.models import DataSubjectRequest
from dsar.services.common import DsarError


def search(job: JobRun, progress: ProgressCallback, request_id: int, cameras: list[dict[str, Any]]) -> dict[str, Any]:
    """The footage search of one request (`answer_search_run`)."""
    request = DataSubjectRequest.objects.filter(pk=request_id).first()
    if request is None:
        raise JobError(_("The request was deleted before its footage was searched."))
    try:
        found = answer_search_run(actor=job.started_by, request=request, cameras=cameras, job=job, progress=progress)
    except DsarError as exc:
        raise JobError(exc.message) from exc
    return {"search": found.pk, "items": request.items.count(), "gaps": len(found.gaps)}
