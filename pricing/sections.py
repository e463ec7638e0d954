"""The pricing sections of a model page: context for templates/pricing/*.html."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone

from models_catalog.models import Capability, Model
from models_catalog.selectors import loaded_offerings

from .charts import price_history_figure, price_history_table
from .costs import cost_estimate
from .forms import CostCalculatorForm
from .selectors import model_pricing


def pricing_context(
    *, model: Model, query: QueryDict, today: dt.date | None = None
) -> dict[str, Any]:
    day = today or timezone.localdate()
    pricing = model_pricing(model=model, as_of=day, offerings=loaded_offerings(model))
    context: dict[str, Any] = {
        "pricing": pricing,
        "typical_input_tokens": settings.TYPICAL_INPUT_TOKENS,
        "typical_output_tokens": settings.TYPICAL_OUTPUT_TOKENS,
        "is_reasoning": any(
            row.capability == Capability.REASONING and row.supported
            for row in model.capabilities.all()
        ),
    }
    if pricing.reference is not None:
        context["price_chart"] = price_history_figure(pricing.reference, today=day)
        context["price_chart_table"] = price_history_table(pricing.reference)
    context.update(_calculator(pricing, query))
    return context


def _calculator(pricing: Any, query: QueryDict) -> dict[str, Any]:
    fields = CostCalculatorForm.base_fields
    submitted = any(name in query for name in fields)
    form = CostCalculatorForm(query if submitted else None, initial=CostCalculatorForm.defaults())
    if not pricing.has_prices:
        return {"calculator": form}
    if submitted and not form.is_valid():
        return {"calculator": form}
    values: dict[str, Any] = form.cleaned_data if submitted else CostCalculatorForm.defaults()
    current = pricing.reference.current
    estimate = cost_estimate(
        input_per_million=current.input_per_million,
        output_per_million=current.output_per_million,
        cache_read_per_million=current.cache_read_per_million,
        input_tokens=values["input_tokens"],
        cached_input_tokens=values["cached_input_tokens"],
        output_tokens=values["output_tokens"],
        requests_per_month=values["requests_per_month"],
        reasoning_overhead_percent=values["reasoning_overhead"],
    )
    return {"calculator": form, "estimate": estimate, "estimate_inputs": values}
