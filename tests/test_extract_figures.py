"""Manpower figures in English and Russian on sentences written for these tests: each
construction of the figure grammar, its category, and numbers that are not figures."""

from __future__ import annotations

import pytest

from recruitwatch.extract import extract_document
from recruitwatch.model import Document, Figure

ARMY_EN = "Russia is recruiting soldiers for its war in Ukraine. "
ARMY_RU = "Минобороны набирает добровольцев для участия в специальной военной операции. "


def figures(sentence: str, language: str) -> list[Figure]:
    army = ARMY_EN if language == "en" else ARMY_RU
    document = Document.from_text(army + sentence, id="t", language=language)
    return extract_document(document).figures


def summary(sentence: str, language: str) -> list[tuple[float, float | None, str, str | None]]:
    return [
        (figure.quantity, figure.quantity_max, figure.unit, figure.category)
        for figure in figures(sentence, language)
    ]


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        # the counted noun is not right after the number
        ("en", "Officials admit that 12 have died since the spring.", (12, None, "casualties")),
        ("en", "Another 35 were sent to the front last week.", (35, None, "recruited")),
        ("en", "The number of volunteers rose to 266,000 by June.", (266_000, None, "recruited")),
        ("en", "Our casualties in the campaign have reached 4,500.", (4_500, None, "casualties")),
        ("ru", "По данным ведомства, 64 тысячи покинули страну.", (64_000, None, "fled")),
        ("ru", "Число добровольцев выросло до 266 тысяч.", (266_000, None, "recruited")),
        ("ru", "С начала мобилизации из страны выехало около 780 тысяч.", (780_000, None, "fled")),
        ("ru", "Миграционный отток составил 96 тыс.", (96_000, None, "fled")),
        # demonyms and other nouns as the counted thing
        ("en", "About 400 Kenyans have joined the Russian army.", (400, None, "recruited")),
        ("en", "The navy is short of 16,000 specialists.", (16_000, None, "labour_shortage")),
        ("ru", "Почти 300 казахстанцев оказались на фронте.", (300, None, "recruited")),
        ("ru", "Более 90 тысяч россиян уехали в Грузию.", (90_000, None, "fled")),
        # a year does not block the number after it
        ("en", "In 2023, 5,000 prisoners were pardoned.", (5_000, None, "prisoners")),
        (
            "ru",
            "В 2023 году 300 тысяч добровольцев подписали контракт.",
            (300_000, None, "recruited"),
        ),
        # ranges keep both bounds
        (
            "en",
            "Between 14,000 and 15,000 Nepalis are fighting for Russia.",
            (14_000, 15_000, "recruited"),
        ),
        ("en", "Analysts say 7-10 million people fled the country.", (7e6, 1e7, "fled")),
        ("ru", "Из страны уехали от 600 до 700 тыс. человек.", (600_000, 700_000, "fled")),
        (
            "ru",
            "Каждый месяц в армию приходят по 50-60 тыс. человек.",
            (50_000, 60_000, "recruited"),
        ),
        # glued magnitudes
        (
            "en",
            "The ministry forecasts a shortage of 2.4mn workers by 2030.",
            (2_400_000, None, "labour_shortage"),
        ),
        ("en", "Some 4.5million reservists could be called up.", (4_500_000, None, "mobilised")),
        ("ru", "Призвать могут 1,2млн резервистов.", (1_200_000, None, "mobilised")),
    ],
)
def test_figure_constructions(
    language: str, sentence: str, expected: tuple[float, float | None, str]
) -> None:
    quantity, maximum, category = expected
    assert summary(sentence, language) == [(quantity, maximum, "people", category)]


@pytest.mark.parametrize(
    ("language", "sentence", "expected"),
    [
        ("en", "Analysts estimate their number at 50,000.", 50_000),
        ("en", "The army wants to boost its personnel to 1.5 million.", 1_500_000),
        ("ru", "По данным ФСИН, их было уже 433 тысячи.", 433_000),
        ("en", "The country's prison population fell to 266,000.", 266_000),
        ("ru", "Население области — около 830 тысяч.", 830_000),
    ],
)
def test_a_count_word_before_a_plain_link(language: str, sentence: str, expected: float) -> None:
    assert [figure.quantity for figure in figures(sentence, language)] == [expected]


def test_a_figure_without_a_cue_takes_the_category_of_the_one_before() -> None:
    text = "Wagner recruited 40,000 prisoners. Rights groups estimate their number at 50,000."
    assert [figure.category for figure in figures(text, "en")] == ["prisoners", "prisoners"]


