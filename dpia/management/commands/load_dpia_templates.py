from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dpia.questionnaire import iter_questions
from dpia.services.templates import BUILT_IN, TemplateInvalid, template_load_file


class Command(BaseCommand):
    help = (
        "Load questionnaire templates for impact assessments from YAML or JSON files: the built-in one "
        "when no file is named. A template with the same key is updated; assessments keep the copy they started from."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="Template files (default: the built-in template).")

    def handle(self, *args: Any, paths: list[Path], **options: Any) -> None:
        for path in paths or [BUILT_IN]:
            try:
                template, created = template_load_file(path=path)
            except TemplateInvalid as exc:
                problems = "\n".join(f"  - {error}" for error in exc.errors)
                raise CommandError(f"{path} was not loaded:\n{problems}") from None
            count = sum(1 for _ in iter_questions(template.body))
            self.stdout.write(
                f"{'Created' if created else 'Updated'} “{template.name}” ({template.key}): "
                f"{len(template.body['sections'])} sections, {count} questions"
                f"{', the default for new assessments' if template.is_default else ''}."
            )
