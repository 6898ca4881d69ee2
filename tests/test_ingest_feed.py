"""RSS and Atom feeds, from files and from a loopback server, with and without --follow."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from _http import Reply, serve
from recruitwatch.ingest import (
    Failure,
    FetchPolicy,
    ReadOptions,
    find_sources,
    iter_documents,
)
from recruitwatch.model import Document

LOOPBACK = ReadOptions(fetch=FetchPolicy(allow_private=True, timeout=5, retries=0))


def rss(items: str, *, language: str = "") -> bytes:
    lang = f"<language>{language}</language>" if language else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Regional news</title><link>https://news.example/</link>
{lang}{items}</channel></rss>""".encode()


def item(n: int, *, link: str | None = None, summary: str | None = None) -> str:
    text = summary or f"&lt;p&gt;Region {n} pays volunteers {n}00,000 roubles.&lt;/p&gt;"
    return f"""<item><title>Story {n}</title>
<link>{link or f"https://news.example/story-{n}"}</link>
<pubDate>Tue, 0{n} Mar 2024 10:00:00 +0000</pubDate>
<description>{text}</description></item>"""


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Channel</title>
<id>urn:feed</id><updated>2024-04-02T00:00:00Z</updated>
<entry><title>Atom story</title><id>urn:entry:1</id>
<link href="https://atom.example/entry-1"/><published>2024-04-01T08:00:00Z</published>
<updated>2024-04-02T08:00:00Z</updated>
<content type="html">&lt;p&gt;First paragraph about a bonus.&lt;/p&gt;
&lt;p&gt;Second one.&lt;/p&gt;</content>
</entry></feed>"""


def _documents(items: list[Document | Failure]) -> list[Document]:
    return [item for item in items if isinstance(item, Document)]


def test_rss_file_one_document_per_entry(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(rss(item(1) + item(2), language="en-gb"))
    docs = _documents(list(iter_documents(find_sources([path]))))
    assert [doc.id for doc in docs] == ["news.example/story-1", "news.example/story-2"]
    first = docs[0]
    assert (first.title, first.url, first.published, first.language) == (
        "Story 1",
        "https://news.example/story-1",
        date(2024, 3, 1),
        "en",
    )
    assert first.text == "Story 1\n\nRegion 1 pays volunteers 100,000 roubles."
    assert first.source == "https://news.example/story-1"
    assert (first.site_name, first.author) == ("Regional news", None)


def test_atom_content_keeps_paragraphs_and_language_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "atom.weird-name"  # recognised by content
    path.write_bytes(ATOM)
    (doc,) = _documents(list(iter_documents(find_sources([path]))))
    assert doc.text == "Atom story\n\nFirst paragraph about a bonus.\nSecond one."
    assert doc.published == date(2024, 4, 1)
    assert doc.language == "en"


def test_feed_that_is_not_xml_is_a_clear_failure(tmp_path: Path) -> None:
    path = tmp_path / "feed.rss"
    path.write_text("this is a plain note, not a feed", encoding="utf-8")
    good = tmp_path / "good.xml"
    good.write_bytes(rss(item(1)))
    items = list(iter_documents(find_sources([path, good])))
    assert isinstance(items[0], Failure)
    assert items[0].source == str(path)
    assert items[0].reason.startswith("is not an RSS or Atom feed")
    assert isinstance(items[1], Document)


def test_entry_without_text_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    empty = "<item><link>https://news.example/empty</link></item>"
    path.write_bytes(rss(empty + item(2)))
    items = list(iter_documents(find_sources([path])))
    assert items[0] == Failure(
        "https://news.example/empty", "feed entry has no text (title, summary or content)"
    )
    assert isinstance(items[1], Document)


def _article(title: str, body: str) -> bytes:
    paragraph = f"<p>{body} " * 3
    return (
        f"<html><head><title>{title}</title>"
        '<meta property="article:published_time" content="2024-03-09"></head>'
        f"<body><nav>Menu Home About</nav><article><h1>{title}</h1>{paragraph}</article>"
        "</body></html>"
    ).encode()


def test_feed_from_a_loopback_server_with_follow() -> None:
    with serve() as server:
        links = [server.url("/story-1"), server.url("/story-2"), server.url("/gone")]
        items_xml = "".join(item(n + 1, link=link) for n, link in enumerate(links))
        server.routes["/feed.xml"] = Reply(
            body=rss(items_xml), headers={"Content-Type": "application/rss+xml"}
        )
        for n in (1, 2):
            server.routes[f"/story-{n}"] = Reply(
                body=_article(
                    f"Full story {n}",
                    f"The governor promised volunteers {n}00,000 roubles and a plot of land.",
                ),
                headers={"Content-Type": "text/html; charset=utf-8"},
            )
        plain = list(iter_documents(find_sources([server.url("/feed.xml")]), options=LOOPBACK))
        assert [doc.title for doc in _documents(plain)] == ["Story 1", "Story 2", "Story 3"]
        assert server.count("/story-1") == 0

        followed = ReadOptions(fetch=LOOPBACK.fetch, follow=True)
        items = list(iter_documents(find_sources([server.url("/feed.xml")]), options=followed))
    docs = _documents(items)
    assert [doc.title for doc in docs] == ["Full story 1", "Full story 2"]
    assert docs[0].published == date(2024, 3, 9)  # the page's date, not the feed's
    assert docs[0].url == links[0]
    assert "Menu Home" not in docs[0].text
    (failure,) = [item for item in items if isinstance(item, Failure)]
    assert failure.source == links[2]
    assert "404" in failure.reason
