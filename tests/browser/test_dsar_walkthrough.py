"""The whole footage answer in a real browser, as a DSAR handler and the DPO do it, with
a real RQ worker: log the request, verify the identity, search the footage, find the
people, mark the requester, decide on the other person, check a preview, submit; the DPO
approves; the handler packages the answer and makes a link; the requester, without an
account, opens the link and downloads the letter and the package.

A screenshot of each step goes to tmp_path, and with OBSCURA_DOC_SCREENSHOTS=1 also to
docs/images/dsar/, where docs/dsar.md shows them to handlers:

    OBSCURA_DOC_SCREENSHOTS=1 pytest tests/browser/test_dsar_walkthrough.py
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from compliance.models import JobRun, JobStatus, Organisation
from dsar.models import DataSubjectRequest, Download, ResponseItem, Status
from media_processing.engine.track_store import TrackStore
from media_processing.models import ClipStatus
from tests.browser.conftest import TIMEOUT_MS, Login, Screenshots, watch_for_errors
from tests.support.footage import BRUSSELS, make_camera, make_recording
from tests.support.media import ffmpeg, shared_folder
from tests.support.workers import start_worker, stop_worker, wait_until

VIDEO = Path(settings.BASE_DIR).parent / "shared/testdata/video/video4j-facedetect/media"
CLIP_NAME = "pexels-8090198-sd_640_338_25fps.mp4"
SECONDS = 4
# Where the second face is pasted: left of the woman, on the plain wall.
OTHER = {"x": 10, "y": 90, "size": 140}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "images" / "dsar"
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
JOB_SECONDS = 180

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.timeout(600),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("vault_key", "redis_db"),
    pytest.mark.skipif(not (VIDEO / CLIP_NAME).exists(), reason=f"{VIDEO / CLIP_NAME} is not there"),
]


@pytest.fixture
def entrance_video(tmp_path: Path) -> Path:
    """Four seconds of the woman facing the camera, with the astronaut's face pasted on the wall."""
    target = tmp_path / "source" / "entrance.mp4"
    target.parent.mkdir(parents=True)
    face = shared_folder("faces/nogt") / "astronaut.png"
    ffmpeg(
        *("-t", str(SECONDS), "-i", str(VIDEO / CLIP_NAME), "-loop", "1", "-i", str(face)),
        "-filter_complex",
        f"[1:v]scale={OTHER['size']}:{OTHER['size']}[face];[0:v][face]overlay={OTHER['x']}:{OTHER['y']}:shortest=1[v]",
        *("-map", "[v]", "-an", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(target)),
    )
    return target


@pytest.fixture
def worker(data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A real worker on the test database, the live server's media folder and vault key."""
    monkeypatch.setenv("OBSCURA_DATA_DIR", str(data_dir))
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))
    monkeypatch.setenv("OBSCURA_VAULT_KEY_FILE", str(settings.VAULT_KEY_FILE))
    process = start_worker(tmp_path / "worker.log", burst=False)
    yield
    stop_worker(process)


@pytest.fixture
def new_context(browser: Browser, live_server: Any) -> Iterator[Any]:
    """Browser contexts at the size of the documentation's pictures, closed at the end."""
    opened: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT, accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


def local_input(moment: Any) -> str:
    return moment.astimezone(BRUSSELS).strftime("%Y-%m-%dT%H:%M")


def in_other_place(box: dict[str, float]) -> bool:
    centre_x, centre_y = box["x"] + box["w"] / 2, box["y"] + box["h"] / 2
    return OTHER["x"] <= centre_x <= OTHER["x"] + OTHER["size"] and OTHER["y"] <= centre_y <= OTHER["y"] + OTHER["size"]


