"""Russian and Kazakh extraction on sentences written for these tests."""

from __future__ import annotations

import pytest

from recruitwatch.extract import extract_document
from recruitwatch.model import Document, Extraction

ARMY = "Минобороны набирает добровольцев для участия в специальной военной операции. "


def extract(text: str, language: str = "ru") -> Extraction:
    return extract_document(Document.from_text(text, id="t", language=language))


def offers_of(sentence: str) -> list[tuple[str, float, float | None, str]]:
    return [
        (offer.kind, offer.amount, offer.amount_max, offer.currency)
        for offer in extract(ARMY + sentence).offers
    ]


@pytest.mark.parametrize(
    ("sentence", "amount", "currency"),
    [
        (
            "Единовременная выплата при заключении контракта составит 495 000 рублей.",
            495_000,
            "RUB",
        ),
        ("Единовременная выплата составит 495 тыс. руб.", 495_000, "RUB"),
        ("Единовременная выплата составит 1,5 млн рублей.", 1_500_000, "RUB"),
        ("Единовременная выплата составит полмиллиона рублей.", 500_000, "RUB"),
        ("Единовременная выплата составит свыше 2 млн рублей.", 2_000_000, "RUB"),
        ("Единовременная выплата составит 5,2 тыс. долларов.", 5_200, "USD"),
        ("Единовременная выплата составит $5200.", 5_200, "USD"),
        ("Единовременная выплата составит двести тысяч рублей.", 200_000, "RUB"),
        ("Единовременная выплата составит 1 205 000 рублей.", 1_205_000, "RUB"),
        ("Единовременная выплата составит 1\u202f205\u202f000 рублей.", 1_205_000, "RUB"),
        ("Единовременная выплата составит 2 млн 400 тыс. рублей.", 2_400_000, "RUB"),
        ("Единовременная выплата составит 26 тысяч 700 рублей.", 26_700, "RUB"),
        ("Единовременная выплата составит 1 миллион 200 тысяч рублей.", 1_200_000, "RUB"),
        ("Единовременная выплата составит три миллиона рублей.", 3_000_000, "RUB"),
        ("Единовременная выплата составит 300 000 ₽.", 300_000, "RUB"),
        ("Единовременная выплата составит 300 тыс. р.", 300_000, "RUB"),
        ("Единовременная выплата составит 2 млн тенге.", 2_000_000, "KZT"),
        ("Единовременная выплата составит 2 млн ₸.", 2_000_000, "KZT"),
    ],
)
def test_money_forms(sentence: str, amount: float, currency: str) -> None:
    assert offers_of(sentence) == [("signing_bonus", amount, None, currency)]


def test_range_with_shared_magnitude() -> None:
    assert offers_of("Ежемесячное денежное довольствие — от 200 до 500 тыс. рублей.") == [
        ("monthly_pay", 200_000, 500_000, "RUB")
    ]


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Добровольцам обещают подъёмные в размере 300 тысяч рублей.", "signing_bonus"),
        ("Контрактникам платят 210 тысяч рублей в месяц.", "monthly_pay"),
        ("Денежное довольствие составит 210 тысяч рублей.", "monthly_pay"),
        ("Семьям погибших выплатят компенсацию в размере 5 млн рублей.", "compensation"),
    ],
)
def test_kinds_from_russian_cues(sentence: str, kind: str) -> None:
    assert [offer[0] for offer in offers_of(sentence)] == [kind]


def test_federal_and_regional_payments_are_two_offers_with_their_payers() -> None:
    text = ARMY + (
        "Помимо федеральной выплаты в 400 тысяч рублей, добровольцы из Курской области "
        "получат региональную выплату в размере 600 тысяч рублей."
    )
    offers = extract(text).offers
    assert [(o.amount, o.offered_by) for o in offers] == [
        (400_000, "Russian federal government"),
        (600_000, "Kursk"),
    ]


