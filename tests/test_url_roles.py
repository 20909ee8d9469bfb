"""Every URL in the URLconf, for every role: allowed, refused (403), hidden (404) or
sent to log in. A URL added later without an entry in EXPECTED fails
`test_every_url_has_expectations`, so nothing escapes this table."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse
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

ROLES = ("dpo", "handler", "admin_role", "auditor", "outsider", "anonymous")
LOGIN = "login"  # a redirect to the login page

ALL = dict.fromkeys(ROLES[:-1], 200) | {"anonymous": LOGIN}


def only(allowed: tuple[str, ...], status: int = 200, refused: int = 403) -> dict[str, Any]:
    return {role: status if role in allowed else refused for role in ROLES[:-1]} | {"anonymous": LOGIN}


FOOTAGE = ("dpo", "handler", "admin_role", "auditor")  # media_processing.view_footage
REDACT = ("dpo", "handler")  # media_processing.redact_footage
RETENTION_MANAGE = ("dpo", "admin_role")  # compliance.manage_retention
DSAR_VIEW = ("dpo", "handler", "auditor")  # dsar.view_dsar
DSAR_HANDLE = ("dpo", "handler")  # dsar.handle_dsar
DPIA_VIEW = ("dpo", "admin_role", "auditor")  # dpia.view_dpia
DPIA_EDIT = ("dpo", "admin_role")  # dpia.edit_dpia
DPIA_EVALUATE = ("dpo", "admin_role")  # dpia.evaluate_dpia
DPIA_SIGN = ("dpo",)  # dpia.sign_dpia


def dpia_only(allowed: tuple[str, ...], status: int = 200) -> dict[str, Any]:
    """An assessment's page: 404 for those who may not see assessments, 403 for viewers without the right."""
    return {role: status if role in allowed else 403 if role in DPIA_VIEW else 404 for role in ROLES[:-1]} | {
        "anonymous": LOGIN
    }