def test_a_bracketed_count_in_a_shortage_sentence() -> None:
    found = summary(
        "Employers report a shortage of staff in retail (120,000) and in transport.", "en"
    )
    assert found == [(120_000, None, "people", "labour_shortage")]


@pytest.mark.parametrize(
    ("language", "sentence", "category"),
    [
        ("en", "The Pentagon says 120,000 Russian soldiers were killed or wounded.", "casualties"),
        ("en", "Wagner recruited 40,000 prisoners from the colonies.", "prisoners"),
        ("en", "Some 300,000 reservists were called up in September.", "mobilised"),
        ("en", "Kazakhstan has a population of 19 million.", "population"),
        (
            "en",
            "A survey found 38% of factories reported a shortage of workers.",
            "labour_shortage",
        ),
        ("ru", "По оценке разведки, погибли 20 тысяч военнослужащих.", "casualties"),
        ("ru", "Более 5 тысяч заключённых были помилованы.", "prisoners"),
        ("ru", "В рамках мобилизации призовут 300 тыс. резервистов.", "mobilised"),
        ("ru", "О нехватке кадров сообщили 42% предприятий.", "labour_shortage"),
    ],
)
def test_figure_category(language: str, sentence: str, category: str) -> None:
    assert [figure.category for figure in figures(sentence, language)] == [category]


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "Recruits must be aged 18 to 24 and pass a medical."),
        ("en", "He was sentenced to 12 years in a penal colony."),
        ("en", "The poll of 1,600 respondents was held in May."),
        ("en", "Recruitment centres opened in 40 regions."),
        ("en", "Police detained 300 people at the protest."),
        ("en", "The offensive began on September 21, the ministry said."),
        ("en", "Many Cubans live in Russia because it is one of the few countries without visas."),
        ("en", "One soldier told us he was promised a bonus."),
        ("ru", "Ему дали 12 лет колонии строгого режима."),
        ("ru", "Пункты отбора открыты в 40 регионах."),
        ("ru", "Заявления принимают с 21 сентября по 30 ноября."),
        ("ru", "Опрошены 1600 респондентов в 20 городах."),
    ],
)
def test_numbers_that_are_not_figures(language: str, sentence: str) -> None:
    assert figures(sentence, language) == []


def test_percent_outside_a_military_story_needs_a_shortage() -> None:
    text = "Prices of new flats in cities with over 300,000 people rose by 32% in a year."
    document = Document.from_text(text, id="t", language="en")
    assert extract_document(document).figures == []
    text = "A survey found 38% of factories reported a shortage of workers."
    document = Document.from_text(text, id="t", language="en")
    assert [figure.quantity for figure in extract_document(document).figures] == [38]


def test_subject_and_source() -> None:
    (figure,) = figures("According to the BBC, 92 men from Tuva have been killed.", "en")
    assert (figure.subject, figure.source, figure.category) == (
        "men from Tuva",
        "BBC",
        "casualties",
    )


@pytest.mark.parametrize(
    ("language", "sentence", "subject"),
    [
        (
            "en",
            "About 200 Nepalis are fighting in the Russian army.",
            "Nepalis are fighting in the Russian army",
        ),
        ("en", "Officials admit that 12 have died since the spring.", "have died"),
        (
            "ru",
            "Более 90 тысяч россиян, уехавших в Грузию, вернулись.",
            "россиян, уехавших в Грузию",
        ),
    ],
)
def test_subject_is_what_is_counted_as_written(language: str, sentence: str, subject: str) -> None:
    assert [figure.subject for figure in figures(sentence, language)] == [subject]


@pytest.mark.parametrize(
    ("language", "text", "source"),
    [
        ("en", "Between 14,000 and 15,000 Nepalis are fighting, said Anita Rai.", "Anita Rai"),
        ("ru", "В страну въехали 98 тысяч россиян, сказал Марат Исаев.", "Марат Исаев"),
        ("ru", "Об этом заявило МВД. С начала года выехали 64 тысячи.", "МВД"),
        (
            "en",
            "Russia's labour ministry forecasts a shortage of 2.4mn workers.",
            "Russia's labour ministry",
        ),
    ],
)
def test_source_after_its_verb_or_in_the_sentence_before(
    language: str, text: str, source: str
) -> None:
    assert [figure.source for figure in figures(text, language)] == [source]


def test_glued_magnitude_is_money_too() -> None:
    document = Document.from_text(
        "Nepali men join the Russian army. Each was promised a one-time bonus of Rs4.5million.",
        id="t",
        language="en",
    )
    offers = extract_document(document).offers
    assert [(offer.amount, offer.currency) for offer in offers] == [(4_500_000, "NPR")]
