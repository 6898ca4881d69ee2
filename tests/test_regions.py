"""The gazetteer of regions: every federal subject and occupied region, by ISO code, in each
language's file; names found in any form the text uses."""

from __future__ import annotations

import copy

import pytest

from recruitwatch.errors import LanguageDataError
from recruitwatch.extract.vocabulary import vocabulary
from recruitwatch.lang import available_languages, load_raw, region_labels, validate

# The 83 federal subjects Russia's constitution listed before 2014 and the occupied Ukrainian
# regions under their ISO 3166-2:UA codes.
OCCUPIED = {"UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65"}
RUSSIAN_SUBJECTS = 83


def _codes(language: str) -> set[str]:
    return set(load_raw(language)["regions"])


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_gazetteer_is_complete(language: str) -> None:
    codes = _codes(language)
    assert codes >= OCCUPIED
    assert len([code for code in codes if code.startswith("RU-")]) == RUSSIAN_SUBJECTS
    assert len(codes) == RUSSIAN_SUBJECTS + len(OCCUPIED)


@pytest.mark.parametrize("language", available_languages())
def test_every_language_names_only_known_regions(language: str) -> None:
    assert _codes(language) <= set(region_labels())


def test_every_region_has_an_english_label() -> None:
    labels = region_labels()
    assert labels["RU-BA"] == "Bashkortostan"
    assert labels["RU-MOW"] == "Moscow"
    assert all(label and label != code for code, label in labels.items())


def _found(language: str, text: str) -> list[tuple[str, str]]:
    places = vocabulary(language).places
    return [(text[match.start : match.end], match.label) for match in places.finditer(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bashkiria and Bashkortostan are one region.", ["RU-BA", "RU-BA"]),
        ("A Bashkir official in Ufa said so.", ["RU-BA", "RU-BA"]),
        ("Recruiters in Moscow and St Petersburg", ["RU-MOW", "RU-SPE"]),
        ("the Moscow region, not the city", ["RU-MOS"]),
        ("Nizhny Novgorod and Novgorod differ", ["RU-NIZ", "RU-NGR"]),
        ("the Yamalo-Nenets Autonomous Okrug", ["RU-YAN"]),
        ("occupied Crimea and Zaporozhye", ["UA-43", "UA-23"]),
    ],
)
def test_english_names_map_to_codes(text: str, expected: list[str]) -> None:
    assert [code for _, code in _found("en", text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Власти Сахалинской области объявили набор.", "RU-SAK"),
        ("В Республике Башкортостан платят больше.", "RU-BA"),
        ("башкирские власти подняли выплату", "RU-BA"),
        ("Главе Башкирии доложили.", "RU-BA"),
        ("В Уфе открылся пункт отбора.", "RU-BA"),
        ("столичные власти назначили выплату", "RU-MOW"),
        ("в Санкт-Петербурге", "RU-SPE"),
        ("в Ханты-Мансийском автономном округе", "RU-KHM"),
        ("из бюджета Краснодарского края", "RU-KDA"),
        ("в Запорожской области", "UA-23"),
        ("в Севастополе", "UA-40"),
    ],
)
def test_russian_names_match_in_every_case(text: str, expected: str) -> None:
    assert [code for _, code in _found("ru", text)] == [expected]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["regions"].update({"Tatarstan": {"names": ["X"]}}), "not an ISO 3166-2"),
        (lambda d: d["regions"].update({"RU-XX": {"cities": ["X"]}}), "needs a 'names' list"),
        (lambda d: d["regions"]["RU-TA"].update({"towns": ["X"]}), "unknown keys towns"),
        (lambda d: d["regions"]["RU-TA"].update({"cities": "Kazan"}), "'cities' must be a list"),
        (lambda d: d.pop("regions"), "'regions' must be a non-empty mapping"),
    ],
)
def test_region_schema_violations_name_the_problem(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(load_raw("en"))
    mutate(data)
    with pytest.raises(LanguageDataError, match=message):
        validate(data, "broken.yaml")
