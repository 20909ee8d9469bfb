from django.db import migrations

from compliance.roles import DPO, DSAR_HANDLER, grant


def grant_approval(apps, schema_editor):
    grant(
        apps,
        "dsar",
        "rights",
        {
            "approve_dsar_response": (
                "Can approve the footage answer to a data subject request",
                (DPO, DSAR_HANDLER),
            ),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("dsar", "0005_footage_answers"), ("compliance", "0002_roles_and_chain_head")]

    operations = [migrations.RunPython(grant_approval, migrations.RunPython.noop)]
