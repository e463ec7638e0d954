"""Verdicts and evaluation scores now belong to the editorial app (tokonomix.editorial)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarks", "0004_testbench"),
        ("editorial", "0001_reviewed_content_moved_here"),
    ]

    operations = [
        # The tables stay where they are (each model keeps its db_table): only Django's
        # idea of which app owns them moves, so no row is copied or lost.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="evaluationscore",
                    name="approved_revision",
                ),
                migrations.RemoveField(
                    model_name="evaluationscore",
                    name="current_revision",
                ),
                migrations.RemoveField(
                    model_name="evaluationscore",
                    name="model",
                ),
                migrations.RemoveField(
                    model_name="evaluationscore",
                    name="publish_scheduled_by",
                ),
                migrations.RemoveField(
                    model_name="evaluationscore",
                    name="published_revision",
                ),
                migrations.RemoveConstraint(
                    model_name="verdict",
                    name="one_auto_draft_per_change",
                ),
                migrations.RemoveConstraint(
                    model_name="verdict",
                    name="verdict_quality_score_0_to_10",
                ),
                migrations.DeleteModel(
                    name="EvaluationScore",
                ),
                migrations.DeleteModel(
                    name="Verdict",
                ),
            ],
            database_operations=[],
        ),
    ]
