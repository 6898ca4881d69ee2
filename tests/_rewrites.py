"""A seeded generator of news stories and their rewrites, for dedup tests and bench/dedup.py.

Each story is 8-12 sentences built from subject, predicate and tail pieces filled with random
names, places and numbers.
Outlets copy a story with its sentences partly reordered, one dropped, words swapped for
synonyms, and their own opening and credit lines. The story id is the ground truth: two
documents are duplicates exactly when they tell the same story.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

FIRST = ["Ivan", "Oleg", "Sergei", "Marat", "Aidar", "Timur", "Pavel", "Rustam", "Yuri", "Denis"]
LAST = ["Petrov", "Sobolev", "Nurlanov", "Kuznetsov", "Ismailov", "Volkov", "Zakirov", "Orlov"]
PLACES = [
    "Kazan", "Ufa", "Omsk", "Tomsk", "Perm", "Samara", "Belgorod", "Kursk", "Chita", "Tver",
    "Yakutsk", "Irkutsk", "Sakhalin", "Bryansk", "Orenburg", "Tyumen", "Vologda", "Kaluga",
]  # fmt: skip
GROUPS = [
    "volunteers", "contract soldiers", "migrant workers", "students", "prisoners", "reservists",
    "foreign citizens", "former convicts", "factory workers", "local men", "veterans",
]  # fmt: skip
THINGS = [
    "bonus", "salary", "payment", "allowance", "debt relief", "land plot", "car loan",
    "school place", "pension", "housing grant", "tax break", "insurance payout",
]  # fmt: skip
VERBS = ["announced", "promised", "approved", "confirmed", "signed", "raised", "doubled", "cut"]
OUTLETS = [
    "Insider", "ANBLE", "Meduza", "Novaya Gazeta", "iStories", "The Moscow Times", "Reuters",
    "Fontanka", "Vot Tak", "Kommersant", "RBC", "Mediazona", "Sibir.Realii", "Agentstvo",
]  # fmt: skip
# A sentence is a subject, a predicate and a tail, so stories share few word runs by chance.
SUBJECTS = [
    "{name}", "Officials in {place}", "The governor of {place}", "A spokesman for {name}",
    "Recruiters in {place}", "The defence ministry", "Local media in {place}", "Critics",
    "Lawyers in {place}", "Relatives of {group}", "The regional budget office", "{name} of {place}",
    "Human rights groups", "The mayor of {place}", "A source close to {name}", "Activists",
]  # fmt: skip
PREDICATES = [
    "{verb} a {thing} of {amount} roubles for {group}",
    "said {count} {group} had applied",
    "promised {group} a {thing} worth {amount} roubles",
    "declined to say how many {group} had enlisted",
    "complained that the {thing} arrived {small} weeks late",
    "set aside {amount} roubles for the {thing}",
    "warned that {group} cannot leave before {small} months",
    "reported queues of {group} outside the enlistment office",
    "handed out leaflets promising a {thing} and a {thing2}",
    "confirmed that {count} {group} were sent to training camps",
    "said the {thing} will be paid within {small} days of signing",
    "called the {thing} a bribe aimed at {group}",
    "{verb} the {thing} for {group} to {amount} roubles",
    "estimated that the scheme costs {amount} roubles a month",
    "told reporters that {count} {group} signed contracts",
    "accused the authorities of hiding losses among {group}",
    "published a list of {count} {group} who had joined",
    "said the {thing} depends on the length of the contract",
]  # fmt: skip
TAILS = [
    "", " on {weekday}", " in {month}", " last {month}", " in {place2}", " near {place2}",
    " despite protests in {place2}", " according to {outlet}", " after a meeting with {name2}",
    " for the first time since {month}", " in a post on Telegram", " at a briefing in {place2}",
    " without giving details", " under a decree signed by {name2}", " as of {weekday}",
]  # fmt: skip
SYNONYMS = {
    "announced": "unveiled", "promised": "pledged", "said": "stated", "reported": "wrote about",
    "bonus": "lump sum", "salary": "monthly pay", "payment": "payout", "roubles": "rubles",
    "officials": "authorities", "reporters": "journalists", "covers": "applies to",
    "critics": "opponents", "recruiters": "recruitment agents", "complained": "said",
    "declined": "refused", "enlisted": "signed up", "warn": "caution", "budget": "treasury",
    "launched": "started", "queues": "lines", "arrived": "came", "training": "drill",
    "local": "regional", "heads": "runs", "costs": "will cost", "hide": "mask",
}  # fmt: skip
OPENINGS = [
    "{outlet} has learned details of a new recruitment drive.",
    "Here is what we know so far, as reported by {outlet}.",
    "A new push to fill the ranks is under way, {outlet} reports.",
    "This story is developing and will be updated.",
]
MONTHS = ["January", "March", "May", "July", "September", "November"]
WEEKDAYS = ["Monday", "Tuesday", "Friday"]


@dataclass(frozen=True, slots=True)
class GeneratedDoc:
    id: str
    story: int
    outlet: str
    published: date
    text: str


def _story(rng: random.Random) -> list[str]:
    def fill(template: str) -> str:
        return template.format(
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            name2=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            outlet=rng.choice(OUTLETS),
            verb=rng.choice(VERBS),
            thing=rng.choice(THINGS),
            thing2=rng.choice(THINGS),
            amount=f"{rng.randrange(50, 3000) * 1000:,}",
            count=f"{rng.randrange(20, 9000):,}",
            small=rng.randrange(2, 30),
            group=rng.choice(GROUPS),
            place=rng.choice(PLACES),
            place2=rng.choice(PLACES),
            month=rng.choice(MONTHS),
            weekday=rng.choice(WEEKDAYS),
        )

    sentences = []
    for _ in range(rng.randrange(8, 13)):
        sentence = rng.choice(SUBJECTS) + " " + rng.choice(PREDICATES) + rng.choice(TAILS) + "."
        sentences.append(fill(sentence))
    return sentences


def _rewrite(rng: random.Random, sentences: list[str], outlet: str, credit: str) -> str:
    kept = list(sentences)
    kept.pop(rng.randrange(len(kept)))
    for _ in range(3):  # a few neighbouring swaps: paragraphs moved, not shuffled
        i = rng.randrange(len(kept) - 1)
        kept[i], kept[i + 1] = kept[i + 1], kept[i]
    words = []
    for word in " ".join(kept).split(" "):
        bare = word.strip(".,").lower()
        swap = SYNONYMS.get(bare)
        words.append(word.lower().replace(bare, swap) if swap and rng.random() < 0.5 else word)
    opening = rng.choice(OPENINGS).format(outlet=outlet)
    return f"{opening}\n\nSource: {credit}\n\n{' '.join(words)}"


def generate(stories: int, *, seed: int = 7, max_copies: int = 4) -> Iterator[GeneratedDoc]:
    """Documents of `stories` stories; each story has an original and 0..max_copies rewrites."""
    rng = random.Random(seed)
    start = date(2023, 1, 1)
    for story in range(stories):
        sentences = _story(rng)
        outlets = rng.sample(OUTLETS, 1 + rng.randrange(max_copies + 1))
        published = start + timedelta(days=rng.randrange(600))
        origin = outlets[0]
        yield GeneratedDoc(f"s{story}-0", story, origin, published, " ".join(sentences))
        for copy, outlet in enumerate(outlets[1:], start=1):
            text = _rewrite(rng, sentences, outlet, origin)
            later = published + timedelta(days=rng.randrange(1, 5))
            yield GeneratedDoc(f"s{story}-{copy}", story, outlet, later, text)
