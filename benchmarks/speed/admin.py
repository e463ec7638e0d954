from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import SpeedSample, SpeedTarget, SpeedTestRun
from .presets import PRESETS
from .tasks import speedtests_enqueue
from .workloads import DEFAULT_WORKLOAD, WorkloadCode


class SpeedTargetForm(forms.ModelForm):
    workloads = forms.MultipleChoiceField(
        label=_("workloads"),
        choices=WorkloadCode.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[DEFAULT_WORKLOAD],
        help_text=_(
            "Each is tested SPEEDTEST_RUNS_PER_DAY times a day from every prober region; the "
            "standard workload (the typical conversation) is what listings show."
        ),
    )

    class Meta:
        model = SpeedTarget
        fields = [
            "offering",
            "preset",
            "base_url",
            "api_model",
            "api_key_env",
            "enabled",
            "samples_per_test",
            "max_output_tokens",
            "prompt_set",
            "workloads",
            "output_limit_param",
            "is_simulated",
        ]

    def clean_workloads(self) -> list[str]:
        """In the order the workloads are defined, whatever order they were ticked in."""
        picked = set(self.cleaned_data.get("workloads") or [])
        return [code for code in WorkloadCode.values if code in picked]

    def clean(self) -> dict[str, Any]:
        """A preset fills the base URL, key variable and limit parameter left empty."""
        cleaned = super().clean() or {}
        preset = PRESETS.get(cleaned.get("preset") or "")
        if preset is not None:
            if not cleaned.get("base_url"):
                cleaned["base_url"] = preset.base_url
                self.errors.pop("base_url", None)
            if not cleaned.get("api_key_env") and "api_key_env" not in self.changed_data:
                cleaned["api_key_env"] = preset.api_key_env
            if "output_limit_param" not in self.changed_data:
                cleaned["output_limit_param"] = preset.output_limit_param
            if preset.is_simulated:
                cleaned["is_simulated"] = True
        if not cleaned.get("base_url"):
            self.add_error("base_url", _("Enter the base URL, or choose a host preset."))
        return cleaned


@admin.register(SpeedTarget)
class SpeedTargetAdmin(admin.ModelAdmin):
    form = SpeedTargetForm
    list_display = [
        "api_model",
        "offering",
        "base_url",
        "api_key_env",
        "enabled",
        "is_simulated",
        "samples_per_test",
    ]
    list_filter = ["enabled", "is_simulated", "preset"]
    list_select_related = ["offering"]
    search_fields = ["api_model", "base_url", "offering__source_key", "offering__model__name"]
    autocomplete_fields = ["offering"]
    actions = ["test_now"]
    fieldsets = [
        (None, {"fields": ["offering", "preset", "base_url", "api_model", "api_key_env"]}),
        (
            _("Test"),
            {
                "fields": [
                    "enabled",
                    "samples_per_test",
                    "max_output_tokens",
                    "prompt_set",
                    "workloads",
                    "output_limit_param",
                    "is_simulated",
                ]
            },
        ),
    ]

    @admin.action(
        description=_("Test now (queue one run per selected target, workload and prober region)")
    )
    def test_now(self, request: HttpRequest, queryset: QuerySet[SpeedTarget]) -> None:
        run_ids = speedtests_enqueue(
            source="manual", targets=queryset.select_related("offering__model")
        )
        self.message_user(request, _("%(n)d runs queued.") % {"n": len(run_ids)}, messages.SUCCESS)


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


SAMPLE_FIELDS = (
    "index",
    "started_at",
    "status",
    "http_status",
    "ttft_ms",
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "reasoning_tokens",
    "decode_tokens_per_second",
    "error",
)


class SpeedSampleInline(ReadOnlyMixin, admin.TabularInline):
    model = SpeedSample
    fields = SAMPLE_FIELDS
    readonly_fields = SAMPLE_FIELDS
    extra = 0
    can_delete = False


@admin.register(SpeedTestRun)
class SpeedTestRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "model",
        "api_model",
        "source",
        "region",
        "workload",
        "status",
        "is_simulated",
        "ok_samples",
        "error_samples",
        "cost_usd",
        "attempt",
        "reason",
    ]
    list_filter = ["status", "source", "region", "workload", "is_simulated"]
    list_select_related = ["model"]
    search_fields = ["api_model", "base_url", "model__name", "reason"]
    date_hierarchy = "created_at"
    inlines = [SpeedSampleInline]


@admin.register(SpeedSample)
class SpeedSampleAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "started_at",
        "model",
        "status",
        "http_status",
        "ttft_ms",
        "latency_ms",
        "output_tokens",
        "decode_tokens_per_second",
        "source",
        "is_simulated",
    ]
    list_filter = ["status", "source", "is_simulated"]
    list_select_related = ["model"]
    search_fields = ["model__name", "error"]
    date_hierarchy = "started_at"
