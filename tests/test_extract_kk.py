"""Kazakh extraction on sentences written for these tests: case endings on numbers and
nouns come from the suffixes in lang/kk.yaml, in Cyrillic and in Latin script."""

from __future__ import annotations

import pytest

from recruitwatch.extract import extract_document
from recruitwatch.lang import morphology
from recruitwatch.model import Document, Extraction

ARMY = "Ресей армиясы соғысқа ерікті жинайды. "


def extract(text: str) -> Extraction:
    return extract_document(Document.from_text(text, id="t", language="kk"))


def figures_of(sentence: str) -> list[tuple[float, str]]:
    return [(figure.quantity, figure.unit) for figure in extract(ARMY + sentence).figures]


@pytest.mark.parametrize(
    ("sentence", "quantity"),
    [
        ("Шекарадан күн сайын 9 мыңға жуық адам өтеді.", 9_000),
        ("Былтыр елге 837 мың адам келді.", 837_000),
        ("Өңірде 159 090 адамы тіркелген.", 159_090),
        ("Майданда 2500 сарбаз қаза тапты.", 2_500),
        ("Қалада 12 мыңдай ресейлік тұрады.", 12_000),
        ("Жаралы сарбаздардың жалпы саны 1500-ге жетті.", 1_500),
        ("Қаза тапқан сарбаздардың жалпы саны 30 000-нан 40 000-ға дейін болуы мүмкін.", 30_000),
    ],
)
def test_counts_with_case_endings(sentence: str, quantity: float) -> None:
    assert figures_of(sentence)[:1] == [(quantity, "people")]


def test_a_share_in_percent_words() -> None:
    text = ARMY + "Мобилизация кезінде резервистердің 75 пайызы шақырылды."
    assert [(f.quantity, f.unit) for f in extract(text).figures] == [(75, "percent")]


def test_money_with_case_endings() -> None:
    text = (
        ARMY + "Келісімшарт жасасқандарға біржолғы төлем 2 млн теңге, айлық жалақы 500 мың рубль."
    )
    offers = extract(text).offers
    assert [(o.kind, o.amount, o.currency) for o in offers] == [
        ("signing_bonus", 2_000_000, "KZT"),
        ("monthly_pay", 500_000, "RUB"),
    ]


def test_latin_script_kazakh() -> None:
    text = "Resei armiasy soğysqa erikti jinaidy. Şekaradan 9 myñğa juyq adam ötedi."
    assert [(f.quantity, f.unit) for f in extract(text).figures] == [(9_000, "people")]


def test_numbers_take_only_case_endings() -> None:
    kazakh = morphology("kk")
    assert {"мыңға", "мыңнан", "мыңдай"} <= set(kazakh.number_forms("мың"))
    assert "адамдардың" in kazakh.inflections("адам")
    # "үшін" (for) and "бірге" (together) are words, not "three" and "one".
    assert "үшін" not in kazakh.number_forms("үш")


def test_a_range_whose_lower_bound_takes_the_ablative() -> None:
    text = ARMY + "Келісімшарт жасасқандарға айлық жалақы 300 000-нан 400 000 теңгеге дейін."
    offers = extract(text).offers
    assert [(o.amount, o.amount_max, o.currency) for o in offers] == [(300_000, 400_000, "KZT")]


def test_a_region_named_in_kazakh_with_its_ending_pays() -> None:
    text = ARMY + "Татарстанда келісімшарт жасасқандарға біржолғы төлем 2 млн рубль."
    (offer,) = extract(text).offers
    assert offer.offered_by == "Tatarstan"


LATIN_ARMY = "Resei armiasy soğysqa erikti jinaidy. "


def test_latin_script_money_with_case_endings() -> None:
    text = (
        LATIN_ARMY
        + "Kelisimşart jasasqandarğa birjolğy tölem 2 mln teñge, ailyq jalaqy 500 myñ rubl."
    )
    offers = extract(text).offers
    assert [(o.kind, o.amount, o.currency) for o in offers] == [
        ("signing_bonus", 2_000_000, "KZT"),
        ("monthly_pay", 500_000, "RUB"),
    ]


def test_latin_script_region_and_share() -> None:
    text = LATIN_ARMY + "Tatarstanda kelisimşart jasasqandarğa birjolğy tölem 2 mln rubl."
    (offer,) = extract(text).offers
    assert offer.offered_by == "Tatarstan"
    share = LATIN_ARMY + "Mobilizatsia kezinde rezervisterdiñ 75 paiyzy şaqyryldy."
    assert [(f.quantity, f.unit) for f in extract(share).figures] == [(75, "percent")]


def test_latin_words_come_from_the_cyrillic_ones() -> None:
    from recruitwatch.lang import load_raw, transliterations

    assert {"Qazaqstan"} <= set(transliterations("kk", "Қазақстан"))
    assert "armia*" in load_raw("kk")["military_cues"]  # "ия" is spelled "ia"
    assert load_raw("kk")["magnitudes"]["myñ"] == 1000


@pytest.mark.parametrize(
    "sentence",
    [
        "Майданда 30 мыңнан 40 мыңға дейін сарбаз қаза тапты.",
        "Қаза тапқан сарбаздардың жалпы саны 30 000-нан 40 000-ға дейін болуы мүмкін.",
        "Maidanda 30 myñnan 40 myñğa deiin sarbaz qaza tapty.",
    ],
)
def test_a_count_whose_lower_bound_takes_the_ablative(sentence: str) -> None:
    figures = extract(ARMY + sentence).figures
    assert [(f.quantity, f.quantity_max, f.category) for f in figures] == [
        (30_000, 40_000, "casualties")
    ]


def test_kazakh_typed_in_plain_latin_letters() -> None:
    text = "Resei armiasy jumysshy izdeidi. Kelisimshart jasasqandarga birjolgy tolem 2 mln tenge."
    assert [(o.kind, o.amount, o.currency) for o in extract(text).offers] == [
        ("signing_bonus", 2_000_000, "KZT")
    ]


@pytest.mark.parametrize(
    ("sentence", "keys"),
    [
        (
            "Қазақстан азаматтарына келісімшарт жасасқаны үшін біржолғы төлем 500 мың рубль.",
            ("signing_bonus", "federal", None, "recruit", "foreign", "KZ"),
        ),
        (
            "Қаза тапқан сарбаздың отбасына 5 млн рубль өтемақы төленеді.",
            ("compensation", "federal", None, "family", None, None),
        ),
        (
            "Белгород облысының үкіметі келісімшарт жасасқандарға 1 млн рубль төлейді.",
            ("signing_bonus", "regional", "RU-BEL", "recruit", None, None),
        ),
    ],
)
def test_the_guides_keys_in_kazakh(sentence: str, keys: tuple[object, ...]) -> None:
    offers = extract(ARMY + sentence).offers
    assert [
        (o.kind, o.payer_level, o.payer_region, o.recipient, o.target_origin, o.target_country)
        for o in offers
    ] == [keys]


@pytest.mark.parametrize(
    ("sentence", "category"),
    [
        ("Майданда 2500 сарбаз қаза тапты.", "casualties"),
        ("Мобилизация кезінде 300 мың резервист шақырылды.", "mobilised"),
        ("Былтыр Қазақстанға 100 мың ресейлік қашып келді.", "fled"),
    ],
)
def test_figure_categories_in_kazakh(sentence: str, category: str) -> None:
    assert [f.category for f in extract(ARMY + sentence).figures] == [category]
