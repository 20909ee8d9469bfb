"""Tickets in review, clips, detection stores and response items for the review tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from compliance.jobs import execute
from compliance.models import JobStatus
from dsar.answer.review import (
    review_save_decisions,
    third_parties,
)
from dsar.models import DataSubjectRequest, ResponseItem
from dsar.services import dsar_start_search, dsar_verify_identity
from media_processing.engine.track_store import TrackStore
from media_processing.models import Clip, ClipStatus, TrackSet
from media_processing.services.redaction import redaction_detect_request
from tests.support.dsar import make_request
from tests.support.footage import make_camera

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SECONDS, RATE = 6, 10  # the face video: 60 frames, 400 x 400


def searching_ticket(actor: Any) -> DataSubjectRequest:
    ticket = dsar_verify_identity(actor=actor, request=make_request(actor))
    return dsar_start_search(actor=actor, request=ticket)


def make_clip(ticket: DataSubjectRequest, source: Path | None = None, camera: str = "Entrance") -> Clip:
    """A ready clip whose file is `source` (some bytes that are no video without it)."""
    relative = f"clips/{ticket.pk}-{camera}.mp4"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes() if source is not None else b"video bytes")
    return Clip.objects.create(
        camera=make_camera(camera), requested_start=T0, requested_end=T0 + timedelta(seconds=SECONDS),
        reason="Access request", reference=ticket.reference, file=relative, status=ClipStatus.READY,
        duration_seconds=SECONDS,
    )  # fmt: skip


def fake_track_set(clip: Clip, tracks: tuple[int, ...] = (1, 2)) -> TrackSet:
    """A detection store row whose file is not needed (the review reads its summaries)."""
    frames = SECONDS * RATE
    summaries = [
        {"track_id": track, "label": "face", "first_frame": 0, "last_frame": frames - 1, "first_s": 0.0,
         "last_s": (frames - 1) / RATE, "best_frame": 0, "best_box": {"x": 10, "y": 10, "w": 50, "h": 50}}
        for track in tracks
    ]  # fmt: skip
    return TrackSet.objects.create(
        clip=clip, file="tracks/x.npz", sha256="0" * 64, size=1, frame_count=frames, fps=float(RATE), width=400,
        height=400, track_count=len(tracks), detection_count=len(tracks), tracks=summaries,
    )  # fmt: skip


def make_item(ticket: DataSubjectRequest, *, clip: Clip | None = None, track_set: bool = True) -> ResponseItem:
    clip = clip or make_clip(ticket)
    return ResponseItem.objects.create(
        request=ticket, clip=clip, position=1, track_set=fake_track_set(clip) if track_set else None
    )


def box(*keyframes: tuple[int, float, float, float, float], was: int | None = None) -> dict[str, Any]:
    keys = [dict(zip(("frame", "x", "y", "w", "h"), key, strict=True)) for key in keyframes]
    return {"keyframes": keys, "note": "", **({"was": was} if was is not None else {})}


def decide_all(item: ResponseItem, actor: Any, choice: str = "redact") -> ResponseItem:
    decisions = {party.key: (choice, "Not the requester") for party in third_parties(item)}
    return review_save_decisions(actor=actor, item=item, decisions=decisions, keep_audio=False)


def detected(clip: Clip, user: Any) -> TrackSet:
    job = redaction_detect_request(footage=clip, user=user, ip=None)
    execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return TrackSet.objects.get(job_id=job.pk)


def track_set_of(item: ResponseItem) -> TrackSet:
    assert item.track_set is not None
    return item.track_set


def store_of(item: ResponseItem) -> TrackStore:
    return TrackStore.load(Path(track_set_of(item).file.path))


def review_url(item: ResponseItem, name: str = "answer_review", *extra: int) -> str:
    if name in ("answer_review", "answer_submit", "answer_approve"):
        return reverse(f"dsar:{name}", args=[item.request_id])
    return reverse(f"dsar:{name}", args=[item.request_id, item.pk, *extra])
