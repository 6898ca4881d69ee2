"""Dates and credit lines read with the words of every language file (sentences written for
these tests)."""

from __future__ import annotations

from datetime import date

import pytest

from recruitwatch.link.attribution import find_attributions
from recruitwatch.model import Evidence, RecordDate
from recruitwatch.model import date_label as label
from recruitwatch.normalise.dates import resolve

PUBLISHED = date(2025, 3, 1)


def _date_of(sentence: str, value: str, language: str) -> RecordDate:
    start = sentence.index(value)
    found = Evidence("d", 0, len(sentence), sentence, start, start + len(value), "t", language)
    return resolve(found, RecordDate(PUBLISHED, "day"), language)


@pytest.mark.parametrize(
    ("sentence", "value", "language", "name"),
    [
        ("У липні 2024 року виплата зросла до 400 тисяч рублів.", "400", "uk", "July 2024"),
        ("12 березня 2024 року виплату підняли до 1 млн рублів.", "1 млн", "uk", "2024-03-12"),
        ("Минулої осені призвали 300 тисяч резервістів.", "300", "uk", "autumn 2024"),
        ("2024 жылы шілдеде 500 мың теңге төленді.", "500", "kk", "July 2024"),
        ("Шілдеде 500 мың теңге төленді.", "500", "kk", "July 2024"),
        ("В июле 2022 года выплата выросла до 200 000 рублей.", "200 000", "ru", "July 2022"),
    ],
)
def test_dates_in_every_language(sentence: str, value: str, language: str, name: str) -> None:
    assert label(_date_of(sentence, value, language)) == name


def test_credit_lines_in_ukrainian_and_kazakh() -> None:
    text = (
        "Як повідомляє «Медіазона», виплати зросли. За даними Генштабу ЗСУ, втрати зросли.\n"
        "BBC мәліметінше, 300 адам шақырылды."
    )
    found = find_attributions("x", text)
    assert [a.name for a in found] == ["Медіазона", "Генштабу ЗСУ", "BBC"]
    assert all(text[a.start : a.end] == a.name for a in found)


@pytest.mark.parametrize(
    ("sentence", "language", "name"),
    [
        ("Last month 500 men signed contracts.", "en", "February 2025"),
        ("Three weeks ago 500 men signed contracts.", "en", "week of 2025-02-03"),
        ("Earlier this year 500 men signed contracts.", "en", "2025"),
        ("В прошлом месяце 500 человек подписали контракт.", "ru", "February 2025"),
        ("Неделю назад 500 человек подписали контракт.", "ru", "week of 2025-02-17"),
        ("Вчера 500 человек подписали контракт.", "ru", "2025-02-28"),
        ("Минулого місяця 500 людей підписали контракт.", "uk", "February 2025"),
        ("У минулому році 500 людей підписали контракт.", "uk", "2024"),
        ("Торік 500 людей підписали контракт.", "uk", "2024"),
        ("3 дні тому 500 людей підписали контракт.", "uk", "2025-02-26"),
        ("Өткен айда 500 адам келісімшартқа қол қойды.", "kk", "February 2025"),
        ("Былтыр 500 адам келісімшартқа қол қойды.", "kk", "2024"),
        ("Кеше 500 адам келісімшартқа қол қойды.", "kk", "2025-02-28"),
        ("2023 жылы 500 адам келісімшартқа қол қойды.", "kk", "2023"),
    ],
)
def test_relative_dates_in_every_language(sentence: str, language: str, name: str) -> None:
    assert label(_date_of(sentence, "500", language)) == name


def test_a_preposition_before_an_amount_is_no_year() -> None:
    found = _date_of("До 2000 рублей получили 500 человек.", "500", "ru")
    assert found.phrase is None
