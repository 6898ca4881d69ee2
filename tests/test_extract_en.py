"""English extraction on sentences written for these tests: the grammar, not a sentence list."""

from __future__ import annotations

import pytest

from recruitwatch.extract import extract_document
from recruitwatch.model import Document, Extraction

ARMY = "Russia is recruiting soldiers for its war in Ukraine. "


def extract(text: str) -> Extraction:
    return extract_document(Document.from_text(text, id="t"))


def only_offer(text: str) -> tuple[str, float, float | None, str, float | None]:
    offers = extract(ARMY + text).offers
    assert len(offers) == 1, offers
    offer = offers[0]
    return offer.kind, offer.amount, offer.amount_max, offer.currency, offer.usd_stated


@pytest.mark.parametrize(
    ("sentence", "amount", "currency"),
    [
        ("Recruits get a sign-on bonus of 495,000 rubles.", 495_000, "RUB"),
        ("Recruits get a sign-on bonus of 495 000 roubles.", 495_000, "RUB"),
        ("Recruits get a sign-on bonus of RUB 495,000.", 495_000, "RUB"),
        ("Recruits get a sign-on bonus of 495k rubles.", 495_000, "RUB"),
        ("Recruits get a sign-on bonus of 5.2 million roubles.", 5_200_000, "RUB"),
        ("Recruits get a sign-on bonus of $5,200.", 5_200, "USD"),
        ("Recruits get a sign-on bonus of US$5,200.", 5_200, "USD"),
        ("Recruits get a sign-on bonus of 5,200 dollars.", 5_200, "USD"),
        ("Recruits get a sign-on bonus of half a million rubles.", 500_000, "RUB"),
        ("Recruits get a sign-on bonus of 1.5m rubles.", 1_500_000, "RUB"),
        ("Recruits get a sign-on bonus of KZT 2.4 million.", 2_400_000, "KZT"),
        ("Recruits get a sign-on bonus of €3,000.", 3_000, "EUR"),
        ("Recruits get a sign-on bonus of two million rubles.", 2_000_000, "RUB"),
        ("Recruits get a sign-on bonus of 3 million tenge.", 3_000_000, "KZT"),
    ],
)
def test_money_forms(sentence: str, amount: float, currency: str) -> None:
    kind, got_amount, _, got_currency, _ = only_offer(sentence)
    assert (kind, got_amount, got_currency) == ("signing_bonus", amount, currency)


@pytest.mark.parametrize(
    "sentence",
    [
        "Volunteers are promised a one-off payment from 200,000 to 500,000 rubles.",
        "Volunteers are promised a one-off payment of 200,000-500,000 rubles.",
        "Volunteers are promised a one-off payment of between 200,000 and 500,000 rubles.",
    ],
)
def test_ranges(sentence: str) -> None:
    assert only_offer(sentence)[:4] == ("signing_bonus", 200_000, 500_000, "RUB")


def test_range_borrows_the_magnitude_of_its_upper_end() -> None:
    assert only_offer("Contract soldiers earn from 1 to 1.5 million rubles a year.")[1:3] == (
        1_000_000,
        1_500_000,
    )


@pytest.mark.parametrize(
    ("sentence", "usd"),
    [
        ("The army offers a signing bonus of 400,000 rubles ($4,300) to volunteers.", 4_300),
        ("The army offers a signing bonus of 400,000 rubles (about $4,300) to volunteers.", 4_300),
        (
            "The army offers a signing bonus of 400,000 rubles, or about $4,300, to volunteers.",
            4_300,
        ),
        ("The army offers a 400,000-ruble ($4,300) signing bonus to volunteers.", 4_300),
        ("The army offers a signing bonus of 400,000 ($4,300) rubles to volunteers.", 4_300),
    ],
)
def test_stated_conversion_is_part_of_the_same_offer(sentence: str, usd: float) -> None:
    assert only_offer(sentence) == ("signing_bonus", 400_000, None, "RUB", usd)


def test_conversion_into_other_currency_is_not_usd_stated_nor_an_offer() -> None:
    assert only_offer("Each recruit got a signing bonus of 300,000 roubles (£2,900).") == (
        "signing_bonus",
        300_000,
        None,
        "RUB",
        None,
    )


