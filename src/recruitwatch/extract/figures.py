"""Figures: manpower counts and percentages, what they count, their category, who says so.

A number counts people when one of these constructions holds (in this order):

* a people noun follows it past a few modifiers ("38,244 Russian convicts", "Eleven of the
  men", "300 тыс. резервистов"), a demonym too ("300 Kenyans", "казахстанцев");
* it is a population ("population of 19.5 million");
* a verb of what people do or undergo follows it past auxiliaries ("12 have died", "35 were
  sent to the front", "64 тысячи покинули страну"), or stands right before it ("выехало
  780 тысяч", "killing 12");
* a counted noun before it is linked to it ("the number of volunteers rose to 266,000",
  "Миграционный отток составил 96 тыс.");
* it stands alone in brackets in a sentence about people or shortage ("manufacturing
  (391,000)").

Ranges keep both bounds, the lower one taking the upper one's magnitude ("7-10 million"); a
range before a counted range ("от 600–700 тыс. до почти 1 млн человек") counts the same thing.
The category comes from the strongest cue in the number's clause (lang.CATEGORY_ORDER).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from recruitwatch.extract.context import DocumentContext, Sentence, evidence
from recruitwatch.extract.credits import clause_after, figure_source
from recruitwatch.extract.money import Quantity
from recruitwatch.lang import CATEGORY_ORDER, PhraseMatch, PhraseSet
from recruitwatch.model import Figure, FigureCategory, FigureUnit

EXCLUSION_BEFORE = 25  # "had arrested 17 people", "a community of about 800 people"
EXCLUSION_AFTER = 30  # "2,000 people were arrested at protests"
PERCENT_WINDOW = 40
NOUN_GAP_WORDS = 2  # "38,244 Russian convicts", "a dozen other Cubans"
AUXILIARY_WORDS = 4  # "13 having been killed", "12 have been confirmed dead"
LINK_REACH = 90  # how far before its link a counted noun may stand
POPULATION_REACH = 40
CLAUSE_REACH = 250  # bounds every look around a number, so long sentences stay linear
WORD = re.compile(r"[^\W\d_][\w'’-]*")
GAP = re.compile(r"[\s\"“”«»]+")
# Clause marks that do not sit inside a number ("38,244").
CLAUSE_MARK = re.compile(r"[;:()!?]|,(?!\d)|\s[–—-]\s")
LINK_CLAUSE_MARK = re.compile(r"[;:()!?]|,(?!\d)")
QUALIFIER_WORDS = 6  # "Nepalis fighting in Ukraine for Russia", not the rest of the sentence
PHRASE_WORDS = 3  # words after one preposition: "on the Russian side"
DASHES = frozenset({"-", "–", "—"})
SOFT_SPACE = " \u00a0\t\n"
# What happened to the people counted outweighs what the noun calls them: "Nepali recruits
# killed".
OVERRIDING = frozenset({"casualties"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """One number or range; a range spans both bounds and holds the lower one's value."""

    quantity: Quantity
    maximum: float | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    unit: FigureUnit
    subject: str
    value_end: int  # where the quoted value (with its noun) ends
    category: str | None  # what the construction itself says is counted
    rule: str


def read_figures(
    context: DocumentContext, doc_id: str, verdicts: Mapping[int, bool] | None = None
) -> list[Figure]:
    """Manpower figures; only in documents about military service or labour shortage.
    `verdicts` (a number's start -> keep it or not, from the learned scorer) overrule the
    rules' tests for those numbers."""
    verdicts = verdicts or {}
    if (
        not (context.military or context.vocab.percent_cues.search(context.text))
        and True not in verdicts.values()
    ):
        return []
    figures: list[Figure] = []
    seen: set[tuple[float, float | None, str]] = set()
    for index, sentence in enumerate(context.sentences):
        readings = _readings(context, sentence, verdicts)
        source = figure_source(context, index) if readings else None
        for candidate, reading in readings:
            key = (candidate.quantity.value, candidate.maximum, reading.unit)
            if key in seen:
                continue
            previous = figures[-1].category if figures else None
            figure = _figure(context, sentence, candidate, reading, source, previous, doc_id)
            # One person is a story, not a figure, unless the count is of the dead; outside
            # a story about the military a percentage counts only as a labour shortage.
            if figure.quantity == 1 and figure.category != "casualties":
                continue
            if figure.unit == "percent" and not (
                context.military or figure.category == "labour_shortage"
            ):
                continue
            seen.add(key)
            figures.append(figure)
    # "At least 600,000 flee" in a headline and "600,000 to 1 million" below count once.
    range_starts = {(f.quantity, f.unit) for f in figures if f.quantity_max is not None}
    return [
        figure
        for figure in figures
        if figure.quantity_max is not None or (figure.quantity, figure.unit) not in range_starts
    ]


