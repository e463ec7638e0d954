"""The one definition of every flag a figure or a text carries on the site.

preliminary, simulated (speed figures), stale (reviewed text whose data changed),
deprecated, retired (a model's lifecycle) and disputed (sources disagree on a value) are
decided here and nowhere else, from plain values each app passes in, so the profile,
the leaderboard, compare, the speed board, the CSV and JSON downloads and the API show
the same flags for the same data. Each is a `Badge`; the template tag `{% flags badges %}`
(core's `markup` library) is the one way a page draws them. Core imports no app: the apps
call these functions with their own rows' values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Below this many successful samples in its window a speed figure is preliminary.
PRELIMINARY_BELOW = 20


class Flag(StrEnum):
    PRELIMINARY = "preliminary"
    SIMULATED = "simulated"
    STALE = "stale"
    DEPRECATED = "deprecated"
    RETIRED = "retired"
    DISPUTED = "disputed"


LABELS = {
    Flag.PRELIMINARY: _("preliminary"),
    Flag.SIMULATED: _("simulated"),
    Flag.STALE: _("needs re-review"),
    Flag.DEPRECATED: _("deprecated"),
    Flag.RETIRED: _("retired"),
    Flag.DISPUTED: _("disputed"),
}


@dataclass(frozen=True)
class Badge:
    """One flag on one figure or text: what it is, why, and since when."""

    flag: Flag
    title: str
    since: dt.date | None = None

    @property
    def label(self) -> str:
        return str(LABELS[self.flag])

    def __str__(self) -> str:
        return self.label


def names(badges: Iterable[Badge]) -> list[str]:
    """The flags' names, as the CSV, JSON and API carry them."""
    return [str(badge.flag) for badge in badges]


# --- speed ---------------------------------------------------------------------------


def is_preliminary(ok_samples: int | None) -> bool:
    return ok_samples is not None and ok_samples < PRELIMINARY_BELOW


def speed_badges(*, is_simulated: bool, ok_samples: int | None) -> list[Badge]:
    """A speed figure's flags, from its window's successful samples and how it was measured."""
    badges = []
    if is_simulated:
        badges.append(
            Badge(
                Flag.SIMULATED,
                str(_("Measured against the Tokonomix simulator, not the provider's API.")),
            )
        )
    if is_preliminary(ok_samples):
        badges.append(
            Badge(
                Flag.PRELIMINARY,
                str(_("%(n)s successful samples in the window: fewer than %(min)s."))
                % {"n": ok_samples, "min": PRELIMINARY_BELOW},
            )
        )
    return badges


# --- lifecycle -------------------------------------------------------------------------


def is_retired(retired_on: dt.date | None, today: dt.date) -> bool:
    return retired_on is not None and retired_on <= today


def is_deprecated(
    deprecation_date: dt.date | None, deprecated_by_source: bool, today: dt.date
) -> bool:
    return deprecated_by_source or (deprecation_date is not None and deprecation_date <= today)


def lifecycle_badges(
    *,
    deprecation_date: dt.date | None,
    deprecated_by_source: bool,
    retired_on: dt.date | None,
    today: dt.date,
) -> list[Badge]:
    """Retired once its retirement day has come; else deprecated once its deprecation date
    has passed or a source marks it so."""
    if is_retired(retired_on, today):
        return [
            Badge(
                Flag.RETIRED,
                str(_("Retired on %s: no longer served.")) % retired_on,
                since=retired_on,
            )
        ]
    if is_deprecated(deprecation_date, deprecated_by_source, today):
        if deprecation_date is not None and deprecation_date <= today:
            title = str(_("Deprecated since %s.")) % deprecation_date.isoformat()
            return [Badge(Flag.DEPRECATED, title, since=deprecation_date)]
        return [Badge(Flag.DEPRECATED, str(_("A price source marks it deprecated.")))]
    return []


def model_badges(
    *,
    deprecation_date: dt.date | None,
    deprecated_by_source: bool,
    retired_on: dt.date | None,
    is_disputed: bool,
    today: dt.date,
) -> list[Badge]:
    """A model's own flags wherever it is listed: its lifecycle, and disputed when the
    sources disagree on one of its prices or facts."""
    badges = lifecycle_badges(
        deprecation_date=deprecation_date,
        deprecated_by_source=deprecated_by_source,
        retired_on=retired_on,
        today=today,
    )
    if is_disputed:
        badges += disputed_fields_badges([str(_("a price or a fact"))])
    return badges


def out_of_service_q(today: dt.date, prefix: str = "") -> Q:
    """The lifecycle rule above as a filter on a model's fields (`prefix`: "model__" ...)."""
    return (
        Q(**{f"{prefix}deprecated_by_source": True})
        | Q(**{f"{prefix}deprecation_date__lte": today})
        | Q(**{f"{prefix}retired_on__lte": today})
    )


# --- reviewed text -------------------------------------------------------------------------


def stale_badges(since: dt.date | None, reasons: Sequence[str] = ()) -> list[Badge]:
    """Reviewed text whose data changed since its approval, on `since`."""
    if since is None:
        return []
    title = str(_("The data it relied on changed on %s.")) % since.isoformat()
    if reasons:
        title = f"{title} {' '.join(reasons)}"
    return [Badge(Flag.STALE, title, since=since)]


# --- sources -----------------------------------------------------------------------------


def disputed_badges(values: dict[str, str] | None) -> list[Badge]:
    """A value the sources disagree on (beyond the tolerance): `values` is what each says."""
    if not values:
        return []
    said = "; ".join(f"{source} says {value}" for source, value in sorted(values.items()))
    return [Badge(Flag.DISPUTED, str(_("Sources disagree: %s.")) % said)]


def disputed_fields_badges(fields: Iterable[str]) -> list[Badge]:
    """A model some of whose facts or prices the sources disagree on (one badge)."""
    names = sorted(set(fields))
    if not names:
        return []
    return [Badge(Flag.DISPUTED, str(_("Sources disagree on: %s.")) % ", ".join(names))]


# --- charts ------------------------------------------------------------------------------


def chart_note(badges: Iterable[Badge]) -> str:
    """A figure's flags as a chart's hover text and legend say them, in the words the
    badges use: " (simulated, preliminary)", or "" without a flag."""
    labels = [badge.label for badge in badges]
    return f" ({', '.join(labels)})" if labels else ""


def shared_flags(badge_lists: Sequence[Sequence[Badge]]) -> set[Flag]:
    """The flags every one of a chart trace's points carries."""
    if not badge_lists:
        return set()
    return set.intersection(*({badge.flag for badge in badges} for badges in badge_lists))


def shared_chart_note(badge_lists: Sequence[Sequence[Badge]]) -> str:
    """The flags every one of a chart trace's points carries, for its legend entry (as the
    profile's charts say "(simulated)"); each point's own flags go in its hover."""
    shared = shared_flags(badge_lists)
    if not shared:
        return ""
    return chart_note([badge for badge in badge_lists[0] if badge.flag in shared])
