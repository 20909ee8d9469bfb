"""A demo screening and the assessment it started, so the DPIA pages have something to show."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dpia.models import Assessment
from dpia.services.common import DpiaError
from dpia.services.screening import screening_create, screening_start_assessment
from media_processing.models import Camera


class Command(BaseCommand):
    help = "Screen the demo cameras and start the DPIA the verdict asks for (once)."

    def handle(self, *args: Any, **options: Any) -> None:
        if Assessment.objects.exists():
            self.stdout.write("Demo assessment: already there")
            return
        cameras = list(Camera.objects.filter(active=True).order_by("name"))
        if not cameras:
            self.stdout.write("Demo assessment: no cameras to assess")
            return
        dpo = get_user_model().objects.filter(username="dpo").first()
        # The register answers for the zones; these are what a DPO would add.
        answers = {
            "systematic_monitoring": "yes",
            "innovative": "yes",
            "large_scale": "no",
            "employee_monitoring": "no",
        }
        try:
            with transaction.atomic():
                screening = screening_create(actor=dpo, title="Shop cameras", cameras=cameras, answers=answers)
                assessment = screening_start_assessment(screening=screening, actor=dpo)
        except DpiaError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Demo assessment: {assessment.reference} ({screening.get_verdict_display()}), a draft to complete"
        )
