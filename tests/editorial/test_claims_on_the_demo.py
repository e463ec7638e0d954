"""The claims checker against the demo data: it flags the five contradictions the demo's
old texts made (kept in tests/editorial/data/unfixed-demo-texts.json), and nothing in the
demo's texts as they are now."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from tokonomix.editorial.claims import claims_check
from tokonomix.editorial.figures import FigureBook
from tokonomix.editorial.models import ModelProfile, UseCase, Verdict

pytestmark = pytest.mark.django_db

UNFIXED = json.loads((Path(__file__).parent / "data" / "unfixed-demo-texts.json").read_text())
TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("load_demo", "--no-live-test", verbosity=0)


@pytest.fixture
def unfixed(demo):
    book = FigureBook(today=TODAY)
    profile = {**UNFIXED["profile"], "authors": [], "illustrations": []}
    use_case = UNFIXED["use_case"]
    found = claims_check(ModelProfile().claim_texts(profile), book=book)
    found += claims_check(Verdict().claim_texts(UNFIXED["verdict"]), book=book)
    found += claims_check(
        UseCase().claim_texts(use_case), ranked=UseCase().claim_ranking(use_case), book=book
    )
    return found


def flagged(found, claim_part, rule):
    return [c for c in found if claim_part in c.claim and c.rule == rule]


def test_1_a_tenth_of_o3s_price_when_it_is_55_percent(unfixed):
    [tenth] = flagged(unfixed, "a tenth of o3's", "ratio")
    assert "o4-mini is $1.10 / $4.40 per million" in tenth.figure
    assert "o3's $2.00 / $8.00 (55%)" in tenth.figure
    assert tenth.where == "section “Overview”"


def test_2_best_reasoning_per_dollar_beside_o3_mini_at_the_same_price(unfixed):
    [best] = flagged(unfixed, "best reasoning per dollar in OpenAI's range", "cheapest")
    assert "o3-mini $1.10 / $4.40 (the same)" in best.figure


def test_3_cheapest_but_slower_without_a_speed_figure(unfixed):
    [slower] = flagged(unfixed, "Cheapest, but slower.", "speed")
    assert slower.figure == "DeepSeek Reasoner has no speed figure yet"
    assert not flagged(unfixed, "Cheapest, but slower.", "cheapest")  # it is the cheapest


def test_4_a_deprecation_still_to_come_that_came_on_2026_10_23(unfixed):
    [announced] = flagged(unfixed, "Deprecation announced by its maker", "deprecation")
    assert "deprecated since 2026-10-23" in announced.figure
    assert flagged(unfixed, "plan for its successor", "deprecation")
    ranked = flagged(unfixed, "#1 o4-mini", "deprecation")
    assert ranked and "Deprecated since 2026-10-23" in ranked[0].figure
    replaces = [c.figure for c in flagged(unfixed, "o4-mini replaces it", "deprecation")]
    assert "the price source names GPT-5.6 Sol as o3-mini's successor" in replaces
    assert any("o4-mini is itself deprecated" in figure for figure in replaces)


def test_5_speed_claims_resting_on_simulated_figures(unfixed):
    [weakness] = flagged(unfixed, "Slower first token than non-reasoning models", "flags")
    assert "o4-mini's speed figures are simulated" in weakness.figure
    assert flagged(unfixed, "how they did in our own tests", "flags")


def test_true_claims_of_the_old_texts_are_not_flagged(unfixed):
    # $1.10 / $4.40, about $0.0015 a conversation, 200,000 tokens: all true.
    assert not [c for c in unfixed if c.rule in ("price", "context")]
    # Cached input at a quarter of the input price: 0.275 of 1.10, true.
    assert [c.claim for c in unfixed if c.rule == "ratio"] == [
        "It thinks before it answers, which makes it strong at maths, code and multi-step "
        "questions, while its price stays a tenth of o3's."
    ]


def test_the_fixed_demo_texts_contradict_nothing(demo):
    published = [
        *ModelProfile.objects.published(),
        *Verdict.objects.published(),
        *UseCase.objects.published(),
    ]
    assert len(published) >= 3
    for item in published:
        assert item.claims_check(item.published_data()) == [], item
        assert item.needs_rereview_since() is None, item