def _readings(
    context: DocumentContext, sentence: Sentence, verdicts: Mapping[int, bool]
) -> list[tuple[Candidate, Reading]]:
    candidates = _candidates(context, sentence)
    readings = [_read(context, sentence, candidate) for candidate in candidates]
    # "from 600,000 to 1 million people": a bound with no noun of its own counts what the
    # next one counts.
    for index in range(len(candidates) - 2, -1, -1):
        following = readings[index + 1]
        if readings[index] is None and following is not None and following.unit == "people":
            current, after = candidates[index].quantity, candidates[index + 1].quantity
            if not current.percent and _range_gap(context, current.end, after.start) is not None:
                readings[index] = Reading(
                    "people", following.subject, current.end, following.category, "range"
                )
    # "420,000 contract soldiers and another 30,000": a count after a joiner and a word of
    # addition counts what the count before it counts.
    for index in range(1, len(candidates)):
        before = readings[index - 1]
        if readings[index] is None and before is not None and before.unit == "people":
            quantity = candidates[index].quantity
            if not quantity.percent and _adds_to(context, before.value_end, quantity.start):
                readings[index] = Reading(
                    "people", before.subject, quantity.end, before.category, "addition"
                )
    for index, candidate in enumerate(candidates):
        verdict = verdicts.get(candidate.quantity.start)
        if verdict is False:
            readings[index] = None
        elif verdict and readings[index] is None:
            readings[index] = _plain_reading(context, sentence, candidate.quantity)
    return [
        (candidate, reading)
        for candidate, reading in zip(candidates, readings, strict=True)
        if reading is not None
    ]


def _adds_to(context: DocumentContext, floor: int, position: int) -> bool:
    """A list or clause joiner, then a word of addition, right before `position` ("and
    another", "і ще", "и ещё"), within the clause that began at `floor`."""
    text, vocab = context.text, context.vocab
    start = max(floor, position - CLAUSE_REACH)
    if any(mark in text[start:position] for mark in ";:()"):
        return False
    addition = _last_before(vocab.figure_additions, text, start, position)
    if addition is None:
        return False
    joiner = _last_before(vocab.clause_joiners, text, start, addition.start)
    return joiner is not None


def _last_before(phrases: PhraseSet, text: str, start: int, position: int) -> PhraseMatch | None:
    """The phrase ending right before `position` (spaces aside), if one does."""
    found = phrases.matches(text, start, position)
    if found and not text[found[-1].end : position].strip(SOFT_SPACE + ","):
        return found[-1]
    return None


def _plain_reading(context: DocumentContext, sentence: Sentence, quantity: Quantity) -> Reading:
    """A number the scorer keeps though no construction reads it: the words after it, up to
    the clause end, as what it counts."""
    unit: FigureUnit = "percent" if quantity.percent else "people"
    subject = _without_partitive(
        context, clause_after(context.text, quantity.end, sentence.span.end)
    )
    return Reading(unit, subject, quantity.end, None, "plain")


def _without_partitive(context: DocumentContext, subject: str) -> str:
    """ "of the men" -> "men": what is counted, without the words saying it is part of it."""
    partitive = context.vocab.partitives.matches_at(subject, 0)
    return (subject[partitive.end :] if partitive else subject).strip()


# --- candidates and ranges -------------------------------------------------------------------


