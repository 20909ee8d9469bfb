"""Every URL in the URLconf, for every role: allowed, refused (403), hidden (404) or
sent to log in. A URL added later without an entry in EXPECTED fails
`test_every_url_has_expectations`, so nothing escapes this table."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.support.url_rows import url_for

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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_url_answers_each_role(client: Any, users: dict[str, Any], name: str, role: str) -> None:
    method, expected = EXPECTED[name]
    url = url_for(name, dict(ALL_URLS)[name], users)
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
