"""Whom a sentence credits for its numbers: "according to X", "X said", "said X"."""

from __future__ import annotations

import re

from recruitwatch.extract.context import DocumentContext, Sentence
from recruitwatch.lang import PhraseSet

CLAUSE_END = re.compile(r"[,;:!?()]|\.(?!\d)")  # "19.5 million" goes on
NAME_WORD = re.compile(r"[A-ZА-ЯЁ][\w.'’-]*|[A-Z]{2,}")
NAME_CONNECTORS = frozenset({"of", "for", "and", "de", "the", "&"})
LEADING_NOISE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
NAME_AFTER_VERB = re.compile(r"\s+((?:[A-ZА-ЯЁІЇЄҐ][\w'’.-]+)(?:\s+[A-ZА-ЯЁІЇЄҐ][\w'’.-]+){0,3})")
SOURCE_REACH = 2  # the sentence itself and the one before
AUTHORITY_WORDS = 3  # "Russia's labour ministry"


def clause_after(text: str, start: int, end: int) -> str:
    stop = CLAUSE_END.search(text, start, end)
    return text[start : stop.start() if stop else end].strip()


def figure_source(context: DocumentContext, index: int) -> str | None:
    """Whom the sentence credits; a pronoun ("he said") or no credit at all takes the last
    name credited in the sentences just before ("Rosstat said ... . Net outflow was 96,000.")."""
    for back in range(index, max(-1, index - SOURCE_REACH), -1):
        name = _attribution(context, context.sentences[back])
        if name is not None and not context.vocab.pronouns.matches_at(name.lower(), 0):
            return name.rstrip(".")
    return None


def _attribution(context: DocumentContext, sentence: Sentence) -> str | None:
    """ "according to a survey by X", "X believes", "the US recently estimated", "— сказал
    Ильяс Испанов"."""
    text, vocab = context.text, context.vocab
    start, end = sentence.span.start, sentence.span.end
    opener = vocab.attribution_openers.search(text, start, end)
    if opener is not None:
        name = _name_after(text, opener.end, end)
        if name:
            return name
    for verb in vocab.attribution_verbs.finditer(text, start, end):
        name = _name_before(
            text, verb.start, start, vocab.function_words, vocab.authority_words
        ) or _name_following(text, verb.end, end)
        if name:
            return name
    return None


def _name_following(text: str, start: int, end: int) -> str | None:
    """The capitalised words right after a verb of saying: "said Bimala Rai Paudyal"."""
    name = NAME_AFTER_VERB.match(text, start, end)
    return name.group(1) if name else None


def _name_after(text: str, start: int, end: int) -> str | None:
    words = clause_after(text, start, end).split()
    while words and not NAME_WORD.fullmatch(words[-1]):
        words.pop()
    name = LEADING_NOISE.sub("", " ".join(words[:10]))
    return name if name and NAME_WORD.match(name) else None


def _name_before(
    text: str,
    verb_start: int,
    floor: int,
    function_words: frozenset[str],
    authorities: PhraseSet,
) -> str | None:
    words = text[floor:verb_start].split()
    while words and words[-1].lower() in {
        "recently",
        "also",
        "now",
        "has",
        "have",
        "had",
        "previously",
    }:
        words.pop()
    name: list[str] = []
    while words and (
        NAME_WORD.fullmatch(words[-1].rstrip(",")) or (name and words[-1] in NAME_CONNECTORS)
    ):
        if words[-1].endswith(","):
            break
        name.insert(0, words.pop())
    while name and (name[0].lower() in NAME_CONNECTORS or name[0].lower() in function_words):
        name.pop(0)
    if not name and words and authorities.matches_at(words[-1].lower(), 0) is not None:
        # "Russia's labour ministry forecasts", "the Nepali government claims"
        while words and len(name) < AUTHORITY_WORDS and not words[-1].endswith(","):
            if words[-1].lower() in function_words:
                break
            name.insert(0, words.pop())
    return " ".join(name) or None
