"""The review of each clip of a footage answer (Art. 15(4)): which tracks are the
requester's (left visible), boxes drawn by hand over anyone the detector missed, and for
every other person a decision with its reason.

Every change locks the ticket, is refused once the answer has left review, names the
reviewer on the clip, writes a timeline entry (track numbers and counts only, never who
anyone is) and withdraws a submission made before it: what the approver approves must be
what they saw. The boxes are checked in `answer.boxes`; previews and the frames of the
missed-face check are in `answer.preview`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dsar.answer.boxes import clean_boxes, frame_total
from dsar.models import (
    DataSubjectRequest,
    ResponseItem,
    ResponseReview,
    Status,
    ThirdPartyChoice,
    ThirdPartyDecision,
    TimelineKind,
)
from dsar.services.common import DsarError, is_user, lock, record_step, require_status, show_moment
from media_processing.engine.errors import MediaError
from media_processing.engine.hashing import sha256_file
from media_processing.engine.track_store import TrackStore
from media_processing.forms import TRACK_LABELS
from media_processing.models import ClipStatus, TrackSet
from media_processing.services.redaction_media import Rendering, manual_from_json

# A review can change while the footage is searched and while it is in review.
EDITABLE = (Status.SEARCHING, Status.IN_REVIEW)
DEFAULT_DECISION = ThirdPartyChoice.REDACT
DEFAULT_REASON = gettext_lazy(
    "Not the requester: covered so that the copy does not show who this person is, since they did not consent."
)


@dataclass(frozen=True)
class ThirdParty:
    """Another person in a clip: a track that is not the requester's, or a box drawn by
    hand (`key` -n for box n). `decided` is False while the default is only proposed."""

    key: int
    name: str
    decision: str
    reason: str
    decided: bool

    @property
    def field(self) -> str:
        return third_party_field(self.key)


# Reads ---------------------------------------------------------------------------------


def third_party_field(key: int) -> str:
    """The form field suffix of a third party: "t3" for track 3, "b1" for box 1."""
    return f"t{key}" if key > 0 else f"b{-key}"


def third_party_key(field: str) -> int | None:
    kind, number = field[:1], field[1:]
    if kind not in ("t", "b") or not number.isdigit() or int(number) == 0:
        return None
    return int(number) if kind == "t" else -int(number)


def item_label(item: ResponseItem) -> str:
    clip = item.clip
    return _("the clip of %(camera)s from %(start)s") % {
        "camera": clip.camera.name,
        "start": show_moment(clip.requested_start),
    }


def item_track_set(item: ResponseItem) -> TrackSet:
    """The clip's detection store, refused if there is none or it belongs to other footage."""
    track_set = item.track_set
    if track_set is None or track_set.clip_id != item.clip_id:
        raise DsarError(_("Find the faces and plates in this clip first; then review it."))
    return track_set


def item_store(item: ResponseItem) -> TrackStore:
    """The stored tracks of the clip, refused if the file is not the one recorded."""
    track_set = item_track_set(item)
    path = Path(track_set.file.path)
    if not path.is_file() or sha256_file(path) != track_set.sha256:
        raise DsarError(
            _("The saved detections of this clip are missing or were changed. Find the faces and plates again.")
        )
    try:
        return TrackStore.load(path)
    except MediaError as exc:
        raise DsarError(str(exc)) from exc


def track_boxes(item: ResponseItem) -> dict[str, Any]:
    """Every box of every track, frame by frame, for the player's overlay: rows of
    [frame, track, x, y, w, h] with frames counted from the start of the clip."""
    track_set = item_track_set(item)
    store = item_store(item)
    rows = np.column_stack(
        [store.frames.astype(np.float64) + store.start_frame, store.track_ids, np.round(store.boxes, 1)]
    )
    return {
        "fps": store.fps,
        "width": store.width,
        "height": store.height,
        "frames": frame_total(track_set),
        "tracks": [
            {
                "id": track["track_id"],
                "label": track["label"],
                "first": track["first_frame"],
                "last": track["last_frame"],
            }
            for track in track_set.tracks
        ],
        "requester": list(item.requester_tracks),
        "boxes": [[int(row[0]), int(row[1]), *(float(value) for value in row[2:])] for row in rows],
    }


def track_name(track: Mapping[str, Any]) -> str:
    label = TRACK_LABELS.get(track["label"], track["label"])
    return _("Track %(number)s (%(label)s)") % {"number": track["track_id"], "label": str(label).lower()}


def box_name(number: int) -> str:
    return _("Box %(number)s drawn by hand") % {"number": number}


