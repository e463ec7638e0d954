"""The catalogue: who makes a model, what it is and can do, and who sells it where."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tokonomix.core import flags

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable


class Provider(models.Model):
    """A company or lab that makes models (OpenAI, Mistral...)."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    country = models.CharField(
        _("made in"), max_length=80, blank=True, help_text=_("Country of origin.")
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self) -> str:
        return self.name


class Tier(models.Model):
    """An editor-defined classification, e.g. code "C", label "Specialist"."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    label = models.CharField(_("label"), max_length=80)
    rank = models.PositiveSmallIntegerField(
        _("rank"), unique=True, help_text=_("Lower ranks are listed first.")
    )
    description = models.TextField(_("description"), blank=True)
    is_flagship = models.BooleanField(
        _("flagship tier"),
        default=False,
        help_text=_(
            "Every move of a price its models' pages quote waits for an editor's confirmation."
        ),
    )

    class Meta:
        ordering = ["rank"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")

    def __str__(self) -> str:
        return f"{self.code} · {self.label}"


class Capability(models.TextChoices):
    TOOLS = "tools", _("Tool calling")
    VISION = "vision", _("Vision")
    JSON_MODE = "json_mode", _("JSON mode")
    JSON_SCHEMA = "json_schema", _("JSON schema")
    PDF_INPUT = "pdf_input", _("PDF input")
    REASONING = "reasoning", _("Reasoning")
    PROMPT_CACHING = "prompt_caching", _("Prompt caching")
    WEB_SEARCH = "web_search", _("Web search")
    AUDIO_IN = "audio_in", _("Audio input")
    AUDIO_OUT = "audio_out", _("Audio output")


MODEL_SLUG_PATTERN = r"[a-z0-9][a-z0-9._-]*"
model_slug_validator = RegexValidator(
    rf"^{MODEL_SLUG_PATTERN}\Z",
    _("Use lowercase letters, digits, dots, hyphens and underscores."),
)


class CapabilityRow(NamedTuple):
    capability: str
    label: str
    supported: bool | None  # None: no source says
    source: str


class ModelQuerySet(models.QuerySet["Model"]):
    def published(self) -> ModelQuerySet:
        return self.filter(is_published=True)

    def search(self, text: str) -> ModelQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text) | Q(slug__icontains=text) | Q(family__icontains=text)
        )

    def with_capabilities(self, capabilities: Iterable[str]) -> ModelQuerySet:
        """Models that support every one of the given capabilities."""
        queryset = self
        for capability in capabilities:
            queryset = queryset.filter(
                Exists(
                    ModelCapability.objects.filter(
                        model=OuterRef("pk"), capability=capability, supported=True
                    )
                )
            )
        return queryset

    def for_listing(self) -> ModelQuerySet:
        return self.select_related("provider", "tier").prefetch_related("capabilities")

    def with_sources(self) -> ModelQuerySet:
        """With the successor, what each source says (`claims`) and the open disputes
        between sources (`open_disputes`): 2 more queries."""
        from .provenance import Dispute

        return self.select_related("successor").prefetch_related(
            "claims",
            models.Prefetch("disputes", queryset=Dispute.objects.open(), to_attr="open_disputes"),
        )

    def in_service(self, today: dt.date) -> ModelQuerySet:
        """Models neither deprecated nor retired on `today` (the flags module's rule)."""
        return self.exclude(flags.out_of_service_q(today))


class Model(models.Model):
    """A canonical model, e.g. o4-mini by OpenAI, whoever sells it."""

    # Model names carry dots (gpt-4.1), so a plain SlugField will not do.
    slug = models.CharField(
        _("slug"), max_length=160, unique=True, validators=[model_slug_validator]
    )
    name = models.CharField(_("name"), max_length=160)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="models", verbose_name=_("provider")
    )
    family = models.CharField(_("family"), max_length=80, blank=True)
    tier = models.ForeignKey(
        Tier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="models",
        verbose_name=_("tier"),
    )
    summary = models.TextField(_("summary"), blank=True)
    release_date = models.DateField(_("release date"), null=True, blank=True)
    deprecation_date = models.DateField(_("deprecation date"), null=True, blank=True)
    deprecated_by_source = models.BooleanField(
        _("a source marks it deprecated"),
        default=False,
        help_text=_("Set by a sync when a source says the model is deprecated, dated or not."),
    )
    retired_on = models.DateField(
        _("retired on"),
        null=True,
        blank=True,
        help_text=_("The day its maker stopped serving it: no more speed tests from then on."),
    )
    knowledge_cutoff = models.CharField(
        _("knowledge cut-off"), max_length=10, blank=True, help_text=_("YYYY-MM or YYYY-MM-DD.")
    )
    open_weights = models.BooleanField(_("open weights"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
    )
    context_window = models.PositiveIntegerField(
        _("context window"),
        null=True,
        blank=True,
        help_text=_("In tokens. Empty when the provider does not disclose it."),
    )
    max_output_tokens = models.PositiveIntegerField(_("max output tokens"), null=True, blank=True)
    peers = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        verbose_name=_("peers"),
        help_text=_("Alternatives editors compare this model with."),
    )
    reference_offering = models.ForeignKey(
        "Offering",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reference offering"),
        help_text=_("Whose prices the page quotes first; usually the maker's own API."),
    )
    facts_source_key = models.CharField(
        _("facts follow source key"),
        max_length=255,
        blank=True,
        help_text=_("The source entry whose context window, limits and flags this model follows."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ModelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("model")
        verbose_name_plural = _("models")
        constraints = [
            models.CheckConstraint(
                condition=~Q(successor=models.F("pk")), name="model_is_not_its_own_successor"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return profile_url(self.slug)

    def capability_rows(self) -> list[CapabilityRow]:
        """Every capability, known or not, in a fixed order (uses prefetched capabilities)."""
        known = {row.capability: row for row in self.capabilities.all()}
        rows = []
        for capability in Capability:
            row = known.get(capability.value)
            rows.append(
                CapabilityRow(
                    capability=capability.value,
                    label=str(capability.label),
                    supported=None if row is None else row.supported,
                    source=row.source if row else "",
                )
            )
        return rows

    def runs_in(self) -> list[Region]:
        """Regions of the listed offerings (uses prefetched offerings and regions)."""
        regions = {
            region.code: region
            for offering in self.offerings.all()
            if offering.delisted_at is None
            for region in offering.regions.all()
        }
        return [regions[code] for code in sorted(regions)]


class ModelCapability(models.Model):
    """Whether a model supports one capability, and where we learnt it."""

    model = models.ForeignKey(Model, on_delete=models.CASCADE, related_name="capabilities")
    capability = models.CharField(_("capability"), max_length=32, choices=Capability.choices)
    supported = models.BooleanField(_("supported"))
    source = models.CharField(
        _("source"),
        max_length=120,
        help_text=_('Where this came from, e.g. "litellm (supports_vision)" or "editor".'),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["capability"]
        verbose_name = _("capability")
        verbose_name_plural = _("capabilities")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "capability"], name="one_row_per_model_capability"
            ),
        ]

    def __str__(self) -> str:
        state = "yes" if self.supported else "no"
        return f"{self.model}: {self.get_capability_display()} {state}"


class ModelAlias(models.Model):
    """Another name a source uses for a model: a dated snapshot, or an editor's override."""

    class Origin(models.TextChoices):
        SNAPSHOT = "snapshot", _("Dated snapshot (from a sync)")
        EDITOR = "editor", _("Editor override")

    alias = models.CharField(
        _("alias or source key"),
        max_length=255,
        unique=True,
        help_text=_("A model name or a full source key, e.g. azure/eu/o4-mini-2025-04-16."),
    )
    model = models.ForeignKey(Model, on_delete=models.CASCADE, related_name="aliases")
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["alias"]
        verbose_name = _("model alias")
        verbose_name_plural = _("model aliases")

    def __str__(self) -> str:
        return f"{self.alias} → {self.model}"


class Region(models.Model):
    """A broad geography an offering runs in (EU, US...)."""

    code = models.SlugField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Host(models.Model):
    """Whoever sells access to models: the maker itself, a cloud, an aggregator."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("host")
        verbose_name_plural = _("hosts")

    def __str__(self) -> str:
        return self.name


class OfferingQuerySet(models.QuerySet["Offering"]):
    def listed(self) -> OfferingQuerySet:
        return self.filter(delisted_at__isnull=True)


class Offering(models.Model):
    """A model as sold by one host in one region, e.g. litellm's azure/eu/o4-mini."""

    model = models.ForeignKey(Model, on_delete=models.CASCADE, related_name="offerings")
    host = models.ForeignKey(Host, on_delete=models.PROTECT, related_name="offerings")
    regions = models.ManyToManyField(
        Region, blank=True, related_name="offerings", verbose_name=_("runs in")
    )
    source = models.CharField(_("source"), max_length=40, help_text=_('e.g. "litellm"'))
    source_key = models.CharField(_("source key"), max_length=255)
    mode = models.CharField(_("mode"), max_length=40, default="chat")
    variant = models.CharField(
        _("variant"),
        max_length=80,
        blank=True,
        help_text=_('A qualifier that changes the price, e.g. "fine-tuned" or "government".'),
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)
    delisted_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the source stopped listing it.")
    )

    objects = OfferingQuerySet.as_manager()

    class Meta:
        ordering = ["source_key"]
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_key"], name="one_offering_per_key"),
        ]

    def __str__(self) -> str:
        return self.source_key


