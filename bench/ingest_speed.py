"""HTML ingest throughput against trafilatura alone, and WARC memory against file size.

    python bench/ingest_speed.py                      # 400 pages, a 200 MB WARC
    python bench/ingest_speed.py --pages 0 --warc-mb 1024   # the 1 GB WARC alone, ~1 min

Part 1 writes generated news pages (menus, sidebars, comments and a footer around an article
from extract_speed's generator, half English and half Russian in cp1251) to a temporary folder,
then times, on the same files, in one process:

* trafilatura alone: read the file, `trafilatura.bare_extraction` with the options our HTML
  adapter passes (metadata on, comments off, dates from metadata only);
* our ingest stage: `iter_documents(find_sources([folder]))` (find, sniff, read, the same
  trafilatura call, language detection, content hash; Documents out, no store).

Each side runs `--repeat` times in alternation and the best time counts, so a background blip
does not decide the ratio. The goal is ours / trafilatura < 1.5.

Part 2 streams a generated WARC.gz of `--warc-mb` megabytes (HTML pages between large binary
responses, as in a real crawl) through `read_warc` and prints peak RSS after the first quarter
of the file and at the end: streaming keeps the two equal whatever the size.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))  # extract_speed's article generator

from extract_speed import generate
from recruitwatch.ingest import Failure, find_sources, iter_documents
from recruitwatch.ingest.html import _DATE_PARAMS
from recruitwatch.ingest.warc import read_warc

SEED = 20240502
# Pages as news sites serve them: most of the bytes are not the article.
SCRIPT = "var config = {" + ", ".join(f'"key{n}": "value{n}"' for n in range(300)) + "};"
MENU = " ".join(f'<li><a href="/section/{n}">Section {n}</a></li>' for n in range(80))
SIDEBAR = " ".join(
    f'<li><a href="/popular/{n}">Most read story number {n}</a></li>' for n in range(30)
)


def page(index: int, rng: random.Random) -> tuple[bytes, str]:
    """One page and its file name: English in UTF-8 or Russian in cp1251, alternately."""
    language = "en" if index % 2 == 0 else "ru"
    document = next(generate(1, seed=SEED + index, language=language))
    paragraphs = "".join(f"<p>{part}</p>" for part in document.text.split("\n\n"))
    comments = "".join(
        f'<div class="comment"><b>user{rng.randrange(1000)}</b> I read this and I disagree.</div>'
        for _ in range(rng.randrange(5, 20))
    )
    charset = "utf-8" if language == "en" else "windows-1251"
    html = f"""<!DOCTYPE html><html lang="{language}"><head><meta charset="{charset}">
