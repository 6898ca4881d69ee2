"""Extraction throughput, English and Russian, ours against quantulum3, on generated news.

    python bench/extract_speed.py --docs 2000

Documents come from a seeded generator (never a list), so memory use is the extractor's alone:
peak RSS is read after N and after 2N documents and should stay flat. One process, so the
docs/s figure is per core. quantulum3 (English only) is far slower; it runs on the first few
documents only and its rate is extrapolated.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import warnings
from collections.abc import Callable, Iterator

from recruitwatch.extract import extract_document
from recruitwatch.model import Document

SEED = 20240501  # fixed, so two runs time the same texts

PAYERS = [
    ("Moscow Mayor Sergey Sobyanin", "city residents who join the military"),
    ("the Belgorod regional government", "volunteers from the region"),
    ("President Vladimir Putin", "contract soldiers and the mobilised"),
    ("the Tatarstan authorities", "men who sign a contract with the Defence Ministry"),
    ("the Krasnodar Krai administration", "new recruits"),
    ("the governor of Sakhalin", "foreign citizens who enlist"),
]
OFFERS = [
    "{payer} announced a one-time signing bonus of {rub} rubles (${usd}) for {target}.",
    "{payer} has raised the lump-sum payment for {target} to {rub_m} million roubles.",
    "Under the decree, {target} will receive a monthly salary of at least {rub} rubles, "
    "or about ${usd}.",
    "Recruiters say {target} can now expect {rub_k}k roubles on signing, on top of "
    "a monthly allowance of {rub2} roubles.",
    "Families of those killed are promised compensation of {rub_m} million rubles by {payer}.",
    "The advert, shared on WhatsApp, offers ${usd} upfront and ${usd2} a month to {target}.",
]
FIGURES = [
    "Russia mobilised around {people} reservists in the autumn, officials said.",
    "According to a survey, {pct}% of industrial enterprises reported a shortage of workers.",
    "Ukraine believes Russia recruits roughly {people2} soldiers every month.",
    "More than {people} men are estimated to have left the country since September.",
    "The defence ministry claims {people2} volunteers have signed contracts this year.",
]
DISTRACTORS = [
    "The average monthly wage in the region is {wage} roubles, according to Rosstat.",
    "The regional budget for the programme is {budget} billion rubles.",
    "Men aged {age} to {age2} are eligible, and the contract lasts {years} year(s).",
    "The rouble traded at {rate} to the dollar on Friday.",
    "A recruitment agent charged each man {fee} dollars for the paperwork.",
    "He was sentenced to {years} years in a penal colony in {year}.",
    "The front line stretches for more than {km} kilometres.",
]
FILLER = [
    "The announcement was published on the regional government website on Thursday.",
    "Critics say the payments reflect growing difficulty in finding volunteers.",
    "The Kremlin did not respond to a request for comment.",
    "Local media reported queues outside the recruitment centre in the city.",
    "The measure follows a series of similar decisions in neighbouring regions.",
]


RU_PAYERS = [
    ("Мэр Москвы Сергей Собянин", "жителям столицы, заключившим контракт"),
    ("Власти Белгородской области", "добровольцам из региона"),
    ("Президент Владимир Путин", "контрактникам и мобилизованным"),
    ("Правительство Татарстана", "мужчинам, подписавшим контракт с Минобороны"),
    ("Администрация Краснодарского края", "новобранцам"),
    ("Губернатор Сахалинской области", "иностранным гражданам"),
]
RU_OFFERS = [
    "{payer} объявил о единовременной выплате в размере {rub_sp} рублей (${usd}) {target}.",
    "{payer} увеличил региональную выплату {target} до {rub_m_ru} млн рублей.",
    "По указу {target} будут получать денежное довольствие не менее {rub_k} тыс. рублей в месяц.",
    "Вербовщики обещают {target} {rub_k} тыс. руб. при подписании контракта и "
    "{rub2_k} тыс. руб. ежемесячно.",
    "Семьям погибших {payer} обещает компенсацию в размере {rub_m_ru} млн рублей.",
    "В объявлении {target} предлагают {rub_words} рублей единовременно.",
]
RU_FIGURES = [
    "В ходе частичной мобилизации было призвано около {people_sp} резервистов.",
    "По данным опроса, о нехватке кадров сообщили {pct}% промышленных предприятий.",
    "По оценке Украины, Россия ежемесячно вербует около {people_k} тыс. военнослужащих.",
    "По оценкам демографов, страну покинули более {people_k} тыс. человек.",
]
RU_DISTRACTORS = [
    "Средняя заработная плата в регионе составляет {wage_k} тыс. рублей, по данным Росстата.",
    "Бюджет программы составил {budget} млрд рублей.",
    "Кандидаты должны быть в возрасте от {age} до {age2} лет, контракт заключается на {years} год.",
    "Курс доллара в пятницу составил {rate_ru} рубля.",
    "Телефон пункта отбора: 8 800 {phone} 00 00.",
    "Протяжённость линии фронта превышает {km} км.",
]
RU_FILLER = [
    "Постановление опубликовано на официальном портале правительства региона.",
    "Эксперты связывают рост выплат с трудностями при наборе добровольцев.",
    "В Кремле не ответили на запрос о комментарии.",
    "Местные СМИ сообщают об очередях у пункта отбора на военную службу.",
]
RU_NUMBER_WORDS = ["двести тысяч", "триста тысяч", "полмиллиона", "два миллиона", "три миллиона"]
POOLS = {
    "en": ([OFFERS, FIGURES, DISTRACTORS, FILLER], PAYERS),
    "ru": ([RU_OFFERS, RU_FIGURES, RU_DISTRACTORS, RU_FILLER], RU_PAYERS),
}


def fill(template: str, rng: random.Random, payers: list[tuple[str, str]] = PAYERS) -> str:
    payer, target = rng.choice(payers)
    values = {
        "payer": payer,
        "target": target,
        "rub": f"{rng.randrange(100, 3000) * 1000:,}",
        "rub2": f"{rng.randrange(150, 300) * 1000:,}",
        "rub_m": f"{rng.randrange(5, 40) / 10:g}",
        "rub_k": rng.randrange(100, 900),
        "usd": f"{rng.randrange(10, 300) * 100:,}",
        "usd2": f"{rng.randrange(15, 40) * 100:,}",
        "people": f"{rng.randrange(10, 500) * 1000:,}",
        "people2": f"{rng.randrange(5, 60) * 1000:,}",
        "pct": rng.randrange(10, 60),
        "wage": f"{rng.randrange(40, 90) * 1000:,}",
        "budget": rng.randrange(2, 90),
        "age": rng.randrange(18, 25),
        "age2": rng.randrange(50, 66),
        "years": rng.randrange(1, 15),
        "year": rng.randrange(2010, 2023),
        "rate": f"{rng.uniform(60, 110):.2f}",
        "fee": f"{rng.randrange(5, 40) * 100:,}",
        "km": f"{rng.randrange(8, 13) * 100:,}",
        "rub_sp": f"{rng.randrange(100, 3000) * 1000:,}".replace(",", "\u00a0"),
        "rub_m_ru": f"{rng.randrange(5, 40) / 10:g}".replace(".", ","),
        "rub2_k": rng.randrange(150, 300),
        "rub_words": rng.choice(RU_NUMBER_WORDS),
        "people_sp": f"{rng.randrange(10, 500) * 1000:,}".replace(",", " "),
        "people_k": rng.randrange(5, 600),
        "wage_k": rng.randrange(40, 90),
        "rate_ru": f"{rng.uniform(60, 110):.2f}".replace(".", ","),
        "phone": rng.randrange(100, 999),
    }
    return template.format(**values)


def generate(count: int, seed: int = SEED, language: str = "en") -> Iterator[Document]:
    """`count` articles of 8-16 sentences: offers, figures, distractors and filler."""
    rng = random.Random(seed)
    pools, payers = POOLS[language]
    for index in range(count):
        sentences = [
            fill(rng.choice(rng.choices(pools, weights=[3, 2, 3, 3])[0]), rng, payers)
            for _ in range(rng.randrange(8, 17))
        ]
        paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
        yield Document.from_text(
            "\n\n".join(paragraphs), id=f"bench-{index:06d}", source="bench", language=language
        )


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def time_ours(
    count: int, language: str = "en"
) -> tuple[list[tuple[str, float, float, int]], list[float], int]:
    """Rows (label, wall s, cpu s, docs) for each half, peak RSS after each half, total chars."""
    # Warm-up: the vocabulary (and for Russian its inflected forms) is built on first use.
    extract_document(next(generate(1, seed=SEED + 1, language=language)))
    rows: list[tuple[str, float, float, int]] = []
    peaks: list[float] = []
    chars = 0
    stream = generate(2 * count, language=language)
    for label in (f"docs 1..{count}", f"docs {count + 1}..{2 * count}"):
        wall = cpu = 0.0
        for _ in range(count):
            document = next(stream)
            chars += len(document.text)
            # Only the extractor call is timed; making up the text is not part of its cost.
            started, started_cpu = time.perf_counter(), time.process_time()
            extract_document(document)
            wall += time.perf_counter() - started
            cpu += time.process_time() - started_cpu
        rows.append((label, wall, cpu, count))
        peaks.append(peak_rss_mb())
    return rows, peaks, chars


def load_quantulum() -> Callable[[str], object] | str:
    """quantulum3's parser, or the reason it cannot run here."""
    with warnings.catch_warnings():
        # Without the optional [classifier] extra it warns once and falls back to rules.
        warnings.simplefilter("ignore")
        try:
            from quantulum3 import parser
        except ImportError as exc:
            hint = "install it with pip install 'recruitwatch[bench]'"
            return f"quantulum3 not importable ({exc}); {hint}"
        try:
            parser.parse("warm-up: 400,000 roubles ($4,600)")
        # Any third-party failure is reported in the table rather than ending the run.
        except Exception as exc:
            return f"quantulum3 failed on a test sentence ({type(exc).__name__}: {exc})"
    parse: Callable[[str], object] = parser.parse
    return parse


