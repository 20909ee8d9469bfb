"""The answer package: an approved answer whose clip was really cut and analysed (ffmpeg,
the CenterFace model) is packaged by its job, run here through `execute`; the zip, the
manifest, the clips, the letter and the records are checked from outside (zipfile,
hashlib, ffprobe, pypdf); the page starts it, follows it and serves the zip with a log entry."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from compliance.jobs import execute
from compliance.models import AccessEvent, DeletedItem, JobRun, JobStatus, LegalHold
from compliance.retention.holds import legal_hold_release
from compliance.retention.sweep import sweep
from dsar.answer.package import PackageError, answer_package, answer_package_request
from dsar.models import (
    DeliveryLink,
    ResponseItem,
    ResponsePackage,
    ResponseReview,
    ThirdPartyDecision,
    TimelineEntry,
)
from dsar.services import dsar_approve, dsar_send_to_review, dsar_start_search, dsar_verify_identity
from media_processing.models import ClipStatus, TrackSet
from media_processing.services.clips import clip_request
from media_processing.services.redaction import redaction_detect_request
from tests.support.dsar import make_request, media_path
from tests.support.footage import events, ffprobe, make_camera, make_recording
from tests.support.media import make_face_video

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]

T0 = (timezone.now() - timedelta(days=2)).replace(microsecond=0)
BOX = {
    "keyframes": [
        {"frame": 0, "x": 300, "y": 300, "w": 60, "h": 60},
        {"frame": 10, "x": 320, "y": 300, "w": 60, "h": 60},
    ]
}


def run(job: JobRun) -> JobRun:
    execute(job.pk)
    job.refresh_from_db()
    return job


def in_review(handler: Any, tmp_path: Path, *, keep_audio: bool = False) -> tuple[Any, ResponseItem]:
    """A request in review with one real clip (with sound) whose only face is the
    requester's, and a box drawn by hand over someone the detector missed."""
    camera = make_camera("Entrance", records_audio=True)
    video = make_face_video(tmp_path / "astronaut.mp4", seconds=2, rate=10, audio=True)
    make_recording(camera, T0, 2.0, source_file=video, width=400, height=400, fps=10.0, has_audio=True)
    ticket = make_request(handler, received_at=T0 + timedelta(hours=20), cameras=[camera],
                          windows=[(T0 - timedelta(minutes=1), T0 + timedelta(minutes=1))])  # fmt: skip
    dsar_verify_identity(actor=handler, request=ticket)
    dsar_start_search(actor=handler, request=ticket)
    clip, cut = clip_request(camera=camera, start=T0, end=T0 + timedelta(seconds=2), reason="Access request",
                             reference=ticket.reference, user=handler, ip=None)  # fmt: skip
    assert run(cut).status == JobStatus.SUCCEEDED
    clip.refresh_from_db()
    assert clip.status == ClipStatus.READY
    detection = run(redaction_detect_request(footage=clip, user=handler, ip=None))
    assert detection.status == JobStatus.SUCCEEDED, detection.error
    track_set = TrackSet.objects.get(job_id=detection.pk)
    item = ResponseItem.objects.create(
        request=ticket, clip=clip, track_set=track_set, requester_tracks=[t["track_id"] for t in track_set.tracks],
        manual_boxes=[{**BOX, "note": "passer-by at the door"}], keep_audio=keep_audio, reviewed_by=handler,
        reviewed_at=timezone.now(),
    )  # fmt: skip
    ThirdPartyDecision.objects.create(item=item, track_id=-1, decision="redact", reason="Did not consent")
    dsar_send_to_review(actor=handler, request=ticket)
    ResponseReview.objects.create(request=ticket, submitted_by=handler, submitted_at=timezone.now())
    return ticket, item


def approved(handler: Any, dpo: Any, tmp_path: Path, **options: Any) -> tuple[Any, ResponseItem]:
    ticket, item = in_review(handler, tmp_path, **options)
    dsar_approve(actor=dpo, request=ticket)
    ResponseReview.objects.filter(request=ticket).update(approved_by=dpo, approved_at=timezone.now())
    ticket.refresh_from_db()
    return ticket, item


def packaged(ticket: Any, user: Any) -> ResponsePackage:
    job = run(answer_package_request(actor=user, request=ticket))
    assert job.status == JobStatus.SUCCEEDED, job.error
    return ResponsePackage.objects.get(job_id=job.pk)


