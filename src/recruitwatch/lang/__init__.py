"""Per-language vocabulary, kept as data (lang/<code>.yaml) and compiled lazily.

Every file has the same keys, checked by `validate`. Phrases are matched token by token
with a trie, never compiled into regular expressions, so a vocabulary file cannot bring
catastrophic backtracking.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

from recruitwatch.errors import LanguageDataError
from recruitwatch.lang.morphology import Morphology, plugin
from recruitwatch.model import RECIPIENTS, TARGET_ORIGINS

LIST_KEYS = (
    "approximators",
    "conversion_links",
    "range_openers",
    "range_joiners",
    "previous_level_links",
    "abbreviations",
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
    "contract_party_cues",
    "authority_words",
    "figure_auxiliaries",
    "figure_followers",
    "figure_links",
    "figure_count_links",
    "figure_count_words",
    "list_joiners",
    "percent_words",
    "partitives",
    "figure_additions",
    "change_words",
    "reach_words",
    "previous_level_cues",
    "back_references",
    "level_verbs",
    "payment_words",
    "time_after_period",
    "respectively",
)
FLAG_KEYS = ("places_case_sensitive",)
SCRIPTS = ("Latin", "Cyrillic")
MAPPING_KEYS = (
    "currencies",
    "ambiguous_symbols",
    "magnitudes",
    "number_words",
    "kind_cues",
    "max_offer_amount",
    "attribution",
    "dates",
    "credits",
    "figure_verbs",
    "figure_categories",
    "default_payers",
    "payer_level_cues",
)
COUNTRY_CODE = re.compile(r"[A-Z]{2}")  # ISO 3166-1 alpha-2
ENTRY_KEYS = {"payers": "label", "targets": "label", "figure_nouns": "subject"}
# The gazetteer of regions: ISO 3166-2 code -> the words naming it in one language.
REGION_CODE = re.compile(r"(RU|UA)-[A-Z0-9]{2,3}")
REGION_WORDS = ("names", "adjectives", "demonyms", "cities", "officials")
# Letters, digits and single symbols are separate tokens: "RM9,662" is RM 9 , 662.
TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s]")
# One-for-one folds, so offsets stay put: typographic apostrophes, and ё read as е (Russian
# print mostly drops the dots).
FOLDS = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "ё": "е", "Ё": "Е"})
# Latin letters that look Cyrillic, for words that mix the two scripts ("pуб" with a Latin p).
HOMOGLYPHS = str.maketrans("aceopxyABCEHKMOPTX", "асеорхуАВСЕНКМОРТХ")
PREFIX_KEY = 3  # wildcard phrases are bucketed by their first letters; validate() checks
SHORT_TEXT = 256  # shorter strings are tokenized on the spot, longer ones once and cached
KIND_ORDER = ("compensation", "other_payment", "monthly_pay", "signing_bonus")
# Figure categories a cue may name, the strongest first: "Nepali recruits killed" counts
# casualties, "prisoners recruited by Wagner" prisoners.
CATEGORY_ORDER = (
    "casualties",
    "fled",
    "prisoners",
    "mobilised",
    "labour_shortage",
    "population",
    "recruited",
)
SEASONS = ("spring", "summer", "autumn", "winter")
DATE_UNITS = ("day", "week", "month", "year")  # the periods a relative date phrase counts
# Single words naming a date against the publication date ("yesterday", Kazakh "былтыр").
NAMED_DAYS = ("yesterday", "today", "last_year", "this_year")
CREDIT_KEYS = ("labels", "openers", "report_openers", "report_words", "report_links", "closers")
ATTRIBUTION_KEYS = (
    "openers",
    "survey_words",
    "survey_links",
    "verbs",
    "pronouns",
    "name_connectors",
    "articles",
    "adverbs",
)
# Who pays, as the annotation guide names it (model.PAYER_LEVELS); cue words exist for these.
PAYER_LEVELS = ("federal", "regional", "municipal", "combined", "pmc", "foreign")
LEVEL_CUES = ("federal", "regional", "municipal", "combined")


@cache
def available_languages() -> tuple[str, ...]:
    folder = resources.files(__package__)
    return tuple(
        sorted(
            entry.name.removesuffix(".yaml")
            for entry in folder.iterdir()
            if entry.name.endswith(".yaml")
        )
    )


def alphabet(code: str, script: str | None = None) -> frozenset[str]:
    """A language's letters (both cases), in one of its scripts or in all of them."""
    letters = load_raw(code)["letters"]
    chosen = [letters[script]] if script is not None else list(letters.values())
    lower = "".join(chosen).lower()
    return frozenset(lower + lower.upper())


