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
    if report.starts_after:
        done = _(
            "The chain is intact: %(count)d entries checked; entries up to #%(seq)d were removed under the "
            "retention schedule."
        ) % {"count": report.entries_checked, "seq": report.starts_after}
    else:
        done = _("The chain is intact: %(count)d entries checked.") % {"count": report.entries_checked}
    progress(100, done)
    return {"entries": report.entries_checked, "head_hash": report.head_hash, "starts_after": report.starts_after}
