"""The reader's choice of speed figures: a prober region (or all) and a workload."""

from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .regions import ALL_REGIONS
from .workloads import DEFAULT_WORKLOAD, WorkloadCode

REGION_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*\Z"


class SpeedViewForm(forms.Form):
    region = forms.RegexField(
        label=_("Prober region"), regex=REGION_PATTERN, max_length=40, required=False
    )
    workload = forms.ChoiceField(label=_("Workload"), choices=WorkloadCode.choices, required=False)


def speed_view(query: QueryDict | None) -> tuple[str, str, bool]:
    """(region, workload, whether the query asked for something invalid) from a page's query
    string; the defaults (every region, the standard workload) for anything missing or bad."""
    if query is None or not ({"region", "workload"} & set(query)):
        return ALL_REGIONS, DEFAULT_WORKLOAD, False
    form = SpeedViewForm(query)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    return (
        data.get("region") or ALL_REGIONS,
        data.get("workload") or DEFAULT_WORKLOAD,
        not valid,
    )