def _candidates(context: DocumentContext, sentence: Sentence) -> list[Candidate]:
    """The sentence's numbers outside money, a range joined into one candidate."""
    covered = [span for money in sentence.money for span in money.covered]
    quantities = [
        quantity
        for quantity in sentence.quantities
        if not any(start <= quantity.start < stop for start, stop in covered)
    ]
    found: list[Candidate] = []
    index = 0
    while index < len(quantities):
        low = quantities[index]
        joined = None
        if index + 1 < len(quantities):
            joined = _join_range(context, sentence, low, quantities[index + 1])
        if joined is not None:
            found.append(joined)
            index += 2
        else:
            found.append(Candidate(low))
            index += 1
    return found


def _join_range(
    context: DocumentContext, sentence: Sentence, low: Quantity, high: Quantity
) -> Candidate | None:
    """ "between 14,000 and 15,000", "7-10 million", "40-45%", "от 50 до 60 тыс.",
    "30 мыңнан 40 мыңға дейін"."""
    if low.percent and not high.percent:
        return None
    vocab, text = context.vocab, context.text
    # "30 000-нан 40 000-ға дейін": the lower bound's own ending says "from".
    suffixed = (
        not text[low.end : high.start].strip(SOFT_SPACE)
        and vocab.range_openers.search(text, low.start, low.end) is not None
    )
    joiner = "" if suffixed else _range_gap(context, low.end, high.start)
    if joiner is None:
        return None
    opener = vocab.range_openers.search(text, max(sentence.span.start, low.start - 12), low.start)
    # "and" also lists two counts ("13 killed and 4 captured"): a range only after "between".
    if joiner not in DASHES and vocab.clause_joiners.matches_at(joiner, 0) and opener is None:
        return None
    low_value = low.value
    if low.magnitude is None and high.magnitude and low.value < 1000:
        low_value = low.value * high.magnitude
    if not low_value < high.value:
        return None
    merged = Quantity(low.start, high.end, low_value, high.magnitude, high.percent)
    return Candidate(merged, high.value)


def _range_gap(context: DocumentContext, start: int, end: int) -> str | None:
    """The joiner when text[start:end] is a range joiner, maybe with an approximator after it
    ("до почти"); None otherwise."""
    text, vocab = context.text, context.vocab
    while start < end and text[start] in SOFT_SPACE:
        start += 1
    joiner = vocab.range_joiners.matches_at(text, start, end)
    if joiner is None:
        return None
    rest = text[joiner.end : end].strip(SOFT_SPACE)
    if rest:
        approximator = vocab.approximators.matches_at(text, joiner.end, end)
        if approximator is None or text[approximator.end : end].strip(SOFT_SPACE):
            return None
    return text[joiner.start : joiner.end]


# --- is it a count of people? ----------------------------------------------------------------


def _read(context: DocumentContext, sentence: Sentence, candidate: Candidate) -> Reading | None:
    text, vocab = context.text, context.vocab
    quantity = candidate.quantity
    if quantity.percent:
        return _read_percent(context, sentence, quantity)
    if _is_year(text, quantity) or quantity.value < 1:
        return None
    anaphora = vocab.anaphora_words.search(
        text, max(sentence.span.start, quantity.start - 7), quantity.start
    )
    if anaphora is not None:
        return None
    reading = _noun_after(context, sentence, quantity)
    if reading is None and _population(context, sentence, quantity):
        reading = Reading("people", "population", quantity.end, "population", "population")
    if reading is None and _bare_count(context, sentence, quantity):
        reading = (
            _verb_after(context, sentence, quantity)
            or _verb_before(context, sentence, quantity)
            or _noun_before(context, sentence, quantity)
            or _bracketed(context, sentence, quantity)
        )
    if reading is None or _excluded(context, sentence, quantity, reading.value_end):
        return None
    if not (context.military or _shortage_near(context, sentence, quantity)):
        return None  # "cities with a population over 300,000" in a story about prices
    return reading


