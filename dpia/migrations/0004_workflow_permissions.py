from django.db import migrations

from compliance.roles import ADMIN, DPO, grant


def grant_roles(apps, schema_editor):
    grant(
        apps,
        "dpia",
        "rights",
        {
            "edit_dpia": ("Can edit impact assessments", (DPO, ADMIN)),
            "evaluate_dpia": ("Can evaluate impact assessments", (DPO, ADMIN)),
            "sign_dpia": ("Can give the DPO opinion and sign off impact assessments", (DPO,)),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("dpia", "0003_assessments"), ("compliance", "0002_roles_and_chain_head")]

    operations = [migrations.RunPython(grant_roles, migrations.RunPython.noop)]
