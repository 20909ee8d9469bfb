import zoneinfo
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from compliance.models import Organisation
from compliance.retention.registry import Item
from compliance.retention.sweep import sweep


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


def item_line(prefix: str, item: Item) -> str:
    where = ", ".join(file["path"] for file in item.files) or f"{item.model} #{item.pk}"
    camera = item.camera_name or "-"
    return f"{prefix} {item.category} | {camera} | {_when(item.start)} to {_when(item.end)} | {item.size} B | {where}"


class Command(BaseCommand):
    help = "Delete every item past its retention period that no legal hold keeps; --dry-run only lists them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would be deleted; delete nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        # Times in the organisation's zone, as on the pages.
        timezone.activate(zoneinfo.ZoneInfo(Organisation.current().time_zone))
        dry_run = options["dry_run"]
        result = sweep(dry_run=dry_run)
        verbs = {"delete": "would delete", "anonymise": "would anonymise"} if dry_run else {}
        for item in result.deleted:
            self.stdout.write(item_line(verbs.get(item.action) or f"{item.action}d", item))
        for item in result.held:
            self.stdout.write(item_line(f"kept (hold {', '.join(item.held_by)})", item))
        certificate = f"; certificate #{result.certificate.pk}" if result.certificate else ""
        total = "to delete" if dry_run else "deleted"
        self.stdout.write(
            f"Total: {len(result.deleted)} items {total}, {result.bytes} bytes; "
            f"{len(result.held)} kept by a legal hold{certificate}"
        )