def _read_percent(
    context: DocumentContext, sentence: Sentence, quantity: Quantity
) -> Reading | None:
    text, vocab = context.text, context.vocab
    start = max(sentence.span.start, quantity.start - PERCENT_WINDOW)
    end = min(sentence.span.end, quantity.end + PERCENT_WINDOW)
    if vocab.percent_exclusions.search(text, start, end) is not None:
        return None
    span = sentence.span
    if (
        vocab.percent_cues.search(text, span.start, span.end) is None
        and vocab.figure_nouns.search(text, start, end) is None
    ):
        return None
    subject = _without_partitive(context, clause_after(text, quantity.end, sentence.span.end))
    subject = subject or _clause_before(text, quantity.start, sentence.span.start)
    return Reading("percent", subject, quantity.end, None, "percent")


def _is_year(text: str, quantity: Quantity) -> bool:
    raw = text[quantity.start : quantity.end]
    return (
        quantity.magnitude is None
        and raw.isdigit()
        and len(raw) == 4
        and 1900 <= quantity.value <= 2100
    )


def _noun_after(context: DocumentContext, sentence: Sentence, quantity: Quantity) -> Reading | None:
    """The people-noun a number counts, if one follows within a couple of modifier words."""
    text, vocab, end = context.text, context.vocab, sentence.span.end
    cursor = quantity.end
    partitive = vocab.partitives.matches_at(text, cursor, end)  # "Eleven of the men"
    if partitive is not None:
        cursor = partitive.end
    for step in range(NOUN_GAP_WORDS + 1):
        gap = GAP.match(text, cursor, end)
        if gap is None and step:
            return None
        cursor = gap.end() if gap else cursor
        noun = vocab.figure_nouns.matches_at(text, cursor, end)
        if noun is not None:
            phrase = text[partitive.end if partitive else quantity.end : noun.end].strip()
            phrase += _qualifier(context, noun.end, end)
            category = vocab.figure_noun_categories[noun.index]
            return Reading("people", phrase or noun.label, noun.end, category, "noun")
        word = WORD.match(text, cursor, end)
        if word is None or word.group().lower() in vocab.function_words:
            return None
        cursor = word.end()
    return None


def _qualifier(context: DocumentContext, start: int, end: int) -> str:
    """What the text says of the people right after naming them, as written: a verb of what
    they did or underwent and the phrases after it ("Nepalis fighting in Ukraine", "men have
    left for Russia since June", "россиян, уехавших в Грузию") or a prepositional phrase ("men
    from Tuva")."""
    text, vocab = context.text, context.vocab
    after_comma = text[start : start + 2] == ", "
    cursor = start + 2 if after_comma else start
    stop = min(end, _clause_end(text, cursor, end), cursor + CLAUSE_REACH)
    verb_end = None
    for _ in range(AUXILIARY_WORDS + 1):
        while cursor < stop and text[cursor] in SOFT_SPACE:
            cursor += 1
        verb = vocab.figure_verbs.matches_at(text, cursor, stop)
        if verb is not None:
            verb_end = verb.end
            break
        auxiliary = vocab.figure_auxiliaries.matches_at(text, cursor, stop)
        if auxiliary is None or after_comma:
            break
        cursor = auxiliary.end
    first = start + 2 if after_comma else start
    if verb_end is None and after_comma:
        return ""
    phrase_end = _prepositional_phrases(context, verb_end or first, stop)
    if phrase_end <= first:
        return ""
    return ("," if after_comma else "") + text[start + (1 if after_comma else 0) : phrase_end]


def _prepositional_phrases(context: DocumentContext, start: int, stop: int) -> int:
    """The end of the prepositional phrases from `start`: a preposition and up to
    PHRASE_WORDS words after it, again and again ("from Tuva", "in Ukraine on the Russian
    side")."""
    text, vocab = context.text, context.vocab
    cursor = phrase_end = start
    words = 0
    while words < QUALIFIER_WORDS:
        word = WORD.match(text, _skip_space(text, cursor, stop))
        if word is None or word.end() > stop:
            break
        lowered = word.group().lower()
        if lowered not in vocab.figure_followers:
            break
        cursor, taken = word.end(), 0
        while taken < PHRASE_WORDS:
            following = WORD.match(
                text, cursor + len(text[cursor:stop]) - len(text[cursor:stop].lstrip())
            )
            if following is None or following.end() > stop:
                break
            folded = following.group().lower()
            if folded in vocab.figure_followers and taken:
                break
            if vocab.figure_auxiliaries.matches_at(text, following.start(), stop) is not None:
                break
            cursor, taken = following.end(), taken + 1
        if not taken:
            break
        phrase_end, words = cursor, words + taken + 1
    return phrase_end


