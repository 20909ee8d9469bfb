"""The rows a URL's parameters name, made for the table of URLs by role (`tests/test_url_roles.py`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from compliance.jobs import start_job
from compliance.models import DeletionCertificate, LegalHold, RetentionPolicy
from dpia.models import Safeguard
from dpia.services.screening import screening_create
from dsar.answer.delivery import token_hash
from dsar.models import DataSubjectRequest, DeliveryLink, ResponsePackage
from dsar.public import acknowledgement_token
from media_processing.models import Clip, RedactedCopy, TrackSet
from tests.support.dpia import make_assessment, newest, template
from tests.support.footage import make_camera, make_recording


def url_for(name: str, route: str, users: dict[str, Any]) -> str:
    """A URL of the route named `name`, with rows made for its parameters."""
    if name in ("job_progress", "job_cancel"):
        job = start_job(kind="access_log.verify", task="compliance.tasks.verify_access_log", started_by=users["dpo"])
        return reverse(name, kwargs={"pk": job.pk})
    if name == "api:recording":
        return reverse(name, kwargs={"pk": 1})
    if name == "dsar_public:acknowledgement":
        return reverse(name, kwargs={"token": acknowledgement_token(public_request())})
    if name in RETENTION_ROWS:
        return reverse(name, kwargs={"pk": RETENTION_ROWS[name]()})
    if name == "media_processing:track_thumbnail":
        return reverse(name, kwargs={"pk": redaction_rows().track_set.pk, "track_id": 1})
    if name == "media_processing:redacted_download":
        return reverse(name, kwargs={"pk": redaction_rows().pk})
    if name in REVIEW_URLS:
        return review_url(name)
    if name.startswith("dsar:answer_search"):
        return answer_search_url(name)
    if name in DSAR_TICKET_URLS:
        return dsar_url(name)
    if name in PACKAGE_URLS:
        return package_url(name)
    if name.startswith("dsar_download:"):
        return download_url(name)
    if name.startswith("dpia:") and "<dpia_ref:reference>" in route:
        return dpia_url(name, route)
    if name.startswith("dpia:") and "<int:pk>" in route:
        return reverse(name, kwargs={"pk": dpia_pk(name)})
    if name.startswith("media_processing:") and "<int:pk>" in route:
        return reverse(name, kwargs={"pk": footage_pk(name)})
    return reverse(name)


def dpia_url(name: str, route: str) -> str:
    assessment = make_assessment()
    version = newest(assessment)
    kwargs: dict[str, Any] = {"reference": assessment.reference}
    if "<int:pk>" in route:
        rows = {
            "flow_stage": version.stages.first,
            "flow_system": lambda: version.stages.get(kind="storage").systems.first(),
            "purpose": version.purposes.first,
            "risk": version.risks.first,
            "measure": version.measures.first,
        }
        # Adding a system is done on its stage.
        prefix = (
            "flow_stage" if name == "dpia:flow_system_add" else next(p for p in rows if name.startswith(f"dpia:{p}"))
        )
        row = rows[prefix]()
        assert row is not None, f"the test assessment has no row for {name}"
        kwargs["pk"] = row.pk
    if "<slug:section>" in route:
        kwargs["section"] = "context"
    if "<int:number>" in route:
        kwargs["number"] = version.number
    return reverse(name, kwargs=kwargs)


def dpia_pk(name: str) -> int:
    if name.startswith("dpia:screening"):
        return screening_create(actor=None, title="Shop", cameras=[], answers={}).pk
    if name == "dpia:safeguard_edit":
        return Safeguard.objects.first().pk  # type: ignore[union-attr]
    return template().pk


def public_request() -> DataSubjectRequest:
    """A request as the public form logs it; the identity fields hold made-up pseudonyms."""
    today = timezone.localdate()
    return DataSubjectRequest.objects.create(
        reference="DSAR-2000-0001", kind="access", channel="web_form", received_at=timezone.now(),
        requester_name="TOKEN", status="identity_pending", due_on=today, extension_notice_by=today,
        extended_due_on=today,
    )  # fmt: skip


def _camera_policy() -> int:
    camera = make_camera()
    return RetentionPolicy.objects.create(category="raw_footage", camera=camera, period=7, action="delete").pk


def _hold() -> int:
    return LegalHold.objects.create(reason="Test", case_reference="T-1", review_on=timezone.now().date()).pk


def _certificate() -> int:
    return DeletionCertificate.objects.create(started_at=timezone.now(), finished_at=timezone.now()).pk


RETENTION_ROWS = {
    "retention_policy": lambda: RetentionPolicy.objects.get(category="raw_footage", camera=None).pk,
    "retention_override_delete": _camera_policy,
    "legal_hold_release": _hold,
    "deletion_certificate": _certificate,
    "deletion_certificate_pdf": _certificate,
}


DSAR_TICKET_URLS = (
    "dsar:ticket", "dsar:ticket_edit", "dsar:ticket_action", "dsar:reveal", "dsar:photo", "dsar:letter",
    "dsar:answer_delivery", "dsar:delivery_link_create", "dsar:delivery_link_revoke",
)  # fmt: skip


def dsar_url(name: str) -> str:
    """A ticket logged without the vault (its pseudonyms made up) and a letter whose file is not stored."""
    from dsar.models import DataSubjectRequest, Letter

    today = timezone.localdate()
    ticket = DataSubjectRequest.objects.create(
        reference="DSAR-2026-9999", kind="access", channel="email", received_at=timezone.now(),
        requester_name="P-TEST-0001", due_on=today, extension_notice_by=today, extended_due_on=today,
    )  # fmt: skip
    if name == "dsar:letter":
        letter = Letter.objects.create(request=ticket, kind="refusal", file="dsar/letters/x.pdf", sha256="0" * 64)
        return reverse(name, kwargs={"pk": letter.pk})
    if name == "dsar:ticket_action":
        return reverse(name, kwargs={"pk": ticket.pk, "action": "start_search"})
    if name == "dsar:delivery_link_revoke":
        link = delivery_link_row(ticket, "a-token")
        return reverse(name, kwargs={"pk": ticket.pk, "link_pk": link.pk})
    return reverse(name, kwargs={"pk": ticket.pk})


def delivery_link_row(ticket: DataSubjectRequest, token: str) -> DeliveryLink:
    """A link of `token` to a package of the ticket whose files are not stored."""
    package = ResponsePackage.objects.create(
        request=ticket, file="dsar/packages/x.zip", sha256="0" * 64, letter="dsar/packages/x.pdf",
        letter_sha256="0" * 64,
    )  # fmt: skip
    return DeliveryLink.objects.create(
        package=package, token_hash=token_hash(token), expires_at=timezone.now() + timedelta(days=1)
    )


def download_url(name: str) -> str:
    """The requester's pages of a fresh link, the per-address count of earlier tests forgotten."""
    cache.clear()
    delivery_link_row(public_request(), "a-token-for-the-requester")
    return reverse(name, kwargs={"token": "a-token-for-the-requester"})


