"""Profiles and use cases now belong to the editorial app (tokonomix.editorial)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("models_catalog", "0007_usecase_group_permissions"),
        ("editorial", "0001_reviewed_content_moved_here"),
    ]

    operations = [
        # The tables stay where they are (each model keeps its db_table): only Django's
        # idea of which app owns them moves, so no row is copied or lost.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="faq",
                    name="profile",
                ),
                migrations.RemoveField(
                    model_name="illustration",
                    name="profile",
                ),
                migrations.RemoveField(
                    model_name="modelprofile",
                    name="approved_revision",
                ),
                migrations.RemoveField(
                    model_name="modelprofile",
                    name="authors",
                ),
                migrations.RemoveField(
                    model_name="modelprofile",
                    name="current_revision",
                ),
                migrations.RemoveField(
                    model_name="modelprofile",
                    name="model",
                ),
                migrations.RemoveField(
                    model_name="modelprofile",
                    name="publish_scheduled_by",
                ),
                migrations.RemoveField(
                    model_name="modelprofile",
                    name="published_revision",
                ),
                migrations.RemoveField(
                    model_name="profilepoint",
                    name="profile",
                ),
                migrations.RemoveField(
                    model_name="profilesection",
                    name="profile",
                ),
                migrations.RemoveField(
                    model_name="usecase",
                    name="approved_revision",
                ),
                migrations.RemoveField(
                    model_name="usecase",
                    name="current_revision",
                ),
                migrations.RemoveField(
                    model_name="usecase",
                    name="publish_scheduled_by",
                ),
                migrations.RemoveField(
                    model_name="usecase",
                    name="published_revision",
                ),
                migrations.RemoveConstraint(
                    model_name="usecaseentry",
                    name="one_entry_per_use_case_model",
                ),
                migrations.DeleteModel(
                    name="FAQ",
                ),
                migrations.DeleteModel(
                    name="Illustration",
                ),
                migrations.DeleteModel(
                    name="ProfilePoint",
                ),
                migrations.DeleteModel(
                    name="ModelProfile",
                ),
                migrations.DeleteModel(
                    name="ProfileSection",
                ),
                migrations.RemoveField(
                    model_name="usecaseentry",
                    name="model",
                ),
                migrations.RemoveField(
                    model_name="usecaseentry",
                    name="use_case",
                ),
                migrations.DeleteModel(
                    name="UseCase",
                ),
                migrations.DeleteModel(
                    name="UseCaseEntry",
                ),
            ],
            database_operations=[],
        ),
    ]
