"""Inflected forms of vocabulary phrases, for languages whose nouns decline (Russian).

A gazetteer lists a phrase once, in its dictionary form ("Сахалинская область",
"граждане Казахстана"); pymorphy3 generates every case and number of it when the vocabulary
is compiled, so matching text stays a dictionary lookup per token rather than a morphological
analysis per word.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pymorphy3 import MorphAnalyzer
    from pymorphy3.analyzer import Parse

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
NUMBERS = ("sing", "plur")
# Parts of speech that agree with the head noun of a noun phrase and decline with it.
DECLINING = frozenset({"ADJF", "PRTF", "NUMR", "NOUN"})


@cache
def _analyzer() -> MorphAnalyzer:
    from pymorphy3 import MorphAnalyzer

    return MorphAnalyzer()


def _forms(parse: Parse) -> set[str]:
    forms = {parse.word}
    for case in CASES:
        for number in NUMBERS if parse.tag.POS != "NUMR" else ("",):
            wanted = {case, number} - {""}
            inflected = parse.inflect(wanted)
            if inflected is not None:
                forms.add(inflected.word)
    return forms


def _agreeing_forms(parses: list[Parse]) -> set[tuple[str, ...]]:
    """Forms of an adjective(s) + noun group in which every word takes the same case and number."""
    combos: set[tuple[str, ...]] = {tuple(parse.word for parse in parses)}
    for case in CASES:
        for number in NUMBERS:
            words = []
            for parse in parses:
                wanted = {case} if parse.tag.POS == "NUMR" else {case, number}
                inflected = parse.inflect(wanted)
                if inflected is None:
                    break
                words.append(inflected.word)
            else:
                combos.add(tuple(words))
    return combos


@cache
def inflections(phrase: str) -> tuple[str, ...]:
    """The phrase in every case and number: words up to and including the first noun decline
    together; the words after it (a genitive complement, "Казахстана") stay as written. A phrase
    that starts with a preposition or ends in a wildcard is returned as it is."""
    words = phrase.split()
    if phrase.endswith("*") or not words or not any("а" <= c.lower() <= "я" for c in phrase):
        return (phrase,)
    analyzer = _analyzer()
    parses = [analyzer.parse(word)[0] for word in words]
    if parses[0].tag.POS in {"PREP", "CONJ", "ADVB", "INFN", "VERB", "PRCL"}:
        return (phrase,)
    head = next((i for i, parse in enumerate(parses) if parse.tag.POS == "NOUN"), len(parses) - 1)
    group = parses[: head + 1]
    if not all(parse.tag.POS in DECLINING for parse in group):
        return (phrase,)
    rest = words[head + 1 :]
    heads: set[tuple[str, ...]] = (
        {(form,) for form in _forms(group[0])} if len(group) == 1 else _agreeing_forms(group)
    )
    return tuple(sorted({" ".join([*form, *rest]) for form in heads} | {phrase}))


@cache
def adjective_forms(word: str) -> tuple[str, ...]:
    """An adjective in every case, number and gender ("башкирский": "башкирской",
    "башкирскую", ...), for adjectives that stand alone before any noun."""
    if not any("а" <= c.lower() <= "я" for c in word):
        return (word,)
    parse = _analyzer().parse(word)[0]
    if parse.tag.POS not in {"ADJF", "PRTF"}:
        return inflections(word)
    forms = {word}
    for case in CASES:
        for wanted in ({"plur"}, {"sing", "masc"}, {"sing", "femn"}, {"sing", "neut"}):
            inflected = parse.inflect({case, *wanted})
            if inflected is not None:
                forms.add(inflected.word)
    return tuple(sorted(forms))


def inflect_all(phrases: Iterable[str]) -> list[str]:
    return sorted({form for phrase in phrases for form in inflections(phrase)})
