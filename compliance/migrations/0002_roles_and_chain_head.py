from django.db import migrations

from compliance.roles import ADMIN, AUDITOR, DPO, DSAR_HANDLER, ROLES, grant

GENESIS_HASH = "0" * 64


def create_roles_and_rows(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for role in ROLES:
        group_model.objects.get_or_create(name=role)
    grant(
        apps,
        "compliance",
        "accessevent",
        {
            "view_accessevent": ("Can view access event", (DPO, AUDITOR)),
            "verify_access_log": ("Can verify the access log chain", (DPO, AUDITOR)),
        },
    )
    grant(
        apps,
        "compliance",
        "organisation",
        {
            "view_retention": ("Can view retention schedules and holds", (DPO, ADMIN, AUDITOR)),
            "manage_retention": ("Can change retention schedules and holds", (DPO, ADMIN)),
            "view_organisation": ("Can view organisation", (DPO, ADMIN, AUDITOR, DSAR_HANDLER)),
            "change_organisation": ("Can change organisation", (DPO, ADMIN)),
        },
    )
    grant(
        apps,
        "compliance",
        "jobrun",
        {
            "view_jobrun": ("Can view job", (ADMIN, AUDITOR)),
            "change_jobrun": ("Can change job", (ADMIN,)),
        },
    )
    apps.get_model("compliance", "AccessLogHead").objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})
    apps.get_model("compliance", "Organisation").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles_and_rows, migrations.RunPython.noop)]
