"""What each category's items are, supplied by the app that holds them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass
class Item:
    """One thing the sweep may delete: a row, and the stored files that go with it."""

    category: str
    model: str  # "app_label.model_name"
    pk: int
    label: str
    camera_id: int | None = None
    camera_name: str = ""
    start: datetime | None = None
    end: datetime | None = None
    size: int = 0
    files: list[dict[str, str]] = field(default_factory=list)  # {"path": ..., "sha256": ...}
    policy: dict[str, object] = field(default_factory=dict)
    held_by: list[str] = field(default_factory=list)  # case references of the holds that keep it


class RetentionHandler(Protocol):
    category: str

    def expired(self, now: datetime) -> Iterator[Item]:
        """Every item past its period at `now`, held ones included (with `held_by` filled)."""
        ...

    def delete(self, item: Item, now: datetime) -> Item | None:
        """Inside the caller's transaction: lock the row, check again that it is expired and
        not held, delete it and its derived rows; return the item with every file to remove.
        None when it is gone, held or no longer expired. Never touches files itself."""
        ...


_HANDLERS: dict[str, RetentionHandler] = {}


def register(handler: RetentionHandler) -> None:
    _HANDLERS[f"{handler.category}:{type(handler).__name__}"] = handler


def handlers() -> list[RetentionHandler]:
    return list(_HANDLERS.values())
