"""Panels other apps add to the main dashboard, so the spine never imports them.

An app registers, in its AppConfig.ready, a template and a function of the user that
returns the panel's context, or None when that user may not see it. The dashboard
includes each panel's template with `panel` set to that context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Provider = Callable[[Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    template: str
    provider: Provider


_PANELS: dict[str, Panel] = {}


def register_panel(name: str, *, template: str, provider: Provider) -> None:
    _PANELS[name] = Panel(template=template, provider=provider)


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    """The registered panels this user may see, in registration order: {"template", "panel"}."""
    shown = []
    for item in _PANELS.values():
        context = item.provider(user)
        if context is not None:
            shown.append({"template": item.template, "panel": context})
    return shown
