from django.db import migrations

from tokonomix.core.workflow.permissions import grant


def grant_permissions(apps, schema_editor):
    # Editors and reviewers see what each source says and confirm disputed values.
    grants = {"dispute": ["view", "change"], "factclaim": ["view"]}
    grant(apps, "models_catalog", editors=grants, reviewers=grants)


class Migration(migrations.Migration):
    dependencies = [
        ("models_catalog", "0010_sources_claims_disputes_lifecycle"),
        ("workflow", "0002_editors_and_reviewers_groups"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
