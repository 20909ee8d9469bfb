"""Demo requests at different stages, so the DSAR pages have something to show."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from dsar.models import DataSubjectRequest
from dsar.services import (
    dsar_approve,
    dsar_await_identity,
    dsar_close,
    dsar_create,
    dsar_deliver,
    dsar_extend,
    dsar_send_to_review,
    dsar_start_search,
    dsar_verify_identity,
)
from media_processing.models import Camera


class Command(BaseCommand):
    help = "Log demo data subject requests (once): new, waiting for identity, in review, extended, answered."

    def handle(self, *args: Any, **options: Any) -> None:
        if DataSubjectRequest.objects.exists():
            self.stdout.write("Demo requests: already there")
            return
        handler = get_user_model().objects.filter(username="handler").first()
        now = timezone.now()
        entrance = list(Camera.objects.filter(name="Entrance"))
        seen = [(now - timedelta(hours=3, minutes=10), now - timedelta(hours=2, minutes=50))]

        def log(name: str, days_ago: float, **fields: Any) -> DataSubjectRequest:
            return dsar_create(
                actor=handler,
                kind=fields.pop("kind", "access"),
                channel=fields.pop("channel", "email"),
                requester_name=name,
                requester_email=f"{name.split()[0].lower()}@example.org",
                received_at=now - timedelta(days=days_ago),
                assigned_to=handler,
                **fields,
            )

        log("Alex Example", 1, description="Asks for footage of their visit this morning.")
        waiting = log("Sam Sample", 4, channel="letter", description="Letter without proof of identity.")
        dsar_await_identity(actor=handler, request=waiting, note="Asked for a copy of an ID card.")
        review = log(
            "Robin Demo",
            12,
            description="Filmed at the shop entrance; wore a red coat.",
            cameras=entrance,
            windows=seen,
        )
        for step in (dsar_verify_identity, dsar_start_search, dsar_send_to_review):
            review = step(actor=handler, request=review)
        extended = log("Kim Placeholder", 25, kind="access", channel="web_form", description="Several visits in May.")
        dsar_verify_identity(actor=handler, request=extended)
        dsar_extend(
            actor=handler,
            request=extended,
            reasons="Footage from six cameras over three weeks has to be reviewed and redacted.",
        )
        answered = log("Lee Specimen", 20, description="Footage of a fall in the car park.")
        for step in (dsar_verify_identity, dsar_start_search, dsar_send_to_review, dsar_approve):
            answered = step(actor=handler, request=answered)
        dsar_deliver(actor=handler, request=answered, note="Sent by secure link.")
        dsar_close(actor=handler, request=answered)
        self.stdout.write(f"Demo requests: {DataSubjectRequest.objects.count()} logged")
