"""Who is behind a litellm key: the host selling the model, the organisation that made it.

Host slug (``host_slug_for``) = litellm_provider with families merged: ``bedrock_converse``,
``bedrock_mantle`` -> bedrock; ``vertex_ai-*`` -> vertex_ai; ``azure_text`` ->
azure; ``text-completion-openai`` -> openai; ``codestral``,
``text-completion-codestral`` -> mistral; ``cohere_chat`` -> cohere;
``fireworks_ai-*`` -> fireworks_ai; ``text-completion-inception`` -> inception.

Maker (``provider_slug``), first match wins: vendor segment or dotted vendor;
the maker implied by a ``vertex_ai-<maker>_models`` provider; a host that only
sells its own models (deepgram, elevenlabs, voyage ...); model-name patterns
(gpt-/o1/o3/o4/chatgpt/dall-e/whisper -> openai; claude -> anthropic;
gemini/gemma/imagen/veo -> google; llama -> meta; mistral/mixtral/codestral/
magistral/devstral/ministral/pixtral/voxtral -> mistral; deepseek; qwen/qwq/wan
-> alibaba; grok -> xai; command/aya/embed-/rerank- -> cohere; phi/mai- ->
microsoft; nova/titan -> amazon; jamba -> ai21; kimi/moonshot -> moonshot;
glm -> zhipu; minimax; ernie -> baidu; hunyuan -> tencent; doubao/seed ->
bytedance; nemotron -> nvidia; granite -> ibm; sonar -> perplexity; mimo ->
xiaomi; palmyra -> writer; flux -> black-forest-labs; ...); the host when it is
itself a model maker (openai, anthropic, mistral, gemini -> google, dashscope ->
alibaba ...); finally the host slug itself.
"""

from __future__ import annotations

import re

_HOST_ALIASES: dict[str, str] = {
    "bedrock_converse": "bedrock",
    "bedrock_mantle": "bedrock",
    "azure_text": "azure",
    "text-completion-openai": "openai",
    "text-completion-codestral": "mistral",
    "codestral": "mistral",
    "cohere_chat": "cohere",
    "text-completion-inception": "inception",
}

#: Well-known hosts recognised as a first key segment even when the entry's
#: litellm_provider is spelled differently.
_KNOWN_HOSTS = frozenset(
    {
        "openrouter", "azure", "azure_ai", "bedrock", "bedrock_converse", "bedrock_mantle",
        "vertex_ai", "gemini", "groq", "together_ai", "fireworks_ai", "deepinfra",
        "anyscale", "perplexity", "replicate", "cloudflare", "databricks", "sagemaker",
        "watsonx", "ollama", "novita", "nebius", "github_copilot", "vercel_ai_gateway",
        "amazon-nova", "amazon_nova", "fal_ai", "oci", "snowflake", "baseten",
    }
)  # fmt: skip

#: Hosts whose catalogue is (almost) only their own models: the host is the maker.
_OWN_MODELS_HOSTS: dict[str, str] = {
    "deepgram": "deepgram",
    "elevenlabs": "elevenlabs",
    "assemblyai": "assemblyai",
    "soniox": "soniox",
    "voyage": "voyage",
    "jina_ai": "jina",
    "aws_polly": "amazon",
    "stability": "stability",
    "black_forest_labs": "black-forest-labs",
    "recraft": "recraft",
    "runwayml": "runway",
    "morph": "morph",
}

#: Hosts that also make models: their own maker slug, used after name patterns.
_HOST_MAKERS: dict[str, str] = {
    "openai": "openai",
    "chatgpt": "openai",
    "azure": "microsoft",
    "azure_ai": "microsoft",
    "anthropic": "anthropic",
    "mistral": "mistral",
    "cohere": "cohere",
    "xai": "xai",
    "deepseek": "deepseek",
    "gemini": "google",
    "vertex_ai": "google",
    "ai21": "ai21",
    "moonshot": "moonshot",
    "zai": "zhipu",
    "bigmodel": "zhipu",
    "dashscope": "alibaba",
    "qwen_ai_platform": "alibaba",
    "qwencloud": "alibaba",
    "volcengine": "bytedance",
    "minimax": "minimax",
    "perplexity": "perplexity",
    "meta_llama": "meta",
    "amazon_nova": "amazon",
    "bedrock": "amazon",
    "tencent": "tencent",
    "xiaomi_mimo": "xiaomi",
    "gigachat": "sber",
    "inception": "inception",
    "sarvam": "sarvam",
    "nvidia_nim": "nvidia",
    "watsonx": "ibm",
    "databricks": "databricks",
    "snowflake": "snowflake",
}

