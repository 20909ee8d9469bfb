"""Who may see or change footage: the only place the footage views decide it.

The role is checked before the object is looked up, so a person without the right
gets the same 403 whether or not the camera, recording or clip exists.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from media_processing.models import Camera, Clip, Recording

VIEW = "media_processing.view_footage"
MANAGE = "media_processing.manage_footage"


def access_footage(user: Any, *, manage: bool = False) -> None:
    if not user.has_perm(MANAGE if manage else VIEW):
        raise PermissionDenied


def access_camera(user: Any, pk: int, *, manage: bool = False) -> Camera:
    access_footage(user, manage=manage)
    try:
        return Camera.objects.select_related("site").get(pk=pk)
    except Camera.DoesNotExist:
        raise Http404 from None


def access_recording(user: Any, pk: int) -> Recording:
    access_footage(user)
    try:
        return Recording.objects.select_related("camera", "camera__site", "ingested_by").get(pk=pk)
    except Recording.DoesNotExist:
        raise Http404 from None


def access_clip(user: Any, pk: int) -> Clip:
    access_footage(user)
    try:
        return Clip.objects.select_related("camera", "created_by").get(pk=pk)
    except Clip.DoesNotExist:
        raise Http404 from None