# URL name -> (method, expected answer per role)
EXPECTED: dict[str, tuple[str, dict[str, Any]]] = {
    "dashboard": ("GET", ALL),
    "health": ("GET", dict.fromkeys(ROLES, 200)),
    "login": ("GET", dict.fromkeys(ROLES[:-1], 302) | {"anonymous": 200}),
    "logout": ("POST", dict.fromkeys(ROLES, 302)),
    "password_change": ("GET", ALL),
    "password_change_done": ("GET", ALL),
    "access_log": ("GET", only(("dpo", "auditor"))),
    "access_log_verify": ("POST", only(("dpo", "auditor"), status=302)),
    "retention": ("GET", only(("dpo", "admin_role", "auditor"))),
    "organisation_settings": ("GET", only(("dpo", "handler", "admin_role", "auditor"))),
    # An empty form is shown again on the page with its errors.
    "retention_policy": ("POST", only(RETENTION_MANAGE)),
    "retention_override_add": ("POST", only(RETENTION_MANAGE)),
    "retention_override_delete": ("POST", only(RETENTION_MANAGE, status=302)),
    "legal_hold_add": ("GET", only(RETENTION_MANAGE)),
    # No reason given: back to the page with a message.
    "legal_hold_release": ("POST", only(RETENTION_MANAGE, status=302)),
    "deletion_certificate": ("GET", only(("dpo", "admin_role", "auditor"))),
    "deletion_certificate_pdf": ("GET", only(("dpo", "admin_role", "auditor"))),
    # The job was started by the DPO: others who may not see every job must not learn it exists.
    "job_progress": ("GET", only(("dpo", "admin_role", "auditor"), refused=404)),
    "job_cancel": ("POST", only(("dpo", "admin_role"), refused=404) | {"auditor": 403}),
    "media_processing:index": ("GET", only(FOOTAGE)),
    "media_processing:site_add": ("GET", only(("admin_role",))),
    "media_processing:camera_add": ("GET", only(("admin_role",))),
    "media_processing:camera": ("GET", only(FOOTAGE)),
    "media_processing:camera_edit": ("GET", only(("admin_role",))),
    "media_processing:camera_masks": ("GET", only(("admin_role",))),
    # A frame is served only after the mask editor logged the view in this session.
    "media_processing:camera_frame": ("GET", only(("admin_role",), status=404)),
    # An empty clip request shows the search again with the form's errors.
    "media_processing:clip_create": ("POST", only(FOOTAGE)),
    "media_processing:recording": ("GET", only(FOOTAGE)),
    "media_processing:recording_access": ("GET", only(FOOTAGE)),
    # Raw footage only after a reason was given in this session: refused to every role here.
    "media_processing:recording_stream": ("GET", only(())),
    "media_processing:recording_download": ("GET", only(())),
    # The test recording has no stored file: the job is refused with a message on the page.
    "media_processing:recording_detect": ("POST", only(REDACT, status=302)),
    # An empty form is shown again with its errors.
    "media_processing:recording_render": ("POST", only(REDACT)),
    "media_processing:upload": ("GET", only(("admin_role",))),
    "media_processing:upload_file": ("POST", only(("admin_role",), status=400)),  # no file sent
    "media_processing:search": ("GET", only(FOOTAGE)),
    "media_processing:clip": ("GET", only(FOOTAGE)),
    "media_processing:clip_download": ("GET", only(FOOTAGE, status=404)),  # the clip is still being cut
    "media_processing:clip_access": ("GET", only(REDACT, status=404)),  # nothing to show until it is cut
    "media_processing:clip_detect": ("POST", only(REDACT, status=302)),
    "media_processing:clip_render": ("POST", only(REDACT)),
    # Frames of raw footage only after a reason was given in this session: refused to every role here.
    "media_processing:track_thumbnail": ("GET", only(())),
    "media_processing:redacted_download": ("GET", only(REDACT, status=404)),  # its file is not there
    "dsar:index": ("GET", only(("dpo", "handler", "auditor"))),
    "dsar:ticket": ("GET", only(DSAR_VIEW)),
    "dsar:ticket_create": ("GET", only(DSAR_HANDLE)),
    "dsar:ticket_edit": ("GET", only(DSAR_HANDLE)),
    # The step is refused by the service (the ticket is not verified): back to the ticket with a message.
    "dsar:ticket_action": ("POST", only(DSAR_HANDLE, status=302)),
    # No reason given: the ticket page again with the form's error.
    "dsar:reveal": ("POST", only(DSAR_VIEW, status=400)),
    "dsar:photo": ("GET", only(DSAR_HANDLE, status=404)),  # the ticket has no photo
    "dsar:letter": ("GET", only(DSAR_VIEW, status=404)),  # its file is not there
    # The review of a ticket only received, whose clip is not cut yet: changes are refused
    # with a message on the page; the clip, its detections and previews are not there.
    "dsar:answer_review": ("GET", only(DSAR_HANDLE)),
    "dsar:answer_submit": ("POST", only(DSAR_HANDLE, status=302)),
    "dsar:answer_approve": ("POST", only(DSAR_HANDLE, status=302)),
    "dsar:answer_item_clip": ("GET", only(DSAR_HANDLE, status=404)),
    "dsar:answer_item_tracks": ("GET", only(DSAR_HANDLE, status=404)),
    "dsar:answer_item_requester": ("POST", only(DSAR_HANDLE, status=302)),
    "dsar:answer_item_boxes": ("POST", only(DSAR_HANDLE, status=302)),
    "dsar:answer_item_decisions": ("POST", only(DSAR_HANDLE, status=302)),
    "dsar:answer_item_preview": ("POST", only(DSAR_HANDLE, status=302)),
    "dsar:answer_item_previews": ("GET", only(DSAR_HANDLE)),
    "dsar:answer_preview_video": ("GET", only(DSAR_HANDLE, status=404)),
    "dsar:answer_item_check": ("GET", only(DSAR_HANDLE)),
    "dsar:answer_check_frame": ("GET", only(DSAR_HANDLE, status=404)),
    "dsar:answer_search": ("GET", only(DSAR_HANDLE)),
    # Refused by the services or an empty form (the ticket is only received, has no clips): back to the page.
    "dsar:answer_search_run": ("POST", only(DSAR_HANDLE, status=302)),
    "dsar:answer_search_detect": ("POST", only(DSAR_HANDLE, status=302)),
    "dsar:answer_search_frames": ("POST", only(DSAR_HANDLE, status=302)),
    "dsar:answer_search_camera_add": ("POST", only(DSAR_HANDLE, status=302)),
    "dsar:answer_search_camera_drop": ("POST", only(DSAR_HANDLE, status=302)),
    "dsar:answer_search_item_bounds": ("POST", only(DSAR_HANDLE, status=302)),
    "dsar:answer_search_item_include": ("POST", only(DSAR_HANDLE, status=302)),
    "dsar:answer_search_item_frame": ("GET", only(DSAR_HANDLE, status=404)),  # the clip is still being cut
    "dsar:answer_delivery": ("GET", only(DSAR_HANDLE)),
    # An empty form is shown again with its errors; withdrawing goes back to the page.
    "dsar:delivery_link_create": ("POST", only(DSAR_HANDLE, status=400)),
    "dsar:delivery_link_revoke": ("POST", only(DSAR_HANDLE, status=302)),
    # The ticket is not approved: the page says why, and starting goes back to it with a message.
    "dsar:answer_package": ("GET", only(DSAR_HANDLE)),
    "dsar:answer_package_start": ("POST", only(DSAR_HANDLE, status=302)),
    "dsar:package_download": ("GET", only(DSAR_HANDLE, status=404)),  # its files are not there
    "dsar:package_letter": ("GET", only(DSAR_HANDLE, status=404)),
    "dsar:disclosures": ("GET", only(DSAR_VIEW)),
    "dsar:disclosure_add": ("GET", only(DSAR_HANDLE)),
    "dsar:disclosure_edit": ("GET", only(DSAR_HANDLE)),
    "dpia:index": ("GET", only(("dpo", "admin_role", "auditor"))),
    "dpia:screenings": ("GET", only(DPIA_VIEW)),
    "dpia:screening_new": ("GET", only(DPIA_EDIT)),
    "dpia:screening": ("GET", only(DPIA_VIEW, refused=404)),
    "dpia:screening_start": ("POST", dpia_only(DPIA_EDIT, 302)),
    "dpia:safeguards": ("GET", only(DPIA_VIEW)),
    "dpia:safeguard_new": ("GET", only(DPIA_EDIT)),
    "dpia:safeguard_edit": ("GET", only(DPIA_EDIT)),
    "dpia:templates": ("GET", only(DPIA_VIEW)),
    "dpia:template_new": ("GET", only(DPIA_EDIT)),
    "dpia:template": ("GET", only(DPIA_VIEW)),
    "dpia:template_default": ("POST", only(DPIA_EDIT, status=302)),
    "dpia:import": ("GET", only(DPIA_EDIT)),
    "dpia:effort": ("GET", only(DPIA_VIEW)),
    **{
        f"dpia:{name}": ("GET", dpia_only(DPIA_VIEW))
        for name in (
            "assessment",
            "questionnaire",
            "questionnaire_section",
            "flow_map",
            "legal_basis",
            "risks",
            "risk_edit",
            "measure_edit",
            "evaluation",
            "versions",
            "version",
            "version_diff",
            "report_pdf",
            "export_json",
        )
    },
    **{
        f"dpia:{name}": ("GET", dpia_only(DPIA_EDIT))
        for name in (
            "flow_stage_edit",
            "flow_system_edit",
            "purpose_edit",
            "risk_add",
            "measure_add",
            "assessment_scope",
        )
    },
    # Empty forms: shown again with their errors.
    **{f"dpia:{name}": ("POST", dpia_only(DPIA_EDIT)) for name in ("flow_stage_add", "flow_system_add", "purpose_add")},
    **{
        f"dpia:{name}": ("POST", dpia_only(DPIA_EDIT, 302))
        for name in (
            "flow_stage_remove",
            "flow_stage_move",
            "flow_system_remove",
            "purpose_remove",
            "risk_remove",
            "risks_from_catalogue",
            "risk_scale",
            "measure_remove",
            "version_submit",
            "version_new",
            "review_schedule",
            "drift_check",
        )
    },
    **{f"dpia:{name}": ("POST", dpia_only(DPIA_EVALUATE, 302)) for name in ("section_evaluate", "version_return")},
    **{
        f"dpia:{name}": ("POST", dpia_only(DPIA_SIGN, 302))
        for name in ("version_opinion", "version_approve", "version_reject", "reviewed")
    },
    # The API takes tokens only, never the session cookie: everyone without a token gets 401.
    "api:cameras": ("GET", dict.fromkeys(ROLES, 401)),
    "api:recording_upload": ("POST", dict.fromkeys(ROLES, 401)),
    "api:recording": ("GET", dict.fromkeys(ROLES, 401)),
    "api_schema": ("GET", dict.fromkeys(ROLES, 200)),
    # The public request form needs no account; its acknowledgement opens only through its signed link.
    "dsar_public:form": ("GET", dict.fromkeys(ROLES, 200)),
    "dsar_public:acknowledgement": ("GET", dict.fromkeys(ROLES, 200)),
    "dsar_api:requests": ("POST", dict.fromkeys(ROLES, 401)),
    # The requester's download page needs no account, only the link; its files are not stored here.
    "dsar_download:link": ("GET", dict.fromkeys(ROLES, 200)),
    "dsar_download:letter": ("POST", dict.fromkeys(ROLES, 404)),
    "dsar_download:package": ("POST", dict.fromkeys(ROLES, 404)),
}

