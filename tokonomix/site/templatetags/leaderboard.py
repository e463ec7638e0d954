"""The leaderboard's rows (templates/site/leaderboard_table.html): ``{% leaderboard_rows rows %}``.

Built in Python rather than a template loop: the home page draws 50 rows of nine cells, and
the loop of variable nodes, filters and tags cost 7 ms of the page's 34, against 2.8 ms here
(measured in process on bench_home's data, 2026-12-02). Every value passes through
format_html, so every text (model names come from public feeds) is escaped; the figures,
flags and windows use the same tags as every other page."""

from __future__ import annotations

from collections.abc import Container, Iterable

from django import template
from django.template import Context
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from benchmarks.speed.formats import DASH, format_percent
from benchmarks.templatetags.speed import estimate, speed_window
from models_catalog.models import profile_urls
from pricing.costs import format_usd
from tokonomix.core.html import format_html, format_html_join
from tokonomix.core.templatetags.markup import flags_tag
from tokonomix.site.selectors import LeaderboardRow

register = template.Library()

_ROW = (
    "<tr>{}"
    '<th scope="row"><a href="{}">{}</a>{}<small class="sub">{}</small>{}</th>'
    '<td class="num">{}</td>'
    '<td class="num">{}</td>'
    '<td class="num">{}{}{}</td>'
    '<td class="num">{}</td>'
    "<td>{}</td>"
    '<td class="num">{}</td>'
    "<td>{}</td>"
    "</tr>"
)


@register.simple_tag(takes_context=True)
def leaderboard_rows(
    context: Context, rows: Iterable[LeaderboardRow], ranked: bool = False
) -> SafeString:
    """One <tr> a row: rank (when `ranked`), model with its flags, maker and note, typical
    conversation, tokens/s, P50 latency (with "not distinguishable" for the models in the
    context's `speed_ties`, and the speed window and flags), input / output price with its
    date, tier, availability and EU."""
    ties: Container[int] = context.get("speed_ties") or ()
    url = profile_urls()
    since = gettext("since")
    not_distinguishable = format_html(
        ' <small class="sub not-distinguishable">{}</small>',
        gettext("not distinguishable from the row above"),
    )
    offered = format_html("{}", gettext("Yes"))
    not_offered = format_html('<span class="muted">{}</span>', gettext("No"))
    empty = mark_safe("")
    return format_html_join(
        "\n",
        _ROW,
        (
            (
                format_html('<td class="num">{}</td>', row.rank) if ranked else empty,
                url(row.model.slug),
                row.model.name,
                flags_tag(row.model_badges),
                row.model.provider.name,
                format_html('<small class="sub">{}</small>', row.note) if row.note else empty,
                format_usd(row.typical_cost),
                estimate(row.speed, "median_decode_tps_30d", "tok/s"),
                estimate(row.speed, "p50_latency_ms_30d", "ms"),
                not_distinguishable if row.model.pk in ties else empty,
                (
                    format_html(
                        ' <small class="sub">{} {}</small>',
                        speed_window(row.speed),
                        flags_tag(row.speed_badges),
                    )
                    if row.speed
                    else empty
                ),
                (
                    format_html(
                        '{} / {} <small class="sub">{} <time datetime="{}">{}</time></small>',
                        format_usd(row.input_price),
                        format_usd(row.output_price),
                        since,
                        row.price_since,
                        row.price_since,
                    )
                    if row.price
                    else DASH
                ),
                (row.model.tier.label if row.model.tier else "") or DASH,
                format_percent(row.availability),
                offered if row.offered_in_eu else not_offered,
            )
            for row in rows
        ),
    )
