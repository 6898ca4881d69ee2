"""Credit lines: where a text says its story came from ("Source: Insider", "according to a
report by ANBLE", "как сообщает ТАСС", "BBC мәліметінше"). The words are the `credits`
sections of the language files, read for every language: quotes and headlines mix them."""

from __future__ import annotations

import re
from functools import cache

from recruitwatch.lang import available_languages, load_raw, script_letters
from recruitwatch.model import Attribution, Cluster, ClusterMember


def _words(phrases: list[str]) -> str:
    """Phrases as alternatives, longest first; spaces match any run of spaces."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in ordered)


@cache
def _patterns() -> re.Pattern[str]:
    sections = [load_raw(code)["credits"] for code in available_languages()]
    names = [load_raw(code)["attribution"] for code in available_languages()]

    def gathered(key: str) -> str:
        return _words([phrase for section in sections for phrase in section[key]])

    capitals = "".join(
        sorted(c for script in ("Latin", "Cyrillic") for c in script_letters(script) if c.isupper())
    )
    articles = _words([word for section in names for word in section["articles"]])
    connectors = _words([word for section in names for word in section["name_connectors"]])
    # A name: a «quoted» one, or one to five capitalised words (with "of", "for" between), e.g.
    # "The Moscow Times", "Institute for the Study of War". Bounded repetition: linear time.
    word = rf"[{re.escape(capitals)}][\w&'’-]{{0,30}}(?:\.[\w&'’-]{{1,30}}){{0,3}}"
    # An article is part of a name ("The Moscow Times"), capitalised or not.
    article = rf"(?:(?i:{articles})[ \t]+)?" if articles else ""
    connector = rf"(?:(?:{connectors})[ \t]+){{0,2}}" if connectors else ""
    name = (
        r"(«[^»\n]{1,60}»|\"[^\"\n]{1,60}\""
        rf"|{article}{word}(?:[ \t]+{connector}{word}){{0,4}})"
    )
    alternatives = [
        rf"(?im:^[ \t*_>\#-]*(?:{gathered('labels')})[ \t]*:[ \t]*){name}",
        rf"(?i:(?<!\w)(?:{gathered('openers')})\s+){name}",
    ]
    if gathered("report_openers"):
        alternatives.append(
            rf"(?i:(?<!\w)(?:{gathered('report_openers')})\s+(?:an?\s+|the\s+)?(?:\w+\s+)?"
            rf"(?:{gathered('report_words')})\s+(?:{gathered('report_links')})\s+){name}"
        )
    if gathered("closers"):
        alternatives.append(rf"(?<!\w){name}(?i:\s+(?:{gathered('closers')})(?!\w))")
    return re.compile("|".join(alternatives))


def find_attributions(doc_id: str, text: str) -> list[Attribution]:
    """Every credit line in the text, in order; `text[start:end]` is the name as written."""
    found = []
    for match in _patterns().finditer(text):
        index = next(i for i, group in enumerate(match.groups(), start=1) if group is not None)
        start, end = match.span(index)
        # Quote marks around a name are not part of it.
        if match.string[start] in '«"':
            start, end = start + 1, end - 1
        while end > start and match.string[end - 1] in "’'":
            end -= 1
        name = match.string[start:end]
        if name:
            found.append(Attribution(doc_id, name, start, end, match.string[match.start() : end]))
    return found


@cache
def _articles() -> frozenset[str]:
    return frozenset(
        word.casefold()
        for code in available_languages()
        for word in load_raw(code)["attribution"]["articles"]
    )


def normalise_name(name: str) -> str:
    words = re.findall(r"\w+", name.casefold())
    return " ".join(word for word in words if word not in _articles())


def same_source(first: str, second: str) -> bool:
    """Names that denote one outlet: equal, or one inside the other ("Insider", "Business
    Insider")."""
    a, b = normalise_name(first), normalise_name(second)
    return bool(a and b) and (a == b or f" {a} " in f" {b} " or f" {b} " in f" {a} ")


def flag_misattributions(cluster: Cluster, credits: dict[str, list[Attribution]]) -> Cluster:
    """Mark each copy whose first credit line names none of the sources its origin credits.

    Copies are judged against the origin only when the origin names a source itself: a copy of
    original reporting may credit the original outlet, which the text does not name."""
    named = [item.name for item in credits.get(cluster.origin, [])]
    if not named:
        return cluster
    members = []
    for member in cluster.members:
        own = credits.get(member.doc_id, [])
        if member.doc_id != cluster.origin and own:
            credited = own[0].name
            if not any(same_source(credited, name) for name in named):
                reason = (
                    f"credits {credited!r}; the earliest copy ({cluster.origin}) credits"
                    f" {', '.join(repr(name) for name in named)}"
                )
                member = ClusterMember(member.doc_id, member.published, member.similarity, reason)
        members.append(member)
    return Cluster(cluster.id, cluster.origin, members)