PACKAGE_URLS = (
    "dsar:answer_package", "dsar:answer_package_start", "dsar:package_download", "dsar:package_letter",
    "dsar:disclosure_edit",
)  # fmt: skip


def package_url(name: str) -> str:
    """A ticket in review (not approved), a package of it whose files are not stored, or an
    entry of the disclosure register."""
    from dsar.models import Disclosure

    today = timezone.localdate()
    if name == "dsar:disclosure_edit":
        entry = Disclosure.objects.create(recipient="Police", kind="police", purpose="Theft", disclosed_on=today)
        return reverse(name, kwargs={"pk": entry.pk})
    ticket = DataSubjectRequest.objects.create(
        reference="DSAR-2026-9998", kind="access", channel="email", received_at=timezone.now(), status="in_review",
        requester_name="P-TEST-0002", due_on=today, extension_notice_by=today, extended_due_on=today,
    )  # fmt: skip
    if name in ("dsar:package_download", "dsar:package_letter"):
        package = ResponsePackage.objects.create(
            request=ticket, file="dsar/packages/y.zip", sha256="0" * 64, letter="dsar/packages/y.pdf"
        )
        return reverse(name, kwargs={"pk": package.pk})
    return reverse(name, kwargs={"pk": ticket.pk})


def answer_search_url(name: str) -> str:
    """The search page of a ticket only received, or an item of its answer whose clip is not cut yet."""
    from dsar.models import ResponseItem

    today, now = timezone.localdate(), timezone.now()
    ticket = DataSubjectRequest.objects.create(
        reference="DSAR-2026-9997", kind="access", channel="email", received_at=now, requester_name="P-TEST-0003",
        due_on=today, extension_notice_by=today, extended_due_on=today,
    )  # fmt: skip
    if "_item_" not in name:
        return reverse(name, kwargs={"pk": ticket.pk})
    clip = Clip.objects.create(camera=make_camera(), requested_start=now, requested_end=now, reason="Test")
    item = ResponseItem.objects.create(request=ticket, clip=clip)
    extra = {"index": 0} if name.endswith("_frame") else {}
    return reverse(name, kwargs={"pk": item.pk, **extra})


