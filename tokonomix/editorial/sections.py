"""The reviewed sections of a model page: profile article, strengths, FAQ, review byline,
verdicts and the evaluation-score snapshot."""

from __future__ import annotations

from typing import Any

from models_catalog.models import Model
from tokonomix.core import flags

from .figures import data_render
from .models import ModelProfile
from .selectors import published_approval_of, published_profile, published_verdicts, score_snapshot


def profile_context(
    *, model: Model, preview: bool, current: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Readers get the published profile about this model (by its published revision's
    subject); staff previewing get the working copy of the profile linked to it now (read
    with the model through `profile_prefetch`).

    1 query, plus one evidence read (2 queries) for a published profile unless the caller
    passes the model's `current` evidence (evidence_collect)."""
    published = published_profile(model=model)
    working: ModelProfile | None = getattr(model, "profile", None) if preview else None
    data: dict[str, Any] | None
    if working is not None and working.current_revision is not None:
        data = working.current_revision.data
    else:
        data = published.published_data() if published else None
    if data is None:
        return {"profile": None}
    book = current.get("figures") if isinstance(current, dict) else None
    data = data_render(data, book=book)
    # Each illustration after the section it names (1 is the first), the others at the end.
    illustrations = list(data.get("illustrations", []))
    count = len(data["sections"])
    placed = {
        n: [i for i in illustrations if i.get("after_section") == n] for n in range(1, count + 1)
    }
    sections = [
        {
            "id": f"article-{number}",
            "title": section["title"],
            "body": section["body"],
            "illustrations": placed[number],
        }
        for number, section in enumerate(data["sections"], start=1)
    ]
    faqs = data["faqs"]
    approval = published_approval_of(published) if published else None
    if published is not None:
        published.subject_model = model
    return {
        "profile": working or published,
        "profile_data": data,
        "profile_is_preview": working is not None
        and (published is None or working.current_revision_id != published.published_revision_id),
        "profile_sections": sections,
        "profile_trailing_illustrations": [
            i for i in illustrations if i.get("after_section") not in placed
        ],
        "profile_approval": approval,
        "profile_stale_since": (
            stale := published.needs_rereview_since(approval=approval, current=current)
            if published
            else None
        ),
        "profile_stale_reasons": (
            reasons := published.rereview_reasons(current) if published and stale else []
        ),
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


def opinion_context(*, model: Model, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The verdicts and the evaluation-score snapshot sections: 2 queries for a model from
    model_header, plus an evidence read when it has verdicts and no `current` is passed."""
    verdicts = published_verdicts(model=model, current=current)
    return {
        "verdicts": verdicts,
        "score_rows": score_snapshot(model=model),
        # The newest verdict's headline: the one-line quote under the page's introduction.
        "quote": verdicts[0] if verdicts else None,
    }


def last_review(context: dict[str, Any]) -> Any:
    """The date of the newest approval behind the page's reviewed content (the profile and
    the verdicts, as their reviewers approved them), or None."""
    approvals = [context.get("profile_approval")]
    approvals += [item.approval for item in context.get("verdicts", [])]
    dates = [a.approved_at for a in approvals if a is not None]
    return max(dates) if dates else None
