"""The answer package: one job that makes the final redacted copy of every clip of an
approved answer and puts it, with the cover letter, the manifest, the redaction records
and a README, into one zip handed to the requester.

Layout of the zip: letter.pdf, README.txt, manifest.json, manifest.txt, clips/ (H.264
MP4), stills/ (pictures, if any), redaction-records/ (one JSON per copy).

Guarantees: the package row is created only once the zip is complete (written under a
temporary name, then renamed); on any failure, cancellation included, neither the zip
nor the letter of this run remains. Final copies already made stay on their clips (they
are complete, and a second run reuses them). Every step is on the ticket's timeline and
in the access log; the raw footage read is logged in the starter's name when the job is
queued, as for any redaction job.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from compliance.access_log import record_access
from compliance.jobs import JobCancelled, JobError, start_job
from compliance.models import JobRun, Organisation
from compliance.models.jobs import ACTIVE_STATUSES, JOB_KIND_LABELS
from dsar.answer.facts import answer_cameras, register_problems
from dsar.answer.letter import letter_pdf
from dsar.answer.manifest import (
    file_entry,
    manifest_data,
    manifest_json,
    manifest_text,
    readme_text,
    write_atomic,
    write_zip,
)
from dsar.answer.records import redaction_record
from dsar.answer.review import item_rendering
from dsar.models import DataSubjectRequest, ResponseItem, ResponsePackage, ResponseReview, Status, TimelineKind
from dsar.services.common import DsarError, lock, record_step, require_status
from media_processing.engine.errors import MediaError
from media_processing.engine.hashing import sha256_file
from media_processing.models import ClipStatus, RedactedCopy, RedactionMode, RedactionShape
from media_processing.services.redaction import REDACT_ACTION, RedactionError, redacted_copy_render
from media_processing.services.redaction_media import Rendering

PACKAGE_KIND = "dsar.package"
JOB_KIND_LABELS[PACKAGE_KIND] = gettext_lazy("Answer package")
# The final copies look like the previews the reviewer and the approver saw.
FINAL_MODE = RedactionMode.BLUR
FINAL_SHAPE = RedactionShape.ELLIPSE
# Share of the job's progress bar taken by rendering the clips (the rest: letter and zip).
RENDER_SHARE = 85
PACKAGE_KIND_TIMELINE = TimelineKind.ANSWER

Progress = Callable[..., None]


class PackageError(DsarError):
    """The package cannot be made; the message says what to do first."""


# Reads ---------------------------------------------------------------------------------


def package_jobs(ticket: DataSubjectRequest) -> Any:
    return JobRun.objects.filter(
        kind=PACKAGE_KIND,
        subject_type=ContentType.objects.get_for_model(DataSubjectRequest),
        subject_id=str(ticket.pk),
    )


def included_items(ticket: DataSubjectRequest) -> list[ResponseItem]:
    items = ticket.items.filter(included=True).select_related("clip__camera__site", "track_set", "redacted")
    return list(items.prefetch_related("decisions", "clip__recordings").order_by("position", "pk"))


def package_problems(ticket: DataSubjectRequest) -> list[str]:
    """Why a package cannot be made now, in words a handler can act on (empty: it can)."""
    review = ResponseReview.objects.filter(request=ticket).first()
    if review is None or review.approved_at is None:
        return [_("The review of the clips has not been approved by a second person yet.")]
    if ticket.status != Status.APPROVED:
        return [
            _("The request is %(status)s; a package is made only while it is approved.")
            % {"status": ticket.get_status_display()}
        ]
    items = included_items(ticket)
    problems = register_problems(answer_cameras(ticket, items))
    for number, item in enumerate(items, start=1):
        if item.clip.status != ClipStatus.READY or not item.clip.file:
            problems.append(_("Clip %(number)s is not cut yet.") % {"number": number})
        elif item.track_set is None or item.track_set.clip_id != item.clip_id:
            problems.append(_("The faces and plates of clip %(number)s have not been found.") % {"number": number})
    return problems


# Starting the job ----------------------------------------------------------------------


def answer_package_request(*, actor: Any, request: DataSubjectRequest, ip: str | None = None) -> JobRun:
    """Queue the package job of an approved answer. The raw footage it reads is logged
    now, in `actor`'s name, one entry per clip."""
    with transaction.atomic():
        ticket = lock(request)
        problems = package_problems(ticket)
        if problems:
            raise PackageError(" ".join(problems))
        if package_jobs(ticket).filter(status__in=ACTIVE_STATUSES).exists():
            raise PackageError(_("The package of this answer is already being made. Wait until it has finished."))
        items = included_items(ticket)
        for item in items:
            record_access(
                actor=actor, action=REDACT_ACTION, target=item.clip, ip=ip,
                reason=f"{ticket.reference}: final redacted copy for the answer package",
            )  # fmt: skip
        job = start_job(
            kind=PACKAGE_KIND,
            task="dsar.answer.package.package_task",
            arguments={"request_id": ticket.pk},
            subject=ticket,
            started_by=actor,
        )
        message = ngettext(
            "Answer package being made: %(count)s clip.", "Answer package being made: %(count)s clips.", len(items)
        ) % {"count": len(items)}
        record_step(ticket, actor=actor, verb="package_start", kind=PACKAGE_KIND_TIMELINE, message=message, ip=ip)
    return job


