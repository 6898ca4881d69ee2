"""Who pays: payer level and region on sentences written for these tests, English and Russian."""

from __future__ import annotations

import copy

import pytest

from recruitwatch.errors import LanguageDataError
from recruitwatch.extract import extract_document
from recruitwatch.lang import load_raw, validate
from recruitwatch.model import Document

EN = "Russia is recruiting soldiers to fight in Ukraine. "
RU = "Россия набирает добровольцев для участия в специальной военной операции. "


def payers(text: str, language: str) -> list[tuple[float, str | None, str | None]]:
    prefix = EN if language == "en" else RU
    document = Document.from_text(prefix + text, id="t", language=language)
    return [
        (offer.amount, offer.payer_level, offer.payer_region)
        for offer in extract_document(document).offers
    ]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # a region named with the amount beats any default
        (
            "en",
            "In Tatarstan, volunteers who sign up receive a one-off bonus of 900,000 rubles.",
            [(900_000, "regional", "RU-TA")],
        ),
        (
            "ru",
            "В Сахалинской области единовременная выплата добровольцам составит 700 тысяч рублей.",
            [(700_000, "regional", "RU-SAK")],
        ),
        (
            "ru",
            "Власти Башкирии подняли единовременную выплату до 1,2 млн рублей.",
            [(1_200_000, "regional", "RU-BA")],
        ),
        # a city stands for its region; Moscow and St Petersburg are regions themselves
        (
            "en",
            "Recruits signing up in Ufa get a one-time payment of 600,000 rubles.",
            [(600_000, "regional", "RU-BA")],
        ),
        (
            "ru",
            "В Петербурге единовременная выплата добровольцам выросла до 2 млн рублей.",
            [(2_000_000, "regional", "RU-SPE")],
        ),
        # the capital as the state speaking is no regional payer
        (
            "en",
            "Moscow is offering a one-time bonus of 400,000 rubles to every volunteer.",
            [(400_000, "federal", None)],
        ),
    ],
)
def test_a_region_named_with_the_amount_pays_it(
    language: str, text: str, expected: list[tuple[float, str | None, str | None]]
) -> None:
    assert payers(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "en",
            "Volunteers who sign a contract with the Defence Ministry in the Kursk region "
            "receive a one-off regional payment of 800,000 rubles.",
            [(800_000, "regional", "RU-KRS")],
        ),
        (
            "ru",
            "Власти Курской области увеличили единовременную выплату добровольцам, подписавшим "
            "контракт с Минобороны, до 900 тысяч рублей.",
            [(900_000, "regional", "RU-KRS")],
        ),
    ],
)
def test_the_other_party_of_a_contract_is_not_the_payer(
    language: str, text: str, expected: list[tuple[float, str | None, str | None]]
) -> None:
    assert payers(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "en",
            "Chuvashia raised its one-time payment to 1.6 million rubles, which, combined with "
            "a federal bonus of 400,000 rubles, brings the total payment to 2 million rubles.",
            [
                (1_600_000, "regional", "RU-CU"),
                (400_000, "federal", None),
                (2_000_000, "combined", "RU-CU"),
            ],
        ),
        (
            "ru",
            "В Ульяновской области единовременная выплата контрактникам составит в общей "
            "сложности 1,3 млн рублей.",
            [(1_300_000, "combined", "RU-ULY")],
        ),
        (
            "ru",
            "В Пензе добровольцам единовременно выплачивают 1,1 млн рублей из городского и "
            "федерального бюджетов.",
            [(1_100_000, "combined", "RU-PNZ")],
        ),
        (
            "en",
            "In Tver, the total (counting regional and federal money) is 1.8 million rubles "
            "for each recruit.",
            [(1_800_000, "combined", "RU-TVE")],
        ),
        (
            "ru",
            "В Чувашии единовременная выплата сложится из 1 млн рублей от республики и "
            "400 тыс. рублей от Минобороны, в общей сложности 1,4 млн рублей.",
            [
                (1_000_000, "regional", "RU-CU"),
                (400_000, "federal", None),
                (1_400_000, "combined", "RU-CU"),
            ],
        ),
    ],
)
def test_a_total_of_several_levels_is_combined(
    language: str, text: str, expected: list[tuple[float, str | None, str | None]]
) -> None:
    assert payers(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "en",
            "Tatarstan and Bashkortostan each pay a one-off bonus of 500,000 rubles.",
            [(500_000, "regional", "RU-TA"), (500_000, "regional", "RU-BA")],
        ),
        (
            "ru",
            "Единовременная выплата в Башкирии и Дагестане — 0,5 млн рублей.",
            [(500_000, "regional", "RU-BA"), (500_000, "regional", "RU-DA")],
        ),
    ],
)
def test_one_amount_for_a_list_of_regions_is_one_offer_each(
    language: str, text: str, expected: list[tuple[float, str | None, str | None]]
) -> None:
    assert sorted(payers(text, language)) == sorted(expected)


