"""The footage search of an access request through the services and `execute`, over real
little videos that ffmpeg really cuts: clips proposed per camera and window, gaps with
their reasons, a search run again, adjusted bounds, cameras dropped and added, clips
left out and brought back, and detection linked to the clips."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from compliance.jobs import execute
from compliance.models import DeletedItem, DeletionCertificate, JobRun, JobStatus
from dsar.answer.clips import (
    answer_camera_add,
    answer_camera_drop,
    answer_detect_request,
    answer_item_bounds,
    answer_item_include,
    answer_link_track_sets,
)
from dsar.answer.search import answer_cameras, answer_search_request, latest_search
from dsar.models import DataSubjectRequest, ResponseItem, Status
from dsar.services import DsarError, dsar_verify_identity
from media_processing.models import Camera, Clip, ClipStatus, TrackSet
from media_processing.services.clips import clip_fail
from media_processing.services.redaction import DETECT_KIND
from tests.support.dsar import make_request, steps
from tests.support.footage import events, ffprobe, make_camera, make_recording
from tests.support.media import make_face_video, make_video
from tests.support.workers import start_worker, stop_worker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]

T0 = (timezone.now() - timedelta(days=2)).replace(microsecond=0)
RECEIVED = T0 + timedelta(days=1)
SWEPT_BEFORE = T0 + timedelta(hours=12)  # a sweep before the request arrived
SWEPT_AFTER = RECEIVED + timedelta(hours=1)  # and one after


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four seconds with a keyframe every second, so stream copy cuts close to the bounds."""
    return make_video(tmp_path_factory.mktemp("video") / "part.mp4", seconds=4)


@dataclass
class Scene:
    ticket: DataSubjectRequest
    entrance: Camera
    yard: Camera
    car_park: Camera


def swept(camera: str, start: datetime, end: datetime, when: datetime) -> DeletedItem:
    certificate = DeletionCertificate.objects.create(started_at=when, finished_at=when)
    return DeletedItem.objects.create(
        certificate=certificate, category="raw_footage", action="delete", label=f"{camera}.mp4", camera_name=camera,
        start=start, end=end, deleted_at=when,
    )  # fmt: skip


@pytest.fixture
def scene(handler: Any, video: Path) -> Scene:
    """Entrance (a camera of the request) and Yard (of its site Depot), Car park outside it."""
    entrance = make_camera("Entrance")
    yard = make_camera("Yard", site="Depot")
    car_park = make_camera("Car park", site="Elsewhere")
    for offset in (0, 4, 20):
        make_recording(entrance, at(offset), 4, source_file=video)
    make_recording(yard, at(2), 4, source_file=video)
    make_recording(car_park, at(0), 4, source_file=video)
    swept("Entrance", at(-60), at(0), SWEPT_BEFORE)
    swept("Yard", at(6), at(12), SWEPT_AFTER)
    ticket = make_request(
        handler, cameras=[entrance], sites=[yard.site], windows=[(at(-10), at(30))], received_at=RECEIVED
    )
    ticket = dsar_verify_identity(actor=handler, request=ticket)
    return Scene(ticket, entrance, yard, car_park)


