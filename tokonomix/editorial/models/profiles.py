"""Our long-form opinion of a model: its profile, with sections, strengths and weaknesses,
FAQs and illustrations, reviewed as one revision."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from models_catalog.models import Model
from tokonomix.core.uploads import validate_image_name
from tokonomix.core.workflow.reviewable import Reviewable, published_has_a_revision

from ..claims import Text
from ..evidence import AboutAModel, ChecksClaims


class ModelProfile(ChecksClaims, AboutAModel, Reviewable):
    """Our long-form opinion of a model; readers see only its published revision."""

    model = models.OneToOneField(Model, on_delete=models.CASCADE, related_name="profile")
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="profiles", verbose_name=_("authors")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "models_catalog_modelprofile"
        verbose_name = _("model profile")
        verbose_name_plural = _("model profiles")
        constraints = [published_has_a_revision("modelprofile_published_has_a_revision")]

    def __str__(self) -> str:
        return f"Profile of {self.model}"

    def workflow_name(self) -> str:
        return f"the profile of {self.model.name}"

    def revision_data(self) -> dict[str, Any]:
        return {
            "model": self.model.slug,
            "authors": sorted(
                (
                    {"username": a.get_username(), "name": a.get_full_name() or a.get_username()}
                    for a in self.authors.all()
                ),
                key=lambda author: author["username"],
            ),
            "sections": [
                {"title": s.title, "body": s.body} for s in self.sections.order_by("order", "pk")
            ],
            "strengths": [
                p.text
                for p in self.points.filter(kind=ProfilePoint.Kind.STRENGTH).order_by("order", "pk")
            ],
            "weaknesses": [
                p.text
                for p in self.points.filter(kind=ProfilePoint.Kind.WEAKNESS).order_by("order", "pk")
            ],
            "faqs": [
                {"question": f.question, "answer": f.answer}
                for f in self.faqs.order_by("order", "pk")
            ],
            "illustrations": [
                {
                    "image": i.image.name,
                    "alt": i.alt_text,
                    "caption": i.caption,
                    "after_section": i.after_section,
                }
                for i in self.illustrations.order_by("order", "pk")
            ],
        }

    def claim_texts(self, data: dict[str, Any]) -> list[Text]:
        subject = data["model"]
        texts = [
            Text(where=f"section “{section['title']}”", text=section["body"], subject=subject)
            for section in data["sections"]
        ]
        for kind in ("strengths", "weaknesses"):
            texts += [Text(where=kind, text=point, subject=subject) for point in data[kind]]
        texts += [
            Text(where=f"FAQ “{faq['question']}”", text=faq["answer"], subject=subject)
            for faq in data["faqs"]
        ]
        return texts

    def apply_revision_data(self, data: dict[str, Any]) -> None:
        from django.contrib.auth import get_user_model

        usernames = [author["username"] for author in data["authors"]]
        self.authors.set(get_user_model().objects.filter(username__in=usernames))
        self.sections.all().delete()
        self.points.all().delete()
        self.faqs.all().delete()
        self.illustrations.all().delete()
        ProfileSection.objects.bulk_create(
            ProfileSection(profile=self, order=n, title=s["title"], body=s["body"])
            for n, s in enumerate(data["sections"])
        )
        ProfilePoint.objects.bulk_create(
            [
                *(
                    ProfilePoint(profile=self, kind=ProfilePoint.Kind.STRENGTH, order=n, text=t)
                    for n, t in enumerate(data["strengths"])
                ),
                *(
                    ProfilePoint(profile=self, kind=ProfilePoint.Kind.WEAKNESS, order=n, text=t)
                    for n, t in enumerate(data["weaknesses"])
                ),
            ]
        )
        FAQ.objects.bulk_create(
            FAQ(profile=self, order=n, question=f["question"], answer=f["answer"])
            for n, f in enumerate(data["faqs"])
        )
        Illustration.objects.bulk_create(
            Illustration(
                profile=self,
                order=n,
                image=i["image"],
                alt_text=i["alt"],
                caption=i["caption"],
                after_section=i.get("after_section"),
            )
            for n, i in enumerate(data["illustrations"])
        )


class ProfileSection(models.Model):
    """One titled Markdown section of a profile's article (overview, verdict, ...)."""

    profile = models.ForeignKey(ModelProfile, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("body (Markdown)"))

    class Meta:
        db_table = "models_catalog_profilesection"
        ordering = ["order", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("article sections")

    def __str__(self) -> str:
        return self.title


class ProfilePoint(models.Model):
    """A short strength or weakness."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        WEAKNESS = "weakness", _("Weakness")

    profile = models.ForeignKey(ModelProfile, on_delete=models.CASCADE, related_name="points")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("text"), max_length=240)

    class Meta:
        db_table = "models_catalog_profilepoint"
        ordering = ["kind", "order", "pk"]
        verbose_name = _("strength or weakness")
        verbose_name_plural = _("strengths and weaknesses")

    def __str__(self) -> str:
        return self.text


class FAQ(models.Model):
    profile = models.ForeignKey(ModelProfile, on_delete=models.CASCADE, related_name="faqs")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    question = models.CharField(_("question"), max_length=240)
    answer = models.TextField(_("answer (Markdown)"))

    class Meta:
        db_table = "models_catalog_faq"
        ordering = ["order", "pk"]
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")

    def __str__(self) -> str:
        return self.question


class Illustration(models.Model):
    profile = models.ForeignKey(
        ModelProfile, on_delete=models.CASCADE, related_name="illustrations"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    image = models.FileField(
        _("image"), upload_to="illustrations/", validators=[validate_image_name]
    )
    alt_text = models.CharField(
        _("alt text"),
        max_length=240,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    caption = models.CharField(
        _("caption"),
        max_length=240,
        help_text=_("Shown under the image: what it is, its source and date."),
    )
    after_section = models.PositiveSmallIntegerField(
        _("after section"),
        null=True,
        blank=True,
        help_text=_("Shown after this section of the article (1 is the first); empty: at the end."),
    )

    class Meta:
        db_table = "models_catalog_illustration"
        ordering = ["order", "pk"]
        verbose_name = _("illustration")
        verbose_name_plural = _("illustrations")

    def __str__(self) -> str:
        return self.alt_text
