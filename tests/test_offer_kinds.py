"""Which amounts are offers, of what kind, and which levels were replaced: English and
Russian, on sentences written for these tests."""

from __future__ import annotations

import pytest

from recruitwatch.extract import extract_document
from recruitwatch.ingest import samples_dir
from recruitwatch.model import Document, Offer

ARMY = {
    "en": "The Russian army is recruiting volunteers for the war in Ukraine. ",
    "ru": "Минобороны набирает добровольцев для участия в специальной военной операции. ",
}

Row = tuple[str, float, float | None, str, bool]


def offers(text: str, language: str) -> list[Offer]:
    document = Document.from_text(ARMY[language] + text, id="t", language=language)
    return extract_document(document).offers


def rows(text: str, language: str) -> list[Row]:
    return [
        (offer.kind, offer.amount, offer.amount_max, offer.currency, offer.previous)
        for offer in offers(text, language)
    ]


@pytest.mark.parametrize(
    ("language", "sentence", "kind"),
    [
        # A one-off cue beats the verb "pay" and any salary word.
        (
            "en",
            "The governor will pay a one-time bonus of 400,000 roubles to new recruits.",
            "signing_bonus",
        ),
        (
            "en",
            "An allowance of 150,000 roubles is paid into their accounts upon signing.",
            "signing_bonus",
        ),
        (
            "ru",
            "Губернатор выплатит единовременное денежное поощрение в 400 тысяч рублей.",
            "signing_bonus",
        ),
        # First-year and annual totals.
        (
            "en",
            "A recruit can make over 3.1 million roubles over the course of his first year.",
            "other_payment",
        ),
        (
            "ru",
            "Контрактник получит три миллиона рублей единовременно и 5,5 миллиона — за год.",
            "signing_bonus",
        ),
        # Injury and death.
        (
            "en",
            "The city will pay 3 million roubles to families of those who are killed.",
            "compensation",
        ),
        ("en", "For a slight injury, soldiers will get 500,000 roubles.", "compensation"),
        (
            "en",
            "And if a volunteer dies, they promise to pay the family 5 million roubles.",
            "compensation",
        ),
        ("ru", "При тяжёлом ранении выплачивается 3 млн рублей.", "compensation"),
        ("ru", "Инвалидность I группы – 2 348 797,95 ₽", "compensation"),
        # Referral, travel and family money.
        (
            "en",
            "The region pays a 100,000 rouble bonus to anyone who brings a friend.",
            "other_payment",
        ),
        ("en", "Recruits are given 20,000 roubles for travel to the unit.", "other_payment"),
        (
            "ru",
            "За каждого приведённого добровольца выплачивают по 50 тыс. рублей.",
            "other_payment",
        ),
        (
            "ru",
            "Семьям мобилизованных выплатят единовременно по 100 тысяч рублей.",
            "other_payment",
        ),
    ],
)
def test_kind(language: str, sentence: str, kind: str) -> None:
    assert [offer.kind for offer in offers(sentence, language)][:1] == [kind]


def test_first_year_total_beside_a_one_off_in_russian() -> None:
    assert rows(
        "Контрактник получит три миллиона рублей единовременно и 5,5 миллиона — за год.", "ru"
    ) == [
        ("signing_bonus", 3_000_000, None, "RUB", False),
        ("other_payment", 5_500_000, None, "RUB", False),
    ]


