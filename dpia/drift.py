"""How the configuration now differs from what an approved assessment relied on.

`differences(before, now)` compares two sets of facts written by
`dpia.living.configuration_facts` and names each difference a DPO must look at: which
camera or policy, the old value and the new. Only changes that can raise the risk are
named for switches (masks removed, anonymisation off, audio on); any change of a
retention rule, purpose, legal basis or detector is named, since the assessment stated
those values.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from compliance.models import RetentionAction
from compliance.models.retention import PeriodUnit, RetentionCategory
from media_processing.models import Camera, LegalBasis, ZoneType

Facts = dict[str, Any]
Difference = dict[str, str]


def differences(before: Facts, now: Facts) -> list[Difference]:
    """Each difference as {"code", "message"}, in a stable order (policies, cameras, sites, detector)."""
    return [
        *_policy_drift(before.get("policies", {}), now["policies"]),
        *_camera_drift(before.get("cameras", {}), now["cameras"], before.get("policies", {})),
        *_site_drift(before.get("sites", {}), now["sites"], before.get("cameras", {})),
        *_detector_drift(before.get("detector", {}), now["detector"]),
    ]


def _words(facts: Facts | None) -> str:
    """A retention rule in words: "deleted after 30 days"."""
    if not facts:
        return _("no policy (kept)")
    if facts["action"] == RetentionAction.KEEP:
        return _("kept, not deleted automatically")
    unit = PeriodUnit(facts["unit"]).label if facts["unit"] in PeriodUnit.values else facts["unit"]
    values = {"period": facts["period"], "unit": unit}
    if facts["action"] == RetentionAction.ANONYMISE:
        return _("anonymised after %(period)s %(unit)s") % values
    return _("deleted after %(period)s %(unit)s") % values


def _same_rule(old: Facts | None, new: Facts | None) -> bool:
    if old is None or new is None:
        return old is new
    return all(old[key] == new[key] for key in ("period", "unit", "action"))


def _label(choices: type[Any], value: str) -> str:
    return str(choices(value).label) if value in choices.values else (value or "—")


def _policy_drift(before: Facts, now: Facts) -> list[Difference]:
    found = []
    for key, old in before.items():
        new = now.get(key)
        if new is None:
            found.append(
                {
                    "code": "policy_removed",
                    "message": _("The retention policy “%(policy)s” (%(old)s) no longer exists.")
                    % {"policy": old["label"], "old": _words(old)},
                }
            )
        elif not _same_rule(old, new):
            found.append(
                {
                    "code": "retention_changed",
                    "message": _("Retention policy “%(policy)s”: %(old)s → %(new)s.")
                    % {"policy": old["label"], "old": _words(old), "new": _words(new)},
                }
            )
    return found


def _camera_drift(before: Facts, now: Facts, linked: Facts) -> list[Difference]:
    found = []
    for key, old in before.items():
        new = now.get(key)
        if new is None:
            gone = not Camera.objects.filter(pk=int(key)).exists()
            found.append(
                {
                    "code": "camera_deleted" if gone else "camera_unlinked",
                    "message": (
                        _("Camera “%(camera)s”, covered by the assessment, has been deleted.")
                        if gone
                        else _("Camera “%(camera)s” is no longer linked to the assessment.")
                    )
                    % {"camera": old["name"]},
                }
            )
            continue
        found += _one_camera(old, new, linked)
    for key, new in now.items():
        if key not in before:
            found.append(
                {
                    "code": "camera_linked",
                    "message": _(
                        "Camera “%(camera)s” is now linked to the assessment but was not part of it when approved."
                    )
                    % {"camera": new["name"]},
                }
            )
    return found


def _one_camera(old: Facts, new: Facts, linked: Facts) -> list[Difference]:
    name = {"camera": new["name"]}
    found = []

    def add(code: str, message: str) -> None:
        found.append({"code": code, "message": message})

    if new["masks"] < old["masks"]:
        if new["masks"] == 0:
            add(
                "masks_removed",
                _("Camera “%(camera)s”: all privacy masks removed (%(old)d → none).") % {**name, "old": old["masks"]},
            )
        else:
            add(
                "masks_removed",
                _("Camera “%(camera)s”: privacy masks removed (%(old)d → %(new)d).")
                % {**name, "old": old["masks"], "new": new["masks"]},
            )
    if old["region_of_interest"] and not new["region_of_interest"]:
        add(
            "roi_removed",
            _("Camera “%(camera)s”: the region of interest was removed; the whole picture is kept.") % name,
        )
    if old["anonymise_at_ingest"] and not new["anonymise_at_ingest"]:
        add("anonymise_off", _("Camera “%(camera)s”: anonymise at ingestion switched off (on → off).") % name)
    if new["records_audio"] and not old["records_audio"]:
        add("audio_on", _("Camera “%(camera)s”: audio recording switched on (off → on).") % name)
    for zone in sorted(set(new["zone_types"]) - set(old["zone_types"])):
        add(
            "zone_added",
            _("Camera “%(camera)s” now films a zone the assessment did not cover: %(zone)s.")
            % {**name, "zone": _label(ZoneType, zone)},
        )
    if new["purpose"].strip() != old["purpose"].strip():
        add(
            "purpose_changed",
            _("Camera “%(camera)s”: purpose changed from “%(old)s” to “%(new)s”.")
            % {**name, "old": old["purpose"], "new": new["purpose"]},
        )
    if new["legal_basis"] != old["legal_basis"]:
        add(
            "legal_basis_changed",
            _("Camera “%(camera)s”: legal basis %(old)s → %(new)s.")
            % {**name, "old": _label(LegalBasis, old["legal_basis"]), "new": _label(LegalBasis, new["legal_basis"])},
        )
    for category, old_rule in old["retention"].items():
        new_rule = new["retention"].get(category)
        if _same_rule(old_rule, new_rule) or _reported(old_rule, new_rule, linked):
            continue
        add(
            "retention_changed",
            _("Camera “%(camera)s”, %(category)s: %(old)s → %(new)s.")
            % {
                **name,
                "category": _label(RetentionCategory, category).lower(),
                "old": _words(old_rule),
                "new": _words(new_rule),
            },
        )
    return found


def _reported(old: Facts | None, new: Facts | None, linked: Facts) -> bool:
    """A change of a policy the assessment links is already named once, by the policy."""
    return old is not None and new is not None and old["policy"] == new["policy"] and str(old["policy"]) in linked


def _site_drift(before: Facts, now: Facts, covered: Facts) -> list[Difference]:
    found = []
    for key, old in before.items():
        new = now.get(key)
        if new is None:
            found.append(
                {
                    "code": "site_removed",
                    "message": _("The covered site “%(site)s” no longer exists.") % {"site": old["name"]},
                }
            )
            continue
        for camera_key, camera in new["cameras"].items():
            if camera_key not in old["cameras"] and camera_key not in covered:
                found.append(
                    {
                        "code": "camera_added",
                        "message": _("Camera “%(camera)s” was added to the covered site “%(site)s”.")
                        % {"camera": camera, "site": new["name"]},
                    }
                )
    return found


def _detector_drift(before: Facts, now: Facts) -> list[Difference]:
    found = []
    for key in ("face_model", "plate_detector"):
        model_changed = before.get(key) != now.get(key)
        hash_changed = key == "face_model" and before.get("face_model_sha256") != now.get("face_model_sha256")
        if model_changed or hash_changed:
            old, new = before.get(key, "—"), now.get(key, "—")
            if key == "face_model":
                old = f"{old} (SHA-256 {before.get('face_model_sha256', '')[:12]}…)"
                new = f"{new} (SHA-256 {now.get('face_model_sha256', '')[:12]}…)"
            found.append(
                {
                    "code": "detector_model",
                    "message": _("Detector model changed: %(old)s → %(new)s.") % {"old": old, "new": new},
                }
            )
    if before.get("face_threshold") != now.get("face_threshold"):
        found.append(
            {
                "code": "detector_threshold",
                "message": _("Face detection threshold changed: %(old)s → %(new)s.")
                % {"old": before.get("face_threshold", "—"), "new": now.get("face_threshold", "—")},
            }
        )
    return found
