from django.db import migrations

from tokonomix.core.workflow.models import EDITORS_GROUP, REVIEWERS_GROUP


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in (EDITORS_GROUP, REVIEWERS_GROUP):
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