REVIEW_URLS = (
    "dsar:answer_review", "dsar:answer_submit", "dsar:answer_approve", "dsar:answer_item_clip",
    "dsar:answer_item_tracks", "dsar:answer_item_requester", "dsar:answer_item_boxes", "dsar:answer_item_decisions",
    "dsar:answer_item_preview", "dsar:answer_item_previews", "dsar:answer_preview_video", "dsar:answer_item_check",
    "dsar:answer_check_frame",
)  # fmt: skip


def review_url(name: str) -> str:
    """A ticket only received with one clip not cut yet, its detection store and a preview,
    their files not on disk."""
    from dsar.models import ResponseItem

    today, now = timezone.localdate(), timezone.now()
    ticket = DataSubjectRequest.objects.create(
        reference="DSAR-2026-9996", kind="access", channel="email", received_at=now, requester_name="P-TEST-0004",
        due_on=today, extension_notice_by=today, extended_due_on=today,
    )  # fmt: skip
    if name in ("dsar:answer_review", "dsar:answer_submit", "dsar:answer_approve"):
        return reverse(name, kwargs={"pk": ticket.pk})
    clip = Clip.objects.create(camera=make_camera(), requested_start=now, requested_end=now, reason="Test")
    track_set = TrackSet.objects.create(
        clip=clip, file="tracks/r.npz", sha256="0" * 64, size=1, frame_count=1, fps=25.0, width=320, height=240,
        track_count=0, detection_count=0,
    )  # fmt: skip
    item = ResponseItem.objects.create(request=ticket, clip=clip, track_set=track_set)
    copy = RedactedCopy.objects.create(
        clip=clip, track_set=track_set, file="redacted/r.mp4", sha256="0" * 64, size=1, mode="blur", shape="ellipse",
        record={"frames": 1},
    )  # fmt: skip
    extra = {"copy": copy.pk} if name in ("dsar:answer_preview_video", "dsar:answer_check_frame") else {}
    extra |= {"index": 0} if name == "dsar:answer_check_frame" else {}
    return reverse(name, kwargs={"pk": ticket.pk, "item": item.pk, **extra})


def redaction_rows() -> RedactedCopy:
    """A detection store and a redacted copy of a recording, their files not on disk."""
    recording = make_recording(make_camera(), timezone.now() - timedelta(hours=1), 60)
    track_set = TrackSet.objects.create(
        recording=recording, file="tracks/x.npz", sha256="0" * 64, size=1, frame_count=1, fps=25.0, width=320,
        height=240, track_count=1, detection_count=1, tracks=[{"track_id": 1, "best_frame": 0}],
    )  # fmt: skip
    return RedactedCopy.objects.create(
        recording=recording, track_set=track_set, file="redacted/x.mp4", sha256="0" * 64, size=1, mode="blur",
        shape="ellipse",
    )  # fmt: skip


def footage_pk(name: str) -> int:
    """The camera, recording or clip a footage URL is about."""
    camera = make_camera()
    if name.startswith("media_processing:recording"):
        return make_recording(camera, timezone.now() - timedelta(hours=1), 60).pk
    if name.startswith("media_processing:clip") and name != "media_processing:clip_create":
        now = timezone.now()
        return Clip.objects.create(camera=camera, requested_start=now, requested_end=now, reason="Test").pk
    return camera.pk