@cache
def script_letters(script: str) -> frozenset[str]:
    """Every letter a language file lists for `script`."""
    return frozenset().union(
        *(
            alphabet(code, script)
            for code in available_languages()
            if script in load_raw(code)["letters"]
        )
    )


@cache
def script_pattern(script: str) -> re.Pattern[str]:
    """One letter of `script` (a character class built from the language files)."""
    return re.compile("[" + re.escape("".join(sorted(script_letters(script)))) + "]")


def _is_phrase_list(value: object) -> bool:
    """Non-empty strings; a wildcard phrase keeps at least PREFIX_KEY letters before its '*'."""
    return isinstance(value, list) and all(
        isinstance(item, str)
        and item
        and (not item.endswith("*") or len(TOKEN.findall(item.rstrip("*"))[-1]) >= PREFIX_KEY)
        for item in value
    )


def validate(data: Mapping[str, Any], name: str) -> None:
    """Raise LanguageDataError unless `data` has every key with the right shape."""

    def fail(message: str) -> LanguageDataError:
        return LanguageDataError(message, source=name)

    if not isinstance(data.get("language"), str):
        raise fail("missing 'language' code")
    for key in FLAG_KEYS:
        if not isinstance(data.get(key), bool):
            raise fail(f"'{key}' must be true or false")
    if data.get("decimal_mark") not in {".", ","}:
        raise fail("'decimal_mark' must be '.' or ','")
    letters = data.get("letters")
    if not (
        isinstance(letters, dict)
        and letters
        and set(letters) <= set(SCRIPTS)
        and all(isinstance(alphabet, str) and alphabet for alphabet in letters.values())
    ):
        raise fail("'letters' must map a script (Latin, Cyrillic) to its alphabet")
    tables = data.get("transliterations")
    if not (
        isinstance(tables, list)
        and all(
            isinstance(table, dict)
            and all(
                isinstance(letter, str) and 1 <= len(letter) <= 2 and isinstance(latin, str)
                for letter, latin in table.items()
            )
            for table in tables
        )
    ):
        raise fail("'transliterations' must list tables of one or two letters -> their spelling")
    if not isinstance(data.get("morphology"), dict):
        raise fail("'morphology' must be a mapping naming its plugin")
    plugin(data["morphology"], "".join(letters.values()), name)
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
    for table in ("figure_verbs", "figure_categories"):
        for category, cues in data[table].items():
            if category not in CATEGORY_ORDER or not _is_phrase_list(cues):
                raise fail(f"{table}.{category}: a category of {CATEGORY_ORDER} with a list")
    weak = data.get("weak_kind_cues")
    if not isinstance(weak, dict) or not set(weak) <= set(KIND_ORDER):
        raise fail(f"'weak_kind_cues' must map some of the kinds {', '.join(KIND_ORDER)}")
    for kind, cues in weak.items():
        if not _is_phrase_list(cues):
            raise fail(f"weak_kind_cues.{kind} must be a list of strings")
    _validate_dates(data["dates"], fail)
    for key in CREDIT_KEYS:
        if not _is_phrase_list(data["credits"].get(key)):
            raise fail(f"credits.{key} must be a list of strings")
    for key in ATTRIBUTION_KEYS:
        if not _is_phrase_list(data["attribution"].get(key)):
            raise fail(f"attribution.{key} must be a list of strings")
    _validate_regions(data.get("regions"), fail)
    _validate_targets(data, fail)
    for key, label_key in ENTRY_KEYS.items():
        entries = data.get(key)
        if not isinstance(entries, list) or not entries:
            raise fail(f"'{key}' must be a non-empty list")
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get(label_key), str):
                raise fail(f"every entry of '{key}' needs a '{label_key}'")
            if not _is_phrase_list(entry.get("patterns")):
                raise fail(f"{key} entry {entry.get(label_key)!r} needs a 'patterns' list")
            if entry.get("category", CATEGORY_ORDER[0]) not in CATEGORY_ORDER:
                raise fail(
                    f"{key} entry {entry.get(label_key)!r}: category not in {CATEGORY_ORDER}"
                )
    _validate_payers(data, fail)


