from django.db import migrations

from compliance.roles import DPO, DSAR_HANDLER, grant


def grant_redaction(apps, schema_editor):
    grant(
        apps,
        "media_processing",
        "rights",
        {
            "redact_footage": (
                "Can find faces and plates in footage and make redacted copies",
                (DPO, DSAR_HANDLER),
            ),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("media_processing", "0006_redaction_store"), ("compliance", "0002_roles_and_chain_head")]

    operations = [migrations.RunPython(grant_redaction, migrations.RunPython.noop)]
