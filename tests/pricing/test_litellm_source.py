"""The litellm price map parser: feed refusal, entry validation, key normalisation."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricing.sources import available_sources, get_source
from pricing.sources.base import FeedRefused, NormalizedEntry, ParsedFeed, PriceSource
from pricing.sources.litellm import LiteLLMSource, display_name, normalize_key

from .conftest import feed_bytes, filler_entries

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")


def parse(entries: dict, *, filler: int = 60) -> ParsedFeed:
    return LiteLLMSource().parse(feed_bytes(entries, filler=filler))


def entry_for(feed: ParsedFeed, key: str) -> NormalizedEntry:
    matches = [e for e in feed.entries if e.key == key]
    assert matches, f"{key} not among parsed entries; invalid: {feed.invalid}"
    return matches[0]


def invalid_reason(feed: ParsedFeed, key: str) -> str:
    reasons = [i.reason for i in feed.invalid if i.key == key]
    assert reasons, f"{key} was not reported invalid"
    return reasons[0]


def chat(**fields) -> dict:
    return {"litellm_provider": "openai", "mode": "chat", **fields}


# --- whole-feed refusal ---------------------------------------------------------------


def test_a_truncated_feed_is_refused_whole():
    raw = feed_bytes({"gpt-4o": chat(input_cost_per_token=2.5e-06)})
    with pytest.raises(FeedRefused, match="not valid JSON"):
        LiteLLMSource().parse(raw[: len(raw) // 2])


def test_bytes_that_are_not_utf8_are_refused_whole():
    with pytest.raises(FeedRefused, match="not"):
        LiteLLMSource().parse(b'{"a": "\xff\xfe"}')


def test_a_top_level_array_is_refused_whole():
    with pytest.raises(FeedRefused, match="array, expected an object"):
        LiteLLMSource().parse(json.dumps([chat()] * 100).encode())


def test_a_feed_with_fewer_than_50_entries_is_refused_whole():
    raw = json.dumps({"sample_spec": {}, **filler_entries(49)}).encode()
    with pytest.raises(FeedRefused, match="only 49 entries"):
        LiteLLMSource().parse(raw)


def test_a_feed_with_exactly_50_entries_is_accepted():
    assert len(LiteLLMSource().parse(json.dumps(filler_entries(50)).encode()).entries) == 50


def test_a_feed_whose_entries_are_mostly_invalid_is_refused_whole():
    bad = {f"bad-{i}": chat(input_cost_per_token="0.001") for i in range(70)}
    with pytest.raises(FeedRefused, match="invalid"):
        parse(bad, filler=60)


def test_feed_refused_carries_a_readable_reason():
    with pytest.raises(FeedRefused) as caught:
        LiteLLMSource().parse(b"[]")
    assert str(caught.value) == caught.value.reason
    assert "object" in caught.value.reason


# --- one bad entry never stops the others ---------------------------------------------


def test_a_price_given_as_a_string_makes_only_that_entry_invalid():
    feed = parse({"stringy": chat(input_cost_per_token="0.000001"), "fine": chat()})
    reason = invalid_reason(feed, "stringy")
    assert "input_cost_per_token" in reason and "string" in reason
    entry_for(feed, "fine")
    assert len(feed.entries) == 61


def test_a_negative_price_is_invalid():
    reason = invalid_reason(parse({"neg": chat(output_cost_per_token=-1e-06)}), "neg")
    assert "output_cost_per_token" in reason and "greater than or equal to 0" in reason


@pytest.mark.parametrize("price", [1, 1.0, 1.5, 250])
def test_a_price_of_one_dollar_per_token_or_more_is_invalid(price):
    reason = invalid_reason(parse({"dear": chat(input_cost_per_token=price)}), "dear")
    assert "less than 1" in reason


def test_a_boolean_price_is_invalid():
    reason = invalid_reason(parse({"bool": chat(input_cost_per_token=True)}), "bool")
    assert "boolean" in reason


def test_a_non_finite_price_is_invalid():
    feed = parse(
        {
            "nan": chat(input_cost_per_token=float("nan")),
            "inf": chat(output_cost_per_token=float("inf")),
        }
    )
    assert "finite" in invalid_reason(feed, "nan")
    assert invalid_reason(feed, "inf")


def test_a_token_limit_given_as_a_string_is_invalid():
    reason = invalid_reason(parse({"lim": chat(max_input_tokens="128000")}), "lim")
    assert "max_input_tokens" in reason


def test_a_capability_flag_that_is_not_a_boolean_is_invalid():
    reason = invalid_reason(parse({"cap": chat(supports_vision="yes")}), "cap")
    assert "supports_vision" in reason


def test_an_entry_without_a_provider_but_with_prices_is_invalid():
    reason = invalid_reason(
        parse({"orphan": {"mode": "chat", "input_cost_per_token": 1e-06}}), "orphan"
    )
    assert "litellm_provider" in reason


def test_an_entry_that_is_not_an_object_is_invalid():
    assert "not an object" in invalid_reason(parse({"listy": [1, 2]}), "listy")


def test_null_fields_count_as_not_stated():
    e = entry_for(
        parse({"nully": chat(max_output_tokens=None, output_cost_per_token=None)}), "nully"
    )
    assert e.max_output_tokens is None and "output" not in e.prices


# --- skipping and ignoring -------------------------------------------------------------


def test_sample_spec_is_skipped_not_reported_invalid():
    spec = {
        "litellm_provider": "one of ...",
        "input_cost_per_token": 0.0,
        "max_input_tokens": "max input tokens",
    }
    feed = parse({"sample_spec": spec})
    assert all(e.key != "sample_spec" for e in feed.entries)
    assert all(i.key != "sample_spec" for i in feed.invalid)
    assert feed.skipped == 1 and feed.skipped_reasons == {"sample_spec (documentation entry)": 1}


def test_alias_only_entries_and_pricing_tiers_are_skipped():
    feed = parse(
        {
            "gpt-latest": {"alias_of": "gpt-4o"},
            "fireworks-ai-default": {
                "litellm_provider": "fireworks_ai",
                "input_cost_per_token": 9e-07,
            },
        }
    )
    assert feed.skipped == 2 and not feed.invalid


def test_unknown_fields_are_ignored():
    e = entry_for(parse({"x": chat(brand_new_field={"nested": [1]}, supports_teleport=True)}), "x")
    assert e.capabilities == {}


def test_counts_add_up():
    feed = parse({"sample_spec": {}, "bad": chat(input_cost_per_token=-1), "ok": chat()})
    assert feed.entry_count == 63
    assert feed.entry_count == len(feed.entries) + len(feed.invalid) + feed.skipped


# --- prices and capabilities -------------------------------------------------------------


def test_prices_are_exact_decimals_under_canonical_kinds():
    raw = chat(
        input_cost_per_token=1.1e-06,
        output_cost_per_token=4.4e-06,
        cache_read_input_token_cost=2.75e-07,
        cache_creation_input_token_cost=3.75e-06,
        input_cost_per_token_batches=5.5e-07,
        output_cost_per_token_batches=2.2e-06,
        input_cost_per_token_priority=2e-06,
        output_cost_per_token_above_200k_tokens=9e-06,
        output_cost_per_image=0.04,
        input_cost_per_second=0.5,
        input_dbu_cost_per_token=0.1,
    )
    e = entry_for(parse({"m": raw}), "m")
    assert e.prices == {
        "input": Decimal("1.1e-06"),
        "output": Decimal("4.4e-06"),
        "cache_read": Decimal("2.75e-07"),
        "cache_write": Decimal("3.75e-06"),
        "batch_input": Decimal("5.5e-07"),
        "batch_output": Decimal("2.2e-06"),
        "input_cost_per_token_priority": Decimal("2e-06"),
        "output_cost_per_token_above_200k_tokens": Decimal("9e-06"),
    }
    assert all(type(v) is Decimal for v in e.prices.values())


def test_an_integer_zero_price_is_a_decimal_zero():
    assert entry_for(parse({"free": chat(input_cost_per_token=0)}), "free").prices[
        "input"
    ] == Decimal(0)


def test_capabilities_are_only_those_stated_and_name_their_source_field():
    e = entry_for(
        parse(
            {
                "m": chat(
                    supports_function_calling=True,
                    supports_response_schema=True,
                    supports_vision=False,
                )
            }
        ),
        "m",
    )
    assert e.capabilities == {
        "tools": True,
        "json_schema": True,
        "json_mode": True,
        "vision": False,
    }
    assert e.capability_sources == {
        "tools": "supports_function_calling",
        "json_schema": "supports_response_schema",
        "json_mode": "derived:supports_response_schema",
        "vision": "supports_vision",
    }


def test_json_mode_is_not_derived_from_a_false_response_schema_flag():
    e = entry_for(parse({"m": chat(supports_response_schema=False)}), "m")
    assert e.capabilities == {"json_schema": False}


def test_context_window_prefers_max_input_tokens_then_max_tokens():
    feed = parse(
        {
            "a": chat(max_input_tokens=200000, max_tokens=4096),
            "b": chat(max_tokens=8192, max_output_tokens=4096),
        }
    )
    assert entry_for(feed, "a").context_window == 200000
    b = entry_for(feed, "b")
    assert (b.context_window, b.max_output_tokens) == (8192, 4096)


def test_deprecation_date_becomes_a_date_and_a_malformed_one_is_invalid():
    feed = parse({"a": chat(deprecation_date="2026-10-23"), "b": chat(deprecation_date="soon")})
    assert entry_for(feed, "a").deprecation_date == date(2026, 10, 23)
    assert "deprecation_date" in invalid_reason(feed, "b")


# --- key normalisation -------------------------------------------------------------------

# key, litellm_provider -> model_slug, alias_of_dated_snapshot, maker, host, regions, variant
KEY_CASES = [
    ("azure/eu/o4-mini-2025-04-16", "azure", "o4-mini", "o4-mini-2025-04-16", "openai", "azure", ("eu",), None),
    ("o4-mini", "openai", "o4-mini", None, "openai", "openai", (), None),
    ("azure/global-standard/gpt-4o-mini", "azure", "gpt-4o-mini", None, "openai", "azure", ("global",), None),
    ("azure/us-gov/o3-mini", "azure", "o3-mini", None, "openai", "azure", ("us",), "government"),
    ("eu.anthropic.claude-3-5-sonnet-20240620-v1:0", "bedrock", "claude-3-5-sonnet",
     "claude-3-5-sonnet-20240620", "anthropic", "bedrock", ("eu",), None),
    ("us.anthropic.claude-sonnet-4-20250514-v1:0", "bedrock_converse", "claude-sonnet-4",
     "claude-sonnet-4-20250514", "anthropic", "bedrock", ("us",), None),
    ("apac.amazon.nova-micro-v1:0", "bedrock_converse", "nova-micro", None, "amazon", "bedrock", ("apac",), None),
    ("global.anthropic.claude-haiku-4-5-20251001-v1:0", "bedrock_converse", "claude-haiku-4-5",
     "claude-haiku-4-5-20251001", "anthropic", "bedrock", ("global",), None),
    ("anthropic.claude-v2:1", "bedrock", "claude-v2.1", None, "anthropic", "bedrock", (), None),
    ("deepseek.v3.2", "bedrock_converse", "deepseek-v3.2", None, "deepseek", "bedrock", (), None),
    ("bedrock/us-east-1/meta.llama3-70b-instruct-v1:0", "bedrock", "llama-3-70b-instruct", None,
     "meta", "bedrock", ("us",), None),
    ("bedrock/eu-west-3/mistral.mistral-large-2402-v1:0", "bedrock", "mistral-large",
     "mistral-large-2402", "mistral", "bedrock", ("eu",), None),
    ("bedrock/us-gov-west-1/amazon.nova-lite-v1:0", "bedrock", "nova-lite", None, "amazon", "bedrock",
     ("us",), "government"),
    ("bedrock/ap-northeast-1/1-month-commitment/anthropic.claude-instant-v1", "bedrock",
     "claude-instant-v1", None, "anthropic", "bedrock", ("apac",), "1-month-commitment"),
    ("openrouter/openai/o4-mini", "openrouter", "o4-mini", None, "openai", "openrouter", (), None),
    ("openrouter/anthropic/claude-3.5-sonnet", "openrouter", "claude-3-5-sonnet", None, "anthropic",
     "openrouter", (), None),
    ("openrouter/meta-llama/llama-3.1-70b-instruct", "openrouter", "llama-3.1-70b-instruct", None,
     "meta", "openrouter", (), None),
    ("vertex_ai/gemini-2.5-pro", "vertex_ai-language-models", "gemini-2.5-pro", None, "google",
     "vertex_ai", (), None),
    ("gemini-2.5-flash-lite-preview-09-2025", "vertex_ai-language-models", "gemini-2.5-flash-lite-preview",
     "gemini-2.5-flash-lite-preview-09-2025", "google", "vertex_ai", (), None),
    ("vertex_ai/claude-3-5-sonnet@20240620", "vertex_ai-anthropic_models", "claude-3-5-sonnet",
     "claude-3-5-sonnet-20240620", "anthropic", "vertex_ai", (), None),
    ("vertex_ai/claude-opus-4-6@default", "vertex_ai-anthropic_models", "claude-opus-4-6", None,
     "anthropic", "vertex_ai", (), None),
    ("vertex_ai/mistral-large@2411-001", "vertex_ai-mistral_models", "mistral-large", "mistral-large-2411",
     "mistral", "vertex_ai", (), None),
    ("vertex_ai/xai/grok-4.6", "vertex_ai", "grok-4.6", None, "xai", "vertex_ai", (), None),
    ("gemini/gemini-2.0-flash", "gemini", "gemini-2.0-flash", None, "google", "gemini", (), None),
    ("claude-3-5-sonnet-20240620", "anthropic", "claude-3-5-sonnet", "claude-3-5-sonnet-20240620",
     "anthropic", "anthropic", (), None),
    ("gpt-4-0613", "openai", "gpt-4", "gpt-4-0613", "openai", "openai", (), None),
    ("gpt-3.5-turbo-1106", "openai", "gpt-3.5-turbo", "gpt-3.5-turbo-1106", "openai", "openai", (), None),
    ("ft:gpt-4o-2024-08-06", "openai", "gpt-4o", "gpt-4o-2024-08-06", "openai", "openai", (), "fine-tuned"),
    ("low/1024-x-1024/gpt-image-1", "openai", "gpt-image-1", None, "openai", "openai", (),
     "quality=low size=1024x1024"),
    ("babbage-002", "text-completion-openai", "babbage-002", None, "openai", "openai", (), None),
    ("mistral/mistral-large-2407", "mistral", "mistral-large", "mistral-large-2407", "mistral", "mistral", (), None),
    ("mistral/mistral-large-latest", "mistral", "mistral-large", None, "mistral", "mistral", (), None),
    ("codestral/codestral-2405", "codestral", "codestral", "codestral-2405", "mistral", "mistral", (), None),
    ("command-r-plus-08-2024", "cohere_chat", "command-r-plus", "command-r-plus-08-2024", "cohere",
     "cohere", (), None),
    ("deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct", "deepinfra", "llama-3.1-8b-instruct", None,
     "meta", "deepinfra", (), None),
    ("together_ai/Qwen/Qwen3-235B-A22B-Instruct-2507", "together_ai", "qwen3-235b-a22b-instruct",
     "qwen3-235b-a22b-instruct-2507", "alibaba", "together_ai", (), None),
    ("deepinfra/NousResearch/Hermes-3-Llama-3.1-405B", "deepinfra", "hermes-3-llama-3.1-405b", None,
     "nousresearch", "deepinfra", (), None),
    ("fireworks_ai/accounts/fireworks/models/llama-v3p1-405b-instruct", "fireworks_ai",
     "llama-3.1-405b-instruct", None, "meta", "fireworks_ai", (), None),
    ("cloudflare/@cf/meta/llama-3.2-3b-instruct", "cloudflare", "llama-3.2-3b-instruct", None, "meta",
     "cloudflare", (), None),
    ("groq/llama3-8b-8192", "groq", "llama-3-8b-8192", None, "meta", "groq", (), None),
    ("ollama/llama2:13b", "ollama", "llama-2-13b", None, "meta", "ollama", (), None),
    ("databricks/databricks-gpt-5-2", "databricks", "gpt-5.2", None, "openai", "databricks", (), None),
    ("xai/grok-4", "xai", "grok-4", None, "xai", "xai", (), None),
    ("deepseek/deepseek-chat", "deepseek", "deepseek-chat", None, "deepseek", "deepseek", (), None),
    ("dashscope/qwq-plus", "dashscope", "qwq-plus", None, "alibaba", "dashscope", (), None),
    ("azure_ai/Phi-4", "azure_ai", "phi-4", None, "microsoft", "azure_ai", (), None),
    ("moonshot/kimi-k2.5", "moonshot", "kimi-k2.5", None, "moonshot", "moonshot", (), None),
    ("zai/glm-4.6", "zai", "glm-4.6", None, "zhipu", "zai", (), None),
    ("ai21.jamba-1-5-large-v1:0", "bedrock", "jamba-1.5-large", None, "ai21", "bedrock", (), None),
    ("volcengine/doubao-seed-2-1-pro-260628", "volcengine", "doubao-seed-2-1-pro",
     "doubao-seed-2-1-pro-260628", "bytedance", "volcengine", (), None),
    ("deepgram/nova-3", "deepgram", "nova-3", None, "deepgram", "deepgram", (), None),
    ("some-new-host/mystery-model-9", "some-new-host", "mystery-model-9", None, "some-new-host",
     "some-new-host", (), None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("key", "provider", "slug", "alias", "maker", "host", "regions", "variant"),
    KEY_CASES,
    ids=[c[0] for c in KEY_CASES],
)
def test_keys_map_to_canonical_model_maker_host_and_regions(
    key, provider, slug, alias, maker, host, regions, variant
):
    info = normalize_key(key, provider)
    assert (
        info.model_slug,
        info.alias_of_dated_snapshot,
        info.provider_slug,
        info.host_slug,
        info.regions,
        info.variant,
    ) == (slug, alias, maker, host, regions, variant)


def test_the_azure_eu_dated_o4_mini_entry_is_normalised_end_to_end():
    feed = parse(
        {
            "azure/eu/o4-mini-2025-04-16": chat(
                litellm_provider="azure", input_cost_per_token=1.21e-06
            )
        }
    )
    e = entry_for(feed, "azure/eu/o4-mini-2025-04-16")
    assert (e.source, e.mode, e.model_slug, e.model_name) == (
        "litellm",
        "chat",
        "o4-mini",
        "o4-mini",
    )
    assert (e.host_slug, e.provider_slug, e.regions) == ("azure", "openai", ("eu",))
    assert e.alias_of_dated_snapshot == "o4-mini-2025-04-16"
    assert e.prices["input"] == Decimal("1.21e-06")


@pytest.mark.parametrize(
    ("slug", "name"),
    [
        ("claude-3-5-sonnet", "Claude 3.5 Sonnet"),
        ("claude-opus-4-6", "Claude Opus 4.6"),
        ("o4-mini", "o4-mini"),
        ("gpt-4o-mini", "GPT-4o Mini"),
        ("gpt-oss-120b", "GPT-OSS 120B"),
        ("llama-3.1-8b-instruct", "Llama 3.1 8B Instruct"),
        ("deepseek-v3.2", "DeepSeek V3.2"),
        ("qwen3-235b-a22b-instruct", "Qwen3 235B A22B Instruct"),
    ],
)
def test_display_names_are_tidy(slug, name):
    assert display_name(slug) == name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    key=st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=60),
    provider=st.sampled_from(
        [
            "openai",
            "azure",
            "bedrock",
            "bedrock_converse",
            "vertex_ai-anthropic_models",
            "fal_ai",
            "x y",
        ]
    ),
)
def test_any_key_gives_url_safe_slugs(key, provider):
    info = normalize_key(key, provider)
    assert SLUG_RE.match(info.model_slug), info
    assert info.alias_of_dated_snapshot is None or SLUG_RE.match(info.alias_of_dated_snapshot)
    assert re.match(r"^[a-z0-9_.-]+$", info.provider_slug) and re.match(
        r"^[a-z0-9_.-]+$", info.host_slug
    )


# --- registry ------------------------------------------------------------------------------


def test_the_registry_ships_litellm_as_a_price_source():
    source = get_source("litellm")
    assert isinstance(source, PriceSource)
    assert source.name == "litellm" and source.default_url.startswith("https://")
    assert "litellm" in available_sources() and "base" not in available_sources()


def test_an_unknown_source_name_is_a_key_error_listing_the_known_ones():
    with pytest.raises(KeyError, match="litellm"):
        get_source("nope")
    with pytest.raises(KeyError):
        get_source("base")


# --- the real map (skipped when it is absent) --------------------------------------------
# It lies in the shared data folder beside the checkout (test input only).


def test_o4_mini_from_the_real_map_has_exact_prices_and_capabilities(real_feed):
    e = entry_for(real_feed, "o4-mini")
    assert e.prices["input"] == Decimal("1.1e-06") and e.prices["output"] == Decimal("4.4e-06")
    assert e.prices["input"] == Decimal("0.0000011") and e.prices["output"] == Decimal("0.0000044")
    for capability in (
        "tools",
        "vision",
        "json_schema",
        "pdf_input",
        "reasoning",
        "prompt_caching",
    ):
        assert e.capabilities[capability] is True, capability
    assert (e.model_slug, e.provider_slug, e.host_slug, e.regions) == (
        "o4-mini",
        "openai",
        "openai",
        (),
    )
    assert e.context_window == 200000


def test_the_real_map_parses_whole(real_feed):
    # How fast it parses is a figure of make bench (tests/bench/bench_price_map_parse.py).
    assert real_feed.entry_count == 4878 and not real_feed.invalid
    assert sum(e.mode == "chat" for e in real_feed.entries) == 3471


def test_every_slug_in_the_real_map_is_url_safe(real_feed):
    for e in real_feed.entries:
        assert SLUG_RE.match(e.model_slug), e.key
        assert e.alias_of_dated_snapshot is None or SLUG_RE.match(e.alias_of_dated_snapshot), e.key
        assert re.match(r"^[a-z0-9_.-]+$", e.provider_slug), e.key