def third_parties(item: ResponseItem) -> list[ThirdParty]:
    """Each other person in the clip with the saved decision, or the proposed default."""
    saved = {decision.track_id: decision for decision in item.decisions.all()}
    requester = set(item.requester_tracks)
    names: list[tuple[int, str]] = []
    if item.track_set is not None:
        names += [(t["track_id"], track_name(t)) for t in item.track_set.tracks if t["track_id"] not in requester]
    names += [(-number, box_name(number)) for number in range(1, len(item.manual_boxes) + 1)]
    parties = []
    for key, name in names:
        decision = saved.get(key)
        if decision is None:
            parties.append(ThirdParty(key, name, DEFAULT_DECISION, str(DEFAULT_REASON), decided=False))
        else:
            parties.append(ThirdParty(key, name, decision.decision, decision.reason, decided=True))
    return parties


def item_problems(item: ResponseItem) -> list[str]:
    """What still stops this clip from going to approval, in words a reviewer can act on."""
    if item.clip.status != ClipStatus.READY:
        return [_("The clip is not cut yet.")]
    if item.track_set is None or item.track_set.clip_id != item.clip_id:
        return [_("The faces and plates of this clip have not been found yet.")]
    undecided = [party.name for party in third_parties(item) if not party.decided]
    if undecided:
        return [_("No decision saved yet for: %(who)s.") % {"who": ", ".join(undecided)}]
    return []


def item_rendering(
    item: ResponseItem, *, start_s: float | None = None, end_s: float | None = None, mode: str, shape: str
) -> Rendering:
    """The redaction the review asks for: the requester's tracks and the third parties
    decided "shown" stay visible; every other track and every box drawn by hand whose
    decision is not "shown" is covered."""
    shown = {decision.track_id for decision in item.decisions.all() if decision.decision != ThirdPartyChoice.REDACT}
    keep = set(item.requester_tracks) | {key for key in shown if key > 0}
    covered = [box for number, box in enumerate(item.manual_boxes, start=1) if -number not in shown]
    return Rendering(
        mode=mode, shape=shape, keep_tracks=frozenset(keep), keep_audio=item.keep_audio, start_s=start_s,
        end_s=end_s, manual=manual_from_json(covered),
    )  # fmt: skip


# Changes -------------------------------------------------------------------------------


def review_mark_requester(
    *, actor: Any, item: ResponseItem, tracks: Iterable[int], ip: str | None = None
) -> ResponseItem:
    """Set which tracks of the clip are the requester's; any decision saved on them goes,
    since they are no longer third parties."""
    chosen = sorted(set(tracks))
    with transaction.atomic():
        ticket, item = _begin(item)
        track_set = item_track_set(item)
        unknown = sorted(set(chosen) - {track["track_id"] for track in track_set.tracks})
        if unknown:
            raise DsarError(
                _("Track %(tracks)s is not among the tracks of this clip. Reload the page and choose again.")
                % {"tracks": ", ".join(map(str, unknown))}
            )
        if chosen == sorted(item.requester_tracks):
            return item
        item.requester_tracks = chosen
        ThirdPartyDecision.objects.filter(item=item, track_id__in=chosen).delete()
        listed = ", ".join(map(str, chosen)) or _("none")
        _changed(ticket, item, actor=actor, ip=ip, verb="answer_requester",
                 change=_("the requester's tracks are now: %(tracks)s") % {"tracks": listed})  # fmt: skip
    return item


def review_save_boxes(*, actor: Any, item: ResponseItem, boxes: Any, ip: str | None = None) -> ResponseItem:
    """Replace the boxes drawn by hand. Each box may say which box it `was` (its number
    before), so the decision on it follows it when boxes before it are deleted."""
    with transaction.atomic():
        ticket, item = _begin(item)
        cleaned = clean_boxes(boxes, item_track_set(item))
        kept = [box for box, _was in cleaned]
        if kept == item.manual_boxes:
            return item
        _carry_box_decisions(item, [was for _box, was in cleaned], old_count=len(item.manual_boxes))
        item.manual_boxes = kept
        count = len(kept)
        change = ngettext("%(count)d box drawn by hand", "%(count)d boxes drawn by hand", count) % {"count": count}
        _changed(ticket, item, actor=actor, ip=ip, verb="answer_boxes", change=change)
    return item


