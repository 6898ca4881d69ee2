"""HTML pages: main text and page metadata by trafilatura, charsets, bad pages as failures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from recruitwatch.errors import InputError
from recruitwatch.ingest import Failure, Source, find_sources, iter_documents, read_document
from recruitwatch.ingest.html import read_html
from recruitwatch.model import Document

BODY_RU = (
    "Добровольцам в Татарстане обещают единовременную выплату в размере 500 000 рублей"
    " при подписании контракта с Министерством обороны. Кроме того, ежемесячное денежное"
    " довольствие составит не менее 210 000 рублей, сообщили в правительстве республики."
)
BODY_EN = (
    "The Belgorod regional government announced a one-time signing bonus of 300,000 roubles"
    " for volunteers who sign a contract this month. Officials said the payment comes on top"
    " of the federal bonus and the monthly salary promised by the defence ministry."
)


def page(body: str, *, charset: str = "utf-8", head: str = "", title: str = "Title") -> str:
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>{title}</title>{head}</head>
<body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/contact">Contact us today</a></nav>
<article><h1>{title}</h1><p>{body}</p><p>{body}</p></article>
<footer>Copyright 2019 Example Media. All rights reserved. Subscribe to our newsletter.</footer>
</body></html>"""


def _read(path: Path) -> Document:
    return read_document(Source(path, path.stem))


def test_page_text_and_metadata(tmp_path: Path) -> None:
    head = (
        '<meta property="article:published_time" content="2024-03-05T09:30:00+03:00">'
        '<meta property="og:site_name" content="Example News">'
        '<meta name="author" content="Anna Petrova">'
        '<link rel="canonical" href="https://example.org/news/belgorod-bonus">'
    )
    path = tmp_path / "belgorod.html"
    path.write_text(page(BODY_EN, head=head, title="Belgorod raises bonus"), encoding="utf-8")
    doc = _read(path)
    assert (doc.id, doc.title, doc.published, doc.language, doc.source) == (
        "belgorod",
        "Belgorod raises bonus",
        date(2024, 3, 5),
        "en",
        str(path),
    )
    assert doc.url == "https://example.org/news/belgorod-bonus"
    assert (doc.site_name, doc.author) == ("Example News", "Anna Petrova")
    assert "300,000 roubles" in doc.text
    for boilerplate in ("Contact us today", "All rights reserved", "newsletter"):
        assert boilerplate not in doc.text


def test_published_date_is_the_pages_own_never_today(tmp_path: Path) -> None:
    path = tmp_path / "undated.html"
    path.write_text(page(BODY_EN), encoding="utf-8")
    assert _read(path).published is None


@pytest.mark.parametrize("declared", [True, False], ids=["meta-charset", "undeclared"])
def test_cp1251_page_decodes(tmp_path: Path, declared: bool) -> None:
    markup = page(BODY_RU, charset="windows-1251", title="Выплаты добровольцам")
    if not declared:
        markup = markup.replace('<meta charset="windows-1251">', "")
    path = tmp_path / "tatarstan.html"
    path.write_bytes(markup.encode("cp1251"))
    doc = _read(path)
    assert "500 000 рублей" in doc.text
    assert doc.language == "ru"
    assert doc.title == "Выплаты добровольцам"


def test_http_charset_wins_over_a_missing_declaration() -> None:
    markup = page(BODY_RU, charset="", title="Выплаты").replace('<meta charset="">', "")
    doc = read_html(markup.encode("koi8-r"), doc_id="x", source="s", charset="koi8-r")
    assert "500 000 рублей" in doc.text


def test_html_is_recognised_by_content_not_extension(tmp_path: Path) -> None:
    path = tmp_path / "saved-page.txt"
    path.write_text(page(BODY_EN), encoding="utf-8")
    doc = _read(path)
    assert "<p>" not in doc.text
    assert "Contact us today" not in doc.text


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"<html><body><script>var a = 1;</script></body></html>", "no main text"),
        (b"<html><body><div></div></body></html>", "no main text"),
        (b"<html>\x00\x01\x02\x00 binary", "looks binary"),
        (b"", "is empty|no main text"),
    ],
    ids=["script-only", "empty-body", "binary", "empty-file"],
)
def test_bad_pages_are_clear_failures(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(content)
    with pytest.raises(InputError, match=match) as caught:
        _read(path)
    assert str(caught.value).startswith(str(path))


def test_folder_of_pages_goes_on_after_a_bad_one(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page(BODY_EN), encoding="utf-8")
    (tmp_path / "b.htm").write_bytes(b"<html><body></body></html>")
    (tmp_path / "c.html").write_bytes(page(BODY_RU, charset="windows-1251").encode("cp1251"))
    items = list(iter_documents(find_sources([tmp_path])))
    assert [type(item).__name__ for item in items] == ["Document", "Failure", "Document"]
    failure = items[1]
    assert isinstance(failure, Failure)
    assert failure.source == str(tmp_path / "b.htm")
    assert "no main text" in failure.reason
