from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenchmarksConfig(AppConfig):
    """Benchmark runs: scheduled speed tests and the live testbench."""

    name = "benchmarks"
    verbose_name = _("Benchmarks")

    def ready(self) -> None:
        from tokonomix.core.pagecache import pages_depend_on

        from .speed.models import SpeedDaily, SpeedSummary, SpeedTarget

        # Runs, samples and testbench rows are bookkeeping: a finished test rebuilds the
        # daily figures and the summary, and those are what pages show.
        pages_depend_on(SpeedTarget, SpeedDaily, SpeedSummary)
