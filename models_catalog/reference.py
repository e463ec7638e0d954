"""Display facts about well-known makers, hosts and regions, used when a sync first meets them.

Editors can change any of these in the admin afterwards; a sync never overwrites them.
"""

from typing import NamedTuple


class KnownProvider(NamedTuple):
    name: str
    country: str
    website: str


class KnownHost(NamedTuple):
    name: str
    website: str


PROVIDERS: dict[str, KnownProvider] = {
    "openai": KnownProvider("OpenAI", "United States", "https://openai.com"),
    "anthropic": KnownProvider("Anthropic", "United States", "https://www.anthropic.com"),
    "google": KnownProvider("Google", "United States", "https://ai.google.dev"),
    "meta": KnownProvider("Meta", "United States", "https://ai.meta.com"),
    "mistral": KnownProvider("Mistral AI", "France", "https://mistral.ai"),
    "deepseek": KnownProvider("DeepSeek", "China", "https://www.deepseek.com"),
    "alibaba": KnownProvider("Alibaba Cloud (Qwen)", "China", "https://qwen.ai"),
    "xai": KnownProvider("xAI", "United States", "https://x.ai"),
    "cohere": KnownProvider("Cohere", "Canada", "https://cohere.com"),
    "amazon": KnownProvider("Amazon", "United States", "https://aws.amazon.com/ai/"),
    "ai21": KnownProvider("AI21 Labs", "Israel", "https://www.ai21.com"),
    "perplexity": KnownProvider("Perplexity", "United States", "https://www.perplexity.ai"),
    "moonshot": KnownProvider("Moonshot AI", "China", "https://www.moonshot.ai"),
    "microsoft": KnownProvider("Microsoft", "United States", "https://azure.microsoft.com"),
    "zhipu": KnownProvider("Zhipu AI (Z.ai)", "China", "https://z.ai"),
    "nvidia": KnownProvider("NVIDIA", "United States", "https://www.nvidia.com"),
    "minimax": KnownProvider("MiniMax", "China", "https://www.minimax.io"),
    "ibm": KnownProvider("IBM", "United States", "https://www.ibm.com/granite"),
}

HOSTS: dict[str, KnownHost] = {
    "openai": KnownHost("OpenAI API", "https://platform.openai.com"),
    "azure": KnownHost("Microsoft Azure", "https://azure.microsoft.com"),
    "azure_ai": KnownHost("Azure AI Foundry", "https://ai.azure.com"),
    "bedrock": KnownHost("Amazon Bedrock", "https://aws.amazon.com/bedrock/"),
    "vertex_ai": KnownHost("Google Vertex AI", "https://cloud.google.com/vertex-ai"),
    "gemini": KnownHost("Google AI Studio (Gemini API)", "https://ai.google.dev"),
    "anthropic": KnownHost("Anthropic API", "https://www.anthropic.com/api"),
    "mistral": KnownHost("Mistral AI API", "https://console.mistral.ai"),
    "openrouter": KnownHost("OpenRouter", "https://openrouter.ai"),
    "together_ai": KnownHost("Together AI", "https://www.together.ai"),
    "groq": KnownHost("Groq", "https://groq.com"),
    "deepseek": KnownHost("DeepSeek API", "https://platform.deepseek.com"),
    "dashscope": KnownHost("Alibaba Cloud Model Studio", "https://www.alibabacloud.com"),
    "xai": KnownHost("xAI API", "https://x.ai/api"),
    "cohere": KnownHost("Cohere API", "https://cohere.com"),
    "ai21": KnownHost("AI21 Studio", "https://studio.ai21.com"),
    "perplexity": KnownHost("Perplexity API", "https://docs.perplexity.ai"),
    "moonshot": KnownHost("Moonshot AI API", "https://platform.moonshot.ai"),
    "fireworks_ai": KnownHost("Fireworks AI", "https://fireworks.ai"),
}

REGIONS: dict[str, str] = {
    "eu": "European Union",
    "us": "United States",
    "apac": "Asia-Pacific",
    "ca": "Canada",
    "sa": "South America",
    "au": "Australia",
    "jp": "Japan",
    "uk": "United Kingdom",
    "me": "Middle East",
    "global": "Global (any region)",
}


def provider_defaults(slug: str) -> dict[str, str]:
    known = PROVIDERS.get(slug)
    if known is None:
        return {"name": _title(slug), "country": "", "website": ""}
    return known._asdict()


def host_defaults(slug: str) -> dict[str, str]:
    known = HOSTS.get(slug)
    if known is None:
        return {"name": _title(slug), "website": ""}
    return known._asdict()


def region_name(code: str) -> str:
    return REGIONS.get(code, code.upper())


def _title(slug: str) -> str:
    return slug.replace("_", " ").replace("-", " ").title()
