"""The date a record refers to, read from its evidence sentence against the document's date.

A small set of anchored patterns finds date phrases ("in July", "last fall", "March 1, 2022",
"в прошлом месяце"); dateparser turns each into a date, relative to the publication date, and
says how precise it is. Seasons are resolved here: dateparser has no words for them.
A phrase near the record's value wins over one further away; with none, the record refers to
the document's own date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from recruitwatch.model import DatePrecision, Evidence, RecordDate

if TYPE_CHECKING:
    from dateparser.date import DateData

# Nothing this project reads predates the Russian Federation's armed forces and rouble (1992):
# an earlier date is a misread number or a history aside, not the date of an offer.
EARLIEST = date(1992, 1, 1)
# Offers announced for next year are real ("from January the bonus rises"); further is a misread.
MAX_DAYS_AHEAD = 366

_EN_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_RU_MONTHS_GENITIVE = (
    "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
)
# "в июле": the prepositional case, which dateparser's Russian data does not list.
_RU_MONTHS_PREPOSITIONAL = {
    "январе": "январь",
    "феврале": "февраль",
    "марте": "март",
    "апреле": "апрель",
    "мае": "май",
    "июне": "июнь",
    "июле": "июль",
    "августе": "август",
    "сентябре": "сентябрь",
    "октябре": "октябрь",
    "ноябре": "ноябрь",
    "декабре": "декабрь",
}
_RU_PREPOSITIONAL = "|".join(_RU_MONTHS_PREPOSITIONAL)
_YEAR = r"(?:19|20)\d\d"
_NUMBER_WORDS = r"\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"

# Each alternative is anchored on words and has no nested repetition: linear on any text.
# Month names are case-sensitive in English, so the verb "may" is never a month.
_PHRASES = re.compile(
    rf"""
    (?P<season>
        (?i:\b(?:last|this|next|past)\s+(?:spring|summer|fall|autumn|winter)\b)
      | (?i:\b(?:spring|summer|fall|autumn|winter)\s+(?:of\s+)?{_YEAR}\b)
      | (?i:\b(?:in|during)\s+the\s+(?:spring|summer|fall|autumn|winter)(?:\s+of\s+{_YEAR})?\b
            (?!\s+of\s+\D))
      | (?i:(?:\b(?:прошлой|прошлым|этой|этим|следующей|следующим)\s+)?
            (?<!\w)(?:весной|летом|осенью|зимой)(?!\w)(?:\s+{_YEAR}(?:\s+года)?)?)
    )
  | (?P<date>
        \b\d{{1,2}}\s+(?:{_EN_MONTHS})(?:,?\s+{_YEAR})?\b
      | \b(?:{_EN_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,\s+{_YEAR})?\b
      | \b(?:(?i:early|mid|late)[-\s]+)?(?:{_EN_MONTHS})(?:\s+(?:of\s+)?{_YEAR})?\b
      | (?i:\b(?:last|this|next|past)\s+(?:week|month|year)\b)
      | (?i:\b(?:earlier|later)\s+this\s+(?:week|month|year)\b)
      | (?i:\b(?:{_NUMBER_WORDS})\s+(?:days?|weeks?|months?|years?)\s+ago\b)
      | (?i:\byesterday\b)
      | (?i:\b(?:in|since|from|by|until|during|early|mid|late)[-\s]+{_YEAR}\b)
      | (?i:(?<!\w)\d{{1,2}}\s+(?:{_RU_MONTHS_GENITIVE})(?:\s+{_YEAR}(?:\s+года)?)?(?!\w))
      | (?i:(?<!\w)в\s+(?:{_RU_PREPOSITIONAL})(?:\s+{_YEAR}(?:\s+года)?)?(?!\w))
      | (?i:(?<!\w)(?:в|на)\s+(?:прошлом|этом|текущем|прошлой|этой)\s+
            (?:месяце|году|неделе)(?!\w))
      | (?i:(?<!\w)(?:в|с)\s+{_YEAR}\s+(?:году|года)(?!\w))
      | (?i:(?<!\w)вчера(?!\w))
    )
    """,
    re.VERBOSE,
)

# Words that place a phrase but that dateparser does not take ("in July", "early 2023").
_LEADING = re.compile(
    r"^(?:(?:in|since|from|by|until|during|on|of|early|mid|late|this|last|next|в|с|на)[-\s]+)+",
    re.IGNORECASE,
)
_ANCHORED = re.compile(rf"^(?:\d|{_EN_MONTHS}|{_RU_PREPOSITIONAL})", re.IGNORECASE)
_EARLIER_LATER = re.compile(r"^(?:earlier|later)\s+", re.IGNORECASE)
_YEAR_ONLY = re.compile(rf"^({_YEAR})(?:\s+(?:году|года))?$", re.IGNORECASE)

# Meteorological seasons: (first month, English name).
_SEASONS: dict[str, tuple[int, str]] = {
    "spring": (3, "spring"),
    "весной": (3, "spring"),
    "summer": (6, "summer"),
    "летом": (6, "summer"),
    "fall": (9, "autumn"),
    "autumn": (9, "autumn"),
    "осенью": (9, "autumn"),
    "winter": (12, "winter"),
    "зимой": (12, "winter"),
}
_SEASON_WORD = re.compile("|".join(_SEASONS), re.IGNORECASE)
_LAST = re.compile(r"last|past|прошл", re.IGNORECASE)
_NEXT = re.compile(r"next|следующ", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DatePhrase:
    text: str
    start: int
    end: int
    is_season: bool


def find_phrases(sentence: str) -> list[DatePhrase]:
    """The date phrases in a sentence, in order; offsets are into the sentence."""
    return [
        DatePhrase(m.group(), m.start(), m.end(), m.group("season") is not None)
        for m in _PHRASES.finditer(sentence)
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
    resolved = (
        _season(phrase.text, base) if phrase.is_season else _date(phrase.text, base, language)
    )
    if resolved is None:
        return published
    value, precision = resolved
    problem = _implausible(value, latest=base + timedelta(days=MAX_DAYS_AHEAD))
    if problem:
        return RecordDate(
            base, "day", reason=f"{phrase.text!r} ({value}) rejected: {problem}; document date used"
        )
    return RecordDate(value, precision, phrase=phrase.text)


def label(record_date: RecordDate) -> str:
    """A reader's name for the date: "autumn 2022", "July 2023", "2019", "2023-08-07"."""
    value = record_date.value
    if value is None:
        return ""
    if record_date.precision == "season":
        name = next(name for month, name in _SEASONS.values() if month == value.month)
        if name == "winter":
            return f"winter {value.year}/{(value.year + 1) % 100:02d}"
        return f"{name} {value.year}"
    if record_date.precision == "month":
        return value.strftime("%B %Y")
    if record_date.precision == "year":
        return str(value.year)
    if record_date.precision == "week":
        return f"week of {value.isoformat()}"
    return value.isoformat()


def _implausible(value: date, *, latest: date) -> str | None:
    if value < EARLIEST:
        return f"before {EARLIEST.year}, earlier than anything this database covers"
    if value > latest:
        return f"in the future (after {latest})"
    return None


def _date(text: str, base: date, language: str) -> tuple[date, DatePrecision] | None:
    cleaned = _EARLIER_LATER.sub("", text.strip())
    stripped = _LEADING.sub("", cleaned)
    # Place-words go only before a day, month or year: "this month" must keep its "this".
    if _ANCHORED.match(stripped):
        cleaned = stripped
    for prepositional, nominative in _RU_MONTHS_PREPOSITIONAL.items():
        cleaned = re.sub(rf"(?i)(?<!\w){prepositional}(?!\w)", nominative, cleaned)
    year = _YEAR_ONLY.match(cleaned)
    if year:
        return date(int(year.group(1)), 1, 1), "year"
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


def _parse(text: str, base: date, language: str) -> DateData | None:
    # Imported here: dateparser loads its language data on import (about half a second).
    from dateparser.date import DateDataParser

    # The document's language first; English and Russian too, since quotes and headlines mix.
    languages = list(dict.fromkeys([language, "en", "ru"]))
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


def _season(text: str, base: date) -> tuple[date, DatePrecision] | None:
    word = _SEASON_WORD.search(text)
    if word is None:
        return None
    first_month, _ = _SEASONS[word.group().lower()]
    year = re.search(_YEAR, text)
    if year:
        # Winter 2022 is the one that starts in December 2022.
        return date(int(year.group()), first_month, 1), "season"
    # The occurrence of this season that contains `base`, or the next one to start.
    start = date(base.year, first_month, 1)
    if first_month == 12 and base.month <= 2:
        start = date(base.year - 1, 12, 1)
    if _LAST.search(text):
        # "Last fall": the latest one that has already ended by `base`.
        while _season_end(start) >= base:
            start = date(start.year - 1, first_month, 1)
    elif _NEXT.search(text):
        while start <= base:
            start = date(start.year + 1, first_month, 1)
    return start, "season"


def _season_end(start: date) -> date:
    end_month = start.month + 3
    end = date(start.year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    return end - timedelta(days=1)
