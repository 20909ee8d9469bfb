"""Command line for the media engine, without Django: `python -m media_processing.engine`.

    python -m media_processing.engine detect FILE... [--json] [--no-faces] [--no-plates]
        [--people] [--threshold T] [--input-width W] [--every N]

    python -m media_processing.engine redact INPUT OUTPUT [--mode blur|pixelate|fill]
        [--keep-track ID ...] [--start SECONDS] [--end SECONDS] [--audio keep|drop]
        [--detect-every N] [--save-tracks FILE.npz | --tracks FILE.npz]

`detect` prints, per picture, one line `{"file", "width", "height", "boxes": [...]}`
and, per analysed video frame, one line `{"file", "frame", "time", "width", "height",
"boxes": [...]}`; each box is `{"x", "y", "w", "h", "score", "label"}` in pixels of the
picture as displayed (after its EXIF orientation or the video's rotation). A file that
cannot be analysed gives `{"file", "error", "code"}` and the exit status 1; the other
files are still analysed. Without `--json` the same facts are printed as text.
`redact` writes an H.264 MP4 with every face and plate covered, except the kept
tracks, and prints its redaction record as JSON. `--save-tracks` keeps the tracks it
found (boxes and anonymous ids only); `--tracks` renders from such a file instead of
detecting again, e.g. with another `--keep-track`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .detection import Box, Detector, build_detectors, detect_all, load_picture, video_frames
from .detection.centerface import DEFAULT_THRESHOLD
from .errors import MediaError
from .limits import Limits
from .probe import probe
from .redaction.render import Mode, RenderStyle, Shape
from .redaction.video import VideoRedaction, redact_video
from .tools import Tools
from .track_finder import Finding
from .track_store import TrackStore


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit status (0: done, 1: some file failed, 2: usage)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser, commands = _parsers()
    if not arguments or arguments[0] not in commands:
        parser.parse_args(arguments)  # prints the usage or the help and exits
        return 2
    # Intermixed, so options may follow the files ("detect a.jpg b.mp4 --json").
    args = commands[arguments[0]].parse_intermixed_args(arguments[1:])
    status: int = args.run(args)
    return status


def _parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    parser = argparse.ArgumentParser(prog="python -m media_processing.engine", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    detect = commands.add_parser("detect", help="list the faces, plates and people found in pictures and videos")
    detect.add_argument("files", nargs="+", type=Path, metavar="FILE")
    detect.add_argument("--json", action="store_true", help="one JSON object per picture or video frame")
    detect.add_argument("--no-faces", dest="faces", action="store_false", help="do not look for faces")
    detect.add_argument("--no-plates", dest="plates", action="store_false", help="do not look for licence plates")
    detect.add_argument("--people", action="store_true", help="look for whole people too (slow)")
    detect.add_argument(
        "--threshold", type=_fraction, default=DEFAULT_THRESHOLD, metavar="T", help="face score threshold (0..1)"
    )
    detect.add_argument(
        "--input-width", type=_positive, default=None, metavar="W", help="analyse faces at this width (default: full)"
    )
    detect.add_argument("--every", type=_positive, default=1, metavar="N", help="analyse every Nth video frame")
    detect.set_defaults(run=_detect)
    redact = commands.add_parser("redact", help="write a copy of a video with faces and plates covered")
    redact.add_argument("input", type=Path, metavar="INPUT")
    redact.add_argument("output", type=Path, metavar="OUTPUT")
    redact.add_argument("--mode", choices=[mode.value for mode in Mode], default=Mode.BLUR.value)
    redact.add_argument("--shape", choices=[shape.value for shape in Shape], default=Shape.ELLIPSE.value)
    redact.add_argument(
        "--keep-track", type=int, action="append", default=[], metavar="ID", help="leave this track visible"
    )
    redact.add_argument("--start", type=float, default=None, metavar="SECONDS", help="first second of the output")
    redact.add_argument("--end", type=float, default=None, metavar="SECONDS", help="end of the output (exclusive)")
    redact.add_argument("--audio", choices=("keep", "drop"), default="drop", help="voices identify people: drop")
    redact.add_argument(
        "--detect-every",
        type=_positive,
        default=None,
        metavar="N",
        help="analyse the whole frame every Nth frame, objects followed in between "
        "(default: every third of a second; 1: every frame)",
    )
    redact.add_argument("--no-plates", dest="plates", action="store_false", help="do not cover licence plates")
    stored = redact.add_mutually_exclusive_group()
    stored.add_argument("--save-tracks", type=Path, default=None, metavar="FILE", help="keep the tracks found (.npz)")
    stored.add_argument("--tracks", type=Path, default=None, metavar="FILE", help="render these saved tracks")
    redact.set_defaults(run=_redact)
    return parser, {"detect": detect, "redact": redact}


def _redact(args: argparse.Namespace) -> int:
    """Print the redaction record as one JSON object, or `{"error", "code"}` and status 1."""
    try:
        settings = VideoRedaction(
            style=RenderStyle(mode=Mode(args.mode), shape=Shape(args.shape)),
            finding=Finding(detect_every=args.detect_every),
            keep_tracks=frozenset(args.keep_track),
            start_s=args.start,
            end_s=args.end,
            keep_audio=args.audio == "keep",
        )
        store = TrackStore.load(args.tracks) if args.tracks is not None else None
        detectors = build_detectors(plates=args.plates) if store is None else []
        record = redact_video(
            args.input,
            args.output,
            detectors=detectors,
            settings=settings,
            tools=Tools(),
            limits=Limits(),
            store=store,
            save_tracks=args.save_tracks,
        )
    except MediaError as exc:
        print(json.dumps({"file": str(args.input), "error": exc.message, "code": exc.code}))
        return 1
    except ValueError as exc:
        print(json.dumps({"file": str(args.input), "error": str(exc), "code": "invalid-arguments"}))
        return 1
    print(json.dumps(record))
    return 0


def _detect(args: argparse.Namespace) -> int:
    output = _Output(as_json=args.json)
    try:
        detectors = build_detectors(
            faces=args.faces,
            plates=args.plates,
            people=args.people,
            face_threshold=args.threshold,
            face_input_width=args.input_width,
        )
    except MediaError as exc:
        output.error(None, exc.message, exc.code)
        return 1
    status = 0
    tools, limits = Tools(), Limits()
    for path in args.files:
        try:
            for record in _records(path, detectors, tools=tools, limits=limits, every=args.every):
                output.record(record)
        except MediaError as exc:
            output.error(path, exc.message, exc.code)
            status = 1
        except Exception as exc:  # a bug must not hide the other files' results behind a traceback
            output.error(path, f"Unexpected error: {exc!r}", "internal")
            status = 1
    return status


def _records(
    path: Path, detectors: list[Detector], *, tools: Tools, limits: Limits, every: int
) -> Iterator[dict[str, Any]]:
    info = probe(path, tools=tools, limits=limits)
    if info.kind == "image":
        image = load_picture(path, limits=limits)
        height, width = image.shape[:2]
        yield {"file": str(path), "width": width, "height": height, "boxes": _boxes(detect_all(detectors, image))}
        return
    for frame in video_frames(path, tools=tools, limits=limits, every=every, info=info):
        height, width = frame.image.shape[:2]
        yield {
            "file": str(path),
            "frame": frame.index,
            "time": round(frame.time_s, 3),
            "width": width,
            "height": height,
            "boxes": _boxes(detect_all(detectors, frame.image)),
        }


def _boxes(boxes: list[Box]) -> list[dict[str, Any]]:
    return [box.as_dict() for box in boxes]


class _Output:
    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json

    def record(self, record: dict[str, Any]) -> None:
        if self.as_json:
            self._print(json.dumps(record))
            return
        where = f" frame {record['frame']} ({record['time']:.2f} s)" if "frame" in record else ""
        found = ", ".join(
            f"{box['label']} {box['score']:.2f} at {box['x']:.0f},{box['y']:.0f} {box['w']:.0f}x{box['h']:.0f}"
            for box in record["boxes"]
        )
        self._print(f"{record['file']}{where}: {found or 'nothing found'}")

    def error(self, path: Path | None, message: str, code: str) -> None:
        if self.as_json:
            record = {"file": str(path), "error": message, "code": code} if path else {"error": message, "code": code}
            self._print(json.dumps(record))
        else:
            print(f"{path}: {message}" if path else message, file=sys.stderr, flush=True)

    @staticmethod
    def _print(line: str) -> None:
        print(line, flush=True)


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {text}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, not {text}")
    return value