def test_amount_in_dollars_is_its_own_usd_stated() -> None:
    assert only_offer("The army pays a monthly salary of $2,100 to foreign fighters.")[3:] == (
        "USD",
        2_100,
    )


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Recruits receive a lump-sum payment of 300,000 rubles.", "signing_bonus"),
        ("Recruits receive an enlistment bonus of 300,000 rubles.", "signing_bonus"),
        ("Recruits receive 300,000 rubles a month.", "monthly_pay"),
        ("Recruits receive 300,000 rubles per month at the front.", "monthly_pay"),
        ("Recruits receive a monthly salary of 300,000 rubles.", "monthly_pay"),
        ("Families of soldiers killed in action receive 300,000 rubles.", "compensation"),
        ("The wounded are promised compensation of 300,000 rubles.", "compensation"),
        ("Recruits can expect 3 million rubles in the first year of service.", "other_payment"),
        ("Soldiers who bring a friend get a referral bonus of 30,000 rubles.", "other_payment"),
    ],
)
def test_kind_from_the_words_around_the_amount(sentence: str, kind: str) -> None:
    assert only_offer(sentence)[0] == kind


def test_cue_after_the_amount_sets_the_kind() -> None:
    assert only_offer("Officials promised volunteers a 250,000-ruble one-off bonus.")[0] == (
        "signing_bonus"
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "The average monthly wage in the region is 62,000 rubles.",
        "The regional defence budget rose to 12 billion rubles.",
        "Agents charge recruits fees of up to $3,000 to reach the front.",
        "A loaf of bread costs 60 rubles in the garrison town.",
        "The fine for evading the draft is 30,000 rubles.",
    ],
)
def test_money_that_is_not_offered_to_recruits(sentence: str) -> None:
    assert extract(ARMY + sentence).offers == []


def test_civilian_document_gives_no_offers() -> None:
    text = "A supermarket chain offers a $500 signing bonus to new cashiers amid a labour shortage."
    assert extract(text).offers == []


def test_headline_restating_the_offer_in_dollars_is_one_record() -> None:
    text = (
        "Army offers $4,300 sign-on bonus to foreign recruits\n\n"
        "The army is offering foreigners a sign-on bonus of 400,000 rubles ($4,300) "
        "to join the war in Ukraine."
    )
    offers = extract(text).offers
    assert [(o.amount, o.currency, o.usd_stated) for o in offers] == [(400_000, "RUB", 4_300)]


def test_same_amount_from_two_payers_is_two_offers() -> None:
    text = (
        ARMY + "Every volunteer gets 400,000 rubles from the federal budget, "
        "and another 400,000 rubles in Tatarstan."
    )
    offers = extract(text).offers
    assert [(o.amount, o.offered_by) for o in offers] == [
        (400_000, "Russian federal government"),
        (400_000, "Tatarstan"),
    ]


def test_previous_level_takes_the_currency_of_the_new_one() -> None:
    text = ARMY + "The Kursk region raised its sign-up bonus to 1.2 million rubles from 600,000."
    offers = extract(text).offers
    assert [(o.amount, o.currency, o.offered_by) for o in offers] == [
        (1_200_000, "RUB", "Kursk"),
        (600_000, "RUB", "Kursk"),
    ]


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        ("The army offers Uzbek citizens a signing bonus of 300,000 rubles.", "Uzbek citizens"),
        ("The army offers foreigners a signing bonus of 300,000 rubles.", "foreigners"),
        ("Convicts who enlist are promised a signing bonus of 300,000 rubles.", "prisoners"),
        ("Labour migrants are offered a signing bonus of 300,000 rubles.", "migrants"),
    ],
)
def test_target(sentence: str, target: str) -> None:
    offers = extract(ARMY + sentence).offers
    assert [o.target for o in offers] == [target]


@pytest.mark.parametrize(
    ("sentence", "payer", "region"),
    [
        (
            "Putin ordered a one-off payment of 300,000 rubles for recruits.",
            "Russian federal government",
            "Russia",
        ),
        (
            "Recruits get a bonus of 300,000 rubles from the Bashkortostan government.",
            "Bashkortostan",
            "Bashkortostan",
        ),
        ("In Khabarovsk, the sign-up bonus is 300,000 rubles.", "Khabarovsk", "Khabarovsk"),
        ("Wagner promised convicts a payment of 300,000 rubles.", "Wagner Group", "Russia"),
    ],
)
def test_payer_and_region(sentence: str, payer: str, region: str) -> None:
    offers = extract(ARMY + sentence).offers
    assert [(o.offered_by, o.region) for o in offers] == [(payer, region)]


def test_capital_as_subject_stands_for_the_state_not_the_city() -> None:
    offers = extract(
        ARMY + "Moscow is offering Kazakh citizens a signing bonus of 300,000 rubles."
    ).offers
    assert [o.offered_by for o in offers] == ["Russian military"]


