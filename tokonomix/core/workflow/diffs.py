"""What changed between two revisions, field by field, word by word (difflib), as a reviewer
reads it: the text with deletions in <del> and insertions in <ins>, never JSON.

Every piece of text is escaped by format_html; nothing here marks text safe by hand.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Words, runs of white space, and single punctuation marks: a changed word is highlighted
# on its own, and the spaces around it stay as they were.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class FieldDiff:
    label: str
    html: SafeString
    changed: bool


def fields_of(data: Any, label: str = "") -> dict[str, str]:
    """A revision's data as labelled pieces of text: "sections 2 · body" → its Markdown."""
    if isinstance(data, dict):
        found: dict[str, str] = {}
        for key, value in data.items():
            found.update(fields_of(value, f"{label} · {key}" if label else str(key)))
        return found
    if isinstance(data, list):
        if all(not isinstance(item, dict | list) for item in data):
            return {label: "\n".join("" if item is None else str(item) for item in data)}
        found = {}
        for number, item in enumerate(data, start=1):
            found.update(fields_of(item, f"{label} {number}"))
        return found
    return {label: "" if data is None else str(data)}


def word_diff(older: str, newer: str) -> SafeString:
    """`newer` with what `older` had and it has not in <del>, what it added in <ins>."""
    before = _TOKENS.findall(older.replace("\r\n", "\n"))
    after = _TOKENS.findall(newer.replace("\r\n", "\n"))
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("{}", "".join(after[b1:b2])))
            continue
        if op in {"delete", "replace"}:
            pieces.append(("<del>{}</del>", "".join(before[a1:a2])))
        if op in {"insert", "replace"}:
            pieces.append(("<ins>{}</ins>", "".join(after[b1:b2])))
    return format_html_join("", "{}", ((format_html(form, text),) for form, text in pieces))


def revisions_compare(older: dict[str, Any], newer: dict[str, Any]) -> list[FieldDiff]:
    """Every field of either revision, in the newer one's order, with its word diff."""
    before, after = fields_of(older), fields_of(newer)
    labels = list(after) + [label for label in before if label not in after]
    return [
        FieldDiff(
            label=label,
            html=word_diff(before.get(label, ""), after.get(label, "")),
            changed=before.get(label) != after.get(label),
        )
        for label in labels
    ]
