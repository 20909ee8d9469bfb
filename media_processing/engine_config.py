"""The media engine's tools and limits, from the settings."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from media_processing.engine.detection import Detector, build_detectors
from media_processing.engine.detection.centerface import CenterFace
from media_processing.engine.limits import Limits
from media_processing.engine.tools import Tools


def tools() -> Tools:
    return Tools(
        ffmpeg=settings.FFMPEG_BINARY,
        ffprobe=settings.FFPROBE_BINARY,
        probe_timeout_s=settings.PROBE_TIMEOUT_SECONDS,
        memory_bytes=settings.TOOL_MEMORY_BYTES,
    )


def limits() -> Limits:
    return Limits(
        max_file_bytes=settings.MAX_FILE_BYTES,
        max_pixels=settings.MAX_PIXELS,
        max_duration_s=settings.MAX_DURATION_SECONDS,
        min_side=settings.MIN_PICTURE_SIDE,
    )


def detectors() -> list[Detector]:
    """Faces (the configured CenterFace model, its hash checked) and licence plates."""
    faces = CenterFace(
        model_path=Path(settings.FACE_MODEL_PATH) if settings.FACE_MODEL_PATH else None,
        expected_sha256=settings.FACE_MODEL_SHA256,
        threshold=settings.FACE_THRESHOLD,
    )
    return [faces, *build_detectors(faces=False, plates=True)]


def detector_facts() -> dict[str, str]:
    """What detects people in the footage, as an impact assessment records it."""
    model = Path(settings.FACE_MODEL_PATH).name if settings.FACE_MODEL_PATH else "centerface.onnx"
    return {
        "face_model": model,
        "face_model_sha256": settings.FACE_MODEL_SHA256,
        "face_threshold": f"{settings.FACE_THRESHOLD:g}",
        "plate_detector": "OpenCV Haar cascade (haarcascade_russian_plate_number)",
    }


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def work_root() -> Path:
    """Scratch space on the media file system, so finished files are renamed into place."""
    return media_root() / "tmp"


def incoming_root() -> Path:
    """Originals waiting for their ingestion job (same file system as uploads)."""
    return Path(settings.DATA_DIR) / "incoming"
