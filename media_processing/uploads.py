"""Streaming uploads to disk with a size limit checked as the bytes arrive."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Writes every uploaded file to a temporary file in chunks and stops the upload as
    soon as it passes MAX_FILE_BYTES, so an oversized file neither fills the disk nor
    waits for its last byte before being refused. The view sees `request.upload_too_large`."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> Any:
        if start + len(raw_data) > settings.MAX_FILE_BYTES:
            self.file.close()
            request = self.request
            assert request is not None
            request.upload_too_large = True  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=True)
        return super().receive_data_chunk(raw_data, start)
