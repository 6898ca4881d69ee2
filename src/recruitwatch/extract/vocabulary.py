"""A language's vocabulary compiled for the extract stage: phrase sets and number grammar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from recruitwatch.lang import (
    CATEGORY_ORDER,
    KIND_ORDER,
    REGION_WORDS,
    PhraseSet,
    load_raw,
    morphology,
    phrase_regex,
    region_labels,
)
from recruitwatch.lang.morphology import Morphology


def _number_word_phrases(words: dict[str, float]) -> list[tuple[str, list[str]]]:
    """Each number word labelled with its value, plus hyphenated compounds ("twenty-five")."""
    phrases = [(repr(value), [word]) for word, value in words.items()]
    tens = [(word, value) for word, value in words.items() if value in range(20, 100, 10)]
    units = [(word, value) for word, value in words.items() if 1 <= value <= 9 and " " not in word]
    phrases += [(repr(ten + unit), [f"{t}-{u}"]) for t, ten in tens for u, unit in units]
    return phrases


def _magnitude_words(magnitudes: dict[str, float], abbreviations: frozenset[str]) -> str:
    """Magnitude words longest first; an abbreviated one may keep its period ("тыс.")."""
    long_words = sorted((item for item in magnitudes if len(item) > 1), key=len, reverse=True)
    # A digit may touch the word ("2.4mn", "4.5million"); a letter may not ("5 kmln").
    return "|".join(
        phrase_regex(item).replace(r"(?<!\w)", r"(?<![^\W\d_])", 1)
        + (r"\.?" if item in abbreviations else "")
        for item in long_words
    )


def _magnitude_after(magnitudes: dict[str, float], abbreviations: frozenset[str]) -> str:
    return r"[\s-]+(?P<mag>" + _magnitude_words(magnitudes, abbreviations) + ")"


def _digit_regex(
    magnitudes: dict[str, float], group: str, decimal: str, abbreviations: frozenset[str]
) -> str:
    # Thousands groups by comma, space or narrow space; a decimal part after `decimal`.
    separators = "[,\u00a0\u202f\u2009 ]" if decimal == "." else "[.\u00a0\u202f\u2009 ]"
    letters = [item for item in magnitudes if len(item) == 1]
    spaced = _magnitude_words(magnitudes, abbreviations)
    tight = "|".join(re.escape(item) + r"(?!\w)" for item in letters)
    magnitude = rf"(?:[\s-]?(?:{spaced})|(?:{tight}))" if tight else rf"[\s-]?(?:{spaced})"
    escaped_decimal = re.escape(decimal)
    return (
        rf"(?P<{group}>\d{{1,3}}(?:{separators}\d{{3}})+(?:{escaped_decimal}\d+)?"
        rf"|\d+(?:{escaped_decimal}\d+)?)"
        rf"(?P<{group}mag>{magnitude})?"
    )


def _region_phrases(entry: dict[str, list[str]], word_forms: Morphology) -> list[str]:
    """Every word naming one region, in every form the language's plug-in gives."""
    words = [word for key in REGION_WORDS if key != "adjectives" for word in entry.get(key, [])]
    adjectives = entry.get("adjectives", [])
    return sorted(
        {form for word in words for form in word_forms.inflections(word)}
        | {form for word in adjectives for form in word_forms.adjective_forms(word)}
    )


