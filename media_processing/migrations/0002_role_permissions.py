from django.db import migrations

from compliance.roles import ADMIN, AUDITOR, DPO, DSAR_HANDLER, grant


def grant_roles(apps, schema_editor):
    grant(
        apps,
        "media_processing",
        "rights",
        {
            "view_footage": (
                "Can view footage",
                (
                    DPO,
                    DSAR_HANDLER,
                    ADMIN,
                    AUDITOR,
                ),
            ),
            "manage_footage": ("Can add and change cameras and footage", (ADMIN,)),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("media_processing", "0001_initial"), ("compliance", "0002_roles_and_chain_head")]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