def review_save_decisions(
    *,
    actor: Any,
    item: ResponseItem,
    decisions: Mapping[int, tuple[str, str]],
    keep_audio: bool,
    ip: str | None = None,
) -> ResponseItem:
    """Record the decision and its reason for every third party of the clip (all at
    once: none may be left out), and whether its sound is kept."""
    with transaction.atomic():
        ticket, item = _begin(item)
        parties = {party.key: party for party in third_parties(item)}
        if set(decisions) - set(parties):
            raise DsarError(_("The clip has changed since the page was opened. Reload the page and decide again."))
        cleaned = {key: _clean_decision(party, decisions.get(key)) for key, party in parties.items()}
        saved = {decision.track_id: (decision.decision, decision.reason) for decision in item.decisions.all()}
        if cleaned == saved and keep_audio == item.keep_audio:
            return item
        for key, (choice, reason) in cleaned.items():
            if saved.get(key) != (choice, reason):
                ThirdPartyDecision.objects.update_or_create(
                    item=item, track_id=key, defaults={"decision": choice, "reason": reason, "decided_by": _user(actor)}
                )
        ThirdPartyDecision.objects.filter(item=item).exclude(track_id__in=list(cleaned)).delete()
        item.keep_audio = keep_audio
        shown = sum(1 for choice, _reason in cleaned.values() if choice != ThirdPartyChoice.REDACT)
        change = ngettext(
            "decision saved for %(count)d other person (%(shown)d shown)",
            "decisions saved for %(count)d other people (%(shown)d shown)",
            len(cleaned),
        ) % {"count": len(cleaned), "shown": shown}
        change += "; " + (_("sound kept") if keep_audio else _("sound removed"))
        _changed(ticket, item, actor=actor, ip=ip, verb="answer_decisions", change=change)
    return item


def _begin(item: ResponseItem) -> tuple[DataSubjectRequest, ResponseItem]:
    """The locked ticket and clip, refused once the answer has left review."""
    ticket = lock(item.request)
    require_status(ticket, EDITABLE, doing=_("changed"))
    fresh = (
        ResponseItem.objects.select_for_update(of=("self",)).select_related("clip__camera", "track_set").get(pk=item.pk)
    )
    if not fresh.included:
        raise DsarError(_("This clip was left out of the answer; put it back in before reviewing it."))
    return ticket, fresh


def _changed(
    ticket: DataSubjectRequest, item: ResponseItem, *, actor: Any, ip: str | None, verb: str, change: str
) -> None:
    item.reviewed_by = _user(actor)
    item.reviewed_at = timezone.now()
    item.save()
    message = _("Review of %(clip)s: %(change)s.") % {"clip": item_label(item), "change": change}
    record_step(ticket, actor=actor, verb=verb, kind=TimelineKind.ANSWER, message=message, ip=ip)
    withdraw_submission(ticket, actor=actor, ip=ip)


def withdraw_submission(ticket: DataSubjectRequest, *, actor: Any, ip: str | None) -> bool:
    """A change after the review was submitted withdraws the submission (on the locked
    ticket); it must be submitted again, and approved by someone else, to count."""
    deleted, _rows = ResponseReview.objects.filter(request=ticket, approved_at__isnull=True).delete()
    if deleted:
        message = _("Submission for approval withdrawn: the review changed after it was submitted.")
        record_step(ticket, actor=actor, verb="answer_withdraw", kind=TimelineKind.ANSWER, message=message, ip=ip)
    return bool(deleted)


def _user(actor: Any) -> Any:
    return actor if is_user(actor) else None


def _clean_decision(party: ThirdParty, given: tuple[str, str] | None) -> tuple[str, str]:
    if given is None or given[0] not in ThirdPartyChoice.values:
        raise DsarError(_("Choose a decision for %(who)s.") % {"who": party.name})
    reason = given[1].strip()
    if not reason:
        raise DsarError(
            _("Give the reason for the decision on %(who)s; it is kept for the answer.") % {"who": party.name}
        )
    return given[0], reason


def _carry_box_decisions(item: ResponseItem, was: list[int | None], *, old_count: int) -> None:
    """Renumber the decisions on boxes drawn by hand after boxes were added or deleted."""
    old = {decision.track_id: decision for decision in item.decisions.filter(track_id__lt=0)}
    moved = []
    for number, before in enumerate(was, start=1):
        decision = old.get(-before) if before is not None and 1 <= before <= old_count else None
        if decision is not None:
            moved.append(
                ThirdPartyDecision(
                    item=item, track_id=-number, decision=decision.decision, reason=decision.reason,
                    decided_by=decision.decided_by,
                )
            )  # fmt: skip
    item.decisions.filter(track_id__lt=0).delete()
    ThirdPartyDecision.objects.bulk_create(moved)


def requester_choice(values: Sequence[str]) -> list[int]:
    """Track numbers from a form; anything that is not a number is refused."""
    if any(not value.isdigit() for value in values):
        raise DsarError(_("The tracks chosen are not valid. Reload the page and choose again."))
    return [int(value) for value in values]