def test_a_salary_word_with_a_period_still_wins_over_bonus() -> None:
    assert rows("Muscovites will receive a monthly bonus of 50,000 roubles.", "en") == [
        ("monthly_pay", 50_000, None, "RUB", False)
    ]


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        (
            "en",
            "The regional signing bonus was increased from 1.5 to 2.4 million roubles.",
            [
                ("signing_bonus", 1_500_000, None, "RUB", True),
                ("signing_bonus", 2_400_000, None, "RUB", False),
            ],
        ),
        (
            "en",
            "One-off payments were cut from $45,000 to $26,000 in Samara and from $39,000 to "
            "$24,000 in Yamal.",
            [
                ("signing_bonus", 45_000, None, "USD", True),
                ("signing_bonus", 26_000, None, "USD", False),
                ("signing_bonus", 39_000, None, "USD", True),
                ("signing_bonus", 24_000, None, "USD", False),
            ],
        ),
        (
            "ru",
            "Власти увеличили единовременную выплату контрактникам с 1,5 млн до 2,4 млн рублей.",
            [
                ("signing_bonus", 1_500_000, None, "RUB", True),
                ("signing_bonus", 2_400_000, None, "RUB", False),
            ],
        ),
        (
            "ru",
            "Единовременную выплату снизили с 500 до 300 тысяч рублей.",
            [
                ("signing_bonus", 500_000, None, "RUB", True),
                ("signing_bonus", 300_000, None, "RUB", False),
            ],
        ),
    ],
)
def test_a_change_is_not_a_range(language: str, sentence: str, expected: list[Row]) -> None:
    assert rows(sentence, language) == expected


def test_a_change_goes_on_in_a_verbless_sentence() -> None:
    text = (
        "In Chuvashia, one-off payments fell from 2.5 million to 800,000 rubles. "
        "In Tatarstan, from 3.1 million to 800,000 rubles."
    )
    assert [(o.amount, o.previous) for o in offers(text, "en")] == [
        (2_500_000, True),
        (800_000, False),
        (3_100_000, True),
        (800_000, False),
    ]


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "Monthly salaries range from 200,000 to 300,000 roubles."),
        ("ru", "Ежемесячное денежное довольствие — от 200 до 300 тыс. рублей."),
    ],
)
def test_a_range_without_a_verb_of_change_stays_a_range(language: str, sentence: str) -> None:
    assert rows(sentence, language) == [("monthly_pay", 200_000, 300_000, "RUB", False)]


def test_a_range_closed_by_a_verb_of_reaching() -> None:
    sentence = "Зарплата бойца от 40 тысяч рублей, а у опытного может достигать 90 тысяч."
    assert rows(sentence, "ru") == [("monthly_pay", 40_000, 90_000, "RUB", False)]


@pytest.mark.parametrize(
    ("language", "text", "amount"),
    [
        (
            "ru",
            "Единовременную выплату увеличили до 400 тыс. рублей. "
            "Ранее она составляла 200 тыс. рублей.",
            200_000,
        ),
        (
            "en",
            "The one-time payment now stands at 400,000 rubles. It previously stood at "
            "195,000 rubles.",
            195_000,
        ),
    ],
)
def test_an_earlier_level_referred_back_to(language: str, text: str, amount: float) -> None:
    found = {(o.amount, o.previous, o.kind) for o in offers(text, language)}
    assert (amount, True, "signing_bonus") in found


def test_a_sentence_referring_back_to_a_payment_is_read() -> None:
    text = (
        "Regions pay their own one-off bonuses to new recruits. "
        "In Krasnodar Krai, it now amounts to 1 million roubles, in Dagestan to 500,000 roubles."
    )
    assert [(o.kind, o.amount) for o in offers(text, "en")] == [
        ("signing_bonus", 1_000_000),
        ("signing_bonus", 500_000),
    ]


def test_a_bracketed_conversion_range_is_one_offer() -> None:
    sentence = (
        "Servicemen receive between 500,000 and 1 million rubles ($5,600-11,200) for being injured."
    )
    found = offers(sentence, "en")
    assert [(o.kind, o.amount, o.amount_max, o.usd_stated) for o in found] == [
        ("compensation", 500_000, 1_000_000, 5_600)
    ]


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        (
            "en",
            "Recruits get a one-off payment of 195,000 roubles and a monthly salary of "
            "195,000 roubles.",
        ),
        (
            "ru",
            "Контрактник получает единовременную выплату 195 тыс. рублей и ежемесячно "
            "195 тыс. рублей.",
        ),
    ],
)
def test_the_same_amount_of_two_kinds_stays_two_offers(language: str, sentence: str) -> None:
    assert sorted(o.kind for o in offers(sentence, language)) == ["monthly_pay", "signing_bonus"]


