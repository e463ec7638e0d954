"""The editorial sections of a model page: profile article, strengths, FAQ, review byline."""

from __future__ import annotations

from typing import Any

from .models import Model, ModelProfile


def profile_context(*, model: Model, preview: bool) -> dict[str, Any]:
    """Readers get the published revision; staff previewing get the working copy."""
    profile: ModelProfile | None = getattr(model, "profile", None)
    if profile is None:
        return {"profile": None}
    data: dict[str, Any] | None
    if preview and profile.current_revision is not None:
        data = profile.current_revision.data
    else:
        data = profile.published_data()
    if data is None:
        return {"profile": None}
    sections = [
        {"id": f"article-{number}", "title": section["title"], "body": section["body"]}
        for number, section in enumerate(data["sections"], start=1)
    ]
    faqs = data["faqs"]
    return {
        "profile": profile,
        "profile_data": data,
        "profile_is_preview": preview
        and profile.current_revision_id != profile.published_revision_id,
        "profile_sections": sections,
        "profile_approval": profile.published_approval(),
        "profile_stale_since": profile.needs_rereview_since(),
        "faq_jsonld": {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": faq["question"],
                    "acceptedAnswer": {"@type": "Answer", "text": faq["answer"]},
                }
                for faq in faqs
            ],
        }
        if faqs
        else None,
    }
