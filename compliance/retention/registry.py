"""What each category's items are, supplied by the app that holds them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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
    action: str = "delete"  # or "anonymise": the original replaced by its anonymised copy


@dataclass
class Summary:
    """Items of one category, camera, action and held state, counted for the preview."""

    category: str
    camera_name: str
    action: str
    held: bool
    count: int
    size: int
    references: set[str] = field(default_factory=set)


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


def summarise(handler: RetentionHandler, now: datetime) -> list[Summary]:
    """The handler's own `summarise` (counted by the database), or its items counted here."""
    own = getattr(handler, "summarise", None)
    if own is not None:
        return list(own(now))
    return count_items(handler.expired(now))


def count_items(items: Iterable[Item]) -> list[Summary]:
    rows: dict[tuple[str, str, bool], Summary] = {}
    for item in items:
        key = (item.camera_name, item.action, bool(item.held_by))
        row = rows.setdefault(key, Summary(item.category, item.camera_name, item.action, bool(item.held_by), 0, 0))
        row.count += 1
        row.size += item.size
        row.references.update(item.held_by)
    return list(rows.values())


def delete_items(handler: RetentionHandler, items: list[Item], now: datetime) -> list[Item]:
    """`delete` for each item, or the handler's `delete_many` where it has one: the same
    checks made for a whole chunk at once."""
    delete_many = getattr(handler, "delete_many", None)
    if delete_many is not None:
        return list(delete_many(items, now))
    return [done for item in items if (done := handler.delete(item, now)) is not None]


_HANDLERS: dict[str, RetentionHandler] = {}


def register(handler: RetentionHandler) -> None:
    _HANDLERS[f"{handler.category}:{type(handler).__name__}"] = handler


def handlers() -> list[RetentionHandler]:
    return list(_HANDLERS.values())