def test_a_recruiting_ad_with_signs_emoji_and_a_header_over_list_lines() -> None:
    ad = (
        "Служба по контракту в ВС РФ!\n"
        "Единовременная выплата при заключении контракта — 2 000 000 ₽! 🔥\n"
        "💰 Денежное довольствие от 210 000 ₽ в месяц\n"
        "Выплаты:\n"
        "• 400 000 руб. из федерального бюджета\n"
        "• 1 600 000 руб. — региональная выплата\n"
        "📞 Звоните: 8-800-000-00-00\n"
    )
    document = Document.from_text(ad, id="ad", language="ru")
    found = [(o.kind, o.amount, o.currency) for o in extract_document(document).offers]
    assert found == [
        ("signing_bonus", 2_000_000, "RUB"),
        ("monthly_pay", 210_000, "RUB"),
        # A list under a header of its own takes no salary from above it, but the kind the
        # ad names most: the federal 400,000 is the one-off on signing.
        ("signing_bonus", 400_000, "RUB"),
        ("signing_bonus", 1_600_000, "RUB"),
    ]


def test_an_english_ad_with_rouble_signs() -> None:
    ad = (
        "Contract service in the Russian army!\n"
        "One-time payment upon signing — 2,000,000 ₽!\n"
        "💰 Pay from 210,000 ₽ a month\n"
    )
    document = Document.from_text(ad, id="ad", language="en")
    found = [(o.kind, o.amount, o.currency) for o in extract_document(document).offers]
    assert found == [("signing_bonus", 2_000_000, "RUB"), ("monthly_pay", 210_000, "RUB")]


def test_the_federal_budget_names_a_payer_and_keeps_the_offer() -> None:
    found = offers(
        "Контрактник получает 400 тыс. рублей единовременно из федерального бюджета.", "ru"
    )
    assert [(o.kind, o.amount) for o in found] == [("signing_bonus", 400_000)]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "The one-time payment from the federal budget is 400,000 rubles. The regional one-time "
            "payment was cut from 3.6 million to 400,000 rubles in Samara.",
        ),
        (
            "ru",
            "Единовременная выплата из федерального бюджета составляет 400 тыс. рублей. "
            "Региональную единовременную выплату в Самарской области снизили с 3,6 млн до "
            "400 тыс. рублей.",
        ),
    ],
)
def test_a_current_level_equal_to_another_payment_stays(language: str, text: str) -> None:
    found = [(o.amount, o.previous) for o in offers(text, language)]
    assert found == [(400_000, False), (3_600_000, True), (400_000, False)]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Earlier, the region raised the one-time payment to 1.5 million rubles."),
        ("ru", "Ранее власти области увеличили единовременную выплату до 1,5 млн рублей."),
        ("ru", "Ранее в августе власти установили единовременную выплату в 100 тыс. рублей."),
    ],
)
def test_an_earlier_event_is_not_a_replaced_level(language: str, text: str) -> None:
    assert [o.previous for o in offers(text, language)] == [False]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "en",
            "The new bonus is 400,000 roubles. It is double the 195,000 one-time payment "
            "promised in 2022.",
            [(400_000, "RUB", False), (195_000, "RUB", False)],
        ),
        (
            "ru",
            "Единовременная выплата составит 3 млн рублей. Зарплата — 240 тысяч.",
            [(3_000_000, "RUB", False), (240_000, "RUB", False)],
        ),
    ],
)
def test_a_bare_amount_takes_the_documents_currency(
    language: str, text: str, expected: list[tuple[float, str, bool]]
) -> None:
    assert [(o.amount, o.currency, o.previous) for o in offers(text, language)] == expected


def test_a_bare_number_that_counts_people_stays_bare() -> None:
    text = "The one-time payment is 400,000 roubles. It drew 15,000 volunteers last year."
    assert [o.amount for o in offers(text, "en")] == [400_000]


def test_a_bare_amount_before_one_with_the_same_magnitude() -> None:
    text = "The region decided to pay a one-off 3.1 million, then cut it to 1.9 million rubles."
    assert [(o.amount, o.currency) for o in offers(text, "en")] == [
        (3_100_000, "RUB"),
        (1_900_000, "RUB"),
    ]


