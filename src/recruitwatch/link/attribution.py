"""Credit lines: where a text says its story came from ("Source: Insider", "according to a
report by ANBLE", "как сообщает ТАСС"). Read from the document text, English and Russian."""

from __future__ import annotations

import re

from recruitwatch.model import Attribution, Cluster, ClusterMember

# A name: a «quoted» one, or one to five capitalised words (with "of", "for" between), e.g.
# "The Moscow Times", "Institute for the Study of War". Bounded repetition: linear time.
_WORD = r"[A-ZА-ЯЁ][\w&'’-]{0,30}(?:\.[\w&'’-]{1,30}){0,3}"  # "Sibir.Realii", not "ANBLE."
_NAME = (
    r"(«[^»\n]{1,60}»|\"[^\"\n]{1,60}\""
    rf"|(?:[Tt]he[ \t]+)?{_WORD}(?:[ \t]+(?:(?:of|for|the|and)[ \t]+){{0,2}}{_WORD}){{0,4}})"
)
_PATTERNS = re.compile(
    rf"""
      (?im:^[ \t*_>\#-]*(?:sources?|источник|via)[ \t]*:[ \t]*){_NAME}
    | (?i:\baccording\s+to\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:report|article|story|investigation|
          publication)s?\s+(?:by|from|in|of)\s+){_NAME}
    | (?i:\b(?:as\s+|first\s+)?reported\s+by\s+){_NAME}
    | (?i:\bcited\s+by\s+){_NAME}
    | (?i:(?<!\w)как\s+(?:сообщает|сообщил[аио]?|пишет|писал[аио]?|передает|передаёт|
          рассказал[аио]?|выяснил[аио]?)\s+){_NAME}
    | (?i:(?<!\w)по\s+(?:данным|информации|сообщению)\s+){_NAME}
    | (?i:(?<!\w)со\s+ссылкой\s+на\s+){_NAME}
    """.replace("{_NAME}", _NAME),
    re.VERBOSE,
)


def find_attributions(doc_id: str, text: str) -> list[Attribution]:
    """Every credit line in the text, in order; `text[start:end]` is the name as written."""
    found = []
    for match in _PATTERNS.finditer(text):
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


def normalise_name(name: str) -> str:
    words = re.findall(r"\w+", name.casefold())
    return " ".join(word for word in words if word != "the")


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
