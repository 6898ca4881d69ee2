"""Every vocabulary file has the same keys and shapes; bad files fail with their name."""

from __future__ import annotations

import copy

import pytest

from recruitwatch.errors import LanguageDataError
from recruitwatch.extract.vocabulary import vocabulary
from recruitwatch.lang import available_languages, load_raw, phrase_regex, validate


@pytest.mark.parametrize("code", available_languages())
def test_every_language_file_validates_and_compiles(code: str) -> None:
    validate(load_raw(code), f"{code}.yaml")
    assert vocabulary(code).language == code


def test_english_is_available() -> None:
    assert {"en", "ru", "uk", "kk"} <= set(available_languages())


def test_every_language_file_has_every_section() -> None:
    sections = {code: set(load_raw(code)) for code in available_languages()}
    english = sections["en"]
    for code, keys in sections.items():
        assert keys == english, f"{code}.yaml: missing {english - keys}, extra {keys - english}"


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(LanguageDataError, match="no vocabulary for language 'zz'"):
        load_raw("zz")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("currencies"), "'currencies' must be a mapping"),
        (lambda d: d["kind_cues"].pop("compensation"), "'kind_cues' must have exactly"),
        (lambda d: d["magnitudes"].update({"lots": -1}), "magnitudes.lots"),
        (lambda d: d["targets"].append({"label": "X"}), "needs a 'patterns' list"),
        (lambda d: d.update({"approximators": "about"}), "'approximators' must be a list"),
        (lambda d: d.update({"letters": {"Greek": "αβγ"}}), "'letters' must map a script"),
        (lambda d: d.update({"morphology": {"plugin": "magic"}}), "morphology.plugin"),
    ],
)
def test_schema_violations_name_the_problem(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(load_raw("en"))
    mutate(data)
    with pytest.raises(LanguageDataError, match=message):
        validate(data, "broken.yaml")


def test_phrases_are_literal_not_patterns() -> None:
    import re

    pattern = re.compile(phrase_regex("U.S.$"))
    assert pattern.search("costs U.S.$5")
    assert not pattern.search("costs UXSX$5")
    assert re.compile(phrase_regex("mobili*")).search("mobilised men")
