from django.db import migrations

from compliance.roles import ADMIN, AUDITOR, DPO, grant


def grant_roles(apps, schema_editor):
    grant(
        apps,
        "dpia",
        "rights",
        {
            "view_dpia": (
                "Can view impact assessments",
                (
                    DPO,
                    ADMIN,
                    AUDITOR,
                ),
            ),
            "edit_dpia": ("Can edit impact assessments", (DPO,)),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("dpia", "0001_initial"), ("compliance", "0002_roles_and_chain_head")]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