def _weak_cues(raw: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Cues that name a kind only when no other cue does ("allowance", "bonus")."""
    weak = raw["weak_kind_cues"]
    return [(kind, list(weak[kind])) for kind in KIND_ORDER if weak.get(kind)]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    language: str
    scripts: frozenset[str]  # "Latin", "Cyrillic": which sentences of a mixed document it reads
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
    change_words: PhraseSet
    reach_words: PhraseSet
    previous_level_cues: PhraseSet
    level_verbs: PhraseSet
    back_references: PhraseSet
    kind_cues: PhraseSet
    respectively: PhraseSet  # pairs a list of payers with a list of amounts, in order
    time_after_period: PhraseSet  # "a year ago": a point in time, not a period of pay
    payment_words: PhraseSet  # "payment", "paid", "выплата": money for service of no kind
    abbreviations: frozenset[str]
    military_cues: PhraseSet
    service_cues: PhraseSet
    not_offer_cues: PhraseSet
    max_offer_amount: dict[str, float]
    payers: PhraseSet
    contract_party_cues: PhraseSet
    authority_words: PhraseSet
    payer_links: PhraseSet
    function_words: frozenset[str]
    anaphora_words: PhraseSet
    clause_joiners: PhraseSet
    payer_regions: list[str]
    payer_levels: dict[str, str | None]  # payer label -> its level (model.PAYER_LEVELS)
    default_payers: dict[str, str]  # "default", an offer kind or a currency -> a payer label
    payer_level_cues: PhraseSet  # labels are levels
    list_joiners: PhraseSet
    places: PhraseSet  # labels are ISO 3166-2 codes
    region_labels: dict[str, str]  # ISO code -> the English name records carry
    capitals: frozenset[str]
    metonym_verbs: PhraseSet
    targets: PhraseSet
    specific_targets: frozenset[str]
    countries: PhraseSet  # labels are ISO 3166-1 alpha-2 codes
    target_origins: PhraseSet  # labels are the guide's target_origin values
    recipients: PhraseSet  # labels are the guide's recipient values
    family_words: PhraseSet
    figure_nouns: PhraseSet  # labels are subjects
    figure_noun_categories: list[str | None]  # by entry index: what the noun itself counts
    figure_verbs: PhraseSet  # labels are categories
    figure_cues: PhraseSet  # verbs and context words, labels are categories
    figure_auxiliaries: PhraseSet
    figure_followers: frozenset[str]
    partitives: PhraseSet  # "of the" in "Eleven of the men"
    figure_additions: PhraseSet  # "another" in "and another 30,000"
    figure_links: PhraseSet
    figure_count_links: PhraseSet
    figure_count_words: PhraseSet
    population_cues: PhraseSet
    figure_exclusions: PhraseSet
    percent_words: PhraseSet  # "%", "percent", "процентов", "пайызы" after a number
    percent_cues: PhraseSet
    percent_exclusions: PhraseSet
    attribution_openers: PhraseSet
    attribution_verbs: PhraseSet
    pronouns: PhraseSet
    name_connectors: frozenset[str]  # "of", "for" between the capitalised words of a name
    articles: frozenset[str]  # dropped before a name
    attribution_adverbs: frozenset[str]  # between a name and its verb ("X has said")


@cache
def vocabulary(language: str) -> Vocabulary:
    """The compiled vocabulary of one language (lang/<language>.yaml), built once."""
    raw = load_raw(language)
    # Inflecting languages list each phrase once; the plug-in adds its other forms.
    word_forms = morphology(language)

    def forms(phrases: list[str]) -> list[str]:
        return sorted({form for phrase in phrases for form in word_forms.inflections(phrase)})

    def entries(
        items: list[dict[str, Any]], label_key: str = "label"
    ) -> list[tuple[str, list[str]]]:
        return [(str(item[label_key]), forms(item["patterns"])) for item in items]

    def gendered(phrases: list[str]) -> list[str]:
        """Single adjectives in every gender ("федеральный": "федеральной выплаты")."""
        single = [phrase for phrase in phrases if " " not in phrase]
        adjectives = {form for phrase in single for form in word_forms.adjective_forms(phrase)}
        return forms([phrase for phrase in phrases if phrase not in single]) + sorted(adjectives)

    def numbers(table: dict[str, float]) -> dict[str, float]:
        expanded = {
            form.lower(): float(value)
            for word, value in table.items()
            for form in word_forms.number_forms(word)
        }
        return expanded | {str(word).lower(): float(value) for word, value in table.items()}

    def by_category(table: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
        return [
            (category, forms(table[category])) for category in CATEGORY_ORDER if category in table
        ]

    abbreviations = frozenset(word.lower().rstrip(".") for word in raw["abbreviations"])
    magnitudes = numbers(raw["magnitudes"])
    number_words = numbers(raw["number_words"])
    decimal = str(raw["decimal_mark"])
    # Digits only: number words go through a phrase trie, as a regex alternation of them
    # costs ten times more than the digits.
    # A case ending after a hyphen belongs to the number ("30 000-нан", "1500-ге").
    endings = sorted(word_forms.number_endings(), key=len, reverse=True)
    case_ending = rf"(?:-(?:{'|'.join(map(re.escape, endings))})(?![^\W\d_]))?" if endings else ""
    quantity = re.compile(
        rf"(?<![\d.,]){_digit_regex(magnitudes, 'num', decimal, abbreviations)}{case_ending}",
        re.IGNORECASE,
    )
    currencies = raw["currencies"]
    attribution = raw["attribution"]
    openers = [
        f"{opener} {word} {link}"
        for opener in attribution["openers"]
        for word in forms(attribution["survey_words"])
        for link in attribution["survey_links"]
    ] + list(attribution["openers"])
    return Vocabulary(
        language=language,
        scripts=frozenset(raw["letters"]),
        decimal_mark=decimal,
        quantity=quantity,
        magnitudes=magnitudes,
        number_words=PhraseSet(_number_word_phrases(number_words)),
        magnitude_after_words=re.compile(
            _magnitude_after(magnitudes, abbreviations), re.IGNORECASE
        ),
        currency_before=PhraseSet(
            [(code, spelled["before"]) for code, spelled in currencies.items()], ignore_case=False
        ),
        currency_after=PhraseSet(
            [(code, forms(spelled["after"])) for code, spelled in currencies.items()]
        ),
        ambiguous_symbols={
            symbol: [(code, PhraseSet.single(cues)) for code, cues in options.items()]
            for symbol, options in raw["ambiguous_symbols"].items()
        },
        approximators=PhraseSet.single(raw["approximators"]),
        conversion_links=PhraseSet.single(raw["conversion_links"]),
        range_openers=PhraseSet.single(raw["range_openers"]),
        range_joiners=PhraseSet.single(raw["range_joiners"]),
        previous_level_links=PhraseSet.single(raw["previous_level_links"]),
        change_words=PhraseSet.single(forms(raw["change_words"])),
        reach_words=PhraseSet.single(raw["reach_words"]),
        previous_level_cues=PhraseSet.single(raw["previous_level_cues"]),
        level_verbs=PhraseSet.single(raw["level_verbs"]),
        back_references=PhraseSet.single(raw["back_references"]),
        # Strong cues first, then the weak ones: a cue's entry index is its rank.
        kind_cues=PhraseSet(
            [(kind, forms(raw["kind_cues"][kind])) for kind in KIND_ORDER]
            + [(kind, forms(weak)) for kind, weak in _weak_cues(raw)]
        ),
        payment_words=PhraseSet.single(forms(raw["payment_words"])),
        time_after_period=PhraseSet.single(raw["time_after_period"]),
        respectively=PhraseSet.single(raw["respectively"]),
        abbreviations=abbreviations,
        military_cues=PhraseSet.single(forms(raw["military_cues"])),
        service_cues=PhraseSet.single(forms(raw["service_cues"])),
        not_offer_cues=PhraseSet.single(forms(raw["not_offer_cues"])),
        max_offer_amount={str(k): float(v) for k, v in raw["max_offer_amount"].items()},
        payers=PhraseSet(entries(raw["payers"])),
        contract_party_cues=PhraseSet.single(raw["contract_party_cues"]),
        authority_words=PhraseSet.single(forms(raw["authority_words"])),
        payer_links=PhraseSet.single(raw["payer_links"]),
        function_words=frozenset(word.lower() for word in raw["function_words"]),
        anaphora_words=PhraseSet.single(raw["anaphora_words"]),
        clause_joiners=PhraseSet.single(raw["clause_joiners"]),
        payer_regions=[str(item["region"]) for item in raw["payers"]],
        payer_levels={str(item["label"]): item.get("level") for item in raw["payers"]},
        default_payers={
            str(key): str(value)
            for key, value in [
                *((k, v) for k, v in raw["default_payers"].items() if k != "currencies"),
                *raw["default_payers"].get("currencies", {}).items(),
            ]
        },
        payer_level_cues=PhraseSet(
            [(level, gendered(cues)) for level, cues in raw["payer_level_cues"].items()]
        ),
        list_joiners=PhraseSet.single(raw["list_joiners"]),
        places=PhraseSet(
            [(code, _region_phrases(entry, word_forms)) for code, entry in raw["regions"].items()],
            ignore_case=not raw["places_case_sensitive"],
        ),
        region_labels=region_labels(),
        capitals=frozenset(
            region_labels()[code] for code, entry in raw["regions"].items() if entry.get("capital")
        ),
        metonym_verbs=PhraseSet.single(raw["metonym_verbs"]),
        # A citizenship is a specific target under its label ("Kazakh citizens").
        targets=PhraseSet(entries(raw["targets"]) + entries(list(raw["countries"].values()))),
        specific_targets=frozenset(
            [str(item["label"]) for item in raw["targets"] if item.get("specific")]
            + [str(item["label"]) for item in raw["countries"].values()]
        ),
        countries=PhraseSet(
            [(str(code), forms(item["patterns"])) for code, item in raw["countries"].items()]
        ),
        target_origins=PhraseSet(
            [(origin, forms(cues)) for origin, cues in raw["target_origins"].items()]
        ),
        recipients=PhraseSet([(who, forms(cues)) for who, cues in raw["recipients"].items()]),
        family_words=PhraseSet.single(forms(raw["family_words"])),
        figure_nouns=PhraseSet(entries(raw["figure_nouns"], "subject")),
        figure_noun_categories=[item.get("category") for item in raw["figure_nouns"]],
        figure_verbs=PhraseSet(by_category(raw["figure_verbs"])),
        figure_cues=PhraseSet(
            by_category(raw["figure_verbs"]) + by_category(raw["figure_categories"])
        ),
        figure_auxiliaries=PhraseSet.single(raw["figure_auxiliaries"]),
        figure_followers=frozenset(word.lower() for word in raw["figure_followers"]),
        partitives=PhraseSet.single(raw["partitives"]),
        figure_additions=PhraseSet.single(raw["figure_additions"]),
        figure_links=PhraseSet.single(raw["figure_links"]),
        figure_count_links=PhraseSet.single(raw["figure_count_links"]),
        figure_count_words=PhraseSet.single(forms(raw["figure_count_words"])),
        population_cues=PhraseSet.single(forms(raw["population_cues"])),
        figure_exclusions=PhraseSet.single(forms(raw["figure_exclusions"])),
        percent_words=PhraseSet.single(forms(raw["percent_words"])),
        percent_cues=PhraseSet.single(forms(raw["percent_cues"])),
        percent_exclusions=PhraseSet.single(forms(raw["percent_exclusions"])),
        attribution_openers=PhraseSet.single(openers),
        attribution_verbs=PhraseSet.single(attribution["verbs"]),
        pronouns=PhraseSet.single(attribution["pronouns"]),
        name_connectors=frozenset(word.lower() for word in attribution["name_connectors"]),
        articles=frozenset(word.lower() for word in attribution["articles"]),
        attribution_adverbs=frozenset(word.lower() for word in attribution["adverbs"]),
    )
