"""Word forms of vocabulary phrases: one plug-in per language, named in its file.

A gazetteer lists a phrase once, in its dictionary form ("Сахалинская область",
"Бєлгородська область", "адам"); the language's plug-in generates its other forms when the
vocabulary is compiled, so matching text stays a dictionary lookup per token rather than a
morphological analysis per word.

Plug-ins (the `morphology` section of lang/<code>.yaml):

* `none`: phrases are matched as written (English).
* `pymorphy3`: every case and number from pymorphy3's dictionary for `dictionary` (`ru`, `uk`).
* `suffixes`: a stem takes each ending listed in the file (Kazakh, which is agglutinative).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from recruitwatch.errors import LanguageDataError

if TYPE_CHECKING:
    from pymorphy3 import MorphAnalyzer
    from pymorphy3.analyzer import Parse

PLUGINS = ("none", "pymorphy3", "suffixes")
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
NUMBERS = ("sing", "plur")
# Parts of speech that agree with the head noun of a noun phrase and decline with it.
DECLINING = frozenset({"ADJF", "PRTF", "NUMR", "NOUN"})
# A phrase opening with one of these is a construction, not a noun group: left as written.
NOT_DECLINED = frozenset({"PREP", "CONJ", "ADVB", "INFN", "VERB", "PRCL"})


class Morphology(Protocol):
    def inflections(self, phrase: str) -> tuple[str, ...]:
        """The phrase and its other forms; the phrase itself always comes back."""
        ...

    def adjective_forms(self, word: str) -> tuple[str, ...]:
        """An adjective in every case, number and gender, for adjectives that stand alone
        before any noun ("башкирский": "башкирской", "башкирскую", ...)."""
        ...

    def number_forms(self, word: str) -> tuple[str, ...]:
        """A number or magnitude word and its forms ("тысяча": "тысяч"; "мың": "мыңға")."""
        ...

    def number_endings(self) -> tuple[str, ...]:
        """Endings a digit number takes after a hyphen ("30 000-нан"); none in most languages."""
        ...


@dataclass(frozen=True, slots=True)
class AsWritten:
    def inflections(self, phrase: str) -> tuple[str, ...]:
        return (phrase,)

    def adjective_forms(self, word: str) -> tuple[str, ...]:
        return (word,)

    def number_forms(self, word: str) -> tuple[str, ...]:
        return (word,)

    def number_endings(self) -> tuple[str, ...]:
        return ()


@cache
def _analyzer(dictionary: str) -> MorphAnalyzer:
    from pymorphy3 import MorphAnalyzer

    try:
        return MorphAnalyzer(lang=dictionary)
    except ValueError as exc:  # the dictionary package is not installed
        raise LanguageDataError(
            f"pymorphy3 has no {dictionary!r} dictionary; pip install pymorphy3-dicts-{dictionary}"
        ) from exc


def _inflect(parse: Parse, case: str, number: str) -> list[Parse]:
    """The forms of `parse` in `case` and `number`. Dictionaries that mark only the plural
    (Ukrainian) are searched for the forms of that case without it, in the same gender; they
    list variants ("громадянину", "громадянинові"), and every one is kept."""
    inflected = parse.inflect({case, number} - {""})
    if inflected is not None or not number:
        return [] if inflected is None else [inflected]
    gender = parse.tag.gender
    return [
        form
        for form in parse.lexeme
        if form.tag.case == case
        and ("plur" in form.tag) == (number == "plur")
        and (number == "plur" or gender is None or form.tag.gender in {None, gender})
    ]


def _forms(parse: Parse) -> set[str]:
    forms = {parse.word}
    for case in CASES:
        for number in NUMBERS if parse.tag.POS != "NUMR" else ("",):
            forms.update(inflected.word for inflected in _inflect(parse, case, number))
    return forms


def _agreeing_forms(parses: list[Parse]) -> set[tuple[str, ...]]:
    """Forms of an adjective(s) + noun group in which every word takes the same case and number."""
    combos: set[tuple[str, ...]] = {tuple(parse.word for parse in parses)}
    for case in CASES:
        for number in NUMBERS:
            words = []
            for parse in parses:
                inflected = _inflect(parse, case, "" if parse.tag.POS == "NUMR" else number)
                if not inflected:
                    break
                words.append(inflected[0].word)
            else:
                combos.add(tuple(words))
    return combos


@dataclass(frozen=True, slots=True)
class Pymorphy:
    """Declension from pymorphy3's dictionary of one language. Words up to and including the
    first noun decline together; the words after it (a genitive complement, "Казахстана") stay
    as written. The dictionary must be the text's own: Russian paradigms turn Ukrainian
    "військовослужбовець" into "військовослужбовецей"."""

    dictionary: str
    letters: frozenset[str]

    def inflections(self, phrase: str) -> tuple[str, ...]:
        return _pymorphy_inflections(self.dictionary, self.letters, phrase)

    def adjective_forms(self, word: str) -> tuple[str, ...]:
        return _pymorphy_adjective_forms(self.dictionary, self.letters, word)

    def number_forms(self, word: str) -> tuple[str, ...]:
        return self.inflections(word)

    def number_endings(self) -> tuple[str, ...]:
        return ()


@cache
def _pymorphy_inflections(dictionary: str, letters: frozenset[str], phrase: str) -> tuple[str, ...]:
    words = phrase.split()
    if phrase.endswith("*") or not words or not any(c.lower() in letters for c in phrase):
        return (phrase,)
    analyzer = _analyzer(dictionary)
    parses = [analyzer.parse(word)[0] for word in words]
    if parses[0].tag.POS in NOT_DECLINED:
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
def _pymorphy_adjective_forms(
    dictionary: str, letters: frozenset[str], word: str
) -> tuple[str, ...]:
    if not any(c.lower() in letters for c in word):
        return (word,)
    parse = _analyzer(dictionary).parse(word)[0]
    if parse.tag.POS not in {"ADJF", "PRTF"}:
        return _pymorphy_inflections(dictionary, letters, word)
    forms = {word}
    for case in CASES:
        for wanted in ({"plur"}, {"sing", "masc"}, {"sing", "femn"}, {"sing", "neut"}):
            inflected = parse.inflect({case, *wanted})
            if inflected is None and "sing" in wanted:  # the dictionary marks only the plural
                inflected = parse.inflect({case, *wanted} - {"sing"})
            if inflected is not None:
                forms.add(inflected.word)
    return tuple(sorted(forms))


@dataclass(frozen=True, slots=True)
class Suffixes:
    """Endings glued to a stem: "адам" -> "адамы", "адамның"; "мың" -> "мыңға". The file lists
    each ending in every vowel-harmony variant, so no phonology is computed here. Only the last
    word of a phrase takes them ("Қорғаныс министрлігі" -> "... министрлігінің")."""

    endings: tuple[str, ...]
    # Numbers take fewer: "бірге" (together) and "үшін" (for) are words, not "one", "three".
    numeral_endings: tuple[str, ...]

    def inflections(self, phrase: str) -> tuple[str, ...]:
        return _glued(phrase, self.endings)

    def adjective_forms(self, word: str) -> tuple[str, ...]:
        return self.inflections(word)

    def number_forms(self, word: str) -> tuple[str, ...]:
        return _glued(word, self.numeral_endings)

    def number_endings(self) -> tuple[str, ...]:
        return self.numeral_endings


def _glued(phrase: str, endings: tuple[str, ...]) -> tuple[str, ...]:
    if phrase.endswith("*") or not phrase[-1:].isalpha():
        return (phrase,)
    return (phrase, *(phrase + ending for ending in endings))


def plugin(spec: Mapping[str, Any], letters: str, source: str) -> Morphology:
    """The plug-in a language file's `morphology` section names."""
    name = spec.get("plugin")
    if name == "none":
        return AsWritten()
    if name == "pymorphy3":
        dictionary = spec.get("dictionary")
        if not isinstance(dictionary, str):
            raise LanguageDataError("morphology.dictionary must name one", source=source)
        return Pymorphy(dictionary, frozenset(letters.lower()))
    if name == "suffixes":
        lists = {key: spec.get(key) for key in ("endings", "number_endings")}
        for key, endings in lists.items():
            if not isinstance(endings, list) or not all(isinstance(e, str) and e for e in endings):
                raise LanguageDataError(
                    f"morphology.{key} must be a list of endings", source=source
                )
        return Suffixes(tuple(spec["endings"]), tuple(spec["number_endings"]))
    raise LanguageDataError(f"morphology.plugin must be one of {', '.join(PLUGINS)}", source=source)
