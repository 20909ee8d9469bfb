"""Redacting a still picture: detect, cover, and save in the same format with no metadata."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..atomic import atomic_output
from ..detection.base import Box, Detector
from ..detection.registry import detect_all
from ..hashing import sha256_file
from ..limits import Limits
from ..picture_save import output_format, save_picture
from ..probe import probe
from ..strip import read_clean_picture
from ..tools import Tools
from .render import RenderStyle, redact_regions


def redact_image(
    src: Path,
    dst_dir: Path,
    *,
    detectors: Sequence[Detector],
    style: RenderStyle,
    keep: Sequence[Box] = (),
    manual: Sequence[Box] = (),
    tools: Tools,
    limits: Limits,
) -> tuple[Path, dict[str, Any]]:
    """Write `redacted.<ext>` in `dst_dir` (the stored format of the picture: JPEG for a
    HEIC) with every detection covered except those matching a `keep` box (IoU >= 0.5),
    and every `manual` box covered. Returns the path and the redaction record."""
    began = time.monotonic()
    info = probe(src, tools=tools, limits=limits)
    target = output_format(info.format)
    clean, _removed, subsampling = read_clean_picture(src, target, limits)
    rgb = np.asarray(clean.convert("RGB"))
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    boxes = detect_all(detectors, bgr)
    covered = [box for box in boxes if not any(box.iou(kept) >= 0.5 for kept in keep)] + list(manual)
    redact_regions(bgr, covered, style)
    result = Image.fromarray(np.ascontiguousarray(bgr[:, :, ::-1]))
    if clean.mode in ("RGBA", "LA"):
        result.putalpha(clean.getchannel("A"))
    final = dst_dir / f"redacted.{target.ext}"
    with atomic_output(final) as temporary:
        save_picture(result, temporary, target, lossless=target.ext == "png", subsampling=subsampling)
    record = {
        "input_sha256": sha256_file(src),
        "output_sha256": sha256_file(final),
        "detectors": [{"name": d.name, "model_sha256": d.model_sha256} for d in detectors],
        "mode": str(style.mode),
        "shape": str(style.shape),
        "margin": style.margin,
        "detections": len(boxes),
        "covered": len(covered),
        "kept": len(boxes) - (len(covered) - len(manual)),
        "manual_boxes": len(manual),
        "wall_s": round(time.monotonic() - began, 3),
    }
    return final, record
