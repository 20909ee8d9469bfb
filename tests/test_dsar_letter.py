"""The cover letter of an answer, rendered by WeasyPrint and read back with pypdf: one
test per item that Art. 15 requires (gdpr-rules.md §2), filled from the registers of a
request with two cameras, recipients, holds, consultations and gaps. The clips are rows
only here; tests/test_dsar_package.py makes real ones."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import formats, timezone
from pypdf import PdfReader

from compliance.access_log import record_access
from compliance.models import DeletedItem, DeletionCertificate, RetentionPolicy
from compliance.retention.holds import legal_hold_place
from dsar.answer.letter import letter_pdf
from dsar.answer.manifest import FileEntry
from dsar.models import (
    DataSubjectRequest,
    Disclosure,
    FootageSearch,
    ResponseItem,
    ResponseReview,
    ThirdPartyDecision,
)
from dsar.services import dsar_extend, dsar_verify_identity
from media_processing.models import Camera, Clip, Recording, RedactedCopy, Site, TrackSet
from tests.support.dsar import BRUSSELS, make_request, organisation, shown
from tests.support.footage import make_camera, make_recording

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vault_key", "media_dirs")]

T0 = (timezone.now() - timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
CLIP_SHA = "c1" * 32
RECORD_SHA = "d2" * 32


@dataclass
class Letter:
    text: str
    ticket: DataSubjectRequest
    entrance: Camera
    car_park: Camera
    made: date


def moment(value: Any) -> str:
    return str(formats.date_format(value.astimezone(BRUSSELS), "DATETIME_FORMAT"))


def clip_of(camera: Camera, recording: Recording, tracks: list[tuple[int, str]]) -> tuple[Clip, TrackSet]:
    clip = Clip.objects.create(camera=camera, requested_start=T0, requested_end=T0 + timedelta(minutes=1),
                               reason="Access request", status="ready", file="clips/x.mp4")  # fmt: skip
    clip.recordings.set([recording])
    track_set = TrackSet.objects.create(
        clip=clip, file="tracks/x.npz", sha256="0" * 64, size=1, frame_count=10, fps=10.0, width=400, height=400,
        track_count=len(tracks), detection_count=10,
        tracks=[{"track_id": number, "label": label, "first_s": 0.0, "last_s": 1.0} for number, label in tracks],
    )  # fmt: skip
    return clip, track_set


def copy_of(clip: Clip, track_set: TrackSet) -> RedactedCopy:
    return RedactedCopy.objects.create(clip=clip, track_set=track_set, file="redacted/x.mp4", sha256=CLIP_SHA,
                                       size=10, mode="blur", shape="ellipse")  # fmt: skip


def footage(handler: Any) -> tuple[DataSubjectRequest, Camera, Camera, list[Recording]]:
    entrance = make_camera("Entrance", purpose="Deter theft at the entrance")
    Site.objects.filter(name="Head office").update(address="1 Rue de la Loi, Brussels")
    car_park = make_camera("Car park", purpose="Protect parked cars", legal_basis="legal_obligation",
                           records_audio=True)  # fmt: skip
    RetentionPolicy.objects.create(category="raw_footage", camera=car_park, period=7, action="delete")
    recordings = [make_recording(camera, T0, 60) for camera in (entrance, car_park)]
    ticket = make_request(handler, received_at=T0 + timedelta(days=1), cameras=[entrance, car_park],
                          windows=[(T0 - timedelta(hours=1), T0 + timedelta(hours=1))])  # fmt: skip
    return ticket, entrance, car_park, recordings


def registers(handler: Any, auditor: Any, entrance: Camera, car_park: Camera, recording: Recording) -> None:
    """Recipients, another hold, a consultation before the request, a system entry."""
    Disclosure.objects.create(recipient="CloudWatch Monitoring Ltd", kind="processor", standing=True,
                              purpose="Hosts the recordings")  # fmt: skip
    police = Disclosure.objects.create(recipient="Police Zone Brussels", kind="police", purpose="Theft inquiry",
                                       disclosed_on=T0.date(), window_start=T0 - timedelta(minutes=5),
                                       window_end=T0 + timedelta(minutes=5))  # fmt: skip
    police.cameras.set([entrance])
    other_camera = make_camera("Warehouse")
    elsewhere = Disclosure.objects.create(recipient="Other Insurer SA", kind="insurer", purpose="Claim",
                                          disclosed_on=T0.date())  # fmt: skip
    elsewhere.cameras.set([other_camera])
    legal_hold_place(
        actor=handler, reason="Insurance claim", case_reference="INS-42", review_on=T0.date() + timedelta(days=60),
        cameras=[car_park], window_start=T0 - timedelta(days=1), window_end=T0 + timedelta(days=1),
    )  # fmt: skip
    record_access(actor=auditor, action="footage.view", target=recording, reason="Checking a reported theft")
    record_access(actor=None, action="footage.view", target=recording, reason="System check")


def search_of(ticket: DataSubjectRequest, entrance: Camera, car_park: Camera) -> None:
    certificate = DeletionCertificate.objects.create(started_at=T0, finished_at=T0)
    DeletedItem.objects.create(certificate=certificate, category="raw_footage", label="old", camera_name="Car park",
                               policy={"period": 30, "unit": "days"}, deleted_at=T0)  # fmt: skip
    FootageSearch.objects.create(
        request=ticket,
        cameras=[{"id": entrance.pk, "name": "Entrance"}, {"id": car_park.pk, "name": "Car park"}],
        windows=[{"start": (T0 - timedelta(hours=1)).isoformat(), "end": (T0 + timedelta(hours=1)).isoformat()}],
        gaps=[
            {"camera": "Car park", "camera_id": car_park.pk, "start": (T0 - timedelta(hours=1)).isoformat(),
             "end": T0.isoformat(), "reason": "deleted", "deleted_on": T0.date().isoformat(),
             "certificate": certificate.pk},
            {"camera": "Entrance", "camera_id": entrance.pk, "start": (T0 + timedelta(minutes=1)).isoformat(),
             "end": (T0 + timedelta(hours=1)).isoformat(), "reason": "not_recorded", "deleted_on": None,
             "certificate": None},
        ],
    )  # fmt: skip


@pytest.fixture
def letter(handler: Any, dpo: Any, auditor: Any, settings: Any) -> Letter:
    settings.DSAR_LINK_DAYS = 10
    organisation(name="Corner Shop Ltd", supervisory_authority="Autorité de protection des données",
                 dpo_name="Dora Dee", dpo_email="dpo@corner.example")  # fmt: skip
    ticket, entrance, car_park, recordings = footage(handler)
    registers(handler, auditor, entrance, car_park, recordings[0])
    search_of(ticket, entrance, car_park)
    dsar_verify_identity(actor=handler, request=ticket)
    dsar_extend(actor=handler, request=ticket, reasons="Many cameras")
    clip_a, tracks_a = clip_of(entrance, recordings[0], [(1, "face"), (2, "face"), (3, "face")])
    clip_b, tracks_b = clip_of(car_park, recordings[1], [(1, "plate"), (2, "face")])
    item_a = ResponseItem.objects.create(request=ticket, clip=clip_a, track_set=tracks_a, requester_tracks=[1],
                                         manual_boxes=[{"keyframes": [], "note": "missed face"}])  # fmt: skip
    item_b = ResponseItem.objects.create(request=ticket, clip=clip_b, track_set=tracks_b, requester_tracks=[2],
                                         keep_audio=True, position=1)  # fmt: skip
    ThirdPartyDecision.objects.create(item=item_a, track_id=2, decision="consented", reason="Signed a form")
    ThirdPartyDecision.objects.create(item=item_a, track_id=-1, decision="redact", reason="Not the requester")
    ThirdPartyDecision.objects.create(item=item_b, track_id=1, decision="reasonable", reason="The requester's car")
    now = timezone.now()
    ResponseReview.objects.create(request=ticket, submitted_by=handler, submitted_at=now, approved_by=dpo,
                                  approved_at=now)  # fmt: skip
    files = [
        FileEntry("README.txt", "ab" * 32, 100, "text/plain", "plain text (UTF-8)"),
        FileEntry("clips/01-entrance.mp4", CLIP_SHA, 2000, "video/mp4", "H.264 video in an MP4 file"),
        FileEntry("redaction-records/01-entrance.json", RECORD_SHA, 300, "application/json", "JSON data"),
    ]
    ticket.refresh_from_db()
    pdf = letter_pdf(ticket, items=[item_a, item_b], copies=[copy_of(clip_a, tracks_a), copy_of(clip_b, tracks_b)],
                     files=files, made_at=now)  # fmt: skip
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return Letter(text, ticket, entrance, car_park, now.astimezone(BRUSSELS).date())


def test_confirms_that_data_is_processed(letter: Letter) -> None:
    assert "Yes. We confirm that we process personal data about you" in letter.text


def test_purposes_and_legal_basis_per_camera(letter: Letter) -> None:
    assert "Entrance (Head office) Deter theft at the entrance Legitimate interests — Art. 6(1)(f)" in letter.text
    assert "Car park (Head office) Protect parked cars Legal obligation — Art. 6(1)(c)" in letter.text


def test_categories_of_data(letter: Letter) -> None:
    assert "Video images" in letter.text
    assert "Sound: The sound recorded with the pictures; it is included in your copy." in letter.text
    assert "Vehicle registration plates" in letter.text  # the plate detector found one
    assert "No biometric data" in letter.text


def test_recipients_are_named(letter: Letter) -> None:
    assert "CloudWatch Monitoring Ltd" in letter.text  # receives footage routinely
    assert f"Police Zone Brussels Police or prosecutor {shown(T0.date())} Theft inquiry" in letter.text
    assert "Other Insurer SA" not in letter.text  # another camera's footage


def test_retention_periods_and_holds(letter: Letter) -> None:
    assert "Recordings of our cameras: deleted 30 days after recording." in letter.text
    assert "Recordings of our cameras, camera Car park: deleted 7 days after recording." in letter.text
    assert "This answer (the files sent to you): deleted 90 days after it was made" in letter.text
    assert f"It is reviewed on {shown(letter.ticket.final_due)} and released 30 days after" in letter.text
    assert "Another legal hold, placed on" in letter.text and "INS-42" not in letter.text


def test_rights_and_the_supervisory_authority(letter: Letter) -> None:
    for right in ("(rectification)", "(erasure)", "(restriction)", "(objection)"):
        assert right in letter.text
    assert (
        "complain to the supervisory authority for data protection: Autorité de protection des données" in letter.text
    )
    assert "Dora Dee <dpo@corner.example>" in letter.text


def test_the_source(letter: Letter) -> None:
    assert "captured by our own cameras at: Head office, 1 Rue de la Loi, Brussels" in letter.text


def test_no_automated_decisions(letter: Letter) -> None:
    assert "8. Automated decisions and profiling None." in letter.text
    assert "a member of our staff reviewed every clip" in letter.text


def test_no_transfers_outside_the_eea(letter: Letter) -> None:
    assert "9. Transfers outside the European Economic Area None." in letter.text


def test_other_people_were_obscured_how_and_why_with_counts(letter: Letter) -> None:
    assert "(method: blur; shape: ellipse, over each face or plate)" in letter.text
    assert "Article 15(4) GDPR" in letter.text
    assert "Obscured: 2 people or number plates." in letter.text  # track 3 and the box drawn by hand
    assert "Shown because the person consented: 1." in letter.text
    assert "Shown because it is reasonable to disclose without consent: 1." in letter.text


def test_staff_consultations_with_dates_and_purposes_without_names(letter: Letter, auditor: Any) -> None:
    assert "viewed Checking a reported theft" in letter.text
    assert "System check" not in letter.text  # not a person
    assert auditor.get_username() not in letter.text


def test_what_was_searched_and_not_found(letter: Letter) -> None:
    assert "Cameras searched: Entrance, Car park" in letter.text
    assert f"{moment(T0 - timedelta(hours=1))} \N{EN DASH} {moment(T0 + timedelta(hours=1))}" in letter.text
    assert (
        f"deleted on {shown(T0.astimezone(BRUSSELS).date())} under the 30-day schedule, before your request arrived"
        in letter.text
    )
    assert "Entrance," in letter.text and "nothing was recorded then" in letter.text


def test_files_hashes_formats_and_how_to_play(letter: Letter) -> None:
    assert f"clips/01-entrance.mp4 — H.264 video in an MP4 file, 2000 bytes SHA-256 {CLIP_SHA}" in letter.text
    assert f"SHA-256 {RECORD_SHA}" in letter.text
    assert "VLC media player" in letter.text


def test_delivery_method_and_link_expiry(letter: Letter) -> None:
    expires = shown(letter.made + timedelta(days=10))  # DSAR_LINK_DAYS
    assert "personal download link. It works for 10 days after it is sent" in letter.text
    assert f"until the end of {expires}" in letter.text


def test_reference_dates_and_extension(letter: Letter) -> None:
    ticket = letter.ticket
    assert f"Reference {ticket.reference}" in letter.text
    assert f"Received on {shown(ticket.received_at.astimezone(BRUSSELS).date())}" in letter.text
    assert ticket.verified_at is not None
    assert f"Identity verified on {shown(ticket.verified_at.astimezone(BRUSSELS).date())}" in letter.text
    assert f"Due on {shown(ticket.due_on)}" in letter.text
    assert ticket.extended_at is not None
    extended = shown(ticket.extended_at.astimezone(BRUSSELS).date())
    assert f"extended on {extended}; now due on {shown(ticket.extended_due_on)}" in letter.text


def test_the_requester_is_named_by_reference_only(letter: Letter) -> None:
    assert "Jane" not in letter.text and "jane.doe@example.org" not in letter.text
    assert f"Your request, reference {letter.ticket.reference}" in letter.text


def test_no_footage_found_is_said_plainly(handler: Any) -> None:
    ticket, *_rest = footage(handler)
    pdf = letter_pdf(ticket, items=[], copies=[], files=[], made_at=timezone.now())
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "No. We confirm that we do not hold any recording of you" in text
    assert "no one had to be obscured" in text
