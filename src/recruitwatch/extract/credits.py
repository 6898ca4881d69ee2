"""Whom a sentence credits for its numbers: "according to X", "X said", "said X"."""

from __future__ import annotations

import re

from recruitwatch.extract.context import DocumentContext, Sentence

CLAUSE_END = re.compile(r"[,;:!?()]|\.(?!\d)")  # "19.5 million" goes on
# A word of a name: a capital letter (of any script) first, word characters after.
NAME_WORD = re.compile(r"(?=[^\W\d_])[\w.'’-]+")
FOLLOWING_WORD = re.compile(r"\s+((?=[^\W\d_])[\w'’.-]{2,})")
NAME_AFTER_VERB_WORDS = 4  # "said Bimala Rai Paudyal"
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
        name = _name_after(text, opener.end, end, vocab.articles | vocab.function_words)
        if name:
            return name
    for verb in vocab.attribution_verbs.finditer(text, start, end):
        name = _name_before(context, verb.start, start) or _name_following(text, verb.end, end)
        if name:
            return name
    return None


def _is_name_word(word: str) -> bool:
    return bool(NAME_WORD.fullmatch(word)) and word[0].isupper()


def _name_following(text: str, start: int, end: int) -> str | None:
    """The capitalised words right after a verb of saying: "said Bimala Rai Paudyal"."""
    name: list[str] = []
    while len(name) < NAME_AFTER_VERB_WORDS:
        word = FOLLOWING_WORD.match(text, start, end)
        if word is None or not word.group(1)[0].isupper():
            break
        name.append(word.group(1))
        start = word.end()
    return " ".join(name) or None


def _name_after(text: str, start: int, end: int, noise: frozenset[str]) -> str | None:
    words = clause_after(text, start, end).split()
    while words and not _is_name_word(words[-1]):
        words.pop()
    words = words[:10]
    if words and words[0].lower() in noise:  # "according to the ISW"
        words.pop(0)
    return " ".join(words) if words and _is_name_word(words[0]) else None


def _name_before(context: DocumentContext, verb_start: int, floor: int) -> str | None:
    vocab = context.vocab
    function_words, connectors = vocab.function_words, vocab.name_connectors
    words = context.text[floor:verb_start].split()
    while words and words[-1].lower() in vocab.attribution_adverbs:
        words.pop()
    name: list[str] = []
    while words and (_is_name_word(words[-1].rstrip(",")) or (name and words[-1] in connectors)):
        if words[-1].endswith(","):
            break
        name.insert(0, words.pop())
    while name and (name[0].lower() in connectors or name[0].lower() in function_words):
        name.pop(0)
    if not name and words and vocab.authority_words.matches_at(words[-1].lower(), 0) is not None:
        # "Russia's labour ministry forecasts", "the Nepali government claims"
        while words and len(name) < AUTHORITY_WORDS and not words[-1].endswith(","):
            if words[-1].lower() in function_words:
                break
            name.insert(0, words.pop())
    return " ".join(name) or None
