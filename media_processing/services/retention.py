"""Footage under the retention schedule: which recordings a legal hold keeps, and the
sweep's handlers for raw footage (recordings and clips) and redacted copies.

A recording (or clip) is held by an active hold that names it, or that names its camera
over a window overlapping its time range (an open window end means no limit). A
redacted copy is held when the footage it was made from is held.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from compliance.models import LegalHold, RetentionAction, RetentionCategory, RetentionPolicy
from compliance.retention.policies import cutoff, effective_policies
from compliance.retention.registry import Item, Summary, count_items
from media_processing.models import Clip, ClipStatus, Recording, RecordingStatus, RedactedCopy, TrackSet


def _active_holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(released_at__isnull=True)


def _window(start: Any, end: Any) -> Q:
    return (Q(window_start__isnull=True) | Q(window_start__lt=end)) & (
        Q(window_end__isnull=True) | Q(window_end__gt=start)
    )


def holds_for(footage: Recording | Clip) -> QuerySet[LegalHold]:
    """The active holds that keep this recording or clip."""
    if isinstance(footage, Clip):
        start, end = footage.requested_start, footage.requested_end
        named = Q(pk__in=[])
    else:
        start = footage.start or footage.created_at
        end = footage.end or start
        named = Q(recordings=footage.pk)
    by_camera = Q(cameras=footage.camera_id) & _window(start, end)
    return _active_holds().filter(named | by_camera).distinct()


def is_held(footage: Recording | Clip) -> bool:
    return holds_for(footage).exists()


def with_held(recordings: QuerySet[Recording]) -> QuerySet[Recording]:
    """Annotate `held` (bool) and `held_case` (a case reference of a hold that keeps it,
    or None) in the same query, for lists and search results."""
    start = Coalesce(OuterRef("start"), OuterRef("created_at"))
    end = Coalesce(OuterRef("end"), OuterRef("start"), OuterRef("created_at"))
    by_camera = _active_holds().filter(Q(cameras=OuterRef("camera_id")) & _window(start, end))
    named = _active_holds().filter(recordings=OuterRef("pk"))
    case = Coalesce(
        Subquery(named.order_by("pk").values("case_reference")[:1]),
        Subquery(by_camera.order_by("pk").values("case_reference")[:1]),
    )
    return recordings.annotate(held=Exists(by_camera) | Exists(named), held_case=case)


def hold_references(footage: Recording | Clip) -> list[str]:
    return list(holds_for(footage).values_list("case_reference", flat=True))


def _policy_for(category: str, now: datetime) -> Iterator[tuple[Q, datetime, dict[str, object]]]:
    """(camera filter, cutoff, policy snapshot) for each group of cameras with one policy."""
    default, overrides = effective_policies(category)
    limit = cutoff(default, now)
    if limit is not None and default is not None:
        yield ~Q(camera_id__in=list(overrides)), limit, default.snapshot()
    for camera_id, policy in overrides.items():
        limit = cutoff(policy, now)
        if limit is not None:
            yield Q(camera_id=camera_id), limit, policy.snapshot()


def _policy_of(category: str, camera_id: int | None) -> RetentionPolicy | None:
    default, overrides = effective_policies(category)
    return overrides.get(camera_id, default) if camera_id is not None else default


def stored_files(*rows: Any) -> list[dict[str, str]]:
    """Each stored file of `rows` with the SHA-256 recorded for it."""
    return [{"path": row.file.name, "sha256": row.sha256} for row in rows if row.file]


def summarise_recordings(recordings: QuerySet[Recording], *, category: str, action: str) -> Iterator[Summary]:
    """Count and size per camera and held state in two queries, whatever their number."""
    annotated: QuerySet[Any] = with_held(recordings)
    references: dict[str, set[str]] = defaultdict(set)
    for name, case in annotated.filter(held=True).values_list("camera__name", "held_case").distinct():
        references[name].add(case)
    counted = annotated.values("camera__name", "held").annotate(count=Count("pk"), size=Sum("size")).order_by()
    for row in counted:
        name = row["camera__name"]
        yield Summary(
            category,
            name,
            action,
            row["held"],
            row["count"],
            row["size"] or 0,
            references[name] if row["held"] else set(),
        )


def footage_item(
    footage: Recording | Clip,
    *,
    category: str,
    policy: dict[str, object],
    held_by: list[str] | None = None,
    action: str = RetentionAction.DELETE,
    label: str = "",
) -> Item:
    """A recording or clip as a retention item: its time range, camera, size and files."""
    start: datetime | None
    end: datetime | None
    if isinstance(footage, Clip):
        model, start, end = "media_processing.clip", footage.requested_start, footage.requested_end
        name = _("Clip %(pk)s") % {"pk": footage.pk}
    else:
        model, start, end = "media_processing.recording", footage.start, footage.end
        name = footage.original_name or _("Recording %(pk)s") % {"pk": footage.pk}
    return Item(
        category=category,
        model=model,
        pk=footage.pk,
        label=label or name,
        camera_id=footage.camera_id,
        camera_name=footage.camera.name,
        start=start,
        end=end,
        size=footage.size or 0,
        files=stored_files(footage),
        policy=policy,
        held_by=held_by or [],
        action=action,
    )


class RawFootage:
    """Recordings by their end time, clips by the end of the time they cover."""

    category: str = RetentionCategory.RAW_FOOTAGE

    def expired(self, now: datetime) -> Iterator[Item]:
        for cameras, limit, snapshot in _policy_for(self.category, now):
            recordings = with_held(
                Recording.objects.filter(cameras, status=RecordingStatus.READY, end__lt=limit).select_related("camera")
            )
            for recording in recordings.order_by("pk").iterator():
                yield self._item(recording, snapshot, held=recording.held)  # type: ignore[attr-defined]
            yield from self._clips(cameras, limit, snapshot)

    def _clips(self, cameras: Q, limit: datetime, snapshot: dict[str, object]) -> Iterator[Item]:
        clips = Clip.objects.filter(cameras, requested_end__lt=limit).exclude(status=ClipStatus.PENDING)
        for clip in clips.select_related("camera").order_by("pk").iterator():
            yield self._item(clip, snapshot, held=is_held(clip))

    def summarise(self, now: datetime) -> Iterator[Summary]:
        for cameras, limit, snapshot in _policy_for(self.category, now):
            ready = Recording.objects.filter(cameras, status=RecordingStatus.READY, end__lt=limit)
            yield from summarise_recordings(ready, category=self.category, action=RetentionAction.DELETE)
            yield from count_items(self._clips(cameras, limit, snapshot))

    def _item(self, footage: Recording | Clip, snapshot: dict[str, object], *, held: bool) -> Item:
        return footage_item(
            footage, category=self.category, policy=snapshot, held_by=hold_references(footage) if held else []
        )

    def delete(self, item: Item, now: datetime) -> Item | None:
        deleted = self.delete_many([item], now)
        return deleted[0] if deleted else None

    def delete_many(self, items: list[Item], now: datetime) -> list[Item]:
        """Lock the chunk's rows, keep those held or no longer expired, delete the rest
        with a handful of queries for the whole chunk."""
        default, overrides = effective_policies(self.category)
        deleted: list[Item] = []
        for model in (Recording, Clip):
            wanted = {item.pk: item for item in items if item.model == f"media_processing.{model._meta.model_name}"}
            if not wanted:
                continue
            rows: QuerySet[Any] = model.objects.select_for_update().filter(pk__in=list(wanted))
            expired = []
            for footage in with_held(rows) if model is Recording else rows:
                limit = cutoff(overrides.get(footage.camera_id, default), now)
                end = footage.requested_end if isinstance(footage, Clip) else footage.end
                if limit is None or end is None or end >= limit:
                    continue
                if footage.held if isinstance(footage, Recording) else is_held(footage):  # type: ignore[attr-defined]
                    continue  # checked again under the lock: a hold placed since the listing wins
                expired.append(footage)
            deleted.extend(_delete_rows(model, expired, wanted))
        return deleted


def delete_footage(footage: Recording | Clip, item: Item) -> Item:
    """Delete one recording or clip with its derived copies and detection stores.
    Refuses held footage. The caller removes the returned files after commit."""
    if is_held(footage):
        raise HeldError(hold_references(footage))
    return _delete_rows(type(footage), [footage], {footage.pk: item})[0]


def delete_derived(model: type[Recording] | type[Clip], pks: list[int]) -> dict[int, list[Any]]:
    """Delete the redacted copies and detection stores made from these recordings or
    clips (copies first: they name their store); return them by the footage they came from."""
    field = "recording_id" if model is Recording else "clip_id"
    copies = list(RedactedCopy.objects.filter(**{f"{field}__in": pks}))
    stores = list(TrackSet.objects.filter(**{f"{field}__in": pks}))
    derived: dict[int, list[Any]] = {pk: [] for pk in pks}
    for row in (*copies, *stores):
        derived[getattr(row, field)].append(row)
    RedactedCopy.objects.filter(pk__in=[row.pk for row in copies]).delete()
    TrackSet.objects.filter(pk__in=[row.pk for row in stores]).delete()
    return derived


def _delete_rows(model: type[Recording] | type[Clip], footage: list[Any], items: dict[int, Item]) -> list[Item]:
    """The one way footage rows are deleted: derived copies and detection stores first,
    then the rows, a query per kind for the whole list. Callers have checked holds."""
    if not footage:
        return []
    pks = [row.pk for row in footage]
    derived = delete_derived(model, pks)
    model.objects.filter(pk__in=pks).delete()
    done = []
    for row in footage:
        item = items[row.pk]
        item.files = stored_files(row, *derived[row.pk])
        item.size = sum(part.size or 0 for part in (row, *derived[row.pk]))
        done.append(item)
    return done


class HeldError(Exception):
    def __init__(self, references: list[str]) -> None:
        self.references = references
        super().__init__(_("Kept by a legal hold: %(refs)s") % {"refs": ", ".join(references)})


class RedactedOutputs:
    """Redacted copies by the time they were made, under the policy of their footage's camera."""

    category: str = RetentionCategory.REDACTED_OUTPUTS

    def expired(self, now: datetime) -> Iterator[Item]:
        for cameras, limit, snapshot in _policy_for(self.category, now):
            camera_q = Q(recording__isnull=False, recording__in=Recording.objects.filter(cameras)) | Q(
                clip__isnull=False, clip__in=Clip.objects.filter(cameras)
            )
            copies = RedactedCopy.objects.filter(camera_q, created_at__lt=limit)
            for copy in copies.select_related("recording__camera", "clip__camera").order_by("pk").iterator():
                footage = copy.subject
                yield Item(
                    category=self.category,
                    model="media_processing.redactedcopy",
                    pk=copy.pk,
                    label=_("Redacted copy %(pk)s") % {"pk": copy.pk},
                    camera_id=footage.camera_id,
                    camera_name=footage.camera.name,
                    start=copy.created_at,
                    end=copy.created_at,
                    size=copy.size,
                    files=stored_files(copy),
                    policy=snapshot,
                    held_by=hold_references(footage),
                )

    def delete(self, item: Item, now: datetime) -> Item | None:
        copy = RedactedCopy.objects.select_for_update().filter(pk=item.pk).first()
        if copy is None:
            return None
        footage = copy.subject
        limit = cutoff(_policy_of(self.category, footage.camera_id), now)
        if limit is None or copy.created_at >= limit or is_held(footage):
            return None
        item.files = stored_files(copy)
        copy.delete()
        return item