def package_task(job: JobRun, progress: Progress, request_id: int) -> dict[str, Any]:
    """The RQ job: make the package; a failure is told on the job row and the timeline."""
    ticket = DataSubjectRequest.objects.filter(pk=request_id).first()
    if ticket is None:
        raise JobError(_("The request was deleted before its package was made."))
    try:
        package = answer_package(actor=job.started_by, request=ticket, job=job, progress=progress)
    except JobCancelled:
        _note_failure(ticket, _("Making the answer package was cancelled."))
        raise
    except (DsarError, RedactionError, MediaError) as exc:
        message = exc.message if isinstance(exc, DsarError) else str(exc)
        _note_failure(ticket, _("The answer package could not be made: %(error)s") % {"error": message})
        raise JobError(message) from exc
    except OSError as exc:
        message = _(
            "The package could not be written to the media folder (%(error)s). Check the free disk space, then "
            "make the package again."
        ) % {"error": exc.strerror or exc}
        _note_failure(ticket, message)
        raise JobError(message) from exc
    return {"package": package.pk, "sha256": package.sha256, "files": len(package.manifest.get("files", []))}


def _note_failure(ticket: DataSubjectRequest, message: str) -> None:
    record_step(ticket, actor=None, verb="package_failed", kind=PACKAGE_KIND_TIMELINE, message=message)


# The work ------------------------------------------------------------------------------


def _quiet(percent: float, message: str = "") -> None:
    return None


def answer_package(
    *, actor: Any, request: DataSubjectRequest, job: JobRun | None = None, progress: Progress | None = None
) -> ResponsePackage:
    """Make the package of an approved answer (the job's work). Checked again here: the
    approval may have been withdrawn while the job waited."""
    report = progress or _quiet
    ticket = DataSubjectRequest.objects.get(pk=request.pk)
    problems = package_problems(ticket)
    if problems:
        raise PackageError(" ".join(problems))
    items = included_items(ticket)
    made_at = timezone.now()
    copies = _render_all(items, actor=actor, job=job, progress=report)
    report(RENDER_SHARE, _("Writing the cover letter"))
    written: list[Path] = []
    try:
        with tempfile.TemporaryDirectory(prefix="obscura-package-") as folder:
            package = _assemble(ticket, items, copies, Path(folder), made_at=made_at, written=written, actor=actor,
                                job=job, progress=report)  # fmt: skip
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    report(100, _("Package ready"))
    return package


def _render_all(
    items: Sequence[ResponseItem], *, actor: Any, job: JobRun | None, progress: Progress
) -> list[RedactedCopy]:
    copies = []
    for index, item in enumerate(items):
        progress(RENDER_SHARE * index / len(items), _("Making the redacted copy of clip %(number)s of %(total)s")
                 % {"number": index + 1, "total": len(items)})  # fmt: skip
        copies.append(_final_copy(item, actor=actor, job=job, progress=_part(progress, index, len(items))))
    return copies


def _part(progress: Progress, index: int, total: int) -> Callable[[float], None]:
    """The progress of clip `index` of `total` (a fraction) as a share of the bar."""
    base, share = RENDER_SHARE * index / total, RENDER_SHARE / total

    def report(fraction: float) -> None:
        progress(base + share * fraction)

    return report


def _final_copy(
    item: ResponseItem, *, actor: Any, job: JobRun | None, progress: Callable[[float], None]
) -> RedactedCopy:
    """The clip's final copy with the reviewed choices: an earlier one if it matches them
    exactly (a rerun after a failure), else a new one, kept on the clip of the answer."""
    rendering = item_rendering(item, mode=FINAL_MODE, shape=FINAL_SHAPE)
    if item.redacted is not None and _matches(item.redacted, item, rendering):
        return item.redacted
    copy = redacted_copy_render(
        footage=item.clip, user=actor, job=job, rendering=rendering, track_set=item.track_set, progress=progress
    )
    ResponseItem.objects.filter(pk=item.pk).update(redacted=copy)
    item.redacted = copy
    return copy


def _matches(copy: RedactedCopy, item: ResponseItem, rendering: Rendering) -> bool:
    """Whether an existing copy was made from the same clip, detections and choices, and
    its file is still the one recorded."""
    same = (
        copy.clip_id == item.clip_id
        and copy.track_set_id == item.track_set_id
        and (copy.mode, copy.shape) == (rendering.mode, rendering.shape)
        and sorted(copy.keep_tracks) == sorted(rendering.keep_tracks)
        and copy.keep_audio == rendering.keep_audio
        and copy.start_s is None
        and copy.end_s is None
        and copy.record.get("manual_boxes", []) == _engine_boxes(rendering)
    )
    path = Path(copy.file.path) if copy.file else None
    return same and path is not None and path.is_file() and sha256_file(path) == copy.sha256


