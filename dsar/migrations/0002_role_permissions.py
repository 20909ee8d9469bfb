from django.db import migrations

from compliance.roles import AUDITOR, DPO, DSAR_HANDLER, grant


def grant_roles(apps, schema_editor):
    grant(
        apps,
        "dsar",
        "rights",
        {
            "view_dsar": (
                "Can view data subject requests",
                (
                    DPO,
                    DSAR_HANDLER,
                    AUDITOR,
                ),
            ),
            "handle_dsar": (
                "Can handle data subject requests",
                (
                    DPO,
                    DSAR_HANDLER,
                ),
            ),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("dsar", "0001_initial"), ("compliance", "0002_roles_and_chain_head")]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
