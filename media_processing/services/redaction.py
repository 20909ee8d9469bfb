"""Redaction of a recording or a clip: finding its faces and plates (a detection store,
`TrackSet`) and making redacted copies (`RedactedCopy`), each in a background job.

Starting either job writes an access-log entry in the starter's name, since the job
reads raw footage for them. A row is created only once its file is complete, and a
failed or cancelled job leaves neither a row nor a file.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compliance.access_log import record_access
from compliance.jobs import start_job
from compliance.models import JobRun
from compliance.models.jobs import ACTIVE_STATUSES, JOB_KIND_LABELS
from media_processing import engine_config
from media_processing.engine.hashing import sha256_file
from media_processing.engine.track_store import TrackStore
from media_processing.models import (
    Clip,
    ClipStatus,
    Recording,
    RecordingKind,
    RedactedCopy,
    RedactionMode,
    RedactionShape,
    TrackSet,
)
from media_processing.services import redaction_media
from media_processing.services.redaction_media import Rendering

Footage = Recording | Clip
Fraction = Callable[[float], None]

DETECT_KIND = "footage.detect"
RENDER_KIND = "footage.redact"
JOB_KIND_LABELS[DETECT_KIND] = gettext_lazy("Finding faces and plates")
JOB_KIND_LABELS[RENDER_KIND] = gettext_lazy("Redacted copy")
REDACTION_KINDS = (DETECT_KIND, RENDER_KIND)

# The access log's action for footage a redaction job reads on someone's behalf.
REDACT_ACTION = "footage.redact"


class RedactionError(Exception):
    """A redaction that cannot be done, with a message saying what to do instead."""


# Reads -------------------------------------------------------------------------------


def is_picture(footage: Footage) -> bool:
    return isinstance(footage, Recording) and footage.kind == RecordingKind.IMAGE


def footage_arguments(footage: Footage) -> dict[str, int]:
    """How a job names its footage: primary keys only."""
    return {"recording_id": footage.pk} if isinstance(footage, Recording) else {"clip_id": footage.pk}


def footage_load(*, recording_id: int | None = None, clip_id: int | None = None) -> Footage:
    if recording_id is not None:
        return Recording.objects.select_related("camera").get(pk=recording_id)
    if clip_id is None:
        raise ValueError("a redaction job needs a recording or a clip")
    return Clip.objects.select_related("camera").get(pk=clip_id)


def _of(footage: Footage) -> dict[str, Footage]:
    return {"recording": footage} if isinstance(footage, Recording) else {"clip": footage}


def track_sets(footage: Footage) -> QuerySet[TrackSet]:
    return TrackSet.objects.filter(**_of(footage))


def redacted_copies(footage: Footage) -> QuerySet[RedactedCopy]:
    return RedactedCopy.objects.filter(**_of(footage)).select_related("created_by", "track_set")


def redaction_jobs(footage: Footage) -> QuerySet[JobRun]:
    """The detection and rendering jobs of this footage, newest first."""
    return JobRun.objects.filter(
        subject_type=ContentType.objects.get_for_model(footage),
        subject_id=str(footage.pk),
        kind__in=REDACTION_KINDS,
    ).select_related("started_by")


# Starting the jobs ---------------------------------------------------------------------


def redaction_detect_request(*, footage: Footage, user: Any, ip: str | None) -> JobRun:
    """Log the access in `user`'s name and queue a detection job for `footage`."""
    _check_can_start(footage)
    with transaction.atomic():
        record_access(
            actor=user, action=REDACT_ACTION, target=footage, reason="Redaction: finding faces and plates", ip=ip
        )
        return start_job(
            kind=DETECT_KIND,
            task="media_processing.tasks.detect_tracks",
            arguments=footage_arguments(footage),
            subject=footage,
            started_by=user,
        )


