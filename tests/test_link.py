"""Link stage: rewrite clusters, credit lines, claims with independent sources, conflicts."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from _rewrites import generate
from recruitwatch.link import find_clusters, link_documents, link_store
from recruitwatch.link.attribution import find_attributions, same_source
from recruitwatch.link.claims import build_claims, compatible, find_conflicts
from recruitwatch.model import Document, Statement
from recruitwatch.pipeline import ingest_paths
from recruitwatch.store import open_store

# One story told four ways: b rewrites a (sentences moved, words changed), c reports the same
# offer in its own words, d gives a different amount for the same payer and month.
STORY_A = """Russia lures Kazakh recruits with cash
Published: 2023-08-07

Source: Insider

The Russian army offers Kazakh citizens a sign-on bonus of 495,000 roubles ($5,200) to join its
ranks. Recruitment posters with the Russian and Kazakh flags side by side appeared in Astana last
week. The campaign also promises a monthly salary of 190,000 roubles. Kazakhstan's government has
said that fighting abroad for money is illegal under Kazakh law. Officials in Sakhalin set up a
special office to process the applications of foreign volunteers.
"""
STORY_B = """Kazakh citizens offered Russian army cash
Published: 2023-08-09

Source: Reuters

Recruitment posters with the Kazakh and Russian flags side by side were seen in Astana last week.
The Russian army offers Kazakh citizens a sign-on bonus of 495,000 roubles ($5,200) to join its
ranks. The campaign also promises a monthly salary of 190,000 roubles. Officials in Sakhalin set
up a dedicated office to process the applications of foreign volunteers. Kazakhstan's government
has said that fighting abroad for money is illegal under Kazakh law.
"""
STORY_C = """Moscow turns to Central Asia for soldiers
Published: 2023-08-15

Our correspondent in Almaty spoke to three men who had answered the advertisements. A recruiter
told them the Russian military pays Kazakh citizens a signing bonus of 495,000 rubles. None of the
men said they planned to go, citing the risk of prosecution at home.
"""
STORY_D = """Recruiters cut the price of a Kazakh volunteer
Published: 2023-08-20

