"""What the next sweep will delete or anonymise, per camera and category, and what only
a hold keeps. Counted by the database where a handler can (raw footage), so the page
stays quick with 100,000 recordings due."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from compliance.models import RetentionAction, RetentionCategory
from compliance.retention.registry import handlers, summarise


@dataclass
class PreviewRow:
    category: str
    camera: str
    action: str
    count: int = 0
    bytes: int = 0
    held_count: int = 0
    held_bytes: int = 0
    references: set[str] = field(default_factory=set)

    @property
    def category_label(self) -> str:
        return str(RetentionCategory(self.category).label)

    @property
    def anonymise(self) -> bool:
        return self.action == RetentionAction.ANONYMISE


def sweep_preview() -> list[PreviewRow]:
    now = timezone.now()
    rows: dict[tuple[str, str, str], PreviewRow] = {}
    for handler in handlers():
        for part in summarise(handler, now):
            key = (part.category, part.camera_name, part.action)
            row = rows.setdefault(key, PreviewRow(part.category, part.camera_name, part.action))
            if part.held:
                row.held_count += part.count
                row.held_bytes += part.size
                row.references.update(part.references)
            else:
                row.count += part.count
                row.bytes += part.size
    return sorted(rows.values(), key=lambda row: (row.category, row.camera, row.action))
