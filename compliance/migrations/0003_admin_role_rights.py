"""The Admin role runs the installation: users, log-in lockouts and the job queue."""

from django.db import migrations

from compliance.roles import ADMIN, grant


def grant_admin(apps, schema_editor):
    grant(
        apps,
        "auth",
        "user",
        {
            "add_user": ("Can add user", (ADMIN,)),
            "change_user": ("Can change user", (ADMIN,)),
            "view_user": ("Can view user", (ADMIN,)),
        },
    )
    grant(apps, "auth", "group", {"view_group": ("Can view group", (ADMIN,))})
    grant(
        apps,
        "axes",
        "accessattempt",
        {
            "view_accessattempt": ("Can view access attempt", (ADMIN,)),
            "delete_accessattempt": ("Can delete access attempt", (ADMIN,)),
        },
    )
    grant(apps, "axes", "accessfailurelog", {"view_accessfailurelog": ("Can view access failure", (ADMIN,))})
    grant(apps, "axes", "accesslog", {"view_accesslog": ("Can view access log", (ADMIN,))})
    grant(apps, "django_rq", "dashboard", {"admin": ("Access admin page", (ADMIN,))})


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0002_roles_and_chain_head"),
        ("axes", "0010_accessattemptexpiration"),
        ("django_rq", "0003_alter_dashboard_permission_names"),
    ]

    operations = [migrations.RunPython(grant_admin, migrations.RunPython.noop)]
