"""The tracker's pages: the region map (`/regions`), a region's levels and their history
(`/regions/RU-SAM`), and every raise and cut (`/changes`). All are built from
`recruitwatch.levels` over the stored statements, as the CLI's `changes` is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from recruitwatch.lang import region_labels
from recruitwatch.levels import (
    FEDERAL_REGION,
    Level,
    LevelStatement,
    amount_words,
    changes,
    latest,
    levels,
)
from recruitwatch.serve import params
from recruitwatch.serve.charts import Chart, StepLevel, StepPoint, steps
from recruitwatch.serve.deps import read_access, reader
from recruitwatch.serve.tilemap import grid_codes, region_grid, tile_map
from recruitwatch.serve.web import document_url
from recruitwatch.store.browse import Reader
from recruitwatch.store.levels import level_statements

router = APIRouter(include_in_schema=False)
Read = Annotated[Reader, Depends(reader)]
_OPEN = [Depends(read_access)]
# The parts as the page lists and colours them (palette index, name).
PART_ORDER: tuple[tuple[int, str], ...] = (
    (0, "federal"),
    (1, "regional"),
    (2, "municipal"),
    (3, "combined"),
)
PART_NAMES = {
    "federal": "federal",
    "regional": "regional",
    "municipal": "municipal",
    "combined": "stated total",
}


@dataclass(frozen=True, slots=True)
class PartLevel:
    """A part's current level: the statement that gives it and every statement of that level."""

    part: str
    current: LevelStatement
    sources: tuple[LevelStatement, ...]


@dataclass(frozen=True, slots=True)
class Total:
    """The current parts summed (same currency only), dated by the newest of them."""

    amount: float
    currency: str
    day: date
    parts: tuple[str, ...]


def names() -> dict[str, str]:
    return {**region_labels(), FEDERAL_REGION: "Russia (federal)"}


@router.get(
    "/regions", response_class=HTMLResponse, dependencies=[*_OPEN, Depends(params.only({"review"}))]
)
def regions_page(request: Request, db: Read, review: params.Review = None) -> Response:
    """The map; `?review=accepted` draws it from confirmed and corrected records only."""
    statements = level_statements(db, review=review)
    current = latest(statements)
    regional = {key[0]: found for key, found in current.items() if key[1] == "regional"}
    labels = names()
    rows = []
    for cell in sorted(region_grid(), key=lambda cell: labels.get(cell.code, cell.code)):
        parts = {part: current.get((cell.code, part)) for part in PART_NAMES}
        if any(parts.values()):
            rows.append({"code": cell.code, "name": labels.get(cell.code), **parts})
    context = {
        "map": tile_map(regional, labels),
        "rows": rows,
        "federal": current.get((FEDERAL_REGION, "federal")),
        "occupied": {cell.code for cell in region_grid() if cell.occupied},
    }
    return _page(request, "regions.html", context)


@router.get(
    "/regions/{code}",
    response_class=HTMLResponse,
    dependencies=[*_OPEN, Depends(params.only({"review"}))],
)
def region_page(request: Request, code: str, db: Read, review: params.Review = None) -> Response:
    if code not in grid_codes():
        raise HTTPException(
            404, f"no region {code!r}; /regions lists them by ISO 3166-2 code (RU-SAM, UA-43)"
        )
    statements = level_statements(db, code, review=review)
    runs = levels(statements)
    current = latest(statements)
    parts = [
        PartLevel(part, found, _run_of(runs[key], found).statements)
        for _, part in PART_ORDER
        if (found := current.get(key := (_region_of(code, part), part))) is not None
    ]
    occupied = any(cell.code == code and cell.occupied for cell in region_grid())
    history = [
        (part, level, _status(level, current.get((_region_of(code, part), part))))
        for _, part in PART_ORDER
        for level in runs.get((_region_of(code, part), part), [])
    ]
    context = {
        "code": code,
        "name": names().get(code, code),
        "occupied": occupied,
        "parts": parts,
        "part_names": PART_NAMES,
        "total": total(parts),
        "level_chart": level_chart(runs, code),
        "history": history,
        "changes": changes(statements),
    }
    return _page(request, "region.html", context)


