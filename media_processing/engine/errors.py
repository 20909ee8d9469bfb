"""The one exception the media engine raises for bad input or a failed tool run."""

from __future__ import annotations

CODES = frozenset(
    {
        "empty",
        "too-large",
        "too-many-pixels",
        "too-long",
        "too-small",
        "unreadable",
        "unsupported",
        "no-video-stream",
        "timeout",
        "out-of-memory",
        "tool-failed",
        "decode-failed",
        "model-invalid",
        "tracks-invalid",
    }
)


class MediaError(Exception):
    """A file could not be processed.

    `message` is written for the person who uploaded the file: what is wrong and what
    to do about it. `code` is a stable slug from `CODES` for programs and tests.
    `detail` carries technical context (for example ffmpeg's last error line) and
    `output` the tail of a tool's error output, for logs only; neither is shown to users
    because they may quote file contents.
    """

    def __init__(self, message: str, code: str, *, detail: str = "", output: str = "") -> None:
        if code not in CODES:
            raise ValueError(f"unknown MediaError code {code!r}")
        super().__init__(message)
        self.message = message
        self.code = code
        self.detail = detail
        self.output = output

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"MediaError(code={self.code!r}, message={self.message!r}, detail={self.detail!r})"
