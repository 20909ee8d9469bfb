from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, URL name, permission needed to see the link)
NAVIGATION = (
    (_("Dashboard"), "dashboard", None),
    (_("Footage"), "media_processing:index", "media_processing.view_footage"),
    (_("DSAR"), "dsar:index", "dsar.view_dsar"),
    (_("DPIA"), "dpia:index", "dpia.view_dpia"),
    (_("Retention"), "retention", "compliance.view_retention"),
    (_("Access log"), "access_log", "compliance.view_accessevent"),
    (_("Settings"), "organisation_settings", "compliance.change_organisation"),
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    path = request.path
    items = []
    for label, url_name, perm in NAVIGATION:
        if perm and not user.has_perm(perm):
            continue
        url = reverse(url_name)
        current = path == url if url == "/" else path.startswith(url)
        items.append({"label": label, "url": url, "current": current})
    if user.is_staff:
        url = reverse("admin:index")
        items.append({"label": _("Admin"), "url": url, "current": path.startswith(url)})
    return {"navigation": items}
