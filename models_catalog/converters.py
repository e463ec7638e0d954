from .models import MODEL_SLUG_PATTERN


class ModelSlugConverter:
    """Matches model slugs, which may contain dots (gpt-4.1)."""

    regex = MODEL_SLUG_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
