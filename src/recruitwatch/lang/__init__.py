"""Per-language vocabulary, kept as data (lang/<code>.yaml) and compiled lazily.

Every file has the same keys, checked by `validate`. Phrases become anchored, escaped
regular expressions: data never reaches the regex engine as a pattern of its own, so a
vocabulary file cannot introduce catastrophic backtracking.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from recruitwatch.errors import LanguageDataError

LIST_KEYS = (
    "approximators",
    "conversion_links",
    "range_openers",
    "range_joiners",
    "previous_level_links",
    "offer_cues",
    "military_cues",
    "service_cues",
    "not_offer_cues",
    "metonym_verbs",
    "family_words",
    "population_cues",
    "figure_exclusions",
    "percent_cues",
    "percent_exclusions",
    "payer_links",
    "function_words",
    "anaphora_words",
    "clause_joiners",
)
MAPPING_KEYS = (
    "currencies",
    "ambiguous_symbols",
    "magnitudes",
    "number_words",
    "kind_cues",
    "max_offer_amount",
    "attribution",
)
ENTRY_KEYS = {"payers": "label", "places": "label", "targets": "label", "figure_nouns": "subject"}
KIND_ORDER = ("compensation", "other_payment", "monthly_pay", "signing_bonus")
ATTRIBUTION_KEYS = ("openers", "survey_words", "survey_links", "verbs", "pronouns")


def available_languages() -> list[str]:
    folder = resources.files(__package__)
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


def _is_phrase_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item for item in value)


def validate(data: Mapping[str, Any], name: str) -> None:
    """Raise LanguageDataError unless `data` has every key with the right shape."""

    def fail(message: str) -> LanguageDataError:
        return LanguageDataError(message, source=name)

    if not isinstance(data.get("language"), str):
        raise fail("missing 'language' code")
    for key in LIST_KEYS:
        if not _is_phrase_list(data.get(key)):
            raise fail(f"'{key}' must be a list of non-empty strings")
    for key in MAPPING_KEYS:
        if not isinstance(data.get(key), dict):
            raise fail(f"'{key}' must be a mapping")
    for code, forms in data["currencies"].items():
        if not (isinstance(forms, dict) and set(forms) == {"before", "after"}):
            raise fail(f"currency {code} needs exactly 'before' and 'after' lists")
        if not all(_is_phrase_list(forms[side]) for side in ("before", "after")):
            raise fail(f"currency {code}: 'before'/'after' must be lists of strings")
    for table in ("magnitudes", "number_words", "max_offer_amount"):
        for word, value in data[table].items():
            if not isinstance(value, int | float) or value <= 0:
                raise fail(f"{table}.{word} must be a positive number")
    if tuple(sorted(data["kind_cues"])) != tuple(sorted(KIND_ORDER)):
        raise fail(f"'kind_cues' must have exactly the kinds {', '.join(KIND_ORDER)}")
    for kind, cues in data["kind_cues"].items():
        if not _is_phrase_list(cues):
            raise fail(f"kind_cues.{kind} must be a list of strings")
    for key in ATTRIBUTION_KEYS:
        if not _is_phrase_list(data["attribution"].get(key)):
            raise fail(f"attribution.{key} must be a list of strings")
    for key, label_key in ENTRY_KEYS.items():
        entries = data.get(key)
        if not isinstance(entries, list) or not entries:
            raise fail(f"'{key}' must be a non-empty list")
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get(label_key), str):
                raise fail(f"every entry of '{key}' needs a '{label_key}'")
            if not _is_phrase_list(entry.get("patterns")):
                raise fail(f"{key} entry {entry.get(label_key)!r} needs a 'patterns' list")


def phrase_regex(phrase: str) -> str:
    """A literal phrase as a regex: spaces match any whitespace, a trailing '*' any word
    ending, and word boundaries apply only where the phrase starts/ends with a letter."""
    wildcard = phrase.endswith("*")
    body = phrase.rstrip("*")
    pattern = r"\s+".join(re.escape(part) for part in body.split())
    if wildcard:
        pattern += r"\w*"
    if body[:1].isalnum():
        pattern = r"(?<!\w)" + pattern
    if wildcard or body[-1:].isalnum():
        pattern += r"(?!\w)"
    return pattern


def _alternation(phrases: Sequence[str]) -> str:
    ordered = sorted(set(phrases), key=lambda phrase: (-len(phrase.rstrip("*")), phrase))
    return "|".join(phrase_regex(phrase) for phrase in ordered)


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    start: int
    end: int
    label: str
    index: int


class PhraseSet:
    """Labelled phrases compiled into one regex; a match reports which entry it was."""

    def __init__(self, entries: Sequence[tuple[str, Sequence[str]]], *, ignore_case: bool = True):
        self.labels = [label for label, _ in entries]
        groups = [f"(?P<g{index}>{_alternation(phrases)})" for index, (_, phrases) in enumerate(entries)]
        self.regex = re.compile("|".join(groups), re.IGNORECASE if ignore_case else 0)

    @classmethod
    def single(cls, phrases: Sequence[str], label: str = "", *, ignore_case: bool = True) -> PhraseSet:
        return cls([(label, phrases)], ignore_case=ignore_case)

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[PhraseMatch]:
        for match in self.regex.finditer(text, start, len(text) if end is None else end):
            group = match.lastgroup or "g0"
            index = int(group[1:])
            yield PhraseMatch(match.start(), match.end(), self.labels[index], index)

    def search(self, text: str, start: int = 0, end: int | None = None) -> PhraseMatch | None:
        return next(self.finditer(text, start, end), None)

    def matches_at(self, text: str, position: int) -> PhraseMatch | None:
        match = self.regex.match(text, position)
        if match is None:
            return None
        index = int((match.lastgroup or "g0")[1:])
        return PhraseMatch(match.start(), match.end(), self.labels[index], index)


@cache
def load_raw(code: str) -> dict[str, Any]:
    """The parsed and validated YAML of one language."""
    name = f"lang/{code}.yaml"
    try:
        text = resources.files(__package__).joinpath(f"{code}.yaml").read_text("utf-8")
    except FileNotFoundError as exc:
        known = ", ".join(available_languages())
        raise LanguageDataError(f"no vocabulary for language {code!r} (have: {known})") from exc
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise LanguageDataError("top level must be a mapping", source=name)
    validate(data, name)
    return data
