"""Ukrainian extraction on sentences written for these tests."""

from __future__ import annotations

import pytest

from recruitwatch.extract import extract_document
from recruitwatch.lang import morphology
from recruitwatch.model import Document, Extraction

ARMY = "Міноборони РФ набирає добровольців для участі у війні проти України. "


def extract(text: str) -> Extraction:
    return extract_document(Document.from_text(text, id="t", language="uk"))


def offers_of(sentence: str) -> list[tuple[str, float, float | None, str]]:
    return [
        (offer.kind, offer.amount, offer.amount_max, offer.currency)
        for offer in extract(ARMY + sentence).offers
    ]


def figures_of(sentence: str) -> list[tuple[float, float | None, str]]:
    return [
        (figure.quantity, figure.quantity_max, figure.unit)
        for figure in extract(ARMY + sentence).figures
    ]


@pytest.mark.parametrize(
    ("sentence", "amount", "currency"),
    [
        ("Одноразова виплата при підписанні контракту становить 1 млн грн.", 1e6, "UAH"),
        ("Одноразова виплата становить 92,8 тисячі гривень.", 92_800, "UAH"),
        ("Одноразова виплата становить 300 тис. гривень.", 300_000, "UAH"),
        ("Одноразова виплата становить 400 тис. руб.", 400_000, "RUB"),
        ("Одноразова виплата становить двісті тисяч рублів.", 200_000, "RUB"),
        ("Одноразова виплата становить близько чотирьох тисяч доларів.", 4_000, "USD"),
        ("Одноразова виплата становить понад 2 млн рублів.", 2_000_000, "RUB"),
        ("Одноразова виплата становить 5 тис. доларів США.", 5_000, "USD"),
        ("Одноразова виплата становить 250 000 ₽.", 250_000, "RUB"),
    ],
)
def test_money_forms(sentence: str, amount: float, currency: str) -> None:
    assert offers_of(sentence) == [("signing_bonus", amount, None, currency)]


def test_monthly_pay_in_hryvnias() -> None:
    assert offers_of("Грошове забезпечення контрактника — 120 тисяч гривень на місяць.") == [
        ("monthly_pay", 120_000, None, "UAH")
    ]


def test_a_cut_from_one_level_to_another_is_two_amounts() -> None:
    sentence = "У Пензенській області регіональну виплату знизили з 3,6 млн руб. до 400 тис. руб."
    assert offers_of(sentence) == [
        ("signing_bonus", 3_600_000, None, "RUB"),
        ("signing_bonus", 400_000, None, "RUB"),
    ]


def test_a_cut_takes_the_currency_given_earlier_in_the_sentence() -> None:
    sentence = (
        "Регіональні виплати за підписання контракту зменшилися: у Пермському краї з 2 млн"
        " до 1 млн рублів, у Тульській області з 3,1 до 1,9 млн."
    )
    assert [amount for _, amount, _, _ in offers_of(sentence)] == [
        2_000_000,
        1_000_000,
        3_100_000,
        1_900_000,
    ]
    assert {currency for *_, currency in offers_of(sentence)} == {"RUB"}


def test_a_rise_is_a_range_no_longer() -> None:
    assert offers_of("Щомісячна виплата становить від 200 до 250 тис. рублів.") == [
        ("monthly_pay", 200_000, 250_000, "RUB")
    ]


@pytest.mark.parametrize(
    ("sentence", "quantity"),
    [
        ("За рік армія набрала понад 700 тисяч військових.", 700_000),
        ("Минулого тижня на фронті загинули 12 військовослужбовців.", 12),
        ("Штаб мобілізував 300 тисяч резервістів.", 300_000),
        ("На кордоні стояли близько чотирьох тисяч росіян.", 4_000),
        ("До війська призвали 11 тис. чоловік.", 11_000),
    ],
)
def test_figures(sentence: str, quantity: float) -> None:
    assert figures_of(sentence) == [(quantity, None, "people")]


def test_regions_in_ukrainian_spelling_and_case() -> None:
    text = ARMY + "Губернатор Бєлгородської області обіцяє одноразову виплату 1 млн рублів."
    (offer,) = extract(text).offers
    assert offer.offered_by == "Belgorod"


def test_ukrainian_word_forms_come_from_the_ukrainian_dictionary() -> None:
    forms = morphology("uk").inflections("військовослужбовець")
    assert "військовослужбовців" in forms
    assert "військовослужбовцям" in forms
    assert not any(form.endswith("цей") for form in forms)


def test_feminine_singular_forms_agree() -> None:
    forms = morphology("uk").inflections("регіональна виплата")
    assert {"регіональну виплату", "регіональної виплати", "регіональній виплаті"} <= set(forms)


def test_a_share_in_percent_words() -> None:
    text = ARMY + "Під час мобілізації 15 відсотків резервістів не з'явилися."
    assert [(f.quantity, f.unit) for f in extract(text).figures] == [(15, "percent")]


def test_a_further_count_after_a_joiner_counts_the_same_people() -> None:
    sentence = "За рік армія набирає 400 тисяч військових на контракт і ще 25 тисяч у загони."
    assert [(f.quantity, f.category) for f in extract(ARMY + sentence).figures] == [
        (400_000, "recruited"),
        (25_000, "recruited"),
    ]


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        ("За оцінками, на фронті воює 3000 кубинців.", "recruited"),
        ("Минулого тижня понад 200 000 росіян бігли до Казахстану.", "fled"),
        ("Від початку війни загинули 5 937 російських військових.", "casualties"),
        ("У госпіталях перебувають 700 поранених.", "casualties"),
        ("У таборі тримають 120 військовополонених.", "casualties"),
    ],
)
def test_figure_categories_from_ukrainian_verbs(sentence: str, category: str) -> None:
    assert [f.category for f in extract(ARMY + sentence).figures] == [category]


def _keys(sentence: str) -> list[tuple[object, ...]]:
    return [
        (o.kind, o.payer_level, o.payer_region, o.recipient, o.target_origin, o.target_country)
        for o in extract(ARMY + sentence).offers
    ]


@pytest.mark.parametrize(
    ("sentence", "keys"),
    [
        (
            "Уряд Бєлгородської області виплачує місцевим жителям, які підписали контракт,"
            " 1 млн рублів.",
            ("signing_bonus", "regional", "RU-BEL", "recruit", "local", None),
        ),
        (
            "Громадянам Казахстану, які підпишуть контракт, обіцяють одноразову виплату"
            " 500 тисяч рублів.",
            ("signing_bonus", "federal", None, "recruit", "foreign", "KZ"),
        ),
        (
            "Сім'ям загиблих військових виплачують компенсацію 5 млн рублів.",
            ("compensation", "federal", None, "family", None, None),
        ),
        (
            "За кожного приведеного добровольця вербувальнику платять 50 тисяч рублів.",
            ("other_payment", "federal", None, "recruiter", None, None),
        ),
        (
            "ПВК Вагнер платила 240 тисяч рублів на місяць.",
            ("monthly_pay", "pmc", None, "recruit", None, None),
        ),
    ],
)
def test_the_guides_keys_in_ukrainian(sentence: str, keys: tuple[object, ...]) -> None:
    assert _keys(sentence) == [keys]
