"""What the next sweep will delete, per camera and category, and what only a hold keeps."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from compliance.models import RetentionCategory
from compliance.retention.sweep import expired_items


@dataclass
class PreviewRow:
    category: str
    camera: str
    count: int = 0
    bytes: int = 0
    held_count: int = 0
    held_bytes: int = 0
    references: set[str] = field(default_factory=set)

    @property
    def category_label(self) -> str:
        return str(RetentionCategory(self.category).label)


def sweep_preview() -> list[PreviewRow]:
    rows: dict[tuple[str, str], PreviewRow] = {}
    for _handler, item in expired_items(timezone.now()):
        row = rows.setdefault((item.category, item.camera_name), PreviewRow(item.category, item.camera_name))
        if item.held_by:
            row.held_count += 1
            row.held_bytes += item.size
            row.references.update(item.held_by)
        else:
            row.count += 1
            row.bytes += item.size
    return sorted(rows.values(), key=lambda row: (row.category, row.camera))