@pytest.mark.parametrize(
    ("sentence", "region"),
    [
        (
            "Власти Сахалинской области выплатят добровольцам 500 тысяч рублей единовременно.",
            "Sakhalin",
        ),
        ("В Татарстане единовременная выплата выросла до 500 тысяч рублей.", "Tatarstan"),
        (
            "Правительство Ханты-Мансийского автономного округа обещает 2 млн рублей разово.",
            "Khanty-Mansi",
        ),
        ("В ХМАО единовременная выплата составляет 2 млн рублей.", "Khanty-Mansi"),
    ],
)
def test_inflected_regions(sentence: str, region: str) -> None:
    assert [o.region for o in extract(ARMY + sentence).offers] == [region]


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        (
            "Гражданам Казахстана предлагают единовременную выплату 495 тысяч рублей.",
            "Kazakh citizens",
        ),
        ("Иностранцам обещают ежемесячно платить от 190 тысяч рублей.", "foreigners"),
        ("Заключённым обещают 100 тысяч рублей в месяц.", "prisoners"),
        ("Узбекам предлагают подъёмные 300 тысяч рублей.", "Uzbek citizens"),
    ],
)
def test_inflected_demonyms(sentence: str, target: str) -> None:
    assert [o.target for o in extract(ARMY + sentence).offers] == [target]


def test_currency_is_carried_through_a_list_introduced_by_a_kind() -> None:
    text = (
        ARMY
        + "Денежное довольствие контрактника:\n184,1 тыс. рублей рядовому;\n"
        + "198,6 тыс. рублей сержанту;\n225,1 тыс. рублей офицеру."
    )
    offers = extract(text).offers
    assert [(o.kind, o.amount) for o in offers] == [
        ("monthly_pay", 184_100),
        ("monthly_pay", 198_600),
        ("monthly_pay", 225_100),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Средняя зарплата в регионе составляет 62 тысячи рублей.",
        "Бюджет программы составил 12 млрд рублей.",
        "Контракт заключается на срок от 1 года, кандидатам от 18 до 50 лет.",
        "Телефон пункта отбора: 8 800 100 20 30.",
    ],
)
def test_numbers_that_are_not_offers(sentence: str) -> None:
    assert extract(ARMY + sentence).offers == []


def test_currency_ticker_in_a_page_header_is_not_an_offer() -> None:
    text = "USD99.02\nEUR104.50\n" + ARMY + "Единовременная выплата составит 400 тысяч рублей."
    assert [(o.amount, o.currency) for o in extract(text).offers] == [(400_000, "RUB")]


@pytest.mark.parametrize(
    ("sentence", "quantity", "unit"),
    [
        ("В рамках мобилизации призовут 300 тыс. резервистов.", 300_000, "people"),
        ("Более пяти тысяч заключённых подписали контракт.", 5_000, "people"),
        (
            "По данным опроса, о нехватке кадров сообщили 42% промышленных предприятий.",
            42,
            "percent",
        ),
    ],
)
def test_russian_figures(sentence: str, quantity: float, unit: str) -> None:
    figures = extract(ARMY + sentence).figures
    assert [(f.quantity, f.unit) for f in figures] == [(quantity, unit)]


def test_homoglyph_inside_a_currency_word_is_read_as_a_person_would() -> None:
    # "pублей" below starts with a Latin p.
    assert offers_of("Единовременная выплата составит 400 тысяч pублей.") == [
        ("signing_bonus", 400_000, None, "RUB")
    ]


def test_mixed_scripts_do_not_crash() -> None:
    text = ARMY + "Bыплата 400 тыcяч рублeй (USD 4,300) — NEW: Мoсква, ХMAO, 2 млн ₽ per month."
    extract(text)


def test_english_sentences_in_a_russian_document_are_read_with_english_grammar() -> None:
    text = (
        ARMY
        + "Единовременная выплата составит 400 тысяч рублей.\n"
        + "The army also offers foreigners a sign-on bonus of $5,000."
    )
    offers = extract(text).offers
    assert sorted((o.amount, o.currency) for o in offers) == [(5_000, "USD"), (400_000, "RUB")]


def test_kazakh_amounts_and_currency() -> None:
    text = (
        "Ресей армиясына келісімшарт бойынша қызметке шақырады. "
        "Біржолғы төлем 2 млн теңге, айлық жалақы 500 мың теңге."
    )
    offers = extract(text, language="kk").offers
    assert [(o.amount, o.currency) for o in offers] == [(2_000_000, "KZT"), (500_000, "KZT")]
