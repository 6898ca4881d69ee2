"""A language's vocabulary compiled for the extract stage: phrase sets and number grammar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from recruitwatch.lang import KIND_ORDER, PhraseSet, load_raw, phrase_regex


def _number_word_phrases(words: dict[str, float]) -> list[tuple[str, list[str]]]:
    """Each number word labelled with its value, plus hyphenated compounds ("twenty-five")."""
    phrases = [(repr(value), [word]) for word, value in words.items()]
    tens = [(word, value) for word, value in words.items() if value in range(20, 100, 10)]
    units = [(word, value) for word, value in words.items() if 1 <= value <= 9 and " " not in word]
    phrases += [(repr(ten + unit), [f"{t}-{u}"]) for t, ten in tens for u, unit in units]
    return phrases


def _magnitude_after(magnitudes: dict[str, float]) -> str:
    long_words = sorted((item for item in magnitudes if len(item) > 1), key=len, reverse=True)
    return r"[\s-]+(?P<mag>" + "|".join(phrase_regex(item) for item in long_words) + ")"


def _digit_regex(magnitudes: dict[str, float], group: str, decimal: str) -> str:
    # Thousands groups by comma, space or narrow space; a decimal part after `decimal`.
    separators = "[,\u00a0\u202f\u2009 ]" if decimal == "." else "[.\u00a0\u202f\u2009 ]"
    long_words = [item for item in magnitudes if len(item) > 1]
    letters = [item for item in magnitudes if len(item) == 1]
    spaced = "|".join(phrase_regex(item) for item in sorted(long_words, key=len, reverse=True))
    tight = "|".join(re.escape(item) + r"(?!\w)" for item in letters)
    magnitude = rf"(?:[\s-]?(?:{spaced})|(?:{tight}))" if tight else rf"[\s-]?(?:{spaced})"
    escaped_decimal = re.escape(decimal)
    return (
        rf"(?P<{group}>\d{{1,3}}(?:{separators}\d{{3}})+(?:{escaped_decimal}\d+)?"
        rf"|\d+(?:{escaped_decimal}\d+)?)"
        rf"(?P<{group}mag>{magnitude})?"
    )


@dataclass(frozen=True, slots=True)
class Vocabulary:
    language: str
    decimal_mark: str
    quantity: re.Pattern[str]
    number_words: PhraseSet  # labels are the values
    magnitude_after_words: re.Pattern[str]
    magnitudes: dict[str, float]
    currency_before: PhraseSet
    currency_after: PhraseSet
    ambiguous_symbols: dict[str, list[tuple[str, PhraseSet]]]
    approximators: PhraseSet
    conversion_links: PhraseSet
    range_openers: PhraseSet
    range_joiners: PhraseSet
    previous_level_links: PhraseSet
    kind_cues: PhraseSet
    abbreviations: frozenset[str]
    military_cues: PhraseSet
    service_cues: PhraseSet
    not_offer_cues: PhraseSet
    max_offer_amount: dict[str, float]
    payers: PhraseSet
    payer_links: PhraseSet
    function_words: frozenset[str]
    anaphora_words: PhraseSet
    clause_joiners: PhraseSet
    payer_regions: list[str]
    places: PhraseSet
    capitals: frozenset[str]
    metonym_verbs: PhraseSet
    targets: PhraseSet
    specific_targets: frozenset[str]
    family_words: PhraseSet
    figure_nouns: PhraseSet
    population_cues: PhraseSet
    figure_exclusions: PhraseSet
    percent_cues: PhraseSet
    percent_exclusions: PhraseSet
    attribution_openers: PhraseSet
    attribution_verbs: PhraseSet
    pronouns: PhraseSet


def _entries(
    items: list[dict[str, object]], label_key: str = "label"
) -> list[tuple[str, list[str]]]:
    return [(str(item[label_key]), [str(p) for p in item["patterns"]]) for item in items]  # type: ignore[attr-defined]


@cache
def vocabulary(language: str) -> Vocabulary:
    """The compiled vocabulary of one language (lang/<language>.yaml), built once."""
    raw = load_raw(language)
    magnitudes = {str(key): float(value) for key, value in raw["magnitudes"].items()}
    number_words = {str(key): float(value) for key, value in raw["number_words"].items()}
    decimal = str(raw.get("decimal_mark", "."))
    # Digits only: number words go through a phrase trie, as a regex alternation of them
    # costs ten times more than the digits.
    quantity = re.compile(rf"(?<![\d.,]){_digit_regex(magnitudes, 'num', decimal)}", re.IGNORECASE)
    currencies = raw["currencies"]
    attribution = raw["attribution"]
    openers = [
        f"{opener} {word} {link}"
        for opener in attribution["openers"]
        for word in attribution["survey_words"]
        for link in attribution["survey_links"]
    ] + list(attribution["openers"])
    return Vocabulary(
        language=language,
        decimal_mark=decimal,
        quantity=quantity,
        magnitudes=magnitudes,
        number_words=PhraseSet(_number_word_phrases(number_words)),
        magnitude_after_words=re.compile(_magnitude_after(magnitudes), re.IGNORECASE),
        currency_before=PhraseSet(
            [(code, forms["before"]) for code, forms in currencies.items()], ignore_case=False
        ),
        currency_after=PhraseSet([(code, forms["after"]) for code, forms in currencies.items()]),
        ambiguous_symbols={
            symbol: [(code, PhraseSet.single(cues)) for code, cues in options.items()]
            for symbol, options in raw["ambiguous_symbols"].items()
        },
        approximators=PhraseSet.single(raw["approximators"]),
        conversion_links=PhraseSet.single(raw["conversion_links"]),
        range_openers=PhraseSet.single(raw["range_openers"]),
        range_joiners=PhraseSet.single(raw["range_joiners"]),
        previous_level_links=PhraseSet.single(raw["previous_level_links"]),
        kind_cues=PhraseSet([(kind, raw["kind_cues"][kind]) for kind in KIND_ORDER]),
        abbreviations=frozenset(word.lower().rstrip(".") for word in raw["abbreviations"]),
        military_cues=PhraseSet.single(raw["military_cues"]),
        service_cues=PhraseSet.single(raw["service_cues"]),
        not_offer_cues=PhraseSet.single(raw["not_offer_cues"]),
        max_offer_amount={str(k): float(v) for k, v in raw["max_offer_amount"].items()},
        payers=PhraseSet(_entries(raw["payers"])),
        payer_links=PhraseSet.single(raw["payer_links"]),
        function_words=frozenset(word.lower() for word in raw["function_words"]),
        anaphora_words=PhraseSet.single(raw["anaphora_words"]),
        clause_joiners=PhraseSet.single(raw["clause_joiners"]),
        payer_regions=[str(item["region"]) for item in raw["payers"]],
        places=PhraseSet(_entries(raw["places"]), ignore_case=False),
        capitals=frozenset(str(item["label"]) for item in raw["places"] if item.get("capital")),
        metonym_verbs=PhraseSet.single(raw["metonym_verbs"]),
        targets=PhraseSet(_entries(raw["targets"])),
        specific_targets=frozenset(
            str(item["label"]) for item in raw["targets"] if item.get("specific")
        ),
        family_words=PhraseSet.single(raw["family_words"]),
        figure_nouns=PhraseSet(_entries(raw["figure_nouns"], "subject")),
        population_cues=PhraseSet.single(raw["population_cues"]),
        figure_exclusions=PhraseSet.single(raw["figure_exclusions"]),
        percent_cues=PhraseSet.single(raw["percent_cues"]),
        percent_exclusions=PhraseSet.single(raw["percent_exclusions"]),
        attribution_openers=PhraseSet.single(openers),
        attribution_verbs=PhraseSet.single(attribution["verbs"]),
        pronouns=PhraseSet.single(attribution["pronouns"]),
    )
