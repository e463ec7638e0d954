"""Approvals keep the names people had when they approved, and who submitted the revision;
audit entries keep the username of whoever acted. Existing rows get today's names, the best
record there is of them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _name(user):
    return (f"{user.first_name} {user.last_name}".strip()) or user.username


def names_recorded(apps, schema_editor):
    Approval = apps.get_model("workflow", "Approval")
    AuditEntry = apps.get_model("workflow", "AuditEntry")
    for approval in Approval.objects.select_related("reviewer", "revision_author"):
        Approval.objects.filter(pk=approval.pk).update(
            reviewer_name=_name(approval.reviewer),
            revision_author_name=_name(approval.revision_author),
        )
    for entry in AuditEntry.objects.filter(by__isnull=False).select_related("by"):
        AuditEntry.objects.filter(pk=entry.pk).update(by_username=entry.by.username)


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0003_approval_evidence'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='approval',
            options={'base_manager_name': 'objects', 'verbose_name': 'approval', 'verbose_name_plural': 'approvals'},
        ),
        migrations.AlterModelOptions(
            name='auditentry',
            options={'base_manager_name': 'objects', 'ordering': ['-at', '-pk'], 'verbose_name': 'audit entry', 'verbose_name_plural': 'audit trail'},
        ),
        migrations.AddField(
            model_name='approval',
            name='reviewer_name',
            field=models.CharField(default='', help_text='As the byline shows it, at approval.', max_length=300, verbose_name="reviewer's name"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='approval',
            name='revision_author_name',
            field=models.CharField(default='', max_length=300, verbose_name="revision author's name"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='approval',
            name='submitted_by',
            field=models.ForeignKey(help_text='Who submitted the revision for review (empty on approvals before 2026-12).', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='by_username',
            field=models.CharField(blank=True, max_length=150, verbose_name='who'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='action',
            field=models.CharField(choices=[('edit', 'Edited'), ('submit', 'Submitted for review'), ('approve', 'Approved'), ('request_changes', 'Changes requested'), ('publish', 'Published'), ('schedule', 'Publishing scheduled'), ('withdraw', 'Withdrawn from review'), ('archive', 'Archived'), ('restore', 'Revision restored'), ('groups_changed', "Account's groups changed")], max_length=20),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='from_status',
            field=models.CharField(blank=True, choices=[('draft', 'Draft'), ('in_review', 'In review'), ('approved', 'Approved'), ('published', 'Published'), ('archived', 'Archived')], max_length=16),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='to_status',
            field=models.CharField(blank=True, choices=[('draft', 'Draft'), ('in_review', 'In review'), ('approved', 'Approved'), ('published', 'Published'), ('archived', 'Archived')], max_length=16),
        ),
        migrations.AddConstraint(
            model_name='approval',
            constraint=models.CheckConstraint(condition=models.Q(('submitted_by__isnull', True), models.Q(('reviewer', models.F('submitted_by')), _negated=True), _connector='OR'), name='approver_did_not_submit'),
        ),
        migrations.RunPython(names_recorded, migrations.RunPython.noop),
    ]