def redaction_render_request(
    *, footage: Footage, user: Any, ip: str | None, rendering: Rendering, track_set: TrackSet | None
) -> JobRun:
    """Log the access in `user`'s name and queue the rendering of a redacted copy.

    Tracks can be kept visible only from a detection store of this footage
    (`track_set`), since their ids mean nothing elsewhere.
    """
    _check_can_start(footage)
    _check_rendering(footage, rendering, track_set)
    kept = ", ".join(str(track_id) for track_id in sorted(rendering.keep_tracks)) or "none"
    drawn = f"; boxes drawn by hand: {len(rendering.manual)}" if rendering.manual else ""
    reason = (
        f"Redaction: making a redacted copy ({rendering.mode}, {rendering.shape}; tracks kept visible: {kept}{drawn})"
    )
    arguments: dict[str, Any] = {
        **footage_arguments(footage),
        "track_set_id": track_set.pk if track_set is not None else None,
        "mode": rendering.mode,
        "shape": rendering.shape,
        "keep_tracks": sorted(rendering.keep_tracks),
        "keep_audio": rendering.keep_audio,
        "start_s": rendering.start_s,
        "end_s": rendering.end_s,
    }
    if rendering.manual:
        arguments["manual_boxes"] = rendering.manual_as_json()
    with transaction.atomic():
        record_access(actor=user, action=REDACT_ACTION, target=footage, reason=reason, ip=ip)
        return start_job(
            kind=RENDER_KIND,
            task="media_processing.tasks.render_redacted",
            arguments=arguments,
            subject=footage,
            started_by=user,
        )


def _check_can_start(footage: Footage) -> None:
    ready = footage.is_ready if isinstance(footage, Recording) else footage.status == ClipStatus.READY
    if not ready or not footage.file:
        raise RedactionError(_("This footage is not stored yet, so it cannot be redacted. Wait until it is ready."))
    if redaction_jobs(footage).filter(status__in=ACTIVE_STATUSES).exists():
        raise RedactionError(
            _("A redaction job for this footage is already waiting or running. Wait until it has finished.")
        )


def _check_rendering(footage: Footage, rendering: Rendering, track_set: TrackSet | None) -> None:
    if rendering.mode not in RedactionMode.values or rendering.shape not in RedactionShape.values:
        raise RedactionError(_("Choose a cover and a shape."))
    if rendering.start_s is not None and rendering.end_s is not None and rendering.end_s <= rendering.start_s:
        raise RedactionError(_("The end of the redacted part must come after its start."))
    if rendering.manual and is_picture(footage):
        raise RedactionError(_("Boxes drawn by hand can be added to videos only."))
    if track_set is None:
        if rendering.keep_tracks:
            raise RedactionError(_("Find the faces and plates first; then choose who stays visible."))
        return
    if track_set.subject != footage:
        raise RedactionError(_("These detections belong to other footage. Reload the page and try again."))
    if not track_set.covers(rendering.start_s, rendering.end_s):
        raise RedactionError(
            _(
                "The faces and plates were found in another part of this footage only. Find them in the whole "
                "footage first, or choose a part inside the one analysed."
            )
        )
    unknown = sorted(rendering.keep_tracks - {track["track_id"] for track in track_set.tracks})
    if unknown:
        raise RedactionError(
            _("Track %(tracks)s is not among the detections. Reload the page and try again.")
            % {"tracks": ", ".join(map(str, unknown))}
        )


# The work the jobs do ----------------------------------------------------------------


