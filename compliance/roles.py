"""The four roles, as Django groups, and the helper migrations use to grant them rights.

Each app grants its own permissions from its own migration, so the dependency stays
app → compliance.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

DPO = "DPO"
DSAR_HANDLER = "DSAR handler"
ADMIN = "Admin"
AUDITOR = "Auditor"
ROLES = (DPO, DSAR_HANDLER, ADMIN, AUDITOR)

ROLE_LABELS = {
    DPO: _("Data protection officer"),
    DSAR_HANDLER: _("DSAR handler"),
    ADMIN: _("Administrator"),
    AUDITOR: _("Auditor (read-only)"),
}


def grant(apps: Any, app_label: str, model: str, grants: dict[str, tuple[str, tuple[str, ...]]]) -> None:
    """For a data migration: create each permission `codename: (name, roles)` and give it to the roles."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    group_model = apps.get_model("auth", "Group")
    content_type, _created = content_type_model.objects.get_or_create(app_label=app_label, model=model)
    for codename, (name, roles) in grants.items():
        permission, _created = permission_model.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        for role in roles:
            group_model.objects.get_or_create(name=role)[0].permissions.add(permission)


def user_roles(user: Any) -> list[str]:
    if not user.is_authenticated:
        return []
    return sorted(group.name for group in user.groups.all() if group.name in ROLES)