# Django's admin and the RQ dashboard: staff only, everyone else is sent to log in.
STAFF_NAMESPACES = ("admin", "django_rq")


def walk(patterns: list[Any], namespace: str = "", prefix: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace or ""]))
            yield from walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield ":".join(filter(None, [namespace, entry.name])), prefix + str(entry.pattern)


ALL_URLS = sorted(set(walk(get_resolver().url_patterns)))
APP_URLS = [(name, route) for name, route in ALL_URLS if name.split(":")[0] not in STAFF_NAMESPACES]
# What even the Admin role may not do in the admin: read or write the access log, forge jobs,
# add a second organisation, delete users' groups or the role definitions.
ADMIN_REFUSED = {
    "admin:autocomplete",  # refused without a valid app, model and field
    "admin:compliance_accessevent_changelist",  # the access log is for the DPO and the auditor
    "admin:compliance_accessevent_change",
    "admin:compliance_accessevent_add",
    "admin:compliance_accessevent_delete",
    "admin:compliance_jobrun_add",
    "admin:compliance_apitoken_delete",  # tokens are revoked, never deleted: their use stays traceable
    "admin:compliance_jobrun_delete",
    "admin:compliance_organisation_add",
    # Holds are placed on the Retention page, which logs them; certificates are written by the sweep.
    "admin:compliance_legalhold_add",
    "admin:compliance_legalhold_delete",
    "admin:compliance_deletioncertificate_add",
    "admin:compliance_deletioncertificate_delete",
    "admin:compliance_organisation_delete",
    "admin:auth_group_add",
    "admin:auth_group_delete",
    "admin:auth_user_delete",
    "admin:axes_accessattempt_add",
    "admin:axes_accessfailurelog_add",
    "admin:axes_accessfailurelog_delete",
    "admin:axes_accesslog_add",
    "admin:axes_accesslog_delete",
    "admin:django_rq_dashboard_add",
    "admin:django_rq_dashboard_delete",
    # The disclosure register belongs to those who handle requests; the Admin role runs the installation.
    "admin:dsar_disclosure_changelist",
    "admin:dsar_disclosure_add",
    "admin:dsar_disclosure_change",
    "admin:dsar_disclosure_delete",
}