def _skip_space(text: str, cursor: int, stop: int) -> int:
    while cursor < stop and text[cursor] in SOFT_SPACE:
        cursor += 1
    return cursor


def _population(context: DocumentContext, sentence: Sentence, quantity: Quantity) -> bool:
    text, vocab = context.text, context.vocab
    window_start = max(sentence.span.start, quantity.start - POPULATION_REACH)
    for cue in vocab.population_cues.finditer(text, window_start, quantity.start):
        gap_start = cue.end
        while gap_start < quantity.start and text[gap_start] in SOFT_SPACE:
            gap_start += 1
        if gap_start == quantity.start:
            return True
        approximator = vocab.approximators.matches_at(text, gap_start, quantity.start)
        if approximator is not None and not text[approximator.end : quantity.start].strip():
            return True
    return False


def _bare_count(context: DocumentContext, sentence: Sentence, quantity: Quantity) -> bool:
    """A number with no noun may still count people if it reads as a whole count and no other
    word takes it ("21 сентября", "30 days", "2.5 times")."""
    text, vocab = context.text, context.vocab
    raw = text[quantity.start : quantity.end]
    if quantity.value <= 1 or (quantity.magnitude is None and not quantity.value.is_integer()):
        return False
    if quantity.magnitude is None and re.search(r"\d[.,]\d", raw) and "," not in raw[-4:]:
        return False
    cursor = quantity.end
    while cursor < sentence.span.end and text[cursor] in SOFT_SPACE:
        cursor += 1
    word = WORD.match(text, cursor, sentence.span.end)
    if word is None:
        return True
    lowered = word.group().lower()
    return (
        lowered in vocab.figure_followers
        or vocab.figure_auxiliaries.matches_at(text, cursor, sentence.span.end) is not None
        or vocab.figure_verbs.matches_at(text, cursor, sentence.span.end) is not None
    )


def _verb_after(context: DocumentContext, sentence: Sentence, quantity: Quantity) -> Reading | None:
    """ "12 have died", "35 were sent to the front", "64 тысячи покинули страну"."""
    text, vocab, end = context.text, context.vocab, sentence.span.end
    cursor = quantity.end
    for _ in range(AUXILIARY_WORDS + 1):
        verb = vocab.figure_verbs.matches_at(text, cursor, end)
        if verb is not None:
            subject = _people_noun_before(context, sentence, quantity) or text[
                quantity.end : verb.end
            ].strip(SOFT_SPACE)
            return Reading("people", subject, verb.end, verb.label, "verb_after")
        auxiliary = vocab.figure_auxiliaries.matches_at(text, cursor, end)
        if auxiliary is None:
            return None
        cursor = auxiliary.end
    return None


def _verb_before(
    context: DocumentContext, sentence: Sentence, quantity: Quantity
) -> Reading | None:
    """ "выехало 780 тысяч", "а покинули её около 147 тыс.", "killing 12"."""
    text, vocab = context.text, context.vocab
    floor = max(sentence.span.start, quantity.start - 60)
    verbs = vocab.figure_verbs.matches(text, floor, quantity.start)
    if not verbs:
        return None
    verb = verbs[-1]
    gap = text[verb.end : quantity.start]
    words = WORD.findall(gap)
    if re.search(r"\d|[,;:()]", gap) or len(words) > 3:
        return None
    # Only pronouns, prepositions and an approximator between: "покинули её около 147 тыс.".
    approximator = vocab.approximators.search(text, verb.end, quantity.start)
    allowed = set(vocab.figure_followers)
    if approximator is not None:
        allowed.update(WORD.findall(text[approximator.start : approximator.end].lower()))
    if any(word.lower() not in allowed for word in words):
        return None
    subject = _people_noun_before(context, sentence, quantity) or text[verb.start : verb.end]
    return Reading("people", subject, quantity.end, verb.label, "verb_before")