class CatalogueChange(models.Model):
    """A catalogue fact that a sync changed: kept so nobody wonders when or why."""

    model = models.ForeignKey(Model, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(_("field"), max_length=64)
    old_value = models.CharField(_("old value"), max_length=255, blank=True)
    new_value = models.CharField(_("new value"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=40)
    source_key = models.CharField(_("source key"), max_length=255)
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("catalogue change")
        verbose_name_plural = _("catalogue changes")

    def __str__(self) -> str:
        return f"{self.model}: {self.field} {self.old_value or '—'} → {self.new_value or '—'}"


_SLUG_MARK = "slug-mark"
_profile_url_parts: dict[tuple[str | None, str, str], tuple[str, str]] = {}


def profile_urls() -> Callable[[str], str]:
    """What ``reverse("site:model_profile", kwargs={"slug": slug})`` gives, as a function of
    the slug, with the reversal done once per language, script prefix and URLconf: reverse()
    cost about 45 microseconds a call, and a leaderboard page with its scatter names 350
    models (about 1.5 ms of the home page's 35, measured in process on bench_home's data,
    2026-12-02). A slug (MODEL_SLUG_PATTERN: lowercase ASCII letters, digits, dots,
    hyphens and underscores) needs no quoting. For many slugs at once, call this once."""
    key = (get_language(), get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
    parts = _profile_url_parts.get(key)
    if parts is None:
        url = reverse("site:model_profile", kwargs={"slug": _SLUG_MARK})
        before, after = url.split(_SLUG_MARK)
        parts = _profile_url_parts[key] = (before, after)
    before, after = parts
    return lambda slug: f"{before}{slug}{after}"


def profile_url(slug: str) -> str:
    """A model page's address (see `profile_urls`)."""
    return profile_urls()(slug)
