"""Language identification with py3langid (a maintained fork of langid.py that ships its model)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# The languages recruitment news and ads come in; restricting the model to them avoids
# short Russian texts being read as Bulgarian or Macedonian.
CANDIDATES = ("en", "ru", "uk", "kk", "uz", "ky", "tg", "be", "hy", "ka", "az", "de", "fr", "es")
DEFAULT_LANGUAGE = "en"
MIN_LETTERS = 12  # below this the model guesses; the caller's default is as good


@cache
def _identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATES))
    return identifier


def detect_language(text: str, default: str = DEFAULT_LANGUAGE) -> str:
    """ISO 639-1 code of the text's language; `default` when there is too little text."""
    if sum(char.isalpha() for char in text[:2000]) < MIN_LETTERS:
        return default
    language, _ = _identifier().classify(text[:5000])
    return str(language)
