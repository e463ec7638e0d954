# The rows that existed before prober regions and workloads, in a migration of their own: on
# PostgreSQL, rows updated in the schema migration's transaction would hold back the indexes
# it creates at its end ("pending trigger events").

from django.db import migrations
from django.db.models import OuterRef, Subquery


def existing_rows_fill(apps, schema_editor):
    """Runs keep the offering their target had; testbench requests have no workload; each
    model's summary is also its first breakdown (every region, the standard workload), so
    its page keeps its figures until the next test rebuilds them with their intervals."""
    SpeedTarget = apps.get_model("benchmarks", "SpeedTarget")
    SpeedTestRun = apps.get_model("benchmarks", "SpeedTestRun")
    SpeedSample = apps.get_model("benchmarks", "SpeedSample")
    SpeedSummary = apps.get_model("benchmarks", "SpeedSummary")
    SpeedBreakdown = apps.get_model("benchmarks", "SpeedBreakdown")
    SpeedTestRun.objects.filter(target__isnull=False).update(
        offering_id=Subquery(
            SpeedTarget.objects.filter(pk=OuterRef("target_id")).values("offering_id")[:1]
        )
    )
    SpeedTestRun.objects.filter(source="testbench").update(workload="")
    SpeedSample.objects.filter(source="testbench").update(workload="")
    copied = [
        field.attname
        for field in SpeedSummary._meta.concrete_fields
        if not field.primary_key
    ]
    SpeedBreakdown.objects.bulk_create(
        SpeedBreakdown(
            model_id=summary.model_id,
            region="all",
            workload="standard",
            **{name: getattr(summary, name) for name in copied},
        )
        for summary in SpeedSummary.objects.all()
    )


class Migration(migrations.Migration):

    dependencies = [
        ("benchmarks", "0006_speed_regions_workloads_intervals"),
    ]

    operations = [
        migrations.RunPython(existing_rows_fill, migrations.RunPython.noop),
    ]
