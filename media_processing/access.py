"""Who may see or change footage: the only place the footage views decide it.

The role is checked before the object is looked up, so a person without the right
gets the same 403 whether or not the camera, recording or clip exists.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from media_processing.models import Camera, Clip, Recording, RedactedCopy, TrackSet

VIEW = "media_processing.view_footage"
MANAGE = "media_processing.manage_footage"
REDACT = "media_processing.redact_footage"


def access_footage(user: Any, *, manage: bool = False) -> None:
    if not user.has_perm(MANAGE if manage else VIEW):
        raise PermissionDenied


def access_camera(user: Any, pk: int, *, manage: bool = False) -> Camera:
    access_footage(user, manage=manage)
    try:
        return Camera.objects.select_related("site").get(pk=pk)
    except Camera.DoesNotExist:
        raise Http404 from None


def access_redaction(user: Any) -> None:
    """Finding faces and plates, their tracks and thumbnails, making and downloading
    redacted copies: each reads raw footage or hands out what it shows."""
    if not (user.has_perm(VIEW) and user.has_perm(REDACT)):
        raise PermissionDenied


def can_redact(user: Any) -> bool:
    return bool(user.has_perm(VIEW) and user.has_perm(REDACT))


def access_recording(user: Any, pk: int, *, redact: bool = False) -> Recording:
    if redact:
        access_redaction(user)
    else:
        access_footage(user)
    try:
        return Recording.objects.select_related("camera", "camera__site", "ingested_by").get(pk=pk)
    except Recording.DoesNotExist:
        raise Http404 from None


def access_clip(user: Any, pk: int, *, redact: bool = False) -> Clip:
    if redact:
        access_redaction(user)
    else:
        access_footage(user)
    try:
        return Clip.objects.select_related("camera", "created_by").get(pk=pk)
    except Clip.DoesNotExist:
        raise Http404 from None


def access_track_set(user: Any, pk: int) -> TrackSet:
    access_redaction(user)
    try:
        return TrackSet.objects.select_related("recording", "clip").get(pk=pk)
    except TrackSet.DoesNotExist:
        raise Http404 from None


def access_redacted_copy(user: Any, pk: int) -> RedactedCopy:
    access_redaction(user)
    try:
        return RedactedCopy.objects.select_related("recording__camera", "clip__camera").get(pk=pk)
    except RedactedCopy.DoesNotExist:
        raise Http404 from None