def track_set_detect(*, footage: Footage, user: Any, job: JobRun | None, progress: Fraction) -> TrackSet:
    """Find every face and plate of `footage` and keep them as a new detection store.

    Guarantees: the row is created only after its `.npz` file is complete, and on any
    failure (cancellation included) neither the row nor the file remains.
    """
    src = _source(footage)
    source_sha256 = sha256_file(src)
    store = redaction_media.detect(src, picture=is_picture(footage), progress=progress)
    relative = _new_name("tracks", footage, ".npz")
    target = engine_config.media_root() / relative
    try:
        store.save(target)
        with transaction.atomic():
            return _track_set_create(
                footage=footage, store=store, relative=relative, source_sha256=source_sha256, user=user, job=job
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def redacted_copy_render(
    *,
    footage: Footage,
    user: Any,
    job: JobRun | None,
    rendering: Rendering,
    track_set: TrackSet | None,
    progress: Fraction,
) -> RedactedCopy:
    """Make a redacted copy of `footage` and record it with the engine's redaction record.

    With `track_set`, its stored tracks are covered and no detector runs. Without, the
    detectors run in the same pass and what they found becomes a new detection store
    too. Guarantees: rows are created only for complete files, and on any failure
    (cancellation included) no row and no file of this rendering remains.
    """
    _check_rendering(footage, rendering, track_set)
    src = _source(footage)
    picture = is_picture(footage)
    store = _load(track_set) if track_set is not None else None
    output_relative = _new_name("redacted", footage, redaction_media.output_suffix(src, picture=picture))
    tracks_relative = _new_name("tracks", footage, ".npz")
    output = engine_config.media_root() / output_relative
    tracks_file = engine_config.media_root() / tracks_relative
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        record = redaction_media.render(
            src, output, picture=picture, rendering=rendering, store=store, save_tracks=tracks_file, progress=progress
        )
        if track_set is not None and record["input_sha256"] != track_set.source_sha256:
            raise RedactionError(
                _("The footage has changed since its faces and plates were found. Find them again, then redact.")
            )
        with transaction.atomic():
            if track_set is None:
                track_set = _track_set_create(
                    footage=footage,
                    store=TrackStore.load(tracks_file),
                    relative=tracks_relative,
                    source_sha256=record["input_sha256"],
                    user=user,
                    job=job,
                    start_s=rendering.start_s,
                    end_s=rendering.end_s,
                )
            return RedactedCopy.objects.create(
                **_of(footage),
                track_set=track_set,
                file=output_relative,
                sha256=record["output_sha256"],
                size=output.stat().st_size,
                mode=rendering.mode,
                shape=rendering.shape,
                keep_tracks=sorted(rendering.keep_tracks),
                keep_audio=rendering.keep_audio and not picture,
                start_s=rendering.start_s,
                end_s=rendering.end_s,
                record=record,
                created_by=_person(user),
                job=job,
            )
    except BaseException:
        output.unlink(missing_ok=True)
        tracks_file.unlink(missing_ok=True)
        raise


def _source(footage: Footage) -> Path:
    if not footage.file:
        raise RedactionError(_("This footage is not stored yet, so it cannot be redacted."))
    path = Path(footage.file.path)
    if not path.is_file():
        raise RedactionError(
            _(
                "The stored file of this footage is missing from the media folder. Ask an administrator to restore "
                "it from the backup, then try again."
            )
        )
    return path


def _load(track_set: TrackSet) -> TrackStore:
    """The stored tracks, refused if the file is not the one that was recorded."""
    path = Path(track_set.file.path)
    if not path.is_file() or sha256_file(path) != track_set.sha256:
        raise RedactionError(
            _("The saved detections of this footage are missing or were changed. Find the faces and plates again.")
        )
    return TrackStore.load(path)


def _new_name(folder: str, footage: Footage, suffix: str) -> str:
    """A fresh path under the media root, one folder per recording or clip."""
    return f"{folder}/{footage._meta.model_name}-{footage.pk}/{secrets.token_hex(8)}{suffix}"


def _person(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _track_set_create(
    *,
    footage: Footage,
    store: TrackStore,
    relative: str,
    source_sha256: str,
    user: Any,
    job: JobRun | None,
    start_s: float | None = None,
    end_s: float | None = None,
) -> TrackSet:
    path = engine_config.media_root() / relative
    tracks = track_summaries(store)
    return TrackSet.objects.create(
        **_of(footage),
        file=relative,
        sha256=sha256_file(path),
        size=path.stat().st_size,
        source_sha256=source_sha256,
        start_s=start_s,
        end_s=end_s,
        start_frame=store.start_frame,
        frame_count=store.frame_count,
        fps=store.fps,
        width=store.width,
        height=store.height,
        track_count=len(tracks),
        detection_count=store.detections,
        tracks=tracks,
        detectors=store.detectors,
        finding=store.settings,
        created_by=_person(user),
        job=job,
    )


def track_summaries(store: TrackStore) -> list[dict[str, Any]]:
    """Each track's span, best frame and box, with frames counted from the start of the
    footage (a store of a part counts from the part's start)."""
    return [summary.as_dict(store.fps, offset=store.start_frame) for summary in store.summaries()]
