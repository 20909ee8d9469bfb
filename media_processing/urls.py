from django.urls import path

from media_processing.views import cameras, clips, masks, recordings, redaction, search, upload

app_name = "media_processing"
urlpatterns = [
    path("", cameras.index, name="index"),
    path("sites/add/", cameras.site_add, name="site_add"),
    path("cameras/add/", cameras.camera_add, name="camera_add"),
    path("cameras/<int:pk>/", cameras.camera_detail, name="camera"),
    path("cameras/<int:pk>/edit/", cameras.camera_edit, name="camera_edit"),
    path("cameras/<int:pk>/masks/", masks.camera_masks, name="camera_masks"),
    path("cameras/<int:pk>/masks/frame.jpg", masks.camera_frame, name="camera_frame"),
    path("cameras/<int:pk>/clip/", clips.clip_create, name="clip_create"),
    path("recordings/<int:pk>/", recordings.recording_detail, name="recording"),
    path("recordings/<int:pk>/access/", recordings.recording_access, name="recording_access"),
    path("recordings/<int:pk>/stream/", recordings.recording_stream, name="recording_stream"),
    path("recordings/<int:pk>/download/", recordings.recording_download, name="recording_download"),
    path("recordings/<int:pk>/redaction/detect/", recordings.recording_detect, name="recording_detect"),
    path("recordings/<int:pk>/redaction/render/", recordings.recording_render, name="recording_render"),
    path("upload/", upload.upload, name="upload"),
    path("upload/file/", upload.upload_file, name="upload_file"),
    path("search/", search.search, name="search"),
    path("clips/<int:pk>/", clips.clip_detail, name="clip"),
    path("clips/<int:pk>/download/", clips.clip_download, name="clip_download"),
    path("clips/<int:pk>/access/", clips.clip_access, name="clip_access"),
    path("clips/<int:pk>/redaction/detect/", clips.clip_detect, name="clip_detect"),
    path("clips/<int:pk>/redaction/render/", clips.clip_render, name="clip_render"),
    path("tracks/<int:pk>/<int:track_id>.jpg", redaction.track_thumbnail, name="track_thumbnail"),
    path("redacted/<int:pk>/download/", redaction.redacted_download, name="redacted_download"),
]
