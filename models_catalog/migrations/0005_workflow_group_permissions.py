from django.db import migrations

from tokonomix.core.workflow.permissions import grant

CONTENT = ["modelprofile", "profilesection", "profilepoint", "faq", "illustration"]
CATALOGUE = ["provider", "tier", "model", "modelcapability", "modelalias", "region", "host",
             "offering"]


def grant_permissions(apps, schema_editor):
    editing = {name: ["add", "change", "view"] for name in CONTENT + CATALOGUE}
    grant(
        apps,
        "models_catalog",
        editors={**editing, "cataloguechange": ["view"]},
        reviewers={**editing, "cataloguechange": ["view"]},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("models_catalog", "0004_modelprofile_approved_revision_modelprofile_authors_and_more"),
        ("workflow", "0002_editors_and_reviewers_groups"),
    ]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