def run(job: JobRun) -> JobRun:
    execute(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def cut_all() -> None:
    """Run every clip job still queued (in the tests, nothing is enqueued after a commit)."""
    for job in JobRun.objects.filter(kind="footage.clip", status=JobStatus.QUEUED):
        run(job)


def search(ticket: DataSubjectRequest, actor: Any) -> JobRun:
    job = run(answer_search_request(actor=actor, request=ticket))
    cut_all()
    return job


def bounds(ticket: DataSubjectRequest, *, included: bool | None = None) -> list[tuple[str, float, float]]:
    """(camera, start, end) of each item in order, in seconds from T0."""
    items = ResponseItem.objects.filter(request=ticket).select_related("clip__camera").order_by("position")
    if included is not None:
        items = items.filter(included=included)
    return [
        (item.clip.camera.name, (item.clip.requested_start - T0).total_seconds(),
         (item.clip.requested_end - T0).total_seconds())
        for item in items
    ]  # fmt: skip


def gaps(ticket: DataSubjectRequest) -> list[tuple[str, float, float, str]]:
    found = latest_search(ticket)
    assert found is not None
    return [
        (gap["camera"], (datetime.fromisoformat(gap["start"]) - T0).total_seconds(),
         (datetime.fromisoformat(gap["end"]) - T0).total_seconds(), gap["reason"])
        for gap in found.gaps
    ]  # fmt: skip


def test_the_search_proposes_one_clip_per_stretch_of_footage_and_explains_the_gaps(scene: Scene, handler: Any) -> None:
    job = answer_search_request(actor=handler, request=scene.ticket)
    scene.ticket.refresh_from_db()
    assert scene.ticket.status == Status.SEARCHING  # moved from verified
    assert job.kind_label == "Footage search for an access request"
    run(job)
    assert job.progress == 100

    # Entrance: two recordings end to end make one clip, the third another; Yard one; Car park none.
    assert bounds(scene.ticket) == [("Entrance", 0, 8), ("Entrance", 20, 24), ("Yard", 2, 6)]
    assert gaps(scene.ticket) == [
        ("Entrance", -10, 0, "deleted"),
        ("Entrance", 8, 20, "not_recorded"),
        ("Entrance", 24, 30, "not_recorded"),
        ("Yard", -10, 2, "not_recorded"),
        ("Yard", 6, 12, "deleted"),
        ("Yard", 12, 30, "not_recorded"),
    ]
    found = latest_search(scene.ticket)
    assert found is not None and found.job_id == job.pk and found.searched_by == handler
    deleted = [gap for gap in found.gaps if gap["reason"] == "deleted"]
    assert [gap["before_request"] for gap in deleted] == [True, False]
    assert deleted[0]["deleted_on"] == SWEPT_BEFORE.astimezone(timezone.get_default_timezone()).date().isoformat()
    assert deleted[0]["certificate"] == DeletedItem.objects.get(camera_name="Entrance").certificate_id
    assert [entry["name"] for entry in found.cameras] == ["Entrance", "Yard"]
    assert found.windows == [{"id": scene.ticket.windows.get().pk, "start": at(-10).isoformat(),
                              "end": at(30).isoformat()}]  # fmt: skip

    # The clips are really cut, by stream copy, close to the bounds asked for.
    cut_all()
    items = list(ResponseItem.objects.filter(request=scene.ticket).select_related("clip"))
    assert all(item.clip.status == ClipStatus.READY for item in items)
    assert all(item.window == scene.ticket.windows.get() and item.included for item in items)
    first = items[0].clip
    assert float(ffprobe(Path(first.file.path))["format"]["duration"]) == pytest.approx(8, abs=1.1)
    assert first.reference == scene.ticket.reference
    assert first.reason == f"DSAR {scene.ticket.reference}: answer to the requester's access request"
    (export, *_more) = events("footage.export", first.recordings.first())
    assert export.actor_id == handler.pk and export.reason.endswith(f"[{scene.ticket.reference}]")
    messages = [entry.message for entry in steps(scene.ticket)]
    assert "Footage search started on Entrance, Yard." in messages
    assert any(message.startswith("Footage search done: 3 clips proposed; 0 kept") for message in messages)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("redis_db")
def test_a_real_worker_searches_and_cuts_the_clips(
    scene: Scene, handler: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    job = answer_search_request(actor=handler, request=scene.ticket)  # enqueued at once: no transaction around it
    worker = start_worker(tmp_path / "worker.log", burst=True)  # works until the queue, cuts included, is empty
    try:
        returncode = worker.wait(timeout=60)
    finally:
        stop_worker(worker)
    assert returncode == 0, (tmp_path / "worker.log").read_text()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    found = latest_search(scene.ticket)
    assert found is not None and job.result == {"search": found.pk, "items": 3, "gaps": 6}
    clips = Clip.objects.filter(response_item__request=scene.ticket)
    assert [clip.status for clip in clips] == [ClipStatus.READY] * 3
    assert all(Path(clip.file.path).is_file() for clip in clips)


def test_a_search_run_again_keeps_what_it_found_and_adds_only_new_footage(
    scene: Scene, handler: Any, video: Path
) -> None:
    search(scene.ticket, handler)
    before = list(ResponseItem.objects.filter(request=scene.ticket).values_list("pk", "clip_id"))
    search(scene.ticket, handler)
    assert list(ResponseItem.objects.filter(request=scene.ticket).values_list("pk", "clip_id")) == before
    assert "3 kept from earlier searches" in steps(scene.ticket)[-1].message

    make_recording(scene.entrance, at(26), 4, source_file=video)  # footage found late
    clip_fail(clip=Clip.objects.get(camera=scene.yard), message="The disk was full.")
    search(scene.ticket, handler)
    assert bounds(scene.ticket, included=True) == [
        ("Entrance", 0, 8), ("Entrance", 20, 24), ("Entrance", 26, 30), ("Yard", 2, 6)
    ]  # fmt: skip
    failed = ResponseItem.objects.get(clip__camera=scene.yard, clip__status=ClipStatus.FAILED)
    assert not failed.included and "The disk was full." in failed.drop_reason
    assert ("Entrance", 24, 26, "not_recorded") in gaps(scene.ticket)
    assert [item.position for item in ResponseItem.objects.filter(request=scene.ticket)] == [1, 2, 3, 4, 5]


def test_the_search_is_refused_until_the_identity_is_verified_and_while_one_runs(handler: Any) -> None:
    camera = make_camera("Entrance")
    ticket = make_request(handler, cameras=[camera], windows=[(at(0), at(10))], received_at=RECEIVED)
    with pytest.raises(DsarError, match="only possible when it is: Identity verified, Searching footage"):
        answer_search_request(actor=handler, request=ticket)
    ticket = dsar_verify_identity(actor=handler, request=ticket)
    answer_search_request(actor=handler, request=ticket)
    with pytest.raises(DsarError, match="already running"):
        answer_search_request(actor=handler, request=ticket)

    erasure = make_request(handler, kind="erasure", cameras=[camera], windows=[(at(0), at(10))], received_at=RECEIVED)
    with pytest.raises(DsarError, match="Only an access request"):
        answer_search_request(actor=handler, request=dsar_verify_identity(actor=handler, request=erasure))
    bare = dsar_verify_identity(actor=handler, request=make_request(handler, received_at=RECEIVED))
    with pytest.raises(DsarError, match="at least one time window"):
        answer_search_request(actor=handler, request=bare)
    assert bare.status == Status.VERIFIED


def test_new_bounds_make_a_new_clip_and_keep_the_old_one_listed(scene: Scene, handler: Any) -> None:
    search(scene.ticket, handler)
    item = ResponseItem.objects.get(request=scene.ticket, position=1)
    new = answer_item_bounds(actor=handler, item=item, start=at(-5), end=at(3), ip="10.0.0.7")
    item.refresh_from_db()
    assert not item.included and item.drop_reason.startswith("Bounds changed: replaced by clip 2")
    assert (new.clip.requested_start, new.clip.requested_end) == (at(0), at(3))  # fitted to the stored video
    assert new.included and new.window == item.window and new.clip.reference == scene.ticket.reference
    cut_all()
    new.clip.refresh_from_db()
    assert new.clip.status == ClipStatus.READY
    assert bounds(scene.ticket) == [
        ("Entrance", 0, 8), ("Entrance", 0, 3), ("Entrance", 20, 24), ("Yard", 2, 6)
    ]  # fmt: skip
    assert "bounds of clip 1" in steps(scene.ticket)[-1].message

    with pytest.raises(DsarError, match="no stored video"):
        answer_item_bounds(actor=handler, item=new, start=at(10), end=at(15))
    with pytest.raises(DsarError, match="already has these bounds"):
        answer_item_bounds(actor=handler, item=new, start=at(-1), end=at(3))
    with pytest.raises(DsarError, match="Include it first"):
        answer_item_bounds(actor=handler, item=item, start=at(1), end=at(2))

    search(scene.ticket, handler)  # neither the old bounds nor the new come back twice
    assert len(bounds(scene.ticket)) == 4


def test_a_clip_is_left_out_and_included_again_with_reasons(scene: Scene, handler: Any) -> None:
    search(scene.ticket, handler)
    item = ResponseItem.objects.get(request=scene.ticket, position=2)
    with pytest.raises(DsarError, match="Give the reasons"):
        answer_item_include(actor=handler, item=item, included=False, reason="  ")
    answer_item_include(actor=handler, item=item, included=False, reason="Nobody passes in this clip")
    item.refresh_from_db()
    assert (item.included, item.drop_reason) == (False, "Nobody passes in this clip")
    assert "left out. Reason: Nobody passes in this clip" in steps(scene.ticket)[-1].message
    with pytest.raises(DsarError, match="already left out"):
        answer_item_include(actor=handler, item=item, included=False, reason="Again")
    answer_item_include(actor=handler, item=item, included=True, reason="The requester is in it after all")
    item.refresh_from_db()
    assert (item.included, item.drop_reason) == (True, "")


def test_a_dropped_camera_stays_listed_and_comes_back_with_its_clips(scene: Scene, handler: Any) -> None:
    search(scene.ticket, handler)
    with pytest.raises(DsarError, match="Give the reasons"):
        answer_camera_drop(actor=handler, request=scene.ticket, camera=scene.yard, reason="")
    assert answer_camera_drop(actor=handler, request=scene.ticket, camera=scene.yard, reason="Faces the bay only") == 1
    yard_item = ResponseItem.objects.get(clip__camera=scene.yard)
    assert not yard_item.included and yard_item.drop_reason == "Camera left out of the answer: Faces the bay only"
    (entrance, yard) = answer_cameras(scene.ticket)
    assert (entrance.dropped, yard.dropped, yard.drop_reason) == (False, True, "Faces the bay only")

    search(scene.ticket, handler)  # the dropped camera is not searched again
    found = latest_search(scene.ticket)
    assert found is not None and {gap["camera"] for gap in found.gaps} == {"Entrance"}
    assert [entry["dropped"] for entry in found.cameras] == [False, True]
    with pytest.raises(DsarError, match="Add the camera back first"):
        answer_item_include(actor=handler, item=yard_item, included=True, reason="Try")

    run(answer_camera_add(actor=handler, request=scene.ticket, camera=scene.yard))
    yard_item.refresh_from_db()
    assert yard_item.included and ResponseItem.objects.filter(clip__camera=scene.yard).count() == 1
    with pytest.raises(DsarError, match="already part of the answer"):
        answer_camera_add(actor=handler, request=scene.ticket, camera=scene.yard)

    run(answer_camera_add(actor=handler, request=scene.ticket, camera=scene.car_park))  # outside the scope
    assert bounds(scene.ticket) == [("Car park", 0, 4), ("Entrance", 0, 8), ("Entrance", 20, 24), ("Yard", 2, 6)]
    found = latest_search(scene.ticket)
    assert found is not None and [(entry["name"], entry["added"]) for entry in found.cameras] == [
        ("Car park", True), ("Entrance", False), ("Yard", False)
    ]  # fmt: skip
    messages = [entry.message for entry in steps(scene.ticket)]
    assert "Footage answer: Yard left out (1 clip). Reason: Faces the bay only" in messages
    assert "Footage answer: Yard added (1 clip brought back)." in messages


def test_finding_people_links_the_detections_to_the_clips(handler: Any, tmp_path: Path) -> None:
    camera = make_camera("Entrance")
    make_recording(
        camera, at(0), 1.0, source_file=make_face_video(tmp_path / "face.mp4"), width=400, height=400, fps=10.0
    )
    ticket = make_request(handler, cameras=[camera], windows=[(at(-5), at(5))], received_at=RECEIVED)
    ticket = dsar_verify_identity(actor=handler, request=ticket)
    run(answer_search_request(actor=handler, request=ticket))
    with pytest.raises(DsarError, match="No clip is waiting"):  # still being cut
        answer_detect_request(actor=handler, request=ticket)
    cut_all()

    (job,) = answer_detect_request(actor=handler, request=ticket, ip="10.0.0.8")
    assert job.kind == DETECT_KIND and job.started_by == handler
    item = ResponseItem.objects.get(request=ticket)
    assert job.subject == item.clip
    run(job)
    assert item.track_set is None
    assert answer_link_track_sets(ticket) == 1
    linked = ResponseItem.objects.get(pk=item.pk).track_set
    assert linked is not None and linked == TrackSet.objects.get(clip=item.clip)
    assert any(track["label"] == "face" for track in linked.tracks)
    assert answer_link_track_sets(ticket) == 0
    with pytest.raises(DsarError, match="No clip is waiting"):
        answer_detect_request(actor=handler, request=ticket)
    assert "finding people in 1 clip" in [entry.message for entry in steps(ticket)][-1]