def time_quantulum(parse: Callable[[str], object], count: int) -> tuple[float, float, int]:
    wall = cpu = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for document in generate(count):
            started, started_cpu = time.perf_counter(), time.process_time()
            parse(document.text)
            wall += time.perf_counter() - started
            cpu += time.process_time() - started_cpu
    return wall, cpu, count


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    options.add_argument("--docs", type=int, default=2000, help="N; ours runs 2N (default 2000)")
    options.add_argument("--quantulum-docs", type=int, default=50, help="cap for quantulum3")
    args = options.parse_args(argv)
    if args.docs < 1 or args.quantulum_docs < 0:
        options.error("--docs must be >= 1 and --quantulum-docs >= 0")

    total_docs = 2 * args.docs
    print("one process: docs/s per core = docs/s of the run; cpu = process CPU time\n")
    header = (
        f"{'extractor':<17}{'docs':<18}{'wall s':>9}{'cpu s':>9}{'docs/s':>10}{'docs/cpu-s':>12}"
    )
    peaks_by_language: dict[str, list[float]] = {}
    for language, name in (("en", "English"), ("ru", "Russian")):
        rows, peaks, chars = time_ours(args.docs, language)
        peaks_by_language[name] = peaks
        mean = chars / total_docs
        print(f"generated {name} corpus: {total_docs} docs, mean {mean:,.0f} chars/doc")
        print(header)
        total_wall = sum(r[1] for r in rows)
        total_cpu = sum(r[2] for r in rows)
        for label, wall, cpu, n in [
            *rows,
            (f"all {total_docs}", total_wall, total_cpu, total_docs),
        ]:
            print(row(f"recruitwatch-{language}", label, wall, cpu, n))
        print()

    parse = load_quantulum() if args.quantulum_docs else "skipped (--quantulum-docs 0)"
    if isinstance(parse, str):
        print(f"{'quantulum3':<17}{parse}")
    else:
        wall, cpu, n = time_quantulum(parse, min(args.quantulum_docs, total_docs))
        print(row("quantulum3", f"docs 1..{n} *", wall, cpu, n))
        print(
            f"\n* quantulum3 ran on the first {n} docs only; its docs/s is extrapolated from them"
            f" (at that rate {total_docs} docs would take {total_docs * wall / n:,.0f} s)."
            " It runs without its optional classifier extra."
        )

    for name, peaks in peaks_by_language.items():
        growth = peaks[1] - peaks[0]
        print(
            f"\n{name}: peak RSS after {args.docs:>6} docs: {peaks[0]:8.1f} MB, after"
            f" {total_docs:>6}: {peaks[1]:8.1f} MB (growth {growth:+.1f} MB)"
        )
    return 0


def row(extractor: str, label: str, wall: float, cpu: float, docs: int) -> str:
    return (
        f"{extractor:<17}{label:<18}{wall:>9.2f}{cpu:>9.2f}{rate(docs, wall)}{rate(docs, cpu, 12)}"
    )


def rate(docs: int, seconds: float, width: int = 10) -> str:
    return f"{docs / seconds:>{width},.0f}" if seconds > 0 else f"{'inf':>{width}}"


if __name__ == "__main__":
    raise SystemExit(main())