def _validate_dates(dates: Mapping[str, Any], fail: Callable[[str], LanguageDataError]) -> None:
    months = dates.get("months")
    if not (isinstance(months, list) and len(months) == 12 and all(map(_is_phrase_list, months))):
        raise fail("dates.months must list twelve months, each a list of its forms")
    if not isinstance(dates.get("case_sensitive_months"), bool):
        raise fail("dates.case_sensitive_months must be true or false")
    seasons = dates.get("seasons")
    if not (isinstance(seasons, dict) and set(seasons) == set(SEASONS)):
        raise fail(f"dates.seasons must have exactly {', '.join(SEASONS)}")
    for key, table in (("units", DATE_UNITS), ("named_days", NAMED_DAYS)):
        if not (isinstance(dates.get(key), dict) and set(dates[key]) == set(table)):
            raise fail(f"dates.{key} must have exactly {', '.join(table)}")
    lists = {
        key: dates.get(key)
        for key in ("last", "next", "this", "year_words", "prepositions", "ago", "vague")
    }
    lists |= {key: dates.get(key) for key in ("year_links", "ordinals")}
    lists |= {key: seasons[key] for key in SEASONS}
    lists |= {f"units.{key}": dates["units"][key] for key in DATE_UNITS}
    lists |= {f"named_days.{key}": dates["named_days"][key] for key in NAMED_DAYS}
    for key, words in lists.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise fail(f"dates.{key} must be a list of words")


def _validate_regions(regions: object, fail: Callable[[str], LanguageDataError]) -> None:
    if not isinstance(regions, dict) or not regions:
        raise fail("'regions' must be a non-empty mapping of ISO 3166-2 codes")
    for code, entry in regions.items():
        if not isinstance(code, str) or not REGION_CODE.fullmatch(code):
            raise fail(f"region key {code!r} is not an ISO 3166-2 code such as RU-TA or UA-43")
        if not isinstance(entry, dict) or not _is_phrase_list(entry.get("names")):
            raise fail(f"region {code} needs a 'names' list")
        unknown = set(entry) - {*REGION_WORDS, "label", "capital"}
        if unknown:
            raise fail(f"region {code}: unknown keys {', '.join(sorted(unknown))}")
        for key in REGION_WORDS:
            if key in entry and not _is_phrase_list(entry[key]):
                raise fail(f"region {code}: '{key}' must be a list of non-empty strings")
        if not isinstance(entry.get("label", ""), str) or not isinstance(
            entry.get("capital", False), bool
        ):
            raise fail(f"region {code}: 'label' must be text and 'capital' true or false")