A recruitment agent said the Russian army now pays Kazakh citizens a sign-on bonus of
400,000 roubles, less than advertised earlier in the month. The agent spoke anonymously.
"""


def _write(folder: Path, stories: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in stories.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def linked(tmp_path: Path, db: str | Path) -> str | Path:
    """The four stories, ingested and linked, in each backend (see conftest.py)."""
    folder = _write(tmp_path / "in", {"a": STORY_A, "b": STORY_B, "c": STORY_C, "d": STORY_D})
    with open_store(db) as store:
        assert ingest_paths([folder], store).ok
        link_store(store)
    return db


def test_generated_rewrites_cluster_exactly() -> None:
    docs = list(generate(12, seed=3, max_copies=4))
    stories: dict[int, set[str]] = defaultdict(set)
    for doc in docs:
        stories[doc.story].add(doc.id)
    expected = {frozenset(ids) for ids in stories.values() if len(ids) > 1}
    assert len(expected) >= 6  # several stories with copies, some without
    documents = [Document.from_text(d.text, id=d.id, published=d.published) for d in docs]
    clusters = find_clusters(documents)
    assert {frozenset(m.doc_id for m in c.members) for c in clusters} == expected
    for cluster in clusters:
        assert cluster.origin.endswith("-0")  # the original is published first


def test_same_offer_from_three_outlets_is_one_claim_with_two_independent_sources(
    linked: str | Path,
) -> None:
    with open_store(linked) as store:
        claims = store.list_claims()
        clusters = store.list_clusters()
        conflicts = store.list_conflicts()
    (cluster,) = clusters
    assert cluster.origin == "a" and [m.doc_id for m in cluster.members] == ["a", "b"]
    bonus = next(c for c in claims if c.kind == "signing_bonus" and c.value == 495_000)
    assert bonus.sources == ["a", "b", "c"]
    assert bonus.independent_sources == 2  # a and b are one story
    assert (bonus.first, bonus.last) == (date(2023, 8, 7), date(2023, 8, 15))
    lower = next(c for c in claims if c.value == 400_000)
    (conflict,) = conflicts
    assert {conflict.first, conflict.second} == {bonus.id, lower.id}
    assert conflict.period == "2023-08"
    assert "495,000" in conflict.detail and "400,000" in conflict.detail


def test_a_copy_crediting_another_source_is_flagged(linked: str | Path) -> None:
    with open_store(linked) as store:
        (cluster,) = store.list_clusters("b")
        credits = store.list_attributions("b")
    copy = next(m for m in cluster.members if m.doc_id == "b")
    assert copy.misattribution is not None and "'Reuters'" in copy.misattribution
    assert "'Insider'" in copy.misattribution
    assert [c.name for c in credits] == ["Reuters"]


def test_linking_again_gives_the_same_links(linked: str | Path) -> None:
    with open_store(linked) as store:
        before = (store.list_claims(), store.list_clusters(), store.list_conflicts())
        link_store(store)
        link_store(store)
        assert (store.list_claims(), store.list_clusters(), store.list_conflicts()) == before


def test_attribution_lines_in_english_and_russian() -> None:
    text = (
        "Source: The Moscow Times\n\nIt pays 1,000 roubles, according to a report by ANBLE. "
        "Как сообщает «Медиазона», выплаты выросли. По данным ТАСС, всё спокойно."
    )
    found = find_attributions("x", text)
    assert [a.name for a in found] == ["The Moscow Times", "ANBLE", "Медиазона", "ТАСС"]
    assert all(text[a.start : a.end] == a.name for a in found)
    assert find_attributions("x", "according to officials, it rose") == []
    assert same_source("Insider", "Business Insider") and not same_source("Insider", "Reuters")


def _statement(doc: str, value: float, when: date | None, who: str | None = "army") -> Statement:
    return Statement("offer", hash(doc) % 1000, doc, "signing_bonus", "RUB", value, who, None, when)


def test_claims_need_close_values_compatible_payers_and_dates_in_the_window() -> None:
    day = date(2024, 3, 1)
    statements = [
        _statement("a", 100_000, day),
        _statement("b", 100_500, date(2024, 3, 20)),  # within 1%, same month
        _statement("c", 100_000, date(2024, 9, 1)),  # half a year later: another claim
        _statement("d", 100_000, day, who="Tatarstan"),  # another payer
        _statement("e", 100_000, day, who=None),  # unknown payer: fits the first
    ]
    claims = build_claims(statements, source_of={}, window_days=45)
    assert sorted(c.sources for c in claims) == [["a", "b", "e"], ["c"], ["d"]]
    assert compatible("the Russian Ministry of Defence", "Russian army")
    assert not compatible("Moscow", "Tatarstan")


def test_no_conflict_without_a_payer_across_months_or_within_one_document() -> None:
    statements = [
        _statement("a", 100_000, date(2024, 3, 1), who=None),
        _statement("b", 150_000, date(2024, 3, 2), who=None),
        _statement("c", 100_000, date(2024, 5, 1)),
        _statement("d", 150_000, date(2024, 7, 1)),
        _statement("e", 200_000, date(2024, 11, 1)),  # one text: raised to 300,000 from 200,000
        _statement("e", 300_000, date(2024, 11, 1)),
    ]
    assert find_conflicts(build_claims(statements, source_of={})) == []


def test_links_of_nothing_are_empty() -> None:
    links = link_documents([], [])
    assert (links.clusters, links.claims, links.conflicts, links.attributions) == ([], [], [], [])


def test_credit_line_patterns_stay_linear_on_hostile_text() -> None:
    hostile = [
        "according to a report by " + "Aa " * 20_000,
        "Source: " + "The " * 20_000,
        "как сообщает " + "«" * 20_000,
        ("Word " * 5 + "of the ") * 5_000,
    ]
    started = time.process_time()
    for text in hostile:
        find_attributions("x", text)
    assert time.process_time() - started < 2.0


def test_a_translation_joins_its_original_by_the_numbers_it_states() -> None:
    english = Document.from_text(STORY_A, id="en", published=date(2023, 8, 7))
    russian = Document.from_text(
        "Российская армия предлагает гражданам Казахстана 495 тысяч рублей ...",
        id="ru",
        published=date(2023, 8, 8),
        language="ru",
    )
    recap = Document.from_text("A year on ...", id="later", published=date(2024, 8, 8))
    values = [("offer", "RUB", 495_000.0), ("offer", "RUB", 190_000.0), ("figure", "people", 3e5)]

    def stated(doc: str, shift: float = 0.0) -> list[Statement]:
        return [
            Statement(record, i, doc, "k", unit, value + shift, None, None, None)
            for i, (record, unit, value) in enumerate(values)
        ]

    statements = [*stated("en"), *stated("ru", shift=100.0), *stated("later")]
    (cluster,) = find_clusters([english, russian, recap], statements)
    assert cluster.origin == "en" and [m.doc_id for m in cluster.members] == ["en", "ru"]
    assert cluster.members[1].similarity == 1.0
    same_language = Document.from_text("Another report", id="en2", published=date(2023, 8, 8))
    assert find_clusters([english, same_language], [*stated("en"), *stated("en2")]) == []


def test_link_store_tells_each_step(tmp_path: Path) -> None:
    steps: list[str] = []
    with open_store(tmp_path / "rw.db") as store:
        link_store(store, progress=steps.append)
    assert steps == [
        "reading documents and records",
        "linking 0 documents, 0 records",
        "saving the links",
    ]
