from pathlib import Path

import yaml
from django.db import migrations

CATALOGUE = Path(__file__).resolve().parent.parent / "catalogue_data" / "safeguards.yaml"
FIELDS = ("name", "kind", "how", "effort", "accuracy_effect", "small_business")


def load_safeguards(apps, schema_editor):
    """Install the safeguard catalogue's built-in entries.

    Idempotent by key: an entry that already exists is left as it is, so an administrator's
    edits survive a second run.
    """
    Safeguard = apps.get_model("dpia", "Safeguard")
    for entry in yaml.safe_load(CATALOGUE.read_text(encoding="utf-8")):
        Safeguard.objects.get_or_create(
            key=entry["key"], defaults={field: str(entry.get(field, "")).strip() for field in FIELDS}
        )


class Migration(migrations.Migration):
    dependencies = [("dpia", "0005_default_template")]

    operations = [migrations.RunPython(load_safeguards, migrations.RunPython.noop)]