def _validate_payers(data: Mapping[str, Any], fail: Callable[[str], LanguageDataError]) -> None:
    """Called once `payers` is known to be a list of labelled entries."""
    labels = {entry["label"] for entry in data["payers"]}
    for entry in data["payers"]:
        if entry.get("level") not in {None, *PAYER_LEVELS}:
            raise fail(
                f"payer {entry.get('label')!r}: level must be one of {', '.join(PAYER_LEVELS)}"
            )
    defaults = data["default_payers"]
    if not isinstance(defaults.get("default"), str):
        raise fail("'default_payers' needs a 'default' payer")
    named = [value for key, value in defaults.items() if key != "currencies"]
    named += list(defaults.get("currencies", {}).values())
    if not isinstance(defaults.get("currencies", {}), dict) or any(
        label not in labels for label in named
    ):
        raise fail("every payer in 'default_payers' must be a label of 'payers'")
    cues = data["payer_level_cues"]
    if not set(cues) <= set(LEVEL_CUES) or not all(_is_phrase_list(cues[key]) for key in cues):
        raise fail(f"'payer_level_cues' takes lists of phrases for {', '.join(LEVEL_CUES)}")


@cache
def region_labels() -> dict[str, str]:
    """ISO code -> the English name records carry (en.yaml's labels), for every language."""
    return {
        code: str(entry.get("label") or code) for code, entry in load_raw("en")["regions"].items()
    }


def _validate_targets(data: Mapping[str, Any], fail: Callable[[str], LanguageDataError]) -> None:
    """countries (ISO code -> label and patterns), target_origins and recipients (one phrase
    list per value of the guide's vocabulary)."""
    countries = data.get("countries")
    if not isinstance(countries, dict) or not countries:
        raise fail("'countries' must be a non-empty mapping of ISO 3166-1 alpha-2 codes")
    for code, entry in countries.items():
        if not (isinstance(code, str) and COUNTRY_CODE.fullmatch(code)):
            raise fail(f"country key {code!r} is not an ISO 3166-1 alpha-2 code")
        if not isinstance(entry, dict) or not isinstance(entry.get("label"), str):
            raise fail(f"country {code} needs a 'label'")
        if not _is_phrase_list(entry.get("patterns")):
            raise fail(f"country {code} needs a 'patterns' list")
    for key, values in (("target_origins", TARGET_ORIGINS), ("recipients", RECIPIENTS)):
        table = data.get(key)
        if not isinstance(table, dict) or tuple(sorted(table)) != tuple(sorted(values)):
            raise fail(f"'{key}' must have exactly the keys {', '.join(values)}")
        for value, cues in table.items():
            if not _is_phrase_list(cues):
                raise fail(f"{key}.{value} must be a list of strings")


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


@dataclass(frozen=True, slots=True)
class Tokens:
    """A text's tokens. Offsets and positions are machine-integer arrays and each distinct
    word is one string object: a megabyte of punctuation is a million tokens, and lists of
    Python ints and tuples for them took hundreds of megabytes."""

    starts: array[int]
    ends: array[int]
    exact: list[str]
    folded: list[str]
    # Lower-cased word -> its positions, and distinct words by first letters (for
    # phrases ending in a wildcard): a phrase set finds its first words without a pass.
    positions: dict[str, array[int]]
    initials: dict[str, list[str]]


def _positions(words: list[str]) -> dict[str, array[int]]:
    found: dict[str, array[int]] = {}
    for position, word in enumerate(words):
        bucket = found.get(word)
        if bucket is None:
            found[word] = array("q", (position,))
        else:
            bucket.append(position)
    return found