def _noun_before(
    context: DocumentContext, sentence: Sentence, quantity: Quantity
) -> Reading | None:
    """ "the number of volunteers rose to 266,000", "Russian casualties ... have reached
    450,080", "estimates their number at 50,000", "отток составил 96 тыс."."""
    text, vocab = context.text, context.vocab
    # A dash may be the link itself ("Население области — 830 тысяч").
    marks = list(
        LINK_CLAUSE_MARK.finditer(
            text, max(sentence.span.start, quantity.start - LINK_REACH), quantity.start
        )
    )
    floor = marks[-1].end() if marks else max(sentence.span.start, quantity.start - LINK_REACH)
    link = _link_before(context, vocab.figure_links, floor, quantity.start)
    plain_link = _link_before(context, vocab.figure_count_links, floor, quantity.start)
    if link is None and plain_link is None:
        return None
    if link is None or (plain_link is not None and plain_link.start > link.start):
        # "their number at 50,000": a plain link needs a count word right before it.
        assert plain_link is not None
        words = vocab.figure_count_words.matches(
            text, max(floor, plain_link.start - 30), plain_link.start
        )
        if not words:
            return None
        word = words[-1]
        return Reading("people", text[word.start : word.end], quantity.end, None, "count_word")
    nouns = vocab.figure_nouns.matches(text, floor, link.start)
    counted = vocab.figure_count_words.matches(text, floor, link.start)
    # Between the noun and its link only years may stand as numbers ("since February 2022").
    candidates = [
        match for match in nouns + counted if _no_count_between(text, match.end, link.start)
    ]
    if not candidates:
        return None
    noun = max(candidates, key=lambda match: match.end)
    category = None
    if noun in nouns:
        category = vocab.figure_noun_categories[noun.index]
    subject = text[noun.start : noun.end]
    return Reading("people", subject, quantity.end, category, "noun_before")


def _bracketed(context: DocumentContext, sentence: Sentence, quantity: Quantity) -> Reading | None:
    """ "manufacturing (391,000)" in a sentence about workers or shortage."""
    text, vocab = context.text, context.vocab
    if not (
        text[quantity.start - 1 : quantity.start] == "("
        and text[quantity.end : quantity.end + 1] == ")"
    ):
        return None
    start = max(sentence.span.start, quantity.start - CLAUSE_REACH)
    end = min(sentence.span.end, quantity.end + CLAUSE_REACH)
    about_people = vocab.figure_nouns.search(text, start, end) is not None
    if not (about_people or _shortage_near(context, sentence, quantity)):
        return None
    before = text[max(start, quantity.start - 40) : quantity.start - 1]
    words = WORD.findall(before)
    subject = words[-1] if words else "people"
    return Reading("people", subject, quantity.end + 1, None, "bracket")


def _link_before(
    context: DocumentContext, links: PhraseSet, floor: int, position: int
) -> PhraseMatch | None:
    """The last link before `position` with only auxiliaries and an approximator after it."""
    for link in reversed(links.matches(context.text, floor, position)):
        if _only_fillers(context, link.end, position):
            return link
    return None


def _only_fillers(context: DocumentContext, start: int, end: int) -> bool:
    """Nothing but auxiliaries ("уже") and an approximator ("about") in text[start:end]."""
    text, vocab = context.text, context.vocab
    cursor = start
    while True:
        while cursor < end and text[cursor] in SOFT_SPACE:
            cursor += 1
        if cursor >= end:
            return True
        filler = vocab.figure_auxiliaries.matches_at(text, cursor, end) or (
            vocab.approximators.matches_at(text, cursor, end)
        )
        if filler is None or filler.end <= cursor:
            return False
        cursor = filler.end


def _shortage_near(context: DocumentContext, sentence: Sentence, quantity: Quantity) -> bool:
    start = max(sentence.span.start, quantity.start - CLAUSE_REACH)
    end = min(sentence.span.end, quantity.end + CLAUSE_REACH)
    cues = context.vocab.figure_cues.matches(context.text, start, end)
    return any(cue.label == "labour_shortage" for cue in cues)


