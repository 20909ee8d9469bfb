from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dsar.deadlines import UnknownCalendar, statutory_deadlines


def parse_received(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("%(value)r is not a date; give the day the request was received as YYYY-MM-DD, e.g. 2025-01-31.")
            % {"value": value}
        ) from None


class Command(BaseCommand):
    # Lazy because commands are imported before a language is active; BaseCommand declares a str.
    help = gettext_lazy(  # type: ignore[assignment]
        "Print when a request received on a given day is due, the last day to announce an extension, "
        "and the extended deadline, under the country's (and region's) public holidays."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        """argparse wraps the description with a regex, which refuses a lazy string: translate it here."""
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = str(self.help)
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("received", metavar="YYYY-MM-DD", help=_("The day the request was received."))
        parser.add_argument("--country", required=True, metavar="CC", help=_("ISO 3166-1 country code, e.g. DE."))
        parser.add_argument(
            "--subdivision",
            metavar="SS",
            help=_("Region whose public holidays also apply, e.g. BY for Bavaria."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        received = parse_received(options["received"])
        try:
            deadlines = statutory_deadlines(received, options["country"], options["subdivision"])
        except UnknownCalendar as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("due: %(day)s") % {"day": deadlines.due.isoformat()})
        self.stdout.write(_("extension notice by: %(day)s") % {"day": deadlines.extension_notice_by.isoformat()})
        self.stdout.write(_("extended due: %(day)s") % {"day": deadlines.extended_due.isoformat()})
