"""Runs the ingestion steps for one recording and decides what happens to its original."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.jobs import JobCancelled
from media_processing import engine_config
from media_processing.engine.errors import MediaError
from media_processing.ingest.context import IngestContext, IngestError
from media_processing.ingest.steps import STEPS, IngestStep
from media_processing.models import ProcessedAction, Recording, RecordingSource, RecordingStatus

logger = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


class IngestFailed(Exception):
    """The file was refused; `message` says why and the original is in quarantine."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def ingest(recording: Recording, progress: Progress) -> Recording:
    """Run every applicable step for `recording`, whose original waits at its incoming path.

    On success the row is ready and the original is disposed of (deleted, or moved to
    the import folder's processed/ subfolder). On failure the row says why, the
    original is moved to quarantine beside a reason file, and nothing of it remains in
    the media folder; `IngestFailed` is raised.
    """
    camera = recording.camera
    work_dir = engine_config.work_root() / f"ingest-{recording.pk}"
    shutil.rmtree(work_dir, ignore_errors=True)  # leftovers of an attempt that was killed
    work_dir.mkdir(parents=True)
    Recording.objects.filter(pk=recording.pk).update(status=RecordingStatus.PROCESSING, error="", error_code="")
    steps = [step for step in STEPS]
    total = sum(step.weight for step in steps)
    done = 0.0
    current_step: list[IngestStep] = []

    def report(fraction: float) -> None:
        step = current_step[-1]
        progress(100 * (done + step.weight * max(0.0, min(1.0, fraction))) / total, "")

    ctx = IngestContext(
        recording=recording,
        camera=camera,
        original=Path(recording.incoming_path),
        work_dir=work_dir,
        tools=engine_config.tools(),
        limits=engine_config.limits(),
        report=report,
    )
    set_up: list[IngestStep] = []
    try:
        for step in steps:
            if not step.able_to_run(ctx):
                done += step.weight
                continue
            current_step.append(step)
            progress(100 * done / total, str(step.label))
            step.setup(ctx)
            set_up.append(step)
            step.run(ctx)
            done += step.weight
    except (MediaError, IngestError) as exc:
        code = getattr(exc, "code", "invalid")
        _fail(ctx, str(exc), code, detail=getattr(exc, "detail", ""))
        raise IngestFailed(str(exc), code) from exc
    except JobCancelled:
        _fail(ctx, _("Ingestion was cancelled; the file was not stored."), "cancelled")
        raise
    except BaseException as exc:
        logger.exception("Ingestion of recording %s failed", recording.pk)
        message = _(
            "The file could not be ingested because of an internal error. It was kept in quarantine; "
            "an administrator can find the details in the job record."
        )
        _fail(ctx, message, "internal", detail=repr(exc))
        raise
    finally:
        for step in reversed(set_up):
            try:
                step.cleanup(ctx)
            except Exception:
                logger.exception("Clean-up of step %s failed", step.name)
        shutil.rmtree(work_dir, ignore_errors=True)
    _dispose_original(ctx)
    return ctx.recording


def _fail(ctx: IngestContext, message: str, code: str, detail: str = "") -> None:
    if ctx.stored_path is not None and ctx.stored_path.exists():
        ctx.stored_path.unlink()  # stored, but never indexed: it must not linger unreferenced
    recording_fail(ctx.recording, ctx.original, message, code, detail)


def recording_fail(recording: Recording, original: Path, message: str, code: str, detail: str = "") -> None:
    """Quarantine the original beside its reason and mark the row failed, with no file."""
    quarantined = quarantine(recording, original, message, code, detail)
    Recording.objects.filter(pk=recording.pk).update(
        status=RecordingStatus.FAILED,
        error=message,
        error_code=code,
        quarantine_path=str(quarantined or ""),
        incoming_path="",
        file="",
    )


def discard_leftovers(recording: Recording) -> None:
    """Remove what a killed ingestion of `recording` may have left: its scratch folder,
    and a stored file the index step never recorded (stored files start with the pk)."""
    shutil.rmtree(engine_config.work_root() / f"ingest-{recording.pk}", ignore_errors=True)
    camera_folder = engine_config.media_root() / "recordings" / str(recording.camera_id)
    if camera_folder.is_dir():
        for path in camera_folder.rglob(f"{recording.pk}-*"):
            path.unlink(missing_ok=True)


def quarantine(recording: Recording, original: Path, message: str, code: str, detail: str = "") -> Path | None:
    """Move a refused original aside with a reason file next to it, so nothing is lost
    and an administrator can see why."""
    folder = quarantine_folder(recording)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{stamp}-{recording.pk}-{safe_file_name(recording.original_name)}"
    moved: Path | None = None
    if original.exists():
        _move(original, target)
        moved = target
        _remove_empty_parent(original)
    reason = target.with_name(target.name + ".reason.txt")
    reason.write_text(
        "\n".join(
            [
                _("File: %(name)s") % {"name": recording.original_name},
                _("Camera: %(camera)s") % {"camera": recording.camera.name},
                _("Received: %(when)s (%(source)s)")
                % {"when": recording.created_at.isoformat(), "source": recording.get_source_display()},
                _("Refused: %(when)s") % {"when": timezone.now().isoformat()},
                _("Reason: %(message)s") % {"message": message},
                _("Code: %(code)s") % {"code": code},
                *([_("Details: %(detail)s") % {"detail": detail}] if detail else []),
                "",
            ]
        ),
        encoding="utf-8",
    )
    return moved


def quarantine_folder(recording: Recording) -> Path:
    if recording.source == RecordingSource.FOLDER and recording.import_folder:
        return Path(recording.import_folder) / "quarantine"
    return Path(settings.QUARANTINE_DIR) / str(recording.camera_id)


def _dispose_original(ctx: IngestContext) -> None:
    recording = ctx.recording
    original = ctx.original
    if (
        recording.source == RecordingSource.FOLDER
        and recording.import_folder
        and ctx.camera.processed_action == ProcessedAction.MOVE
    ):
        processed = Path(recording.import_folder) / "processed"
        processed.mkdir(exist_ok=True)
        _move(original, processed / safe_file_name(recording.original_name))
    else:
        original.unlink(missing_ok=True)
    _remove_empty_parent(original)
    Recording.objects.filter(pk=recording.pk).update(incoming_path="")


def _move(source: Path, target: Path) -> None:
    if target.exists():
        target = target.with_name(f"{target.stem}-{os.urandom(3).hex()}{target.suffix}")
    shutil.move(source, target)


def _remove_empty_parent(path: Path) -> None:
    parent = path.parent
    if parent.parent == engine_config.incoming_root():
        with contextlib.suppress(OSError):
            parent.rmdir()


def safe_file_name(name: str) -> str:
    """A file name without folders or control characters, never starting with a dash."""
    cleaned = "".join(char if char.isprintable() and char not in "/\\\0" else "_" for char in Path(name).name)
    cleaned = cleaned.lstrip("-. ") or "file"
    return cleaned[:150]