def _no_count_between(text: str, start: int, end: int) -> bool:
    return all(
        len(digits) == 4 and digits[:2] in {"19", "20"}
        for digits in re.findall(r"\d[\d,.\u00a0]*", text[start:end])
    )


def _people_noun_before(
    context: DocumentContext, sentence: Sentence, quantity: Quantity
) -> str | None:
    floor = _clause_start(context.text, quantity.start, sentence.span.start)
    nouns = context.vocab.figure_nouns.matches(context.text, floor, quantity.start)
    return context.text[nouns[-1].start : nouns[-1].end] if nouns else None


def _excluded(
    context: DocumentContext, sentence: Sentence, quantity: Quantity, value_end: int
) -> bool:
    start = max(sentence.span.start, quantity.start - EXCLUSION_BEFORE)
    end = min(sentence.span.end, value_end + EXCLUSION_AFTER)
    return context.vocab.figure_exclusions.search(context.text, start, end) is not None


# --- category --------------------------------------------------------------------------------


def _category(
    context: DocumentContext,
    sentence: Sentence,
    candidate: Candidate,
    reading: Reading,
    previous: FigureCategory | None,
) -> FigureCategory:
    """What the counted noun or verb says, unless its clause speaks of the dead; else the
    strongest category named in the clause; else the nearest cue in the sentence; else the
    category of the figure before ("their number at 50,000"); else `other`."""
    text, span = context.text, sentence.span
    quantity = candidate.quantity
    window = (
        max(span.start, quantity.start - CLAUSE_REACH),
        min(span.end, reading.value_end + CLAUSE_REACH),
    )
    cues = context.vocab.figure_cues.matches(text, *window)
    if reading.unit == "percent" and any(cue.label == "labour_shortage" for cue in cues):
        return "labour_shortage"
    if reading.rule == "population":
        return "population"
    start = _clause_start(text, quantity.start, span.start)
    end = _clause_end(text, reading.value_end, span.end)
    in_clause = {cue.label for cue in cues if start <= cue.start and cue.end <= end}
    if reading.category and not in_clause & OVERRIDING:
        return cast(FigureCategory, reading.category)
    for category in CATEGORY_ORDER:
        if category in in_clause:
            return cast(FigureCategory, category)
    if cues:
        nearest = min(cues, key=lambda cue: _distance(cue, quantity.start, reading.value_end))
        return cast(FigureCategory, nearest.label)
    return previous or "other"


def _distance(cue: PhraseMatch, start: int, end: int) -> int:
    return start - cue.end if cue.end <= start else max(0, cue.start - end)


def _clause_start(text: str, position: int, floor: int) -> int:
    floor = max(floor, position - CLAUSE_REACH)
    marks = list(CLAUSE_MARK.finditer(text, floor, position))
    return marks[-1].end() if marks else floor


def _clause_end(text: str, position: int, limit: int) -> int:
    limit = min(limit, position + CLAUSE_REACH)
    mark = CLAUSE_MARK.search(text, position, limit)
    return mark.start() if mark else limit


# --- subject and source ----------------------------------------------------------------------


def _clause_before(text: str, start: int, floor: int) -> str:
    piece = text[floor:start]
    cut = max(piece.rfind(mark) for mark in ",;:()")
    return piece[cut + 1 :].strip()


def _figure(
    context: DocumentContext,
    sentence: Sentence,
    candidate: Candidate,
    reading: Reading,
    source: str | None,
    previous: FigureCategory | None,
    doc_id: str,
) -> Figure:
    span = sentence.span
    quantity = candidate.quantity
    cue = context.vocab.military_cues.search(context.text, span.start, span.end)
    return Figure(
        quantity=quantity.value,
        quantity_max=candidate.maximum,
        unit=reading.unit,
        subject=reading.subject,
        source=source,
        category=_category(context, sentence, candidate, reading, previous),
        evidence=evidence(
            context,
            doc_id,
            span,
            (quantity.start, max(reading.value_end, quantity.end)),
            f"figure.{reading.unit}.{reading.rule}",
        ),
        confidence=0.7 if cue is not None else 0.5,
    )
