"""Job functions run by RQ workers through `compliance.jobs.execute`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from compliance.access_log import verify_chain
from compliance.jobs import JobError, ProgressCallback
from compliance.models import JobRun


def verify_access_log(job: JobRun, progress: ProgressCallback) -> dict[str, Any]:
    progress(1, _("Checking the access log chain"))
    report = verify_chain(progress=progress)
    if report.problem:
        raise JobError(
            _("The access log has been tampered with: %(problem)s. Keep a copy of the database and tell the DPO.")
            % {"problem": report.problem}
        )
    progress(100, _("The chain is intact: %(count)d entries checked.") % {"count": report.entries_checked})
    return {"entries": report.entries_checked, "head_hash": report.head_hash}
