from django.db import migrations

from tokonomix.core.workflow.permissions import grant


def grant_permissions(apps, schema_editor):
    content = {name: ["add", "change", "view"] for name in ["verdict", "evaluationscore"]}
    measured = {name: ["view"] for name in ["speedtestrun", "speedsample"]}
    grant(
        apps,
        "benchmarks",
        editors={**content, **measured},
        reviewers={**content, **measured, "speedtarget": ["add", "change", "view"]},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarks", "0002_verdicts_and_scores"),
        ("workflow", "0002_editors_and_reviewers_groups"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
