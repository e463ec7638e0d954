"""Approvals and audit entries become insert-only in the database, and an approval must name
the real author and come from a second person (tokonomix/core/workflow/guards.py)."""

from django.db import migrations

from tokonomix.core.workflow.guards import approvals_and_audit_guarded


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0004_names_at_the_time_and_submitter'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [approvals_and_audit_guarded()]
