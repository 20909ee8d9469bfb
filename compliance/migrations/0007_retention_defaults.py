"""The default retention schedule (see docs/architecture.md, "Retention and legal holds")."""

from django.db import migrations

# category: (period, unit, action)
DEFAULTS = {
    "raw_footage": (30, "days", "delete"),
    "redacted_outputs": (30, "days", "delete"),
    "dsar_packages": (90, "days", "delete"),
    "closed_dsars": (1095, "days", "delete"),
    # The access log is hash-chained: removing old entries would break verification, so
    # its period is documented but nothing is deleted automatically.
    "access_log": (730, "days", "keep"),
    "job_records": (90, "days", "delete"),
}


def create_defaults(apps, schema_editor):
    policy_model = apps.get_model("compliance", "RetentionPolicy")
    for category, (period, unit, action) in DEFAULTS.items():
        policy_model.objects.get_or_create(
            category=category, camera=None, defaults={"period": period, "unit": unit, "action": action}
        )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0006_retention")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
