"""The reviewed sections of a model page: profile article, strengths, FAQ, review byline,
verdicts and the evaluation-score snapshot."""

from __future__ import annotations

from typing import Any

from models_catalog.models import Model
from tokonomix.core import flags
from tokonomix.core.workflow.models import Approval

from .figures import data_render
from .models import ModelProfile
from .selectors import published_verdicts, score_snapshot


def profile_context(
    *, model: Model, preview: bool, current: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Readers get the published revision; staff previewing get the working copy.

    No query for a model from model_header, but one evidence read (2 queries) for a published
    profile unless the caller passes the model's `current` evidence (evidence_collect)."""
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
    book = current.get("figures") if isinstance(current, dict) else None
    data = data_render(data, book=book)
    sections = [
        {"id": f"article-{number}", "title": section["title"], "body": section["body"]}
        for number, section in enumerate(data["sections"], start=1)
    ]
    faqs = data["faqs"]
    approval = _published_approval(profile)
    return {
        "profile": profile,
        "profile_data": data,
        "profile_is_preview": preview
        and profile.current_revision_id != profile.published_revision_id,
        "profile_sections": sections,
        "profile_approval": approval,
        "profile_stale_since": (stale := profile.needs_rereview_since(approval, current)),
        "profile_stale_reasons": (reasons := profile.rereview_reasons(current) if stale else []),
        "profile_stale_badges": flags.stale_badges(stale, reasons),
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


def _published_approval(profile: ModelProfile) -> Approval | None:
    """From what model_header selected with the profile, else one query."""
    revision = profile.published_revision
    if revision is None:
        return None
    try:
        return revision.approval
    except Approval.DoesNotExist:
        return None


def opinion_context(*, model: Model, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The verdicts and the evaluation-score snapshot sections: 2 queries for a model from
    model_header, plus an evidence read when it has verdicts and no `current` is passed."""
    return {
        "verdicts": published_verdicts(model=model, current=current),
        "score_rows": score_snapshot(model=model),
    }
