"""Use-case pages: one kind of work and the models we rank for it, reviewed as one revision."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from models_catalog.models import Model
from tokonomix.core.workflow.reviewable import Reviewable, published_has_a_revision

from ..claims import Text
from ..evidence import ChecksClaims


class UseCase(ChecksClaims, Reviewable):
    """An editor-written page for one kind of work, with the models we rank for it."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=160)
    intro = models.TextField(_("introduction (Markdown)"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "models_catalog_usecase"
        ordering = ["title"]
        verbose_name = _("use case")
        verbose_name_plural = _("use cases")
        constraints = [published_has_a_revision("usecase_published_has_a_revision")]

    def __str__(self) -> str:
        return self.title

    def workflow_name(self) -> str:
        return f"the use case “{self.title}”"

    def get_absolute_url(self) -> str:
        return reverse("site:usecase_detail", kwargs={"slug": self.slug})

    def revision_data(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "intro": self.intro,
            "entries": [
                {"model": entry.model.slug, "rank": entry.rank, "note": entry.note}
                for entry in self.entries.select_related("model").order_by("rank", "pk")
            ],
        }

    def claim_texts(self, data: dict[str, Any]) -> list[Text]:
        ranked = tuple(entry["model"] for entry in data["entries"])
        return [
            Text(where="introduction", text=f"{data['title']}.\n{data['intro']}", scope=ranked),
            *(
                Text(
                    where=f"note on #{entry['rank']} {entry['model']}",
                    text=entry["note"],
                    subject=entry["model"],
                    scope=ranked,
                )
                for entry in data["entries"]
                if entry["note"]
            ),
        ]

    def claim_ranking(self, data: dict[str, Any]) -> list[tuple[int, str]]:
        return [(entry["rank"], entry["model"]) for entry in data["entries"]]

    def apply_revision_data(self, data: dict[str, Any]) -> None:
        self.title = data["title"]
        self.intro = data["intro"]
        self.save()
        self.entries.all().delete()
        models_by_slug = {
            m.slug: m for m in Model.objects.filter(slug__in=[e["model"] for e in data["entries"]])
        }
        UseCaseEntry.objects.bulk_create(
            UseCaseEntry(
                use_case=self, model=models_by_slug[e["model"]], rank=e["rank"], note=e["note"]
            )
            for e in data["entries"]
            if e["model"] in models_by_slug
        )


class UseCaseEntry(models.Model):
    """One ranked model on a use-case page, with the editor's note on why."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="entries")
    model = models.ForeignKey(
        Model, on_delete=models.CASCADE, related_name="use_case_entries", verbose_name=_("model")
    )
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is our first choice."))
    note = models.CharField(_("note"), max_length=240, blank=True)

    class Meta:
        db_table = "models_catalog_usecaseentry"
        ordering = ["rank", "pk"]
        verbose_name = _("ranked model")
        verbose_name_plural = _("ranked models")
        constraints = [
            models.UniqueConstraint(
                fields=["use_case", "model"], name="one_entry_per_use_case_model"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.model}"