def test_ambiguous_rupee_symbol_is_resolved_by_the_document() -> None:
    text = ARMY + "Nepali recruits are offered a monthly salary of Rs 80,000 during training."
    assert only_offer(text.removeprefix(ARMY))[3] == "NPR"


@pytest.mark.parametrize(
    ("sentence", "quantity", "unit"),
    [
        ("The ministry said 150,000 reservists would be called up.", 150_000, "people"),
        ("Officials say 12,345 Russian convicts have signed contracts.", 12_345, "people"),
        ("About 2.5 million men have been mobilised, the report said.", 2_500_000, "people"),
        ("Kyiv believes 40,000 soldiers were killed in the offensive.", 40_000, "people"),
        ("Nearly a million prisoners were released to fight.", 1_000_000, "people"),
        ("Twelve Cubans have died fighting in Ukraine.", 12, "people"),
        ("A survey found 38% of factories reported a shortage of workers.", 38, "percent"),
    ],
)
def test_figures(sentence: str, quantity: float, unit: str) -> None:
    figures = extract(ARMY + sentence).figures
    assert [(f.quantity, f.unit) for f in figures] == [(quantity, unit)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Police said 300 people were detained at anti-war protests.",
        "Applicants must be aged 18 to 50 and serve for two years.",
        "The recruiting office opened in 2023 on Lenin Street.",
        "Interest rates rose to 16% in the autumn.",
        "Ten of 89 regions now pay more than the federal government.",
    ],
)
def test_numbers_that_are_not_figures(sentence: str) -> None:
    assert extract(ARMY + sentence).figures == []


def test_figure_attribution() -> None:
    text = (
        ARMY + "According to a survey by the Levada Center, 12% of men plan to flee mobilisation."
    )
    figures = extract(text).figures
    assert [(f.quantity, f.source) for f in figures] == [(12, "Levada Center")]


def test_figure_attributed_by_a_verb() -> None:
    figures = extract(ARMY + "The Pentagon estimated that 90,000 troops were wounded.").figures
    assert [(f.quantity, f.source) for f in figures] == [(90_000, "Pentagon")]


def test_population_figure() -> None:
    figures = extract(ARMY + "Tuva has a population of 330,000, and recruiters target it.").figures
    assert [(f.quantity, f.subject) for f in figures] == [(330_000, "population")]


def test_language_without_vocabulary_gives_nothing() -> None:
    document = Document.from_text(ARMY + "Recruits get a bonus of 300,000 rubles.", language="xx")
    assert extract_document(document).offers == []


def test_empty_document_gives_empty_lists() -> None:
    extraction = extract("   ")
    assert extraction.offers == [] and extraction.figures == []


def test_bare_amount_with_magnitude_takes_the_currency_before_it() -> None:
    text = ARMY + "Samara pays volunteers a one-time bonus of 800k rubles, while Penza pays 300k."
    offers = extract(text).offers
    assert [(o.amount, o.currency, o.offered_by) for o in offers] == [
        (800_000, "RUB", "Samara"),
        (300_000, "RUB", "Penza"),
    ]


def test_bare_count_of_people_is_not_carried_money() -> None:
    text = ARMY + "The bonus is 2 million rubles for 5 million eligible men."
    assert [o.amount for o in extract(text).offers] == [2_000_000]


def test_target_named_in_the_sentence_before() -> None:
    text = (
        "Recruiters invite Kazakh citizens to serve in the Russian army. "
        "The one-off payment is 495,000 rubles."
    )
    assert [o.target for o in extract(text).offers] == ["Kazakh citizens"]


def test_conversion_after_the_period_of_pay() -> None:
    assert only_offer("Foreign fighters are promised 200,000 rubles a month, roughly $2,200.") == (
        "monthly_pay",
        200_000,
        None,
        "RUB",
        2_200,
    )


def test_period_after_the_amount_outranks_a_joining_cue_before_it() -> None:
    kind = only_offer(
        "Soldiers who sign contracts earn about 210,000 roubles (about $2,100) a month."
    )
    assert kind[0] == "monthly_pay"


def test_a_further_count_after_a_joiner_counts_the_same_people() -> None:
    text = (
        ARMY + "Each year it signs up 400,000 contract soldiers and another 30,000 for new units."
    )
    assert [(f.quantity, f.category) for f in extract(text).figures] == [
        (400_000, "recruited"),
        (30_000, "recruited"),
    ]
