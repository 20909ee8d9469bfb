""" "Anonymise, then keep": expired footage under such a policy loses its original.

Each item is rendered with every face and plate the detectors find covered, before
any transaction; the copy is moved next to the original under a name a committed
`PendingFileDeletion` already covers. Then, in the sweep's transaction, the row is
locked and checked again (still expired, not held, not yet anonymised), switched to
the copy, its derived copies and detection stores deleted, and the original recorded
for removal. A crash before that commit leaves the original in place and the copy
to be removed by the next sweep; after it, only the original waits for removal.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q, QuerySet
from django.utils import timezone

from compliance.models import PendingFileDeletion, RetentionAction, RetentionCategory, RetentionPolicy
from compliance.retention.policies import effective_policies
from compliance.retention.registry import Item, Summary, count_items
from media_processing import engine_config
from media_processing.engine.hashing import sha256_file
from media_processing.engine.probe import probe
from media_processing.engine.redaction import RenderStyle
from media_processing.models import Clip, ClipStatus, Recording, RecordingKind, RecordingStatus
from media_processing.services.redaction_media import Rendering, output_suffix, render
from media_processing.services.retention import (
    delete_derived,
    footage_item,
    hold_references,
    is_held,
    stored_files,
    summarise_recordings,
    with_held,
)

logger = logging.getLogger(__name__)

WORK_FOLDER = "retention-work"


def anonymise_cutoff(policy: RetentionPolicy | None, now: datetime) -> datetime | None:
    """Footage that ended before this moment is due for anonymising; None: not this policy."""
    if policy is None or policy.action != RetentionAction.ANONYMISE:
        return None
    return now - policy.duration


def _groups(now: datetime) -> Iterator[tuple[Q, datetime, dict[str, object]]]:
    default, overrides = effective_policies(RetentionCategory.RAW_FOOTAGE)
    limit = anonymise_cutoff(default, now)
    if limit is not None and default is not None:
        yield ~Q(camera_id__in=list(overrides)), limit, default.snapshot()
    for camera_id, policy in overrides.items():
        limit = anonymise_cutoff(policy, now)
        if limit is not None:
            yield Q(camera_id=camera_id), limit, policy.snapshot()


def _recordings(cameras: Q, limit: datetime) -> QuerySet[Recording]:
    return Recording.objects.filter(cameras, status=RecordingStatus.READY, end__lt=limit, redaction__isnull=True)


def _end(footage: Recording | Clip) -> datetime | None:
    return footage.requested_end if isinstance(footage, Clip) else footage.end


def _model(item: Item) -> type[Recording] | type[Clip]:
    return Clip if item.model == "media_processing.clip" else Recording


def _verify(rendered: Path, *, picture: bool) -> None:
    """The copy must open as the kind of media it replaces before the original goes."""
    info = probe(rendered, tools=engine_config.tools(), limits=engine_config.limits())
    if info.kind != ("image" if picture else "video"):
        raise ValueError(f"{rendered.name} reads as {info.kind}")


class AnonymisedFootage:
    """Raw footage under an "anonymise, then keep" policy."""

    category: str = RetentionCategory.RAW_FOOTAGE
    chunk_size = 1  # minutes of rendering must not sit inside a transaction with others

    def __init__(self) -> None:
        self._prepared: dict[tuple[str, int], tuple[str, dict[str, Any]]] = {}

    def expired(self, now: datetime) -> Iterator[Item]:
        for cameras, limit, snapshot in _groups(now):
            recordings = with_held(_recordings(cameras, limit)).select_related("camera")
            for recording in recordings.order_by("pk").iterator():
                yield self._item(recording, snapshot, held=recording.held)  # type: ignore[attr-defined]
            yield from self._clips(cameras, limit, snapshot)

    def _clips(self, cameras: Q, limit: datetime, snapshot: dict[str, object]) -> Iterator[Item]:
        clips = Clip.objects.filter(cameras, status=ClipStatus.READY, requested_end__lt=limit, redaction__isnull=True)
        for clip in clips.select_related("camera").order_by("pk").iterator():
            yield self._item(clip, snapshot, held=is_held(clip))

    def summarise(self, now: datetime) -> Iterator[Summary]:
        for cameras, limit, snapshot in _groups(now):
            recordings = _recordings(cameras, limit)
            yield from summarise_recordings(recordings, category=self.category, action=RetentionAction.ANONYMISE)
            yield from count_items(self._clips(cameras, limit, snapshot))

    def _item(self, footage: Recording | Clip, snapshot: dict[str, object], *, held: bool) -> Item:
        held_by = hold_references(footage) if held else []
        return footage_item(
            footage, category=self.category, policy=snapshot, held_by=held_by, action=RetentionAction.ANONYMISE
        )

    def clean_up(self) -> None:
        """Remove renders a stopped sweep left in the work folder."""
        shutil.rmtree(Path(settings.MEDIA_ROOT) / WORK_FOLDER, ignore_errors=True)

    def prepare(self, item: Item) -> bool:
        """Render the anonymised copy and put it beside the original; False when the
        footage cannot be read (it stays as it is, and the next sweep tries again)."""
        footage = _model(item).objects.filter(pk=item.pk).select_related("camera").first()
        if footage is None or not footage.file:
            return False
        source = Path(default_storage.path(str(footage.file.name)))
        picture = isinstance(footage, Recording) and footage.kind == RecordingKind.IMAGE
        work = Path(settings.MEDIA_ROOT) / WORK_FOLDER
        work.mkdir(parents=True, exist_ok=True)
        try:
            suffix = output_suffix(source, picture=picture)
            rendered = work / f"{item.model}-{item.pk}{suffix}"
            style = RenderStyle()
            record = render(
                source,
                rendered,
                picture=picture,
                rendering=Rendering(
                    mode=style.mode.value, shape=style.shape.value, keep_audio=footage.camera.records_audio
                ),
                store=None,
                save_tracks=work / f"{item.model}-{item.pk}.npz",
                progress=lambda _fraction: None,
            )
            _verify(rendered, picture=picture)
        except Exception:  # a file the engine cannot read must not stop the sweep
            logger.exception(
                "Could not anonymise %s #%s; it is kept as it is until the next sweep", item.model, item.pk
            )
            return False
        stem = Path(str(footage.file.name))
        name = default_storage.get_available_name(str(stem.with_name(f"{stem.stem}-anonymised{suffix}")))
        PendingFileDeletion.objects.create(path=name)  # committed: a crash from here on loses no track of it
        os.replace(rendered, default_storage.path(name))
        (work / f"{item.model}-{item.pk}.npz").unlink(missing_ok=True)  # the tracks of footage about to go
        record["source"] = "retention"
        record["anonymised_at"] = timezone.now().isoformat()
        self._prepared[(item.model, item.pk)] = (name, record)
        return True

    def delete(self, item: Item, now: datetime) -> Item | None:
        prepared = self._prepared.pop((item.model, item.pk), None)
        if prepared is None:
            return None
        name, record = prepared
        model = _model(item)
        footage = model.objects.select_for_update().filter(pk=item.pk).select_related("camera").first()
        if footage is None or footage.redaction is not None or is_held(footage):
            return None
        default, overrides = effective_policies(self.category)
        limit = anonymise_cutoff(overrides.get(footage.camera_id, default), now)
        end = _end(footage)
        if limit is None or end is None or end >= limit:
            return None
        derived = delete_derived(model, [footage.pk])[footage.pk]
        item.files = stored_files(footage, *derived)
        item.size = sum(row.size or 0 for row in (footage, *derived))
        stored = Path(default_storage.path(name))
        footage.file.name = name
        footage.sha256 = sha256_file(stored)
        footage.size = stored.stat().st_size
        footage.redaction = record
        footage.save(update_fields=["file", "sha256", "size", "redaction"])
        PendingFileDeletion.objects.filter(path=name).delete()
        return item