def _initials(words: Iterable[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for word in words:
        found.setdefault(word[:PREFIX_KEY], []).append(word)
    return found


def _tokenize(text: str, *, indexed: bool = False) -> Tokens:
    exact_text = text.translate(FOLDS)
    starts: array[int] = array("q")
    ends: array[int] = array("q")
    exact: list[str] = []
    distinct: dict[str, str] = {}  # one string object per distinct word, however often it occurs
    for match in TOKEN.finditer(exact_text):
        start, end = match.span()
        starts.append(start)
        ends.append(end)
        word = exact_text[start:end]
        exact.append(distinct.setdefault(word, word))
    cyrillic, latin = script_pattern("Cyrillic"), script_pattern("Latin")
    if cyrillic.search(exact_text) and latin.search(exact_text):
        unmixed = {word: _unmix(word) for word in distinct}
        exact = [unmixed[word] for word in exact]
    # A whole word lowered at once reads as the text lowered at once ("İ" grows, final sigma).
    lowered = {word: word.lower() for word in set(exact)}
    if any(word != lower for word, lower in lowered.items()):
        folded = [lowered[word] for word in exact]
    else:  # nothing to lower (punctuation, digits, lower-case text): the same list serves
        folded = exact
    positions = _positions(folded) if indexed else {}
    return Tokens(starts, ends, exact, folded, positions, _initials(positions))


def _unmix(token: str) -> str:
    """A word written mostly in Cyrillic with Latin look-alikes, read as Cyrillic."""
    if script_pattern("Cyrillic").search(token) and script_pattern("Latin").search(token):
        return token.translate(HOMOGLYPHS)
    return token


@lru_cache(maxsize=2)  # one document at a time; a larger cache would hold big texts alive
def _tokenize_cached(text: str) -> Tokens:
    return _tokenize(text, indexed=True)


def tokenize(text: str) -> Tokens:
    return _tokenize(text) if len(text) < SHORT_TEXT else _tokenize_cached(text)


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    start: int
    end: int
    label: str
    index: int


@dataclass(slots=True)
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    terminal: int | None = None  # the entry index a phrase ending here belongs to
    # "mobili*" ends, bucketed by first letters so a token tries only its own bucket
    prefixes: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


class PhraseSet:
    """Labelled phrases matched over tokens with a trie: one dictionary step per token,
    however many phrases there are. A match starts and ends on token boundaries, takes the
    longest phrase at each position and reports which entry it belongs to.

    Hand-written because a regex alternation of hundreds of phrases costs the regex
    engine a try of every phrase at every character, thirty times slower here."""

    def __init__(self, entries: Sequence[tuple[str, Sequence[str]]], *, ignore_case: bool = True):
        self.labels = [label for label, _ in entries]
        self.ignore_case = ignore_case
        self.root = _Node()
        # The last long text scanned and its matches' starts, ends and entries (see matches),
        # as machine integers: a text of a million "$" is a million matches.
        self._document: tuple[str | None, array[int], array[int], array[int]] = (
            None,
            array("q"),
            array("q"),
            array("q"),
        )
        for index, (_, phrases) in enumerate(entries):
            for phrase in phrases:
                self._add(phrase, index)
        self._folded_heads = {word.lower() for word in self.root.children}
        self._folded_prefixes: dict[str, list[str]] = {}
        for bucket in self.root.prefixes.values():
            for prefix, _ in bucket:
                folded = prefix.lower()
                self._folded_prefixes.setdefault(folded[:PREFIX_KEY], []).append(folded)

    @classmethod
    def single(
        cls, phrases: Sequence[str], label: str = "", *, ignore_case: bool = True
    ) -> PhraseSet:
        return cls([(label, phrases)], ignore_case=ignore_case)

    def _add(self, phrase: str, index: int) -> None:
        wildcard = phrase.endswith("*")
        words = [token.translate(FOLDS) for token in TOKEN.findall(phrase.rstrip("*"))]
        if self.ignore_case:
            words = [word.lower() for word in words]
        node = self.root
        for word in words[:-1]:
            node = node.children.setdefault(word, _Node())
        if wildcard:
            node.prefixes.setdefault(words[-1][:PREFIX_KEY], []).append((words[-1], index))
            return
        node = node.children.setdefault(words[-1], _Node())
        if node.terminal is None:
            node.terminal = index

    def _longest_at(self, tokens: Tokens, first: int, last: int) -> tuple[int, int] | None:
        """(entry index, index of the last token) of the longest phrase at token `first`."""
        words = tokens.folded if self.ignore_case else tokens.exact
        node: _Node | None = self.root
        best: tuple[int, int] | None = None
        position = first
        while node is not None and position < last:
            word = words[position]
            for prefix, index in node.prefixes.get(word[:PREFIX_KEY], ()):
                if word.startswith(prefix) and (best is None or best[1] <= position):
                    best = (index, position)
            node = node.children.get(word)
            if node is not None and node.terminal is not None:
                best = (node.terminal, position)
            position += 1
        return best

    def _token_range(self, tokens: Tokens, start: int, end: int) -> tuple[int, int]:
        return bisect_left(tokens.starts, start), bisect_right(tokens.ends, end)

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[PhraseMatch]:
        return iter(self.matches(text, start, end))

    def matches(self, text: str, start: int = 0, end: int | None = None) -> list[PhraseMatch]:
        """Matches lying wholly inside text[start:end], in order."""
        stop = len(text) if end is None else end
        if len(text) < SHORT_TEXT:
            return list(self._scan(tokenize(text), start, stop))
        # A document is asked about many windows: scan it once, answer each by bisection.
        cached_text, starts, ends, entries = self._document
        if cached_text is not text:
            starts, ends, entries = array("q"), array("q"), array("q")
            for match in self._scan(tokenize(text), 0, len(text)):
                starts.append(match.start)
                ends.append(match.end)
                entries.append(match.index)
            self._document = (text, starts, ends, entries)
        first = bisect_left(starts, start)
        last = bisect_left(starts, stop, first)
        return [
            PhraseMatch(starts[at], ends[at], self.labels[entries[at]], entries[at])
            for at in range(first, last)
            if ends[at] <= stop
        ]

    def _scan(self, tokens: Tokens, start: int, end: int) -> Iterator[PhraseMatch]:
        first, last = self._token_range(tokens, start, end)
        positions = tokens.positions
        if positions:
            # Lower-cased first words give a superset; _longest_at checks case where it counts.
            candidates = sorted(
                position
                for word in self._heads_in(positions, tokens.initials)
                for position in positions[word]
                if first <= position < last
            )
        else:  # a short text: a pass over its few tokens is cheaper than an index
            words = tokens.folded if self.ignore_case else tokens.exact
            children, prefixes = self.root.children, self.root.prefixes
            candidates = [
                position
                for position in range(first, last)
                if words[position] in children or words[position][:PREFIX_KEY] in prefixes
            ]
        words = tokens.folded if self.ignore_case else tokens.exact
        children = self.root.children
        resume = first
        for position in candidates:
            if position < resume:
                continue
            # Most candidates are common first words ("the", "a"): look one word ahead
            # before walking the trie.
            head = children.get(words[position])
            if (
                head is not None
                and head.terminal is None
                and not head.prefixes
                and (position + 1 >= last or words[position + 1] not in head.children)
                and words[position][:PREFIX_KEY] not in self.root.prefixes
            ):
                continue
            found = self._longest_at(tokens, position, last)
            if found is None:
                continue
            index, final = found
            yield PhraseMatch(
                tokens.starts[position], tokens.ends[final], self.labels[index], index
            )
            resume = final + 1

    def _heads_in(
        self, positions: dict[str, array[int]], initials: dict[str, list[str]]
    ) -> list[str]:
        """The document's words that can start one of the phrases."""
        heads = list(self._folded_heads & positions.keys())
        for initial in self._folded_prefixes.keys() & initials.keys():
            prefixes = self._folded_prefixes[initial]
            heads += [
                word
                for word in initials[initial]
                if word not in self._folded_heads
                and any(word.startswith(prefix) for prefix in prefixes)
            ]
        return heads

    def search(self, text: str, start: int = 0, end: int | None = None) -> PhraseMatch | None:
        found = self.matches(text, start, end)
        return found[0] if found else None

    def matches_at(self, text: str, position: int, end: int | None = None) -> PhraseMatch | None:
        """The longest phrase starting at `position` (after any whitespace there)."""
        tokens = tokenize(text)
        first, last = self._token_range(tokens, position, len(text) if end is None else end)
        if first >= last or text[position : tokens.starts[first]].strip():
            return None
        found = self._longest_at(tokens, first, last)
        if found is None:
            return None
        index, final = found
        return PhraseMatch(tokens.starts[first], tokens.ends[final], self.labels[index], index)


@cache
def morphology(code: str) -> Morphology:
    """The word-form plug-in a language file names."""
    raw = load_raw(code)
    return plugin(raw["morphology"], "".join(raw["letters"].values()), f"lang/{code}.yaml")


@cache
def load_raw(code: str) -> dict[str, Any]:
    """The parsed and validated YAML of one language."""
    name = f"lang/{code}.yaml"
    try:
        text = resources.files(__package__).joinpath(f"{code}.yaml").read_text("utf-8")
    except FileNotFoundError as exc:
        known = ", ".join(available_languages())
        raise LanguageDataError(f"no vocabulary for language {code!r} (have: {known})") from exc
    # libyaml's loader where it is built in: ten times faster on the large language files.
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict):
        raise LanguageDataError("top level must be a mapping", source=name)
    validate(data, name)
    return _with_transliterations(data)


# Keys whose values are not words of the text.
NOT_TRANSLITERATED = frozenset(
    {"language", "name", "letters", "morphology", "transliterations", "decimal_mark"}
)


def transliterations(code: str, word: str) -> list[str]:
    """The word in each other script the language file gives tables for, without repeats."""
    return _spellings(_tables(code), word)


Transliteration = tuple[tuple[tuple[str, str], ...], dict[int, str]]


@cache
def _tables(code: str) -> tuple[Transliteration, ...]:
    return tuple(_translation(table) for table in load_raw(code)["transliterations"])


def _translation(table: Mapping[str, str]) -> Transliteration:
    """Letter pairs spelled together ("ия" -> "ia"), then a str.translate table, both cases."""
    both = dict(table)
    both |= {letter.capitalize(): latin.capitalize() for letter, latin in table.items()}
    pairs = tuple((key, value) for key, value in both.items() if len(key) > 1)
    return pairs, str.maketrans({key: value for key, value in both.items() if len(key) == 1})


def _spelled(table: Transliteration, word: str) -> str:
    pairs, letters = table
    for pair, latin in pairs:
        word = word.replace(pair, latin)
    return word.translate(letters)


def _spellings(tables: tuple[Transliteration, ...], word: str) -> list[str]:
    found: list[str] = []
    for table in tables:
        spelled = _spelled(table, word)
        # A wildcard phrase keeps enough letters before its "*" (see _is_phrase_list).
        if spelled != word and spelled not in found and _is_phrase_list([spelled]):
            found.append(spelled)
    return found


def _with_transliterations(data: dict[str, Any]) -> dict[str, Any]:
    """Every phrase list and every word key also in the other script (see kk.yaml)."""
    tables = tuple(_translation(table) for table in data["transliterations"])
    if not tables:
        return data

    def spelled(value: Any) -> Any:
        if isinstance(value, list):
            items = [spelled(item) for item in value]
            words = [item for item in items if isinstance(item, str)]
            extra = [form for word in words for form in _spellings(tables, word)]
            return items + [form for form in dict.fromkeys(extra) if form not in words]
        if isinstance(value, dict):
            table = {key: spelled(item) for key, item in value.items()}
            for key, item in value.items():
                for form in _spellings(tables, key) if isinstance(key, str) else []:
                    table.setdefault(form, spelled(item))
            return table
        return value

    return {
        key: value if key in NOT_TRANSLITERATED else spelled(value) for key, value in data.items()
    }