def wait_for_item(ticket: DataSubjectRequest, ready: Any, what: str) -> ResponseItem:
    def check() -> ResponseItem | None:
        item = ResponseItem.objects.filter(request=ticket, included=True).select_related("clip").first()
        return item if item is not None and ready(item) else None

    found: ResponseItem = wait_until(check, what, seconds=JOB_SECONDS)
    return found


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def test_a_handler_answers_an_access_request_with_footage_through_the_pages(
    new_context: Any, handler: Any, dpo: Any, login: Login, entrance_video: Path, worker: None, tmp_path: Path
) -> None:
    Organisation.objects.filter(pk=Organisation.current().pk).update(name="Example Shop")
    camera = make_camera("Entrance")
    filmed = (timezone.now() - timedelta(days=2)).astimezone(BRUSSELS).replace(hour=14, minute=0, second=20)
    make_recording(camera, filmed, SECONDS, source_file=entrance_video, width=640, height=338, fps=25.0)
    screenshots = Screenshots(tmp_path, DOCS)
    page = new_context().new_page()
    problems = watch_for_errors(page)

    # 1. The handler logs the request as it came in, with where and when it was filmed.
    login(page, handler)
    page.goto("/dsar/new/")
    page.get_by_label("Type of request").select_option("access")
    page.get_by_label("Received by").select_option("email")
    page.get_by_label("Requester's name").fill("Jane Doe")
    page.get_by_label("E-mail address").fill("jane.doe@example.org")
    page.get_by_label("Description").fill("Came in through the entrance around 2 pm, red coat.")
    page.get_by_role("checkbox", name="Entrance").check()
    page.get_by_label("Seen from (local time)").fill(local_input(filmed.replace(second=0)))
    page.get_by_label("Until (local time)").fill(local_input(filmed.replace(second=0) + timedelta(minutes=1)))
    page.get_by_label("Handler").select_option(label=handler.get_username())
    screenshots.shot(page, "log-request")
    page.get_by_role("button", name="Log the request").click()
    expect(page.get_by_text(re.compile(r"Request DSAR-\d{4}-0001 logged\."))).to_be_visible()
    ticket = DataSubjectRequest.objects.get()

    # 2. The identity is checked; the ticket offers the footage search.
    with page.expect_navigation():
        page.get_by_role("button", name="Mark the identity as verified").click()
    expect(page.get_by_text("Status: Identity verified")).to_be_visible()
    screenshots.shot(page, "ticket")
    with page.expect_navigation():
        page.get_by_role("button", name="Run the footage search").click()

    # 3. The search runs in the worker; the clip is cut; the page says when to reload.
    expect(page.get_by_role("heading", level=1, name=re.compile("search and clips"))).to_be_visible()
    item = wait_for_item(ticket, lambda item: item.clip.status != ClipStatus.PENDING, "the clip to be cut")
    assert item.clip.status == ClipStatus.READY, item.clip.error
    page.reload()
    expect(page.get_by_text("Clip file: Ready")).to_be_visible()
    expect(page.get_by_text("Never recorded").first).to_be_visible()  # the rest of the window, explained
    ticket.refresh_from_db()
    assert ticket.status == Status.SEARCHING
    with page.expect_navigation():  # frames along the clip, under a reason written to the access log
        page.get_by_role("button", name="Show the frames").click()
    expect(page.locator(".answer-frames img").first).to_be_visible()
    page.wait_for_function("() => [...document.images].every(image => image.complete && image.naturalWidth > 0)")
    screenshots.shot(page, "search-results")

    # 4. Find the people in the clip.
    with page.expect_navigation():
        page.get_by_role("button", name="Find people").click()
    # The progress shows by the clip; once every job has finished, the page says so.
    expect(page.get_by_text("Every job on this page has finished.")).to_be_visible(timeout=JOB_SECONDS * 1000)
    page.get_by_role("link", name="Reload the page to see the results.").click()
    expect(page.get_by_text(re.compile(r"People found: \d+ tracks?\."))).to_be_visible()
    screenshots.shot(page, "people-found")

    # 5. The review: a click on the woman's face in the player marks her as the requester.
    item.refresh_from_db()
    assert item.track_set is not None
    faces = [track for track in item.track_set.tracks if track["label"] == "face"]
    woman = [track["track_id"] for track in faces if not in_other_place(track["best_box"])]
    others = [track["track_id"] for track in item.track_set.tracks if track["track_id"] not in woman]
    assert woman and others, item.track_set.tracks
    with page.expect_response(re.compile(r"/tracks\.json$")):
        page.get_by_role("link", name="Go to the review of the clips").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Review of the footage answer"))).to_be_visible()
    page.wait_for_function("() => document.querySelector('.review-video').readyState >= 2")
    covered = TrackStore.load(Path(item.track_set.file.path)).covers_at(0)
    first = next(track for track in woman if track in covered)
    face = covered[first]
    overlay = page.locator(".review-overlay")
    overlay.scroll_into_view_if_needed()
    area = overlay.bounding_box()
    assert area is not None
    scale = area["width"] / item.track_set.width
    overlay.click(position={"x": (face.x + face.w / 2) * scale, "y": (face.y + face.h / 2) * scale})
    expect(page.get_by_label(f"Track {first} is the requester")).to_be_checked()
    for track in woman:  # the detector may have split her into more than one track
        if track != first:
            page.get_by_role("button", name=f"Track {track} (face): mark or unmark as the requester").click()
            expect(page.get_by_label(f"Track {track} is the requester")).to_be_checked()
    item.refresh_from_db()
    assert sorted(item.requester_tracks) == sorted(woman)
    page.reload()
    page.wait_for_function("() => document.querySelector('.review-video').readyState >= 2")
    screenshots.shot(page, "review-requester")

    # 6. The other person stays covered, with the reason; the decisions are saved.
    reason = "A customer who did not ask for the footage."
    for track in others:
        name = next(t for t in item.track_set.tracks if t["track_id"] == track)["label"]
        who = f"Track {track} ({'face' if name == 'face' else 'licence plate'})"
        page.get_by_label(f"Decision on {who}", exact=True).select_option("redact")
        page.get_by_label(f"Reason for the decision on {who}", exact=True).fill(reason)
    with page.expect_navigation():
        page.get_by_role("button", name="Save the decisions").click()
    expect(page.get_by_text("The decisions are saved.")).to_be_visible()
    expect(page.get_by_text("Ready for approval.")).to_be_visible()

    # 7. A preview of the whole clip, rendered by the worker, and the missed-face check.
    with page.expect_navigation():
        page.get_by_role("button", name="Render preview").click()
    check = page.get_by_role("link", name="Check the frames for missed faces")
    expect(check).to_be_visible(timeout=JOB_SECONDS * 1000)
    page.reload()
    page.locator(".review-decisions").scroll_into_view_if_needed()
    screenshots.shot(page, "review-decisions")
    page.get_by_role("link", name="Check the frames for missed faces").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Missed-face check"))).to_be_visible()
    page.wait_for_function("() => [...document.images].every(image => image.complete && image.naturalWidth > 0)")
    screenshots.shot(page, "missed-face-check")
    page.go_back()

    # 8. Submitted for approval; the handler cannot approve their own review.
    with page.expect_navigation():
        page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("The review is submitted. Another person must now approve it.")).to_be_visible()
    expect(page.get_by_role("button", name="Approve the answer")).to_have_count(0)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_REVIEW
    log_out(page)

    # 9. The DPO approves (four eyes).
    login(page, dpo)
    page.goto(f"/dsar/{ticket.pk}/answer/review/#approval")
    page.get_by_label("Note").fill("Checked the clip: only the requester is visible.")
    screenshots.shot(page, "approval")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve the answer").click()
    expect(page.get_by_text("The answer is approved; it can now be packaged.")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.APPROVED
    log_out(page)

    # 10. The handler makes the package: final redacted copy, cover letter, manifest.
    login(page, handler)
    page.goto(f"/dsar/{ticket.pk}/")
    page.get_by_role("link", name="Package: redacted clips, cover letter and manifest").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Make the package").click()
    expect(page.get_by_role("link", name="Download the package (zip)")).to_be_visible(timeout=JOB_SECONDS * 1000)
    package = ticket.packages.get()
    expect(page.get_by_text(package.sha256)).to_be_visible()
    for name in ("letter.pdf", "README.txt", re.compile(r"^clips\W.+mp4$")):
        expect(page.get_by_role("cell", name=name, exact=True)).to_be_visible()
    screenshots.shot(page, "package")

    # 11. A secure link, shown once, with the e-mail to send.
    page.get_by_role("link", name="Send the answer to the requester").click()
    expect(page.get_by_label("Days the link works")).to_have_value(str(settings.DSAR_LINK_DAYS))
    with page.expect_navigation():
        page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_text("Copy the link now: it is shown only this once")).to_be_visible()
    url = page.get_by_label("Link for the requester").input_value()
    assert "/download/" in url
    ticket.refresh_from_db()
    assert ticket.status == Status.DELIVERED
    screenshots.shot(page, "delivery-link")

    # 12. The requester, without an account, opens the link and downloads the files.
    requester = new_context().new_page()
    requester_problems = watch_for_errors(requester)
    requester.goto(url)
    expect(requester.get_by_role("heading", level=1, name="The answer to your request")).to_be_visible()
    expect(requester.get_by_text(f"Example Shop answers your request {ticket.reference}")).to_be_visible()
    expect(requester.get_by_role("row", name=re.compile("Cover letter"))).to_be_visible()
    expect(requester.get_by_role("row", name=re.compile("Package"))).to_be_visible()
    screenshots.shot(requester, "requester-download")
    with requester.expect_download() as letter:
        requester.get_by_role("row", name=re.compile("Cover letter")).get_by_role("button").click()
    assert letter.value.path().read_bytes()[:5] == b"%PDF-"
    with requester.expect_download() as archive:
        requester.get_by_role("row", name=re.compile("Package")).get_by_role("button").click()
    assert archive.value.suggested_filename.endswith(".zip")
    assert hashlib.sha256(archive.value.path().read_bytes()).hexdigest() == package.sha256
    assert Download.objects.filter(link__package=package).count() == 2

    # 13. The handler sees both downloads on the delivery page.
    page.goto(f"/dsar/{ticket.pk}/answer/delivery/")
    expect(page.get_by_role("table", name=re.compile("Links to package")).get_by_role("listitem")).to_have_count(2)
    screenshots.shot(page, "delivery-downloads")
    assert JobRun.objects.exclude(status=JobStatus.SUCCEEDED).count() == 0
    assert problems == [] and requester_problems == []
