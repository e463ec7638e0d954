from django.db import migrations

from tokonomix.core.workflow.permissions import grant

CONTENT = ["usecase", "usecaseentry"]


def grant_permissions(apps, schema_editor):
    editing = {name: ["add", "change", "view"] for name in CONTENT}
    grant(apps, "models_catalog", editors=editing, reviewers=editing)


class Migration(migrations.Migration):
    dependencies = [
        ("models_catalog", "0006_usecase"),
        ("workflow", "0002_editors_and_reviewers_groups"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
