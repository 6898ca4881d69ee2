"""Rewrite detection: paraphrases are one story, independent reports of the same facts are not,
and a copy crediting an absent outlet counts as that outlet."""

from __future__ import annotations

from datetime import date

from recruitwatch.link import find_clusters, link_documents, rewrite_pairs
from recruitwatch.link.rewrites import profile, shared_number_pairs, story_numbers, verify
from recruitwatch.model import Document, Statement

ORIGIN = """The governor of Omsk region has raised the one-off payment for men who sign a contract
with the army to 700,000 roubles, the regional government said on Friday.
The payment was 350,000 roubles until now, and the increase applies to contracts signed from May 1.
Governor Vitaly Khotsenko said in a video message that the money would be paid within a week.
Recruits from other regions can also claim the payment if they sign in Omsk.
Local media reported queues at the enlistment office on Friday morning.
"""
# Clauses reordered, voice changed, synonyms: few word triples survive (Jaccard below 0.3).
LIGHT = """Omsk region has doubled its sign-on payment for new contract soldiers.
The one-off payment for men signing a contract with the army was raised to 700,000 roubles, the
regional government announced on Friday.
Until now the payment stood at 350,000 roubles; contracts signed from May 1 are covered.
In a video message, Governor Vitaly Khotsenko said the money would be transferred within a week.
Men from other regions may claim it too if they sign in Omsk.
Queues formed at the enlistment office on Friday morning, local media reported.
"""
# The same headline numbers, but its own people, quotes and counts.
INDEPENDENT = """Omsk now pays 700,000 roubles to contract recruits, twice the earlier 350,000,
according to a decree on the regional government's website.
"Half of the men who come to us have debts," a recruiter at the Leninsky district office told our
reporter.
Economist Sergei Petrov estimated that the payment will cost the region 3 billion roubles a year.
Neighbouring Tyumen pays 500,000 roubles and Novosibirsk 450,000, according to their decrees.
"""
CREDITED = """Source: Sibir.Realii

Omsk region has raised its sign-on payment for contract soldiers to 700,000 roubles, up from
350,000 roubles, in a decree published on Friday.
"""


def _doc(doc_id: str, text: str, day: int = 10) -> Document:
    return Document.from_text(text, id=doc_id, published=date(2024, 5, day))


def test_a_light_paraphrase_is_a_rewrite_though_few_word_triples_survive() -> None:
    verdict = verify(profile(ORIGIN), profile(LIGHT))
    assert verdict.jaccard < 0.3
    assert verdict.same_origin


def test_an_independent_report_of_the_same_numbers_is_not_a_rewrite() -> None:
    assert not verify(profile(ORIGIN), profile(INDEPENDENT)).same_origin
    assert not verify(profile(LIGHT), profile(INDEPENDENT)).same_origin


def test_two_copies_of_a_light_paraphrase_are_one_cluster_and_the_report_stays_out() -> None:
    documents = [_doc("a", ORIGIN), _doc("b", LIGHT, 11), _doc("c", INDEPENDENT, 12)]
    (cluster,) = find_clusters(documents)
    assert cluster.origin == "a"
    assert [member.doc_id for member in cluster.members] == ["a", "b"]


def test_shared_numbers_propose_pairs_the_word_index_misses() -> None:
    texts = [ORIGIN, LIGHT, "An unrelated text about 700,000 tonnes of grain and 12 ships."]
    numbers = [story_numbers(text) for text in texts]
    published = [date(2024, 5, 10)] * 3
    assert shared_number_pairs(numbers, published) == {(0, 1)}
    # a year apart, the same numbers are a recap, not a rewrite
    assert shared_number_pairs(numbers[:2], [date(2024, 5, 10), date(2025, 5, 10)]) == set()
    pairs, _ = rewrite_pairs([_doc("a", ORIGIN), _doc("b", LIGHT)])
    assert [(pair.first, pair.second) for pair in pairs] == [(0, 1)]


def _offer(doc_id: str) -> Statement:
    return Statement(
        "offer", 1, doc_id, "signing_bonus", "RUB", 700_000, "Omsk region", "men",
        date(2024, 5, 10),
    )  # fmt: skip


def test_a_copy_crediting_an_absent_outlet_counts_as_that_outlet() -> None:
    # Two texts crediting one outlet whose own text is not stored are one independent source;
    # the independent report is a second one.
    other_copy = (
        "Contract soldiers in Omsk will get 700,000 roubles on signing, according to a report by"
        " Sibir.Realii. Officials did not comment."
    )
    documents = [
        _doc("copy-1", CREDITED),
        _doc("copy-2", other_copy, 11),
        _doc("report", INDEPENDENT, 12),
    ]
    links = link_documents(documents, [_offer(doc.id) for doc in documents])
    assert links.clusters == []  # no text of the two is a rewrite of the other
    (claim,) = links.claims
    assert claim.sources == ["copy-1", "copy-2", "report"]
    assert claim.independent_sources == 2