def unzip(package: ResponsePackage, folder: Path) -> dict[str, Path]:
    with zipfile.ZipFile(media_path(package.file.name)) as archive:
        assert archive.testzip() is None
        archive.extractall(folder)
        return {name: folder / name for name in archive.namelist()}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_package_holds_the_clips_letter_manifest_records_and_readme(handler: Any, dpo: Any, tmp_path: Path) -> None:
    ticket, _item = approved(handler, dpo, tmp_path)
    package = packaged(ticket, handler)
    files = unzip(package, tmp_path / "out")
    clip_name = next(name for name in files if name.startswith("clips/"))
    record_name = next(name for name in files if name.startswith("redaction-records/"))
    assert sorted(files) == sorted(
        ["letter.pdf", "README.txt", "manifest.json", "manifest.txt", clip_name, record_name]
    )
    assert clip_name.endswith(".mp4") and record_name == f"redaction-records/{Path(clip_name).stem}.json"
    # The zip on disk is the one recorded, and no temporary file is left beside it.
    zip_path = media_path(package.file.name)
    assert package.sha256 == sha256(zip_path) and package.size == zip_path.stat().st_size
    assert [path.name for path in zip_path.parent.iterdir() if path.name.endswith(".part")] == []
    assert package.letter_sha256 == sha256(files["letter.pdf"]) == sha256(media_path(package.letter.name))


def test_the_manifest_lists_every_file_with_its_real_hash(handler: Any, dpo: Any, tmp_path: Path) -> None:
    ticket, _item = approved(handler, dpo, tmp_path)
    package = packaged(ticket, handler)
    files = unzip(package, tmp_path / "out")
    manifest = json.loads(files["manifest.json"].read_text())
    assert manifest == package.manifest
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json", "manifest.txt"}
    for name, entry in listed.items():
        assert entry["sha256"] == sha256(files[name]), name
        assert entry["size"] == files[name].stat().st_size, name
    clip = next(entry for name, entry in listed.items() if name.startswith("clips/"))
    assert clip["media_type"] == "video/mp4" and "H.264" in clip["format"] and "without sound" in clip["format"]
    text = files["manifest.txt"].read_text()
    assert all(entry["sha256"] in text and name in text for name, entry in listed.items())


def test_the_clips_have_no_sound_unless_the_reviewer_kept_it(handler: Any, dpo: Any, tmp_path: Path) -> None:
    ticket, item = approved(handler, dpo, tmp_path)
    source = ffprobe(Path(item.clip.file.path))["streams"]
    assert any(stream["codec_type"] == "audio" for stream in source)  # the source has sound
    files = unzip(packaged(ticket, handler), tmp_path / "out")
    clip = next(path for name, path in files.items() if name.startswith("clips/"))
    streams = ffprobe(clip)["streams"]
    assert [stream["codec_type"] for stream in streams] == ["video"]
    assert streams[0]["codec_name"] == "h264"
    item.refresh_from_db()
    assert item.redacted is not None and item.redacted.sha256 == sha256(clip)


def test_a_kept_sound_stays_in_the_clip(handler: Any, dpo: Any, tmp_path: Path) -> None:
    ticket, _item = approved(handler, dpo, tmp_path, keep_audio=True)
    files = unzip(packaged(ticket, handler), tmp_path / "out")
    clip = next(path for name, path in files.items() if name.startswith("clips/"))
    assert sorted(stream["codec_type"] for stream in ffprobe(clip)["streams"]) == ["audio", "video"]


def test_the_redaction_record_names_detectors_choices_and_decisions(handler: Any, dpo: Any, tmp_path: Path) -> None:
    ticket, item = approved(handler, dpo, tmp_path)
    files = unzip(packaged(ticket, handler), tmp_path / "out")
    record = json.loads(next(path for name, path in files.items() if name.startswith("redaction-records/")).read_text())
    assert record["cover"] == {"mode": "blur", "shape": "ellipse"} and record["sound"] == "removed"
    assert record["detectors"] and all(len(detector["model_sha256"]) == 64 for detector in record["detectors"])
    assert all("threshold" in detector for detector in record["detectors"])
    assert {person["treatment"] for person in record["people_and_plates"]} == {"requester"}
    assert record["boxes_drawn_by_hand"] == [{"box": 1, "treatment": "redact", "reason": "Did not consent"}]
    # The box went into the render, and its note (about a third party) did not go into the package.
    assert len(record["engine_record"]["manual_boxes"]) == 1
    assert "passer-by" not in files["manifest.txt"].read_text() + json.dumps(record)
    assert record["engine_record"]["keep_tracks"] == sorted(item.requester_tracks)