def test_regions_listed_away_from_the_amount_are_not_split() -> None:
    text = (
        "Complaints came from Tatarstan, Chuvashia and Mari El, where new recruits had "
        "expected a one-off bonus of 2 million rubles."
    )
    assert len(payers(text, "en")) == 1


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "en",
            "Every recruit gets a one-time payment of 400,000 rubles from the federal budget.",
            (400_000, "federal", None),
        ),
        (
            "ru",
            "Федеральная единовременная выплата составляет 400 тыс. рублей.",
            (400_000, "federal", None),
        ),
        (
            "en",
            "Wagner promised convicts 100,000 rubles a month.",
            (100_000, "pmc", None),
        ),
        (
            "ru",
            "ЧВК Вагнер обещала заключённым зарплату 200 тысяч рублей в месяц.",
            (200_000, "pmc", None),
        ),
        (
            "en",
            "Ukraine's Ministry of Defence offers young volunteers a one-time payment of "
            "UAH 1 million.",
            (1_000_000, "foreign", None),
        ),
        (
            "ru",
            "В местном бюджете Сургута предусмотрена единовременная муниципальная выплата "
            "добровольцам 150 тыс. рублей.",
            (150_000, "municipal", "RU-KHM"),
        ),
    ],
)
def test_named_levels(
    language: str, text: str, expected: tuple[float, str | None, str | None]
) -> None:
    assert payers(text, language) == [expected]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Soldiers on contract earn 210,000 rubles a month."),
        ("ru", "Контрактники получают денежное довольствие от 210 000 ₽ в месяц."),
    ],
)
def test_the_default_payer_is_data_and_federal(language: str, text: str) -> None:
    [(_, level, region)] = payers(text, language)
    assert (level, region) == ("federal", None)


def test_regions_in_general_are_no_one_region() -> None:
    [(_, level, region)] = payers(
        "Some regions pay a one-off bonus of 3 million rubles to volunteers.", "en"
    )
    assert (level, region) == (None, None)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["payers"][0].update({"level": "imperial"}), "level must be one of"),
        (
            lambda d: d["default_payers"].update({"default": "Nobody"}),
            "must be a label of 'payers'",
        ),
        (lambda d: d["payer_level_cues"].update({"galactic": ["x"]}), "'payer_level_cues'"),
    ],
)
def test_payer_data_is_validated(mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(load_raw("en"))
    mutate(data)
    with pytest.raises(LanguageDataError, match=message):
        validate(data, "broken.yaml")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "The Russian army is recruiting soldiers for the war. In the Samara and Orenburg"
            " regions, one-off bonuses rose to 1.1 million rubles and 1 million rubles,"
            " respectively.",
        ),
        (
            "ru",
            "Минобороны набирает добровольцев для участия в специальной военной операции."
            " В Самарской и Оренбургской областях единовременные выплаты выросли до 1,1 млн"
            " рублей и 1 млн рублей соответственно.",
        ),
    ],
)
def test_respectively_pairs_places_and_amounts_in_order(language: str, text: str) -> None:
    document = Document.from_text(text, id="t", language=language)
    found = [(o.amount, o.payer_region, o.previous) for o in extract_document(document).offers]
    assert found == [(1_100_000, "RU-SAM", False), (1_000_000, "RU-ORE", False)]
