"""What was decided for everyone in a clip of an answer, and the redaction record that
goes into the package for each copy.

Every track that is not the requester's is covered unless a third-party decision says
the person consented or that showing them is reasonable (Art. 15(4)); a manual box
(track id -n for box n) is covered unless such a decision says otherwise: the same rule
as `dsar.answer.review.item_rendering`, which the package renders with.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from dsar.models import ResponseItem, ThirdPartyChoice
from media_processing.models import RedactedCopy

REQUESTER = "requester"


def treatments(item: ResponseItem) -> dict[int, str]:
    """Track id (negative: manual box) -> "requester" or the decision that applies."""
    decided = {decision.track_id: decision.decision for decision in item.decisions.all()}
    requester = set(item.requester_tracks)
    tracks = item.track_set.tracks if item.track_set is not None else []
    result: dict[int, str] = {}
    for track in tracks:
        track_id = int(track["track_id"])
        result[track_id] = REQUESTER if track_id in requester else decided.get(track_id, ThirdPartyChoice.REDACT)
    for number in range(1, len(item.manual_boxes) + 1):
        result[-number] = decided.get(-number, ThirdPartyChoice.REDACT)
    return result


def decision_counts(items: Iterable[ResponseItem]) -> Counter[str]:
    """How many other people (and number plates) were covered or shown, per decision."""
    counts: Counter[str] = Counter()
    for item in items:
        counts.update(treatment for treatment in treatments(item).values() if treatment != REQUESTER)
    return counts


def _local(moment: datetime) -> str:
    """A moment in the current (the organisation's) time zone, to the second."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def redaction_record(item: ResponseItem, copy: RedactedCopy, *, file_name: str) -> dict[str, Any]:
    """The record of one copy as the requester receives it: detectors with model hashes
    and thresholds, settings, counts and the engine's record, and per third party the
    decision and its reason. Anonymous track numbers only: no staff names, no notes."""
    track_set = item.track_set
    reasons = {decision.track_id: decision.reason for decision in item.decisions.all()}
    treatment = treatments(item)
    tracks = track_set.tracks if track_set is not None else []
    people = [
        {
            "track": track["track_id"],
            "kind": track.get("label", ""),
            "from_s": track.get("first_s"),
            "to_s": track.get("last_s"),
            "treatment": treatment[int(track["track_id"])],
            "reason": reasons.get(int(track["track_id"]), ""),
        }
        for track in tracks
    ]
    boxes = [
        {"box": number, "treatment": treatment[-number], "reason": reasons.get(-number, "")}
        for number in range(1, len(item.manual_boxes) + 1)
    ]
    return {
        "file": file_name,
        "sha256": copy.sha256,
        "camera": item.clip.camera.name,
        "footage_from": _local(item.clip.requested_start),
        "footage_to": _local(item.clip.requested_end),
        "cover": {"mode": copy.mode, "shape": copy.shape},
        "sound": "kept" if copy.keep_audio else "removed",
        "detectors": track_set.detectors if track_set is not None else [],
        "finding": track_set.finding if track_set is not None else {},
        "tracks_found": track_set.track_count if track_set is not None else 0,
        "detections": track_set.detection_count if track_set is not None else 0,
        "people_and_plates": people,
        "boxes_drawn_by_hand": boxes,
        "reviewed_at": _local(item.reviewed_at) if item.reviewed_at else None,
        "engine_record": copy.record,
    }
