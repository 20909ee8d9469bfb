from typing import Any

from django.core.management.base import BaseCommand, CommandError

from compliance.access_log import verify_chain


class Command(BaseCommand):
    help = "Check the access log's hash chain; exit 1 naming the first altered, inserted or removed entry."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.problem:
            raise CommandError(f"Access log chain broken at {report.problem}.", returncode=1)
        self.stdout.write(
            f"Access log intact: {report.entries_checked} entries; head #{report.head_seq} {report.head_hash}"
            + (
                f"; starts after #{report.starts_after} (removed under the retention schedule)"
                if report.starts_after
                else ""
            )
        )
