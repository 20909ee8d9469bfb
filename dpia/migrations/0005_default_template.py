from django.db import migrations


def load_template(apps, schema_editor):
    """Install or update the built-in questionnaire template from the repository."""


class Migration(migrations.Migration):
    dependencies = [("dpia", "0004_workflow_permissions")]

    operations = [migrations.RunPython(load_template, migrations.RunPython.noop)]
