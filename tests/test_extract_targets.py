"""Whom offers are for (target_origin, target_country) and who receives them (recipient), on
sentences written for these tests, in English and Russian."""

from __future__ import annotations

import pytest

from recruitwatch.extract import extract_document
from recruitwatch.model import Document, Offer

EN_ARMY = "The Russian army is recruiting soldiers for the war. "
RU_ARMY = "Минобороны набирает добровольцев для участия в специальной военной операции. "


def offers(text: str, language: str) -> list[Offer]:
    return extract_document(Document.from_text(text, id="t", language=language)).offers


def only(text: str, language: str) -> Offer:
    found = offers(text, language)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("language", "sentence", "origin", "country"),
    [
        ("en", "Uzbek migrants are offered a signing bonus of 300,000 rubles.", "foreign", "UZ"),
        (
            "en",
            "Citizens of Kyrgyzstan who sign up get a one-off payment of 250,000 rubles.",
            "foreign",
            "KG",
        ),
        (
            "en",
            "Foreigners who enlist receive a one-time bonus of 200,000 rubles.",
            "foreign",
            None,
        ),
        (
            "en",
            "Armenians and Belarusians are promised a signing bonus of 150,000 rubles.",
            "foreign",
            None,  # two citizenships: no one country
        ),
        (
            "en",
            "All Russians who sign a contract receive a one-time payment of 400,000 rubles.",
            "local",
            None,
        ),
        ("en", "Residents who enlist will get a signing bonus of 700,000 rubles.", "local", None),
        (
            "en",
            "Volunteers from other regions will get a signing bonus of 600,000 rubles.",
            "other_region",
            None,
        ),
        ("en", "Anyone who signs up gets a one-time bonus of 100,000 rubles.", "any", None),
        ("en", "A signing bonus of 100,000 rubles is paid on enlistment.", None, None),
        (
            "ru",
            "Гражданам Таджикистана обещают единовременную выплату 300 тысяч рублей.",
            "foreign",
            "TJ",
        ),
        ("ru", "Кубинцам обещают единовременную выплату 200 тысяч рублей.", "foreign", "CU"),
        ("ru", "Иностранцам положена единовременная выплата 250 тысяч рублей.", "foreign", None),
        (
            "ru",
            "Лица без гражданства получат единовременную выплату 400 тысяч рублей.",
            "foreign",
            None,
        ),
        ("ru", "Жители области получат единовременную выплату 500 тысяч рублей.", "local", None),
        (
            "ru",
            "Добровольцы из других регионов получат единовременную выплату 300 тысяч рублей.",
            "other_region",
            None,
        ),
        (
            "ru",
            "Каждый подписавший контракт получит единовременную выплату 300 тысяч рублей.",
            "any",
            None,
        ),
        ("ru", "Единовременная выплата составит 300 тысяч рублей.", None, None),
    ],
)
def test_target_origin_and_country(
    language: str, sentence: str, origin: str | None, country: str | None
) -> None:
    army = EN_ARMY if language == "en" else RU_ARMY
    offer = only(army + sentence, language)
    assert (offer.target_origin, offer.target_country) == (origin, country)


def test_a_group_named_in_the_sentence_before_carries_over() -> None:
    text = EN_ARMY + "Kazakh citizens are invited to serve. The signing bonus is 495,000 rubles."
    offer = only(text, "en")
    assert (offer.target_origin, offer.target_country) == ("foreign", "KZ")


def test_a_story_about_one_foreign_group_gives_its_offers_that_group() -> None:
    text = (
        "Recruiters target Nepali men for the Russian army. Nepali families say their sons were "
        "lured abroad. The recruits were promised a monthly salary of 200,000 rubles."
    )
    offer = only(text, "en")
    assert (offer.target_origin, offer.target_country) == ("foreign", "NP")


def test_the_paying_states_own_citizens_are_local() -> None:
    text = (
        "Ukraine's army is recruiting young volunteers. Ukrainian citizens under 25 who sign a "
        "one-year contract receive a one-time payment of UAH 1 million."
    )
    offer = only(text, "en")
    assert (offer.target_origin, offer.target_country) == ("local", None)


