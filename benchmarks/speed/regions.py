"""Where speed tests are measured from: prober regions, and the queue of each.

Every worker says where it stands (SPEEDTEST_PROBER_REGION) and every run records it. The
fan-out sends each test to one queue per configured region (SPEEDTEST_REGIONS), named
`speedtests.<region>`: an operator adds a region by starting a worker there with
`-Q speedtests.<region>`. Each region's runs wait only for that region's workers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

# The figures over every region together (aggregate rows only; never a prober's region).
ALL_REGIONS = "all"
# A prober whose region was never set, and every run measured before regions existed.
DEFAULT_REGION = "default"
QUEUE_PREFIX = "speedtests."


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    where: str  # empty when no configuration says

    @property
    def queue(self) -> str:
        return f"{QUEUE_PREFIX}{self.code}"

    @property
    def label(self) -> str:
        if self.code == ALL_REGIONS:
            return _("All regions")
        return f"{self.code} ({self.where})" if self.where else self.code


def configured_regions() -> list[Region]:
    """The regions the fan-out measures from, in the configured order (may be none)."""
    return [Region(code, where) for code, where in settings.SPEEDTEST_REGIONS.items()]


def prober_region() -> str:
    """The region this process measures from."""
    return str(settings.SPEEDTEST_PROBER_REGION)


def region(code: str) -> Region:
    """A region by its code, with where it is when the configuration says."""
    if code == ALL_REGIONS:
        return Region(ALL_REGIONS, "")
    return Region(code, settings.SPEEDTEST_REGIONS.get(code, ""))


def routes() -> list[tuple[str, str | None]]:
    """(region to record, queue) for each copy of a test the fan-out sends.

    Without configured regions: one copy on the default queue, its region left for the
    worker that takes it to fill in ("").
    """
    regions = configured_regions()
    if not regions:
        return [("", None)]
    return [(r.code, r.queue) for r in regions]
