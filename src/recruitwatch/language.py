"""Language identification: py3langid (a maintained fork of langid.py that ships its model),
checked against the alphabets of the language files.

On a two-line channel post the model alone may take Ukrainian for Russian or Latin-script
Kazakh for Azerbaijani. Letters settle much of it: "ї", "є", "ґ" are not Russian, "ы", "э" not
Ukrainian, "ә", "қ", "ң" neither. A language whose file lacks letters the text is full of is
passed over for the model's next guess; a text the model gives to a language without a file
goes to the one language whose letters alone it carries, or else to the language whose
file's words make up a good part of it (Kazakh typed in plain Latin letters reads as Uzbek
to the model).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from recruitwatch.lang import (
    alphabet,
    available_languages,
    load_raw,
    script_letters,
)

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# Besides every language with a file, the neighbours a short post may be mistaken for or
# written in; restricting the model to these avoids short Russian texts being read as
# Bulgarian or Macedonian.
NEIGHBOURS = ("uz", "ky", "tg", "be", "hy", "ka", "az", "de", "fr", "es")
DEFAULT_LANGUAGE = "en"
MIN_LETTERS = 12  # below this the model guesses; the caller's default is as good
# Letters outside a language's alphabet it may carry: a quoted name, a stray loanword.
FOREIGN_SHARE = 0.02
DISTINCTIVE_SHARE = 0.01  # letters only one language writes that make a text that language's
# Words of a language file that make a text the model gives to a language without a file
# that language's: at least this many, and this share of the text's words.
MIN_KNOWN_WORDS = 3
KNOWN_WORD_SHARE = 0.25
WORD = re.compile(r"[^\W\d_]+")
STEM_LETTERS = 4
# Sections of a language file that are not words of the language.
NOT_WORDS = frozenset({"language", "name", "letters", "morphology", "transliterations"})
MAX_STEM = 30  # a longer run of letters is no word; bounds the work on hostile input


@cache
def _identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # A language the model does not know is found by its letters alone (_by_letters).
    known = set(identifier.nb_classes)
    identifier.set_languages(
        sorted(code for code in {*NEIGHBOURS, *available_languages()} if code in known)
    )
    return identifier


@cache
def _written_letters(code: str) -> frozenset[str]:
    """Every letter of the scripts the language is written in (its own and others')."""
    return frozenset().union(*(script_letters(script) for script in load_raw(code)["letters"]))


@cache
def _distinctive(code: str) -> frozenset[str]:
    """Letters no other language file lists."""
    others = [alphabet(other) for other in available_languages() if other != code]
    return alphabet(code).difference(*others)


def _fits(code: str, letters: Counter[str]) -> bool:
    """Whether the language's alphabet covers the text's letters of the scripts it is written
    in, but for a few."""
    written = _written_letters(code)
    own = alphabet(code)
    counted = sum(count for letter, count in letters.items() if letter in written)
    foreign = sum(count for letter, count in letters.items() if letter in written - own)
    return foreign <= max(1, FOREIGN_SHARE * counted)


def _by_letters(letters: Counter[str], total: int, candidates: Iterable[str]) -> str | None:
    """The one fitting language whose distinctive letters the text carries, if exactly one."""
    carried = [
        code
        for code in candidates
        if _fits(code, letters)
        and sum(letters[letter] for letter in _distinctive(code)) >= DISTINCTIVE_SHARE * total
        and any(letters[letter] for letter in _distinctive(code))
    ]
    return carried[0] if len(carried) == 1 else None


@cache
def _lexicon(code: str) -> frozenset[str]:
    """The words a language file uses, as written (a wildcard phrase gives its stem)."""
    words: set[str] = set()

    def gather(value: object) -> None:
        if isinstance(value, str):
            words.update(WORD.findall(value.lower()))
        elif isinstance(value, list):
            for item in value:
                gather(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                gather(key)
                gather(item)

    raw = load_raw(code)
    gather({key: value for key, value in raw.items() if key not in NOT_WORDS})
    return frozenset(word for word in words if len(word) > 1)


def _known_words(code: str, words: list[str]) -> int:
    """Words of the text the file has, as written or as a stem of STEM_LETTERS or more with
    an ending ("armiasy" from "armia")."""
    lexicon = _lexicon(code)
    return sum(
        word in lexicon
        or any(word[:end] in lexicon for end in range(STEM_LETTERS, min(len(word), MAX_STEM)))
        for word in words
    )


def _by_words(sample: str, letters: Counter[str], candidates: Iterable[str]) -> str | None:
    """The fitting language whose file knows the most of the text's words, if enough."""
    words = [word.lower() for word in WORD.findall(sample)]
    scored = sorted(
        ((_known_words(code, words), code) for code in candidates if _fits(code, letters)),
        reverse=True,
    )
    if not scored:
        return None
    count, code = scored[0]
    enough = count >= MIN_KNOWN_WORDS and count >= KNOWN_WORD_SHARE * len(words)
    return code if enough else None


def detect_language(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """ISO 639-1 code of the text's language; `default` when there is too little text."""
    sample = text[:5000]
    letters = Counter(char for char in sample if char.isalpha())
    total = sum(letters.values())
    if total < MIN_LETTERS:
        return default
    known = set(available_languages())
    for language, _ in _identifier().rank(sample):
        code = str(language)
        if code not in known:
            return (
                _by_letters(letters, total, sorted(known))
                or _by_words(sample, letters, sorted(known))
                or code
            )
        if _fits(code, letters):
            return code
    return str(_identifier().classify(sample)[0])
