"""The date a record refers to, read from its evidence sentence against the document's date.

A small set of anchored patterns finds date phrases ("in July", "last fall", "March 1, 2022",
"в прошлом месяце"); dateparser turns each into a date, relative to the publication date, and
says how precise it is. Seasons are resolved here: dateparser has no words for them.
A phrase near the record's value wins over one further away; with none, the record refers to
the document's own date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from recruitwatch.model import SEASON_MONTHS, DatePrecision, Evidence, RecordDate

if TYPE_CHECKING:
    from dateparser.date import DateData

# Nothing this project reads predates the Russian Federation's armed forces and rouble (1992):
# an earlier date is a misread number or a history aside, not the date of an offer.
EARLIEST = date(1992, 1, 1)
# Offers announced for next year are real ("from January the bonus rises"); further is a misread.
MAX_DAYS_AHEAD = 366

_YEAR = r"(?:19|20)\d\d"
MAX_COUNT = 99  # "3 days ago": a count word beyond this is no relative date


@dataclass(frozen=True, slots=True)
class DateWords:
    """The `dates` sections of every language file, merged: quotes and headlines mix languages."""

    months: dict[str, int]  # any form, lower-cased -> month number
    seasons: dict[str, str]  # any season word, lower-cased -> season key
    last: tuple[str, ...]
    next: tuple[str, ...]
    units: dict[str, str]  # a form of a period, lower-cased -> "day", "week", "month", "year"
    counts: dict[str, int]  # a number word, lower-cased -> its value
    named_days: dict[str, str]  # "вчора", "былтыр" -> "yesterday", "last_year"
    phrases: re.Pattern[str]
    leading: re.Pattern[str]
    vague: re.Pattern[str]
    anchored: re.Pattern[str]
    year_only: re.Pattern[str]
    year_words: re.Pattern[str]  # "года", "року", "жылы" after a year


def _alternation(words: list[str]) -> str:
    """The words as one regex, factored on shared prefixes ("ию(?:ня|ле|ль)..."): the regex
    engine then tries one branch per letter instead of every word at every position. Spaces
    in a phrase match any run of spaces."""
    trie: dict[str, Any] = {}
    for word in set(words):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_pattern(trie) or "(?!)"


def _trie_pattern(node: dict[str, Any]) -> str:
    ends = "" in node
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _trie_pattern(child)
        for char, child in node.items()
        if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Longest first: a word that goes on is tried before the word that ends here.
    return f"(?:{body})?" if ends else body


def _year_phrase(section: dict[str, Any]) -> str | None:
    """ "in 2021", "в 2021 году", "2021 жылы": a year placed by a preposition, by a year word
    (where the language has them, the preposition alone might govern an amount: "до 2000
    рублей"), or, in a language without prepositions, by the year word alone."""
    prepositions, year_words = section["prepositions"], section["year_words"]
    year_word = rf"\s+(?:{_alternation(year_words)})" if year_words else ""
    if prepositions:
        return rf"(?:{_alternation(prepositions)})[-\s]+{_YEAR}{year_word}"
    return rf"{_YEAR}{year_word}" if year_words else None


@cache
def date_words() -> DateWords:
    from recruitwatch.lang import available_languages, load_raw, transliterations

    months: dict[str, int] = {}
    seasons: dict[str, str] = {}
    units: dict[str, str] = {}
    counts: dict[str, int] = {}
    named_days: dict[str, str] = {}
    words: dict[str, list[str]] = {
        key: []
        for key in (
            "last", "next", "this", "year_words", "prepositions", "ago", "vague",
            "year_links", "ordinals",
        )
    }  # fmt: skip
    exact_months: list[str] = []  # matched with their capital ("May", never "may")
    any_case_months: list[str] = []
    # A language with no prepositions marks the month by its ending ("шілдеде", in July):
    # those inflected forms stand alone; the bare name ("қазан") may be a city or a pot.
    bare_months: list[str] = []
    year_phrases: list[str] = []
    for code in available_languages():
        raw = load_raw(code)
        section = raw["dates"]
        for number, forms in enumerate(section["months"], start=1):
            months.update({form.lower(): number for form in forms})
            (exact_months if section["case_sensitive_months"] else any_case_months).extend(forms)
            if not section["prepositions"]:
                nominative = {forms[0], *transliterations(code, forms[0])}
                bare_months.extend(form for form in forms if form not in nominative)
        for season, names in section["seasons"].items():
            seasons.update({name.lower(): season for name in names})
        for unit, forms in section["units"].items():
            units.update({form.lower(): unit for form in forms})
        for name, forms in section["named_days"].items():
            named_days.update({form.lower(): name for form in forms})
        counts.update(
            {
                word.lower(): int(value)
                for word, value in raw["number_words"].items()
                if value == int(value) and 0 < value <= MAX_COUNT
            }
        )
        for key, found in words.items():
            found += section[key]
        year_phrase = _year_phrase(section)
        if year_phrase:
            year_phrases.append(year_phrase)
    exact, any_case = _alternation(exact_months), _alternation(any_case_months)
    modifier = _alternation(words["last"] + words["next"] + words["this"])
    season = _alternation(list(seasons))
    year_word = rf"(?:\s+(?:{_alternation(words['year_words'])}))?" if words["year_words"] else ""
    year = rf"{_YEAR}{year_word}"
    year_link = rf"(?:\s+(?:{_alternation(words['year_links'])}))?"
    preposition = _alternation(words["prepositions"])
    ordinal = _alternation(words["ordinals"])
    unit = _alternation(list(units))
    count = rf"(?:\d{{1,2}}|{_alternation(list(counts))})"
    bare = (
        rf"| (?i:(?<!\w)(?:{_YEAR}{year_word}\s+)?(?:{_alternation(bare_months)})(?!\w))"
        if bare_months
        else ""
    )
    # Each alternative is anchored on words and has no nested repetition: linear on any text.
    # Every phrase starts a word: the first check turns every other position away at once.
    phrases = re.compile(
        rf"""
        (?<!\w)(?=\w)
        (?:
        (?P<season>
            (?i:(?<!\w)(?:(?:{modifier})\s+)?(?:{season})(?:{year_link}\s+{year})?(?!\w))
        )
      | (?P<relative>
            (?i:(?<!\w)(?:(?:{preposition})\s+)?(?:(?:{_alternation(words["vague"])})\s+)?
                (?:{modifier})\s+(?:{unit})(?!\w))
          | (?i:(?<!\w)(?:{count}\s+)?(?:{unit})\s+(?:{_alternation(words["ago"])})(?!\w))
          | (?i:(?<!\w)(?:{_alternation(list(named_days))})(?!\w))
        )
      | (?P<date>
            \b\d{{1,2}}\s+(?:{exact})(?:,?\s+{_YEAR})?\b
          | \b(?:(?i:{preposition})[-\s]+)?(?:{exact})
                (?:\s+\d{{1,2}}(?:{ordinal})?(?:,\s+{_YEAR})?|{year_link}\s+{_YEAR})?\b
          | (?i:(?<!\w)\d{{1,2}}\s+(?:{any_case})(?:\s+{year})?(?!\w))
          | (?i:(?<!\w)(?:{preposition})\s+(?:{any_case})(?:\s+{year})?(?!\w))
          {bare}
          | (?i:(?<!\w)(?:{"|".join(year_phrases) or "(?!)"})(?!\w))
        )
        )
        """,
        re.VERBOSE,
    )
    return DateWords(
        months=months,
        seasons=seasons,
        last=tuple(word.lower() for word in words["last"]),
        next=tuple(word.lower() for word in words["next"]),
        units=units,
        counts=counts,
        named_days=named_days,
        phrases=phrases,
        # Words that place a phrase but that dateparser does not take ("in July", "early 2023").
        leading=re.compile(rf"^(?:(?:{preposition}|{modifier})[-\s]+)+", re.IGNORECASE),
        vague=re.compile(rf"^(?:{_alternation(words['vague'])})\s+", re.IGNORECASE),
        anchored=re.compile(rf"^(?:\d|{exact}|{any_case})", re.IGNORECASE),
        year_only=re.compile(rf"^({_YEAR}){year_word}$", re.IGNORECASE),
        year_words=re.compile(
            rf"(?<=\d)\s+(?:{_alternation(words['year_words'])})(?!\w)", re.IGNORECASE
        ),
    )


_WORD = re.compile(r"[^\W\d_]+|\d+")


@dataclass(frozen=True, slots=True)
class DatePhrase:
    text: str
    start: int
    end: int
    kind: Literal["season", "relative", "date"]


def find_phrases(sentence: str) -> list[DatePhrase]:
    """The date phrases in a sentence, in order; offsets are into the sentence."""
    return [
        DatePhrase(m.group(), m.start(), m.end(), _kind(m))
        for m in date_words().phrases.finditer(sentence)
    ]


def check_published(published: date | None, today: date) -> RecordDate:
    """The document's date as a record date, or no date with the reason it was rejected."""
    if published is None:
        return RecordDate(None, None, reason="the document has no date (ingest with --published)")
    problem = _implausible(published, latest=today + timedelta(days=1))
    if problem:
        return RecordDate(None, None, reason=f"published date {published} rejected: {problem}")
    return RecordDate(published, "day")


def resolve(evidence: Evidence, published: RecordDate, language: str) -> RecordDate:
    """The date the record with this evidence refers to.

    The phrase nearest the value is resolved against the publication date; without one, or when
    it cannot be resolved, the record takes the publication date. A phrase resolving before 1992
    or more than a year after publication is rejected and the reason kept."""
    base = published.value
    phrases = find_phrases(evidence.text)
    if not phrases or base is None:
        return published
    value_start = evidence.value_start - evidence.start
    value_end = evidence.value_end - evidence.start
    phrase = min(phrases, key=lambda p: max(p.start - value_end, value_start - p.end, 0))
    if phrase.kind == "season":
        resolved = _season(phrase.text, base)
    elif phrase.kind == "relative":
        resolved = _relative(phrase.text, base)
    else:
        resolved = _date(phrase.text, base, language)
    if resolved is None:
        return published
    value, precision = resolved
    problem = _implausible(value, latest=base + timedelta(days=MAX_DAYS_AHEAD))
    if problem:
        return RecordDate(
            base, "day", reason=f"{phrase.text!r} ({value}) rejected: {problem}; document date used"
        )
    return RecordDate(value, precision, phrase=phrase.text)


def _implausible(value: date, *, latest: date) -> str | None:
    if value < EARLIEST:
        return f"before {EARLIEST.year}, earlier than anything this database covers"
    if value > latest:
        return f"in the future (after {latest})"
    return None


def _date(text: str, base: date, language: str) -> tuple[date, DatePrecision] | None:
    words = date_words()
    cleaned = text.strip()
    stripped = words.leading.sub("", cleaned)
    # Place-words go only before a day, month or year: "this month" must keep its "this".
    if words.anchored.match(stripped):
        cleaned = stripped
    # Any language's month form as its English name, which dateparser reads whatever the
    # document's language ("у липні 2024" -> "July 2024").
    cleaned = _WORD.sub(lambda word: _english_month(word.group(), words.months), cleaned)
    year = words.year_only.match(cleaned)
    if year:
        return date(int(year.group(1)), 1, 1), "year"
    cleaned = words.year_words.sub("", cleaned)  # "2024 року" -> "2024"
    data = _parse(cleaned, base, language)
    if data is None or data.date_obj is None:
        return None
    found = data.date_obj.date()
    if data.period == "year":
        return date(found.year, 1, 1), "year"
    if data.period == "month":
        return found.replace(day=1), "month"
    if data.period == "week":
        return found - timedelta(days=found.weekday()), "week"
    return found, "day"


def _kind(match: re.Match[str]) -> Literal["season", "relative", "date"]:
    if match.group("season") is not None:
        return "season"
    return "relative" if match.group("relative") is not None else "date"


def _relative(text: str, base: date) -> tuple[date, DatePrecision] | None:
    """ "last month", "в прошлом месяце", "3 дні тому", "кеше", "былтыр", against `base`."""
    words = date_words()
    tokens = [token.lower() for token in _WORD.findall(words.vague.sub("", text.strip()))]
    named = next((words.named_days[t] for t in tokens if t in words.named_days), None)
    if named == "yesterday":
        return base - timedelta(days=1), "day"
    if named == "today":
        return base, "day"
    if named is not None:
        return date(base.year - (named == "last_year"), 1, 1), "year"
    unit = next((words.units[t] for t in reversed(tokens) if t in words.units), None)
    if unit is None:
        return None
    if any(t in words.last for t in tokens):
        steps = -1
    elif any(t in words.next for t in tokens):
        steps = 1
    elif len(tokens) > 1 and tokens[-1] not in words.units:  # "3 days ago", "неделю назад"
        count = tokens[0]
        steps = -(int(count) if count.isdigit() else words.counts.get(count, 1))
    else:
        steps = 0
    return _shift(base, unit, steps)


def _shift(base: date, unit: str, steps: int) -> tuple[date, DatePrecision]:
    """The period `steps` units of `unit` from the one holding `base`, at that precision."""
    if unit == "day":
        return base + timedelta(days=steps), "day"
    if unit == "week":
        monday = base - timedelta(days=base.weekday())
        return monday + timedelta(weeks=steps), "week"
    if unit == "month":
        months = base.year * 12 + base.month - 1 + steps
        return date(months // 12, months % 12 + 1, 1), "month"
    return date(base.year + steps, 1, 1), "year"


def _parse(text: str, base: date, language: str) -> DateData | None:
    # Imported here: dateparser loads its language data on import (about half a second).
    from dateparser.date import DateDataParser

    from recruitwatch.lang import available_languages

    # The document's language first, then every language with a file: quotes and headlines
    # mix them. Month names arrive in English already (see _date).
    languages = list(dict.fromkeys([language, *available_languages()]))
    parser = DateDataParser(
        languages=languages,
        settings={
            "RELATIVE_BASE": datetime(base.year, base.month, base.day),
            # News reports what happened: a bare "July" in August is last month, not next year.
            "PREFER_DATES_FROM": "past",
            "PREFER_DAY_OF_MONTH": "first",
        },
    )
    return parser.get_date_data(text)


def _english_month(word: str, months: dict[str, int]) -> str:
    number = months.get(word.lower())
    return word if number is None else calendar.month_name[number]


def _season(text: str, base: date) -> tuple[date, DatePrecision] | None:
    words = date_words()
    found = [words.seasons[w.lower()] for w in _WORD.findall(text) if w.lower() in words.seasons]
    if not found:
        return None
    first_month = SEASON_MONTHS[found[0]]
    lowered = [w.lower() for w in _WORD.findall(text)]
    year = re.search(_YEAR, text)
    if year:
        # Winter 2022 is the one that starts in December 2022.
        return date(int(year.group()), first_month, 1), "season"
    # The occurrence of this season that contains `base`, or the next one to start.
    start = date(base.year, first_month, 1)
    if first_month == 12 and base.month <= 2:
        start = date(base.year - 1, 12, 1)
    if any(w in words.last for w in lowered):
        # "Last fall": the latest one that has already ended by `base`.
        while _season_end(start) >= base:
            start = date(start.year - 1, first_month, 1)
    elif any(w in words.next for w in lowered):
        while start <= base:
            start = date(start.year + 1, first_month, 1)
    return start, "season"


def _season_end(start: date) -> date:
    end_month = start.month + 3
    end = date(start.year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    return end - timedelta(days=1)
