from django.db import migrations


def load_safeguards(apps, schema_editor):
    """Install the safeguard catalogue's built-in entries."""


class Migration(migrations.Migration):
    dependencies = [("dpia", "0005_default_template")]

    operations = [migrations.RunPython(load_safeguards, migrations.RunPython.noop)]