@router.get(
    "/changes",
    response_class=HTMLResponse,
    dependencies=[*_OPEN, Depends(params.only({"since", "region", "review"}))],
)
def changes_page(
    request: Request,
    db: Read,
    since: params.Since = None,
    region: params.RegionCode = None,
    review: params.Review = None,
) -> Response:
    found = changes(level_statements(db, region, review=review), since=since)
    if region is not None:
        found = [change for change in found if change.region in (region, FEDERAL_REGION)]
    feed = "&".join(
        f"{name}={value}" for name, value in (("since", since), ("region", region)) if value
    )
    context = {
        "changes": found,
        "since": since,
        "region": region,
        "names": names(),
        "part_names": PART_NAMES,
        "feed": feed,
    }
    return _page(request, "changes.html", context)


def total(parts: list[PartLevel]) -> Total | None:
    """The current federal, regional and municipal levels summed, when two or more are known
    in one currency."""
    summed = [p for p in parts if p.part != "combined"]
    currencies = {p.current.currency for p in summed}
    if len(summed) < 2 or len(currencies) != 1:
        return None
    return Total(
        amount=sum(p.current.amount for p in summed),
        currency=currencies.pop(),
        day=max(p.current.day for p in summed),
        parts=tuple(p.part for p in summed),
    )


def level_chart(runs: dict[tuple[str, str], list[Level]], code: str) -> Chart:
    """Each part's levels over time as steps; a level lasts until the next begins, the last
    a little past the newest statement of any part."""
    every = [level for found in runs.values() for level in found]
    if not every:
        return steps("Signing payment by part", [], y_title="", caption="")
    first = min(level.first for level in every)
    newest = max(level.last for level in every)
    # A current level holds past its latest statement: drawn on a little, not as a dot.
    tail = timedelta(days=max(30, (newest - first).days // 12))
    series = []
    currencies = {level.currency for level in every}
    for index, part in PART_ORDER:
        found = runs.get((_region_of(code, part), part), [])
        drawn = []
        for position, level in enumerate(found):
            following = found[position + 1] if position + 1 < len(found) else None
            drawn.append(
                StepLevel(
                    start=level.first,
                    end=following.first if following else max(level.last, newest) + tail,
                    value=level.amount,
                    dashed=level.only_previous,
                    points=[
                        StepPoint(
                            statement.effective_day,
                            level.amount,
                            _point_label(statement, part),
                            _evidence(statement),
                        )
                        for statement in level.statements
                    ],
                )
            )
        series.append((index, PART_NAMES[part], drawn))
    unit = currencies.pop() if len(currencies) == 1 else "amount as stated"
    return steps(
        "Signing payment by part",
        series,
        y_title=unit,
        caption="one line per part; a mark per statement, linked to its sentence; dashed: a"
        " level known only as a former one",
    )


def _page(request: Request, template: str, context: dict[str, Any]) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    context.setdefault("settings", request.app.state.settings)
    return templates.TemplateResponse(request, template, context)


def _region_of(code: str, part: str) -> str:
    return FEDERAL_REGION if part == "federal" else code


def _run_of(runs: list[Level], statement: LevelStatement) -> Level:
    return next(level for level in runs if statement in level.statements)


def _status(level: Level, current: LevelStatement | None) -> str:
    if current is not None and current in level.statements:
        return "current"
    return "former (stated only as replaced)" if level.only_previous else "former"


def _point_label(statement: LevelStatement, part: str) -> str:
    former = " (as a former level)" if statement.previous else ""
    return (
        f"{statement.day.isoformat()} · {PART_NAMES[part]} ·"
        f" {amount_words(statement.amount, statement.currency)}{former}"
    )


def _evidence(statement: LevelStatement) -> str:
    return document_url(statement.document_id, statement.record)