# The admin's own log-in and log-out pages answer everyone.
STAFF_URLS = [
    (name, route)
    for name, route in ALL_URLS
    if name.split(":")[0] in STAFF_NAMESPACES and name not in ("admin:login", "admin:logout")
]


def test_every_url_has_expectations() -> None:
    missing = {name for name, _route in APP_URLS} - set(EXPECTED)
    assert not missing, f"add these URLs to EXPECTED with their answer per role: {sorted(missing)}"


@pytest.fixture
def users(dpo: Any, handler: Any, admin_role: Any, auditor: Any, outsider: Any) -> dict[str, Any]:
    return {"dpo": dpo, "handler": handler, "admin_role": admin_role, "auditor": auditor, "outsider": outsider}


def url_for(name: str, users: dict[str, Any]) -> str:
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
    if name.startswith("dpia:") and "<dpia_ref:reference>" in dict(ALL_URLS)[name]:
        return dpia_url(name)
    if name.startswith("dpia:") and "<int:pk>" in dict(ALL_URLS)[name]:
        return reverse(name, kwargs={"pk": dpia_pk(name)})
    if name.startswith("media_processing:") and "<int:pk>" in dict(ALL_URLS)[name]:
        return reverse(name, kwargs={"pk": footage_pk(name)})
    return reverse(name)


def dpia_url(name: str) -> str:
    assessment = make_assessment()
    version = newest(assessment)
    route = dict(ALL_URLS)[name]
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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_url_answers_each_role(client: Any, users: dict[str, Any], name: str, role: str) -> None:
    method, expected = EXPECTED[name]
    url = url_for(name, users)
    if role != "anonymous":
        client.force_login(users[role])
    response = client.post(url) if method == "POST" else client.get(url)
    wanted = expected[role]
    if wanted == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == wanted, f"{method} {url} as {role}"


def concrete(route: str) -> str:
    """Fill a staff route's parameters with plausible values; what matters is who gets in."""
    route = route.lstrip("^").rstrip("$")
    route = re.sub(r"<int:\w*index>", "0", route)
    route = re.sub(r"<int:\w+>", "1", route)
    route = re.sub(r"<(?:str:|slug:|path:)?(\w+)>", "x", route)
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", "compliance", route)
    return "/" + route.replace("\\", "")


@pytest.mark.parametrize(("name", "route"), STAFF_URLS)
def test_staff_urls_refuse_everyone_else(client: Any, users: dict[str, Any], name: str, route: str) -> None:
    url = concrete(route)
    for role in ("dpo", "handler", "auditor", "outsider"):
        client.force_login(users[role])
        response = client.get(url)
        assert response.status_code in (302, 404), f"{url} as {role}: {response.status_code}"
        if response.status_code == 302:
            assert "login" in response["Location"]
        client.logout()
    # Staff get past the gate. The placeholder ids may make the RQ dashboard itself fail,
    # which is not what this test is about.
    client.raise_request_exception = False
    client.force_login(users["admin_role"])
    response = client.get(url)
    if name in ADMIN_REFUSED:
        assert response.status_code == 403, f"{url} as Admin"
    else:
        assert response.status_code != 403, f"{url} as Admin"
        assert not (response.status_code == 302 and "login" in response["Location"])
