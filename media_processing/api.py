"""REST API for a video management system to push footage: token authentication only,
described by the OpenAPI schema at /api/schema/."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from compliance.disk import DiskFullError
from media_processing.models import Camera, Recording, RecordingSource
from media_processing.services.ingest import recording_accept_upload


class CanManageFootage(permissions.BasePermission):
    message = "This token's user may not add footage (needs the Admin role)."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm("media_processing.manage_footage"))


class CameraSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.name")

    class Meta:
        model = Camera
        fields = ["id", "name", "site", "time_zone", "records_audio", "active"]


class RecordingSerializer(serializers.ModelSerializer):
    camera = serializers.CharField(source="camera.name")

    class Meta:
        model = Recording
        fields = [
            "id", "camera", "status", "error", "kind", "start", "end", "duration_seconds", "original_name",
            "original_sha256", "sha256", "size", "container", "video_codec", "audio_codec", "width", "height",
            "fps", "has_audio", "metadata_removed", "source", "created_at", "ingested_at",
        ]  # fmt: skip


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The video or image, as multipart/form-data.")
    camera = serializers.CharField(help_text="The camera's name as registered in Obscura.")
    start = serializers.DateTimeField(
        required=False,
        default_timezone=None,
        help_text="When the recording started (ISO 8601). Without an offset it is read in the camera's time "
        "zone. Without a start, the camera's file-name pattern or the file's own creation time is used.",
    )

    def validate_camera(self, value: str) -> Camera:
        camera = Camera.objects.filter(name=value, active=True).first()
        if camera is None:
            raise serializers.ValidationError(_("There is no active camera named %(name)s.") % {"name": value})
        return camera


class AcceptedSerializer(serializers.Serializer):
    recording = serializers.IntegerField()
    status = serializers.CharField()
    job = serializers.IntegerField()
    status_url = serializers.CharField()


class CameraList(APIView):
    permission_classes = [CanManageFootage]

    @extend_schema(responses=CameraSerializer(many=True), summary="Cameras that accept footage")
    def get(self, request: Request) -> Response:
        cameras = Camera.objects.filter(active=True).select_related("site")
        return Response(CameraSerializer(cameras, many=True).data)


class RecordingUpload(APIView):
    permission_classes = [CanManageFootage]

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={202: AcceptedSerializer},
        summary="Push one file; it is ingested in the background",
        description="Answers at once with the recording's id; poll status_url until status is ready or failed.",
    )
    def post(self, request: Request) -> Response:
        data = request.data  # parsing streams the file to disk, stopping early when it is too large
        if getattr(request._request, "upload_too_large", False):
            return Response({"file": [_("The file is larger than this installation accepts.")]}, status=413)
        serializer = UploadSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        camera: Camera = serializer.validated_data["camera"]
        start: datetime | None = serializer.validated_data.get("start")
        try:
            recording, job = recording_accept_upload(
                camera=camera, upload=upload, source=RecordingSource.API, start=start, user=request.user
            )
        except DiskFullError as exc:
            return Response({"detail": str(exc)}, status=507)
        body = {
            "recording": recording.pk,
            "status": recording.status,
            "job": job.pk,
            "status_url": request.build_absolute_uri(reverse("api:recording", args=[recording.pk])),
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)


class RecordingDetail(APIView):
    permission_classes = [CanManageFootage]

    @extend_schema(responses=RecordingSerializer, summary="A recording's ingestion status and facts")
    def get(self, request: Request, pk: int) -> Response:
        recording = Recording.objects.select_related("camera").filter(pk=pk).first()
        if recording is None:
            return Response({"detail": _("No such recording.")}, status=404)
        return Response(RecordingSerializer(recording).data)


app_name = "api"
urlpatterns = [
    path("cameras/", login_not_required(CameraList.as_view()), name="cameras"),
    path("recordings/", login_not_required(RecordingUpload.as_view()), name="recording_upload"),
    path("recordings/<int:pk>/", login_not_required(RecordingDetail.as_view()), name="recording"),
]
