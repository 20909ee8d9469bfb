"""Serving stored files with HTTP range requests, so a player can seek in a video of
several gigabytes and a download can resume, without ever reading a file into memory."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

CHUNK_BYTES = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class Unsatisfiable(Exception):
    pass


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The first and last byte (inclusive) a single-range `Range` header asks for.

    None means "send the whole file": no header, a malformed one, or several ranges,
    which RFC 9110 lets a server answer with the full content. Raises `Unsatisfiable`
    for a range that lies outside the file.
    """
    match = _RANGE.match(header.strip().replace(" ", ""))
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # a suffix: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise Unsatisfiable
        return max(0, size - length), size - 1
    start = int(first)
    if last and int(last) < start:
        return None  # not a valid range at all, which RFC 9110 says to ignore
    if start >= size:
        raise Unsatisfiable
    return start, min(int(last), size - 1) if last else size - 1


def _chunks(handle: BinaryIO, length: int) -> Iterator[bytes]:
    with handle:
        while length > 0:
            chunk = handle.read(min(CHUNK_BYTES, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def ranged_file_response(
    request: HttpRequest,
    path: Path,
    content_type: str,
    *,
    filename: str | None = None,
    as_attachment: bool = False,
) -> HttpResponseBase:
    """200 with the whole file, 206 with the asked range, or 416 when it lies outside."""
    size = path.stat().st_size
    try:
        byte_range = parse_range(request.headers.get("Range", ""), size)
    except Unsatisfiable:
        refusal = HttpResponse(status=416)
        refusal["Content-Range"] = f"bytes */{size}"
        refusal["Accept-Ranges"] = "bytes"
        return refusal
    start, end = byte_range if byte_range else (0, size - 1)
    length = end - start + 1 if size else 0
    handle = path.open("rb")
    handle.seek(start)
    response = StreamingHttpResponse(
        _chunks(handle, length), content_type=content_type, status=206 if byte_range else 200
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if byte_range:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    disposition = content_disposition_header(as_attachment, filename or path.name)
    if disposition and (filename or as_attachment):
        response["Content-Disposition"] = disposition
    # Raw footage and evidence must not stay in a shared or browser cache.
    response["Cache-Control"] = "private, no-store"
    return response
