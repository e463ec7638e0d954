"""The editorial app takes over the reviewed content models from models_catalog and
benchmarks. Their tables keep their names (db_table), so this changes Django's state
only; the content types move with them, so revisions, audit entries and the groups'
permissions keep pointing at the same content.
"""

import django.core.validators
import django.db.models.deletion
import tokonomix.editorial.evidence
import tokonomix.core.uploads
from django.conf import settings
from django.db import migrations, models


MOVED = {
    "models_catalog": [
        "modelprofile",
        "profilesection",
        "profilepoint",
        "faq",
        "illustration",
        "usecase",
        "usecaseentry",
    ],
    "benchmarks": ["verdict", "evaluationscore"],
}


def _relabel(apps, *, to_editorial):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for app_label, names in MOVED.items():
        source, target = (app_label, "editorial") if to_editorial else ("editorial", app_label)
        for name in names:
            moving = ContentType.objects.filter(app_label=source, model=name).first()
            if moving is None:
                continue
            # A row made for the new label before this ran points at nothing yet: it gives way.
            ContentType.objects.filter(app_label=target, model=name).delete()
            moving.app_label = target
            moving.save(update_fields=["app_label"])


def content_types_to_editorial(apps, schema_editor):
    _relabel(apps, to_editorial=True)


def content_types_back(apps, schema_editor):
    _relabel(apps, to_editorial=False)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("models_catalog", "0007_usecase_group_permissions"),
        ("benchmarks", "0004_testbench"),
        ("workflow", "0003_approval_evidence"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                    migrations.CreateModel(
                        name='EvaluationScore',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('approved', 'Approved'), ('published', 'Published'), ('archived', 'Archived')], db_index=True, default='draft', max_length=16, verbose_name='status')),
                            ('published_at', models.DateTimeField(blank=True, null=True)),
                            ('publish_at', models.DateTimeField(blank=True, help_text='Scheduled publishing time.', null=True, verbose_name='publish at')),
                            ('suite', models.CharField(help_text='e.g. MMLU-Pro, SWE-bench', max_length=120, verbose_name='suite')),
                            ('metric', models.CharField(help_text='e.g. accuracy, pass@1', max_length=80, verbose_name='metric')),
                            ('value', models.DecimalField(decimal_places=4, max_digits=12, verbose_name='value')),
                            ('unit', models.CharField(blank=True, help_text='e.g. %', max_length=20, verbose_name='unit')),
                            ('language', models.CharField(blank=True, help_text='For per-language suites.', max_length=20, verbose_name='language')),
                            ('date', models.DateField(verbose_name='date measured or reported')),
                            ('source_url', models.URLField(blank=True, verbose_name='source')),
                            ('notes', models.TextField(blank=True, verbose_name='notes')),
                            ('approved_revision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.revision')),
                            ('current_revision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.revision')),
                            ('model', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='models_catalog.model')),
                            ('publish_scheduled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                            ('published_revision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.revision')),
                        ],
                        options={
                            'verbose_name': 'evaluation score',
                            'verbose_name_plural': 'evaluation scores',
                            'db_table': 'benchmarks_evaluationscore',
                            'ordering': ['suite', 'metric', 'language', '-date'],
                        },
                    ),
                    migrations.CreateModel(
                        name='ModelProfile',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('approved', 'Approved'), ('published', 'Published'), ('archived', 'Archived')], db_index=True, default='draft', max_length=16, verbose_name='status')),
                            ('published_at', models.DateTimeField(blank=True, null=True)),
                            ('publish_at', models.DateTimeField(blank=True, help_text='Scheduled publishing time.', null=True, verbose_name='publish at')),
                            ('created_at', models.DateTimeField(auto_now_add=True)),
                            ('updated_at', models.DateTimeField(auto_now=True)),
                            ('approved_revision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.revision')),
                            ('authors', models.ManyToManyField(blank=True, related_name='profiles', to=settings.AUTH_USER_MODEL, verbose_name='authors')),
                            ('current_revision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.revision')),
                            ('model', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='profile', to='models_catalog.model')),
                            ('publish_scheduled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                            ('published_revision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.revision')),
                        ],
                        options={
                            'verbose_name': 'model profile',
                            'verbose_name_plural': 'model profiles',
                            'db_table': 'models_catalog_modelprofile',
                        },
                        bases=(tokonomix.editorial.evidence.AboutAModel, models.Model),
                    ),
                    migrations.CreateModel(
                        name='Illustration',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                            ('image', models.FileField(upload_to='illustrations/', validators=[tokonomix.core.uploads.validate_image_name], verbose_name='image')),
                            ('alt_text', models.CharField(max_length=240, verbose_name='alt text')),
                            ('caption', models.CharField(blank=True, max_length=240, verbose_name='caption')),
                            ('profile', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='illustrations', to='editorial.modelprofile')),
                        ],
                        options={
                            'verbose_name': 'illustration',
                            'verbose_name_plural': 'illustrations',
                            'db_table': 'models_catalog_illustration',
                            'ordering': ['order', 'pk'],
                        },
                    ),
                    migrations.CreateModel(
                        name='FAQ',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                            ('question', models.CharField(max_length=240, verbose_name='question')),
                            ('answer', models.TextField(verbose_name='answer (Markdown)')),
                            ('profile', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='faqs', to='editorial.modelprofile')),
                        ],
                        options={
                            'verbose_name': 'FAQ',
                            'verbose_name_plural': 'FAQs',
                            'db_table': 'models_catalog_faq',
                            'ordering': ['order', 'pk'],
                        },
                    ),
                    migrations.CreateModel(
                        name='ProfilePoint',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('kind', models.CharField(choices=[('strength', 'Strength'), ('weakness', 'Weakness')], max_length=10, verbose_name='kind')),
                            ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                            ('text', models.CharField(max_length=240, verbose_name='text')),
                            ('profile', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='points', to='editorial.modelprofile')),
                        ],
                        options={
                            'verbose_name': 'strength or weakness',
                            'verbose_name_plural': 'strengths and weaknesses',
                            'db_table': 'models_catalog_profilepoint',
                            'ordering': ['kind', 'order', 'pk'],
                        },
                    ),
                    migrations.CreateModel(
                        name='ProfileSection',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                            ('title', models.CharField(max_length=160, verbose_name='title')),
                            ('body', models.TextField(verbose_name='body (Markdown)')),
                            ('profile', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sections', to='editorial.modelprofile')),
                        ],
                        options={
                            'verbose_name': 'section',
                            'verbose_name_plural': 'article sections',
                            'db_table': 'models_catalog_profilesection',
                            'ordering': ['order', 'pk'],
                        },
                    ),
                    migrations.CreateModel(
                        name='UseCase',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('approved', 'Approved'), ('published', 'Published'), ('archived', 'Archived')], db_index=True, default='draft', max_length=16, verbose_name='status')),
                            ('published_at', models.DateTimeField(blank=True, null=True)),
                            ('publish_at', models.DateTimeField(blank=True, help_text='Scheduled publishing time.', null=True, verbose_name='publish at')),
                            ('slug', models.SlugField(max_length=120, unique=True, verbose_name='slug')),
                            ('title', models.CharField(max_length=160, verbose_name='title')),
                            ('intro', models.TextField(blank=True, verbose_name='introduction (Markdown)')),
                            ('created_at', models.DateTimeField(auto_now_add=True)),
                            ('updated_at', models.DateTimeField(auto_now=True)),
                            ('approved_revision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.revision')),
                            ('current_revision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.revision')),
                            ('publish_scheduled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                            ('published_revision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.revision')),
                        ],
                        options={
                            'verbose_name': 'use case',
                            'verbose_name_plural': 'use cases',
                            'db_table': 'models_catalog_usecase',
                            'ordering': ['title'],
                        },
                    ),
                    migrations.CreateModel(
                        name='UseCaseEntry',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('rank', models.PositiveSmallIntegerField(help_text='1 is our first choice.', verbose_name='rank')),
                            ('note', models.CharField(blank=True, max_length=240, verbose_name='note')),
                            ('model', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='use_case_entries', to='models_catalog.model', verbose_name='model')),
                            ('use_case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='editorial.usecase')),
                        ],
                        options={
                            'verbose_name': 'ranked model',
                            'verbose_name_plural': 'ranked models',
                            'db_table': 'models_catalog_usecaseentry',
                            'ordering': ['rank', 'pk'],
                            'constraints': [models.UniqueConstraint(fields=('use_case', 'model'), name='one_entry_per_use_case_model')],
                        },
                    ),
                    migrations.CreateModel(
                        name='Verdict',
                        fields=[
                            ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                            ('status', models.CharField(choices=[('draft', 'Draft'), ('in_review', 'In review'), ('approved', 'Approved'), ('published', 'Published'), ('archived', 'Archived')], db_index=True, default='draft', max_length=16, verbose_name='status')),
                            ('published_at', models.DateTimeField(blank=True, null=True)),
                            ('publish_at', models.DateTimeField(blank=True, help_text='Scheduled publishing time.', null=True, verbose_name='publish at')),
                            ('date', models.DateField(verbose_name='date')),
                            ('headline', models.CharField(max_length=200, verbose_name='headline')),
                            ('body', models.TextField(blank=True, verbose_name='body (Markdown)')),
                            ('highlights', models.TextField(blank=True, help_text='Short tags, one per line, e.g. "Vision and PDF input added".', verbose_name='highlights')),
                            ('quality_score', models.DecimalField(blank=True, decimal_places=1, max_digits=3, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(10)], verbose_name='quality score (0-10)')),
                            ('auto_draft_key', models.CharField(blank=True, editable=False, help_text='Set on drafts a sync opened, so a second run opens no second draft.', max_length=80)),
                            ('created_at', models.DateTimeField(auto_now_add=True)),
                            ('approved_revision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.revision')),
                            ('current_revision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.revision')),
                            ('model', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='verdicts', to='models_catalog.model')),
                            ('publish_scheduled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                            ('published_revision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflow.revision')),
                        ],
                        options={
                            'verbose_name': 'verdict',
                            'verbose_name_plural': 'verdicts',
                            'db_table': 'benchmarks_verdict',
                            'ordering': ['-date', '-pk'],
                            'constraints': [models.UniqueConstraint(condition=models.Q(('auto_draft_key', ''), _negated=True), fields=('auto_draft_key',), name='one_auto_draft_per_change'), models.CheckConstraint(condition=models.Q(('quality_score__isnull', True), models.Q(('quality_score__gte', 0), ('quality_score__lte', 10)), _connector='OR'), name='verdict_quality_score_0_to_10')],
                        },
                        bases=(tokonomix.editorial.evidence.AboutAModel, models.Model),
                    ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_editorial, content_types_back),
    ]
