"""Language identification: py3langid (a maintained fork of langid.py that ships its model),
checked against the alphabets of the language files.

On a two-line channel post the model alone may take Ukrainian for Russian or Latin-script
Kazakh for Azerbaijani. Letters settle much of it: "ї", "є", "ґ" are not Russian, "ы", "э" not
Ukrainian, "ә", "қ", "ң" neither. A language whose file lacks letters the text is full of is
passed over for the model's next guess; a text the model gives to a language without a file
goes to the one language whose letters alone it carries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from recruitwatch.lang import alphabet, available_languages, load_raw, script_letters

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
            return _by_letters(letters, total, sorted(known)) or code
        if _fits(code, letters):
            return code
    return str(_identifier().classify(sample)[0])