def test_no_death_benefit_in_the_demo_texts_is_a_signing_bonus() -> None:
    """The bundled samples: an amount whose sentence names a death, or a family in a passage
    about deaths, is never shown as a signing bonus."""
    death = ("killed", "died", "death", "погиб", "гибел", "fallen")
    for path in sorted(samples_dir().iterdir()):
        text = path.read_text(encoding="utf-8")
        language = "ru" if path.stem.endswith("-ru") else "kk" if "-kk" in path.stem else "en"
        document = Document.from_text(text, id=path.stem, language=language)
        for offer in extract_document(document).offers:
            sentence = offer.evidence.text.lower()
            if any(word in sentence for word in death):
                assert offer.kind == "compensation", (path.name, offer.evidence.text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "The office explains the payments due to families of soldiers killed at the front.\n"
            "- A one-off federal payment of 5 million rubles, shared by the spouse and children.",
        ),
        (
            "ru",
            "Семьям погибших военнослужащих положены следующие выплаты.\n"
            "- единовременная выплата 5 млн рублей, которую делят супруга, дети и родители.",
        ),
    ],
)
def test_a_one_off_to_the_family_in_a_passage_on_deaths_is_compensation(
    language: str, text: str
) -> None:
    assert [(o.kind, o.amount) for o in offers(text, language)] == [("compensation", 5_000_000)]


def test_fallen_to_is_a_change_not_a_death() -> None:
    text = (
        "The one-time payment is 400,000 roubles. The number of inmates in Russia has fallen "
        "to about 420,000."
    )
    assert [(o.kind, o.amount) for o in offers(text, "en")] == [("signing_bonus", 400_000)]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "Regions keep raising their one-time bonuses for contract soldiers. In Samara,"
            " payments were increased to 1.1 million rubles.",
        ),
        (
            "ru",
            "Регионы повышают единовременные выплаты контрактникам. В Самарской области"
            " выплаты выросли до 1,1 млн рублей.",
        ),
    ],
)
def test_a_payment_of_no_stated_kind_is_the_kind_the_story_names(language: str, text: str) -> None:
    assert ("signing_bonus", 1_100_000, None, "RUB", False) in rows(text, language)


def test_a_payment_with_no_kind_anywhere_is_another_payment() -> None:
    text = "Each volunteer receives a payment of 200,000 roubles from the city."
    assert [row[0] for row in rows(text, "en")] == ["other_payment"]


def test_payment_words_make_a_sentence_speak_of_pay() -> None:
    text = (
        "Regions keep raising their one-time bonuses for contract soldiers. In Penza,"
        " payments have been cut from 900,000 to 500,000 rubles."
    )
    assert rows(text, "en") == [
        ("signing_bonus", 900_000, None, "RUB", True),
        ("signing_bonus", 500_000, None, "RUB", False),
    ]


def test_a_period_word_that_dates_a_level_is_no_period() -> None:
    text = "A year ago, the one-time payment stood at 300,000 roubles."
    assert [row[0] for row in rows(text, "en")] == ["signing_bonus"]


@pytest.mark.parametrize(
    ("language", "text", "amounts"),
    [
        (
            "en",
            "The region decided to pay a one-off 3.1 million to each contract soldier, then"
            " cut it to 1.9 million rubles.",
            [3_100_000, 1_900_000],
        ),
        # Russian "3,1 млн каждому контрактнику" (one dative word on) still reads as a count.
        (
            "ru",
            "Область решила выплатить единовременно 3,1 млн рублей, а затем снизила выплату"
            " до 1,9 млн рублей.",
            [3_100_000, 1_900_000],
        ),
    ],
)
def test_a_bare_amount_paid_to_people_is_money_not_a_count(
    language: str, text: str, amounts: list[float]
) -> None:
    assert [offer.amount for offer in offers(text, language)] == amounts


def test_one_and_a_half_million() -> None:
    text = "The region raised the one-time payment to one and a half million rubles."
    assert [row[1] for row in rows(text, "en")] == [1_500_000]