#: Organisation spellings (lower case, ``_`` as ``-``) -> maker slug.
_VENDORS: dict[str, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "google",
    "google-deepmind": "google",
    "meta": "meta",
    "meta-llama": "meta",
    "meta-models": "meta",
    "facebook": "meta",
    "codellama": "meta",
    "mistral": "mistral",
    "mistralai": "mistral",
    "deepseek": "deepseek",
    "deepseek-ai": "deepseek",
    "qwen": "alibaba",
    "alibaba": "alibaba",
    "alibaba-nlp": "alibaba",
    "zai": "zhipu",
    "zai-org": "zhipu",
    "z-ai": "zhipu",
    "thudm": "zhipu",
    "zhipuai": "zhipu",
    "moonshot": "moonshot",
    "moonshotai": "moonshot",
    "xai": "xai",
    "x-ai": "xai",
    "nvidia": "nvidia",
    "microsoft": "microsoft",
    "cohere": "cohere",
    "cohereforai": "cohere",
    "coherelabs": "cohere",
    "ibm": "ibm",
    "ibm-granite": "ibm",
    "amazon": "amazon",
    "amazon-nova": "amazon",
    "minimax": "minimax",
    "minimaxai": "minimax",
    "bytedance": "bytedance",
    "bytedance-seed": "bytedance",
    "baidu": "baidu",
    "tencent": "tencent",
    "xiaomi": "xiaomi",
    "xiaomimimo": "xiaomi",
    "nousresearch": "nousresearch",
    "ai21": "ai21",
    "ai21labs": "ai21",
    "stability": "stability",
    "stabilityai": "stability",
    "black-forest-labs": "black-forest-labs",
    "allenai": "allenai",
    "baai": "baai",
    "stepfun": "stepfun",
    "stepfun-ai": "stepfun",
    "perplexity": "perplexity",
    "perplexity-ai": "perplexity",
    "writer": "writer",
    "inclusionai": "inclusionai",
    "twelvelabs": "twelvelabs",
    "luma": "luma",
    "01-ai": "01-ai",
}

_VERTEX_SUFFIX_MAKERS: dict[str, str] = {
    "anthropic": "anthropic",
    "mistral": "mistral",
    "llama": "meta",
    "ai21": "ai21",
    "deepseek": "deepseek",
    "qwen": "alibaba",
    "zai": "zhipu",
    "openai": "openai",
    "minimax": "minimax",
    "moonshot": "moonshot",
}

_NAME_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), maker)
    for p, maker in (
        (r"^(?:gpt-|gpt$|o[1-9](?:-|$)|chatgpt|dall-e|whisper|tts-1|davinci|babbage"
         r"|text-embedding-(?:3|ada)|omni-moderation|text-moderation|codex|sora"
         r"|computer-use-preview)", "openai"),
        (r"^claude", "anthropic"),
        (r"^(?:gemini|gemma|codegemma|palm|(?:chat|text|code|codechat)-bison|code-gecko|imagen|veo"
         r"|learnlm|lyria|text-unicorn|multimodalembedding|textembedding|medlm|nano-banana"
         r"|text-embedding-(?:00|preview|gecko)|text-multilingual-embedding)", "google"),
        (r"^(?:code-?llama|llama|muse-spark)", "meta"),
        (r"^(?:open-)?(?:mistral|mixtral|codestral|magistral|devstral|ministral|pixtral"
         r"|voxtral|mathstral)", "mistral"),
        (r"^deepseek", "deepseek"),
        (r"^(?:qwen|qwq|qvq|code-?qwen|wan\d)", "alibaba"),
        (r"^grok", "xai"),
        (r"^(?:command|c4ai|aya-|embed-(?:english|multilingual|v\d)"
         r"|rerank-(?:english|multilingual|v\d))", "cohere"),
        (r"^(?:phi-?\d|mai-)", "microsoft"),
        (r"^(?:nova-(?:micro|lite|pro|premier|canvas|reel|sonic|\d)|titan-)", "amazon"),
        (r"^(?:jamba|j2-)", "ai21"),
        (r"^(?:kimi|moonshot)", "moonshot"),
        (r"^(?:glm|chatglm|codegeex|cogview|cogvideo)", "zhipu"),
        (r"^(?:minimax|abab|hailuo)", "minimax"),
        (r"^ernie", "baidu"),
        (r"^hunyuan", "tencent"),
        (r"^(?:doubao|seed-|seedance|seedream)", "bytedance"),
        (r"^nemotron", "nvidia"),
        (r"^granite", "ibm"),
        (r"^(?:sonar|pplx)", "perplexity"),
        (r"^yi-", "01-ai"),
        (r"^mimo", "xiaomi"),
        (r"^palmyra", "writer"),
        (r"^step-?\d", "stepfun"),
        (r"^mercury", "inception"),
        (r"^flux", "black-forest-labs"),
        (r"^(?:stable-|sd3|sdxl)", "stability"),
        (r"^voyage", "voyage"),
        (r"^jina", "jina"),
        (r"^(?:olmo|tulu|molmo)", "allenai"),
        (r"^hermes", "nousresearch"),
        (r"^dbrx", "databricks"),
        (r"^gigachat", "sber"),
        (r"^falcon", "tii"),
        (r"^(?:marengo|pegasus)", "twelvelabs"),
        (r"^longcat", "meituan"),
        (r"^lfm", "liquid"),
    )
)  # fmt: skip


def host_slug_for(litellm_provider: str) -> str:
    """The host slug for a litellm_provider value (families merged)."""
    lp = litellm_provider.strip().lower()
    if lp in _HOST_ALIASES:
        return _HOST_ALIASES[lp]
    if lp.startswith("vertex_ai"):
        return "vertex_ai"
    if lp.startswith("fireworks_ai"):
        return "fireworks_ai"
    return re.sub(r"[^a-z0-9_.-]+", "-", lp) or "unknown"


def _maker_from_name(slug: str) -> str | None:
    for pattern, maker in _NAME_PATTERNS:
        if pattern.match(slug):
            return maker
    return None


def _vertex_maker(litellm_provider: str) -> str | None:
    m = re.match(r"^vertex_ai-([a-z0-9]+)_models$", litellm_provider)
    if m:
        return _VERTEX_SUFFIX_MAKERS.get(m.group(1))
    return None