<title>Story {index} | Example News</title>
<meta property="article:published_time" content="2024-{1 + index % 12:02d}-{1 + index % 28:02d}">
<meta property="og:site_name" content="Example News"><script>{SCRIPT}</script>
</head><body><header><ul class="menu">{MENU}</ul></header>
<main><article><h1>Story {index}</h1>{paragraphs}</article>
<aside><ul>{SIDEBAR}</ul></aside><section class="comments">{comments}</section></main>
<footer>Copyright 2024 Example News. All rights reserved. Contact: news@example.org</footer>
</body></html>"""
    return html.encode(charset), f"story-{index:05d}.html"


def write_pages(folder: Path, count: int) -> int:
    rng = random.Random(SEED)
    total = 0
    for index in range(count):
        data, name = page(index, rng)
        (folder / name).write_bytes(data)
        total += len(data)
    return total


def time_trafilatura(files: list[Path]) -> float:
    import trafilatura

    started = time.perf_counter()
    for file in files:
        result = trafilatura.bare_extraction(
            file.read_bytes(),
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params={**_DATE_PARAMS, "url": None},
        )
        assert result is not None and result.text
    return time.perf_counter() - started


def time_ours(folder: Path, count: int) -> float:
    started = time.perf_counter()
    documents = 0
    for item in iter_documents(find_sources([folder])):
        assert not isinstance(item, Failure), item
        documents += 1
    elapsed = time.perf_counter() - started
    assert documents == count
    return elapsed


def html_part(count: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = write_pages(folder, count)
        files = sorted(folder.glob("*.html"))
        # Warm-up: imports, trafilatura's and py3langid's first-use set-up.
        time_trafilatura(files[:5])
        list(iter_documents(find_sources(files[:5])))
        trafilatura_best = ours_best = float("inf")
        for _ in range(repeat):
            trafilatura_best = min(trafilatura_best, time_trafilatura(files))
            ours_best = min(ours_best, time_ours(folder, count))
    print(f"\nHTML: {count} pages, {size / count / 1024:.1f} KB each on average, best of {repeat}")
    print(f"{'':24} {'seconds':>8} {'pages/s':>8}")
    print(f"{'trafilatura alone':24} {trafilatura_best:8.2f} {count / trafilatura_best:8.1f}")
    print(f"{'recruitwatch ingest':24} {ours_best:8.2f} {count / ours_best:8.1f}")
    ratio = ours_best / trafilatura_best
    verdict = "within" if ratio < 1.5 else "OVER"
    print(f"overhead: ours / trafilatura = {ratio:.2f}x ({verdict} the 1.5x goal)")


def write_warc(path: Path, megabytes: int, html_every: int) -> tuple[int, int]:
    """A WARC.gz of about `megabytes`: 256 KB binary responses, an HTML page every
    `html_every` of them. Written record by record, never held in memory."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(SEED)
    pages = records = 0
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        while handle.tell() < megabytes * 1024 * 1024:
            if records % (html_every + 1) == 0:
                data, _ = page(pages, rng)
                charset = "utf-8" if pages % 2 == 0 else "windows-1251"
                content_type, uri = f"text/html; charset={charset}", f"https://news.example/{pages}"
                pages += 1
            else:
                # Random bytes do not compress: the file on disk is as big as it says.
                data, content_type = os.urandom(256 * 1024), "image/jpeg"
                uri = f"https://news.example/image-{records}.jpg"
            records += 1
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(data), http_headers=headers
            )
            writer.write_record(record)
    return pages, path.stat().st_size


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def warc_part(megabytes: int, html_every: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "crawl.warc.gz"
        started = time.perf_counter()
        pages, size = write_warc(path, megabytes, html_every)
        written = time.perf_counter() - started
        before = peak_rss_mb()
        documents = 0
        quarter: float | None = None
        started = time.perf_counter()
        with path.open("rb") as stream:
            for item in read_warc(stream, source=str(path), max_bytes=10 * 1024 * 1024):
                assert not isinstance(item, Failure), item
                documents += 1
                if quarter is None and stream.tell() >= size / 4:
                    quarter = peak_rss_mb()
        elapsed = time.perf_counter() - started
    print(
        f"WARC: {size / 1024 / 1024:.0f} MB gzip, {pages} HTML pages among 256 KB binary"
        f" responses (written in {written:.1f} s, read in {elapsed:.1f} s)"
    )
    print(f"peak RSS before reading    {before:8.1f} MB")
    print(f"peak RSS after 1/4 of file {quarter or 0:8.1f} MB")
    print(f"peak RSS after all of it   {peak_rss_mb():8.1f} MB  ({documents} documents)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=400, help="HTML pages to time, 0 skips")
    parser.add_argument("--repeat", type=int, default=3, help="timing rounds per side")
    parser.add_argument("--warc-mb", type=int, default=200, help="WARC size, 0 skips it")
    parser.add_argument("--html-every", type=int, default=4, help="an HTML page per N images")
    args: Any = parser.parse_args(argv)
    # The WARC part first: peak RSS only grows, so the HTML timing's would hide it.
    if args.warc_mb:
        warc_part(args.warc_mb, args.html_every)
    if args.pages:
        html_part(args.pages, args.repeat)


if __name__ == "__main__":
    main()
