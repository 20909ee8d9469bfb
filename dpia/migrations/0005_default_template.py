import copy
from functools import lru_cache
from pathlib import Path

import yaml
from django.db import migrations

# The built-in questionnaire, read from the repository each time this runs, so that
# running it again (or `load_dpia_templates`) brings the row up to date with the file.
BUILT_IN = Path(__file__).resolve().parents[1] / "questionnaires" / "default.yaml"


@lru_cache(maxsize=1)
def _read(path: str, modified: float) -> dict:
    # Cached by modification time: the test suite runs this before every database test.
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_template(apps, schema_editor):
    """Install or update the built-in questionnaire template from the repository."""
    Template = apps.get_model("dpia", "QuestionnaireTemplate")
    data = _read(str(BUILT_IN), BUILT_IN.stat().st_mtime)
    template, _created = Template.objects.update_or_create(
        key=data["key"],
        defaults={
            "name": data["name"],
            "description": data.get("description", ""),
            "language": data.get("language", "en"),
            "body": {"sections": copy.deepcopy(data["sections"])},
            "built_in": True,
        },
    )
    if not template.is_default and not Template.objects.filter(is_default=True).exists():
        Template.objects.filter(pk=template.pk).update(is_default=True)


class Migration(migrations.Migration):
    dependencies = [("dpia", "0004_workflow_permissions")]

    operations = [migrations.RunPython(load_template, migrations.RunPython.noop)]
