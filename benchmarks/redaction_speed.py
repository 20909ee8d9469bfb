"""Redaction speed: a plain transcode, deface and our engine on the same clips.

    .venv/bin/python benchmarks/redaction_speed.py [--detect-every N] [--skip-deface]
    .venv/bin/python benchmarks/redaction_speed.py --hour-minutes 1 5

Uses the shared 1080p clip (../shared/testdata/video/video4j-facedetect/media/
pexels-kindel-media-8164110.mp4) and a 720p copy made from it (cached under
var/bench/redaction). deface is installed, the way a user gets it (`pip install
deface`, OpenCV backend), into its own virtual environment under var/bench on first
run. Each tool runs as a child process; its wall time and peak resident memory
(the child's own, from wait4) are printed with fps and the ratios.

`--hour-minutes A B ...` instead builds a one-hour 1080p file by looping the shared clip
(stream copy, cached under var/bench/redaction) and redacts its first A, B, ... minutes,
printing peak RSS for each: memory that does not grow from one length to the next does
not grow with the length of the input.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTDATA = Path(os.environ.get("OBSCURA_TESTDATA", ROOT.parent / "shared" / "testdata"))
CLIP_1080 = TESTDATA / "video" / "video4j-facedetect" / "media" / "pexels-kindel-media-8164110.mp4"
CACHE = ROOT / "var" / "bench" / "redaction"
DEFACE_VENV = ROOT / "var" / "bench" / "deface-venv"


def run(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    began = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    if status != 0:
        error = process.stderr.read().decode(errors="replace")[-2000:] if process.stderr else ""
        raise SystemExit(f"{command[0]} failed:\n{error}")
    return wall, usage.ru_maxrss // 1024


def frame_count(path: Path) -> int:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-count_packets", "-select_streams", "v:0", "-show_entries",
         "stream=nb_read_packets", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(result.stdout.strip())


def clips() -> dict[str, Path]:
    if not CLIP_1080.is_file():
        raise SystemExit(f"The shared 1080p clip is missing: {CLIP_1080}")
    CACHE.mkdir(parents=True, exist_ok=True)
    clip_720 = CACHE / "clip-720p.mp4"
    if not clip_720.exists():
        subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(CLIP_1080), "-vf", "scale=1280:720",
             "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-c:a", "copy", str(clip_720)],
            check=True,
        )  # fmt: skip
    return {"720p": clip_720, "1080p": CLIP_1080}


def hour_clip() -> Path:
    """The shared 1080p clip looped to one hour, without re-encoding."""
    CACHE.mkdir(parents=True, exist_ok=True)
    hour = CACHE / "clip-1080p-hour.mp4"
    if not hour.exists():
        loops = int(3600 / 10.2) + 1
        subprocess.run(
            ["ffmpeg", "-nostdin", "-v", "error", "-y", "-stream_loop", str(loops), "-i", str(CLIP_1080),
             "-t", "3600", "-map", "0:v:0", "-c", "copy", str(hour)],
            check=True,
        )  # fmt: skip
    return hour


def stride_arguments(detect_every: int | None) -> list[str]:
    return ["--detect-every", str(detect_every)] if detect_every else []


def long_runs(minutes: list[float], detect_every: int | None) -> None:
    hour = hour_clip()
    with tempfile.TemporaryDirectory() as scratch:
        for length in minutes:
            out = Path(scratch) / "hour.mp4"
            command = [sys.executable, "-m", "media_processing.engine", "redact", str(hour), str(out)]
            wall, rss = run([*command, "--end", str(length * 60), *stride_arguments(detect_every)])
            print(f"1-hour 1080p input, first {length:g} min: {wall:7.1f} s, peak RSS {rss:5d} MiB", flush=True)


def deface_command() -> list[str]:
    binary = DEFACE_VENV / "bin" / "deface"
    if not binary.exists():
        print("Installing deface into its own environment (once)…", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(DEFACE_VENV)], check=True)
        subprocess.run([str(DEFACE_VENV / "bin" / "pip"), "install", "-q", "deface==1.5.0"], check=True)
    return [str(binary)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--detect-every", type=int, default=None, help="default: the engine's")
    parser.add_argument("--skip-deface", action="store_true")
    parser.add_argument("--hour-minutes", type=float, nargs="+", default=None, metavar="MINUTES")
    args = parser.parse_args()
    if args.hour_minutes:
        long_runs(args.hour_minutes, args.detect_every)
        return
    deface = None if args.skip_deface else deface_command()
    with tempfile.TemporaryDirectory() as scratch:
        for name, clip in clips().items():
            frames = frame_count(clip)
            out = Path(scratch) / f"{name}.mp4"
            results = {
                "transcode": run(
                    [
                        "ffmpeg",
                        "-nostdin",
                        "-v",
                        "error",
                        "-y",
                        "-i",
                        str(clip),
                        "-c:v",
                        "libx264",
                        "-preset",
                        "veryfast",
                        "-crf",
                        "20",
                        "-pix_fmt",
                        "yuv420p",
                        "-an",
                        str(out),
                    ]
                ),
                "ours": run(
                    [
                        sys.executable,
                        "-m",
                        "media_processing.engine",
                        "redact",
                        str(clip),
                        str(out),
                        *stride_arguments(args.detect_every),
                    ]
                ),
            }
            if deface is not None:
                results["deface"] = run([*deface, str(clip), "-o", str(out)])
            for tool, (wall, rss) in results.items():
                print(
                    f"{name:>6} {tool:<10} {frames / wall:7.2f} fps  {wall:7.1f} s  peak RSS {rss:5d} MiB", flush=True
                )
            ours = results["ours"][0]
            line = f"{name:>6} ours/transcode time {ours / results['transcode'][0]:.1f}x"
            if "deface" in results:
                line += f", ours/deface fps {results['deface'][0] / ours:.2f}x"
            print(line, flush=True)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