def _engine_boxes(rendering: Rendering) -> list[dict[str, Any]]:
    """The manual boxes as the engine's record writes them (frames from the clip's start)."""
    return [
        {"keyframes": [{"frame": f, "x": round(x, 1), "y": round(y, 1), "w": round(w, 1), "h": round(h, 1)}
                       for f, x, y, w, h in sorted(box)]}
        for box in rendering.manual
    ]  # fmt: skip


def _media_name(number: int, item: ResponseItem, copy: RedactedCopy) -> str:
    suffix = Path(str(copy.file.name)).suffix.lower()
    folder = "clips" if suffix == ".mp4" else "stills"
    start = timezone.localtime(item.clip.requested_start)
    camera = slugify(item.clip.camera.name) or "camera"
    return f"{folder}/{number:02d}-{camera}-{start:%Y%m%d-%H%M%S}{suffix}"


def _assemble(
    ticket: DataSubjectRequest,
    items: Sequence[ResponseItem],
    copies: Sequence[RedactedCopy],
    folder: Path,
    *,
    made_at: datetime,
    written: list[Path],
    actor: Any,
    job: JobRun | None,
    progress: Progress,
) -> ResponsePackage:
    """Records, README, letter, manifest and zip, then the row; `written` collects the
    stored files so the caller can remove them if anything fails."""
    organisation = Organisation.current()
    with timezone.override(organisation.time_zone):
        media = [
            file_entry(Path(copy.file.path), _media_name(number, item, copy))
            for number, (item, copy) in enumerate(zip(items, copies, strict=True), start=1)
        ]
        local_made = timezone.localtime(made_at).isoformat(timespec="seconds")
        records = []
        for entry, item, copy in zip(media, items, copies, strict=True):
            name = f"redaction-records/{Path(entry.name).stem}.json"
            path = folder / name.replace("/", "-")
            record = redaction_record(item, copy, file_name=entry.name)
            path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            records.append(file_entry(path, name))
    (folder / "README.txt").write_text(readme_text(reference=ticket.reference), encoding="utf-8")
    files = [file_entry(folder / "README.txt", "README.txt"), *media, *records]
    stamp = made_at.strftime("%Y%m%dT%H%M%S")
    letter_name = f"dsar/packages/{ticket.reference}/{ticket.reference}-letter-{stamp}.pdf"
    letter_path = Path(default_storage.path(letter_name))
    written.append(letter_path)
    letter_sha = write_atomic(letter_path, letter_pdf(ticket, items=items, copies=copies, files=files, made_at=made_at))
    progress(RENDER_SHARE + 5, _("Writing the manifest and the zip"))
    entries = [file_entry(letter_path, "letter.pdf"), *files]
    controller = organisation.name or _("The data controller")
    manifest = manifest_data(reference=ticket.reference, organisation=controller, made_at=local_made, entries=entries)
    (folder / "manifest.json").write_text(manifest_json(manifest), encoding="utf-8")
    (folder / "manifest.txt").write_text(manifest_text(manifest), encoding="utf-8")
    members = [
        entries[0],
        entries[1],
        file_entry(folder / "manifest.json", "manifest.json"),
        file_entry(folder / "manifest.txt", "manifest.txt"),
        *entries[2:],
    ]
    zip_name = f"dsar/packages/{ticket.reference}/{ticket.reference}-answer-{stamp}.zip"
    zip_path = Path(default_storage.path(zip_name))
    written.append(zip_path)
    digest, size = write_zip(zip_path, members)
    return _record(ticket, actor=actor, job=job, zip_name=zip_name, digest=digest, size=size,
                   letter_name=letter_name, letter_sha=letter_sha, manifest=manifest)  # fmt: skip


def _record(
    ticket: DataSubjectRequest,
    *,
    actor: Any,
    job: JobRun | None,
    zip_name: str,
    digest: str,
    size: int,
    letter_name: str,
    letter_sha: str,
    manifest: dict[str, Any],
) -> ResponsePackage:
    """The package row and its timeline entry, in one transaction, refused if the answer
    left the approved state while the job ran."""
    with transaction.atomic():
        locked = lock(ticket)
        require_status(locked, (Status.APPROVED,), doing=_("packaged"))
        package = ResponsePackage.objects.create(
            request=locked, file=zip_name, sha256=digest, size=size, letter=letter_name, letter_sha256=letter_sha,
            manifest=manifest, created_by=actor if getattr(actor, "is_authenticated", False) else None, job=job,
        )  # fmt: skip
        clips = sum(1 for entry in manifest["files"] if entry["name"].startswith(("clips/", "stills/")))
        message = _(
            "Answer package %(number)s made: %(clips)s file(s) of footage, cover letter, manifest and redaction "
            "records; zip of %(size)s bytes, SHA-256 %(sha)s."
        ) % {"number": package.pk, "clips": clips, "size": size, "sha": digest}
        record_step(locked, actor=actor, verb="package", kind=PACKAGE_KIND_TIMELINE, message=message)
    return package