def test_the_readme_says_how_to_play_and_check_the_files(handler: Any, dpo: Any, tmp_path: Path) -> None:
    ticket, _item = approved(handler, dpo, tmp_path)
    readme = unzip(packaged(ticket, handler), tmp_path / "out")["README.txt"].read_text()
    assert "VLC" in readme
    assert "Get-FileHash -Algorithm SHA256" in readme  # Windows
    assert "shasum -a 256" in readme  # macOS
    assert "sha256sum" in readme  # Linux


def test_the_letter_in_the_package_lists_the_files_and_states_article_15(
    handler: Any, dpo: Any, tmp_path: Path
) -> None:
    ticket, _item = approved(handler, dpo, tmp_path)
    package = packaged(ticket, handler)
    files = unzip(package, tmp_path / "out")
    reader = PdfReader(io.BytesIO(files["letter.pdf"].read_bytes()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for entry in package.manifest["files"]:
        if entry["name"] != "letter.pdf":
            assert entry["name"] in text and entry["sha256"] in text, entry["name"]
    assert ticket.reference in text and "Jane" not in text
    assert "Obscured: 1 person or number plate." in text  # the box drawn by hand


def test_the_steps_are_on_the_timeline_and_in_the_access_log(handler: Any, dpo: Any, tmp_path: Path) -> None:
    ticket, item = approved(handler, dpo, tmp_path)
    package = packaged(ticket, handler)
    messages = list(TimelineEntry.objects.filter(request=ticket).values_list("message", flat=True))
    assert any("Answer package being made: 1 clip." in message for message in messages)
    assert any(f"Answer package {package.pk} made" in message and package.sha256 in message for message in messages)
    actions = set(
        AccessEvent.objects.filter(target_type="dsar.datasubjectrequest", target_id=str(ticket.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"dsar.package_start", "dsar.package"} <= actions
    assert any("final redacted copy" in event.reason for event in events("footage.redact", item.clip))


def test_a_second_package_reuses_the_final_copy(handler: Any, dpo: Any, tmp_path: Path) -> None:
    ticket, item = approved(handler, dpo, tmp_path)
    packaged(ticket, handler)
    item.refresh_from_db()
    first = item.redacted
    assert first is not None
    second = packaged(ticket, handler)
    item.refresh_from_db()
    assert item.redacted == first
    assert any(entry["sha256"] == first.sha256 for entry in second.manifest["files"])


def test_no_package_before_the_approval(handler: Any, tmp_path: Path) -> None:
    ticket, _item = in_review(handler, tmp_path)
    with pytest.raises(PackageError, match="not been approved"):
        answer_package_request(actor=handler, request=ticket)
    with pytest.raises(PackageError, match="not been approved"):
        answer_package(actor=handler, request=ticket)
    assert not JobRun.objects.filter(kind="dsar.package").exists()
    assert not ResponsePackage.objects.exists()


def test_a_failed_package_leaves_no_file_and_says_why(handler: Any, dpo: Any, tmp_path: Path, media_dirs: Path) -> None:
    ticket, item = approved(handler, dpo, tmp_path)
    Path(item.clip.file.path).unlink()
    job = run(answer_package_request(actor=handler, request=ticket))
    assert job.status == JobStatus.FAILED and "missing from the media folder" in job.error
    assert not ResponsePackage.objects.exists()
    assert not [path for path in (media_dirs / "media").rglob("*") if "packages" in path.parts and path.is_file()]
    assert TimelineEntry.objects.filter(request=ticket, message__contains="could not be made").exists()


def test_the_page_starts_the_job_then_lists_the_files_and_serves_the_zip(
    client: Client, handler: Any, dpo: Any, auditor: Any, tmp_path: Path
) -> None:
    ticket, _item = approved(handler, dpo, tmp_path)
    client.force_login(handler)
    page = reverse("dsar:answer_package", kwargs={"pk": ticket.pk})
    assert "Make the package" in client.get(page).content.decode()
    response = client.post(reverse("dsar:answer_package_start", kwargs={"pk": ticket.pk}))
    assert response.status_code == 302 and response["Location"] == page
    job = JobRun.objects.get(kind="dsar.package")
    assert "hx-trigger" in client.get(page).content.decode()  # followed while it runs
    assert run(job).status == JobStatus.SUCCEEDED
    package = ResponsePackage.objects.get()
    html = client.get(page).content.decode()
    assert package.sha256 in html and all(entry["sha256"] in html for entry in package.manifest["files"])
    download = client.get(reverse("dsar:package_download", kwargs={"pk": package.pk}))
    assert download.status_code == 200
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == package.sha256  # type: ignore[attr-defined]
    assert [event.actor_id for event in events("dsar.package_download", package)] == [handler.pk]
    client.force_login(auditor)
    assert client.get(reverse("dsar:package_download", kwargs={"pk": package.pk})).status_code == 403


def test_the_page_says_why_no_package_can_be_made(client: Client, handler: Any, tmp_path: Path) -> None:
    ticket, _item = in_review(handler, tmp_path)
    client.force_login(handler)
    html = client.get(reverse("dsar:answer_package", kwargs={"pk": ticket.pk})).content.decode()
    assert "not been approved by a second person" in html
    response = client.post(reverse("dsar:answer_package_start", kwargs={"pk": ticket.pk}), follow=True)
    assert "not been approved by a second person" in response.content.decode()
    assert not JobRun.objects.filter(kind="dsar.package").exists()


# Retention ("dsar_packages", 90 days by default, counted from when the package was made) --


def stored_package(ticket: Any, *, age_days: float) -> ResponsePackage:
    """A package whose zip and letter are small files under MEDIA_ROOT, made `age_days` ago."""
    stamp = f"{ticket.reference}/{age_days}"
    names = (f"dsar/packages/{stamp}.zip", f"dsar/packages/{stamp}.pdf")
    for name in names:
        media_path(name).parent.mkdir(parents=True, exist_ok=True)
        media_path(name).write_bytes(b"package bytes")
    package = ResponsePackage.objects.create(
        request=ticket, file=names[0], sha256="a" * 64, size=13, letter=names[1], letter_sha256="b" * 64,
        manifest={"files": [{"name": "letter.pdf", "sha256": "b" * 64}]},
    )  # fmt: skip
    ResponsePackage.objects.filter(pk=package.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    package.refresh_from_db()
    return package


def test_packages_lose_their_files_after_the_period_and_keep_their_record(handler: Any) -> None:
    ticket = make_request(handler)
    old, recent = stored_package(ticket, age_days=91), stored_package(ticket, age_days=89)
    files = [media_path(old.file.name), media_path(old.letter.name)]
    result = sweep()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.purged_at is not None and not old.file and not old.letter
    assert old.sha256 == "a" * 64 and old.manifest["files"]  # what was sent stays on record
    assert not any(path.exists() for path in files)
    assert recent.purged_at is None and media_path(recent.file.name).exists()
    assert result.certificate is not None
    deleted = DeletedItem.objects.get(certificate=result.certificate, category="dsar_packages")
    assert {file["sha256"] for file in deleted.files} == {"a" * 64, "b" * 64}
    assert TimelineEntry.objects.filter(request=ticket, message__contains=f"Answer package {old.pk} deleted").exists()


def test_a_hold_on_the_footage_of_the_request_keeps_its_package(handler: Any) -> None:
    camera = make_camera()
    ticket = make_request(handler, cameras=[camera], windows=[(T0, T0 + timedelta(hours=1))])
    hold = LegalHold.objects.get(case_reference=ticket.reference)  # the ticket's own preservation hold
    package = stored_package(ticket, age_days=200)
    result = sweep()
    package.refresh_from_db()
    assert package.purged_at is None and media_path(package.file.name).exists()
    assert [item.held_by for item in result.held if item.model == "dsar.responsepackage"] == [[ticket.reference]]
    legal_hold_release(hold=hold, actor=handler, reason="Request closed long ago")
    sweep()
    package.refresh_from_db()
    assert package.purged_at is not None


def test_a_working_link_keeps_its_package(handler: Any) -> None:
    ticket = make_request(handler)
    package = stored_package(ticket, age_days=200)
    link = DeliveryLink.objects.create(
        package=package, token_hash="c" * 64, expires_at=timezone.now() + timedelta(days=1)
    )
    sweep()
    package.refresh_from_db()
    assert package.purged_at is None
    DeliveryLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    sweep()
    package.refresh_from_db()
    assert package.purged_at is not None