@pytest.mark.parametrize(
    ("language", "sentence", "recipient"),
    [
        (
            "en",
            "The families of soldiers killed in action receive compensation of 5 million rubles.",
            "family",
        ),
        ("en", "Compensation of 3 million rubles is paid in case of death.", "family"),
        ("en", "Soldiers wounded in action receive compensation of 3 million rubles.", "recruit"),
        (
            "en",
            "Anyone who brings a friend to the recruiting office gets a bonus of 50,000 rubles.",
            "recruiter",
        ),
        ("en", "Recruits get a signing bonus of 400,000 rubles.", "recruit"),
        # A salary goes to the one who serves, even with his family named.
        ("en", "His family says he was promised a salary of 200,000 rubles a month.", "recruit"),
        ("ru", "Семьи погибших получат компенсацию 5 млн рублей.", "family"),
        ("ru", "Раненым выплатят компенсацию 3 млн рублей.", "recruit"),
        (
            "ru",
            "За каждого приведённого добровольца обещают выплату 100 тысяч рублей.",
            "recruiter",
        ),
        ("ru", "Единовременная выплата при заключении контракта — 400 тысяч рублей.", "recruit"),
    ],
)
def test_recipient(language: str, sentence: str, recipient: str) -> None:
    army = EN_ARMY if language == "en" else RU_ARMY
    assert only(army + sentence, language).recipient == recipient


def test_two_payouts_in_one_sentence_each_take_their_own_recipient() -> None:
    text = EN_ARMY + (
        "A decree sets compensation of 5 million rubles for the families of soldiers killed, "
        "and 3 million rubles for those injured."
    )
    assert [(o.amount, o.recipient) for o in offers(text, "en")] == [
        (5_000_000, "family"),
        (3_000_000, "recruit"),
    ]


def test_one_payout_for_injury_or_death_goes_to_the_serviceman() -> None:
    text = (
        EN_ARMY + "All servicemen get insurance in case of injury or death, up to 3 million rubles."
    )
    assert only(text, "en").recipient == "recruit"


def test_hryvnias_for_volunteers_are_for_ukraines_own_citizens() -> None:
    text = "Ukraine's army pays volunteers a one-time bonus of UAH 200,000 on signing a contract."
    offer = only(text, "en")
    assert (offer.target_origin, offer.target_country) == ("local", None)


def test_a_referral_named_in_the_sentence_before_carries_over() -> None:
    text = RU_ARMY + (
        "Власти предлагают жителям привести друга в военкомат. "
        "За каждого обещают премию 100 тыс. рублей."
    )
    offer = only(text, "ru")
    assert (offer.kind, offer.recipient) == ("other_payment", "recruiter")


@pytest.mark.parametrize(
    ("language", "text", "target"),
    [
        (
            "en",
            "Nepali men are recruited for the war. Their families receive compensation of "
            "5 million rubles if they are killed.",
            "families of Nepali recruits",
        ),
        (
            "en",
            EN_ARMY + "Compensation of 3 million rubles is paid to the family in case of death.",
            "families",
        ),
        ("ru", RU_ARMY + "Семьи погибших получат компенсацию 5 млн рублей.", "families"),
        (
            "en",
            EN_ARMY + "Anyone who brings a friend to the recruiting office gets 50,000 rubles.",
            "those who bring in recruits",
        ),
        (
            "ru",
            RU_ARMY + "Для тех, кто подпишет контракт, единовременная выплата — 400 тысяч рублей.",
            "those signing a contract",
        ),
    ],
)
def test_free_text_target(language: str, text: str, target: str) -> None:
    assert only(text, language).target == target


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            EN_ARMY + "Local residents who sign up will receive a one-off bonus of 500,000 rubles."
            " For a light injury, 300,000 rubles are paid.",
        ),
        (
            "ru",
            RU_ARMY + "Местные жители, подписавшие контракт, получат единовременно 500 тысяч"
            " рублей. За ранение выплатят ещё 300 тысяч рублей.",
        ),
    ],
)
def test_the_group_of_the_offer_just_before_goes_on(language: str, text: str) -> None:
    assert [offer.target_origin for offer in offers(text, language)] == ["local", "local"]


def test_a_group_the_document_names_once_beats_the_default_target() -> None:
    text = (
        "Regions cut the one-off bonuses of contract soldiers this spring. Officials said"
        " nothing of it. In Samara, the one-off bonus fell to 800,000 rubles."
    )
    assert only(EN_ARMY + text, "en").target == "contract soldiers"
