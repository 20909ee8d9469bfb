"""Detection recall and precision on hand-labelled pictures: our detectors against deface.

    .venv/bin/python benchmarks/face_recall.py ../shared/testdata/faces/dlib/examples/faces
    .venv/bin/python benchmarks/face_recall.py ../shared/testdata/plates/eu --labels plate

Reads every annotation in DIR (dlib imglab XML, PASCAL VOC XML, plate lists
`NAME.txt`; see `media_processing/engine/detection/scoring.py`), runs our detector for
the label (`CenterFace` for faces, `HaarPlates` for plates) and, as the baseline in
the same process, deface's own `deface.centerface.CenterFace` as deface's command line
runs it by default (backend 'auto', full resolution, threshold 0.2, RGB input).
deface detects faces only, so on plates it shows what deface alone would leave
visible. Detections match labelled boxes one-to-one at IoU >= 0.3, greedily by score.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from media_processing.engine.detection import Box, CenterFace, HaarPlates, load_picture
from media_processing.engine.detection.centerface import DEFAULT_THRESHOLD
from media_processing.engine.detection.scoring import DEFAULT_IOU, Annotation, Score, load_annotations, match
from media_processing.engine.limits import Limits

DEFACE_THRESHOLD = 0.2  # deface's `--thresh` default

Run = Callable[[np.ndarray], list[Box]]


def ours(label: str, threshold: float | None, input_width: int | None) -> tuple[str, Run]:
    if label == "plate":
        plates = HaarPlates()
        return f"{plates.name}", plates.detect
    faces = CenterFace(threshold=DEFAULT_THRESHOLD if threshold is None else threshold, input_width=input_width)
    return f"{faces.name} (threshold {faces.threshold}, {', '.join(faces.providers_used)})", faces.detect


def deface() -> tuple[str, Run]:
    from deface.centerface import CenterFace as DefaceCenterFace

    with contextlib.redirect_stdout(io.StringIO()) as said:  # it prints the provider it chose
        network = DefaceCenterFace(in_shape=None, backend="auto")
    where = said.getvalue().strip().removeprefix("Running on ").rstrip(".") or network.backend

    def run(frame: np.ndarray) -> list[Box]:
        detections, _landmarks = network(np.ascontiguousarray(frame[:, :, ::-1]), threshold=DEFACE_THRESHOLD)
        return [Box(x1, y1, x2 - x1, y2 - y1, score, "face") for x1, y1, x2, y2, score in detections.tolist()]

    return f"deface {network.backend} (threshold {DEFACE_THRESHOLD}, {where})", run


def evaluate(run: Run, pictures: list[tuple[Annotation, np.ndarray]], iou: float) -> tuple[Score, float]:
    score, elapsed = Score(), 0.0
    for annotation, image in pictures:
        started = time.perf_counter()
        boxes = run(image)
        elapsed += time.perf_counter() - started
        score += match(annotation, boxes, iou_threshold=iou)
    return score, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, metavar="DIR")
    parser.add_argument("--detector", choices=["centerface", "deface", "both"], default="both")
    parser.add_argument("--labels", choices=["face", "plate"], default="face")
    parser.add_argument("--threshold", type=float, default=None, help="our face threshold (default: CenterFace's)")
    parser.add_argument("--input-width", type=int, default=None, help="our face input width (default: full)")
    parser.add_argument("--iou", type=float, default=DEFAULT_IOU)
    parser.add_argument("--missed", action="store_true", help="list the labelled boxes each detector missed")
    args = parser.parse_args()

    annotations = load_annotations(args.folder, label=args.labels)
    if not annotations:
        sys.exit(f"no {args.labels} annotations in {args.folder}")
    pictures = [(annotation, load_picture(annotation.image, limits=Limits())) for annotation in annotations]
    labelled = sum(len(annotation.boxes) for annotation in annotations)
    print(f"{args.folder}: {len(pictures)} pictures, {labelled} labelled {args.labels}s, match at IoU >= {args.iou}")

    detectors = []
    if args.detector in ("centerface", "both"):
        detectors.append(ours(args.labels, args.threshold, args.input_width))
    if args.detector in ("deface", "both"):
        detectors.append(deface())
    print(f"{'detector':58} {'recall':>7} {'precision':>9} {'found':>6} {'missed':>6} {'false':>6} {'s/pic':>7}")
    for name, run in detectors:
        run(pictures[0][1])  # warm-up: the first run allocates
        score, elapsed = evaluate(run, pictures, args.iou)
        print(
            f"{name:58} {score.recall:7.3f} {score.precision:9.3f} {score.true_positives:6d} "
            f"{score.false_negatives:6d} {score.false_positives:6d} {elapsed / len(pictures):7.3f}"
        )
        if args.missed:
            for image, box in score.missed:
                print(f"    missed {image.name} {box.x:.0f},{box.y:.0f} {box.w:.0f}x{box.h:.0f}")


if __name__ == "__main__":
    main()
