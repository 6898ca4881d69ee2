"""The region view: a tile-grid map of Russia's federal subjects and the occupied Ukrainian
regions, one square per region, coloured by its current regional signing payment.

The layout is data (`data/region_tiles.csv`: ISO 3166-2 code, row, column, occupied), drawn by
hand to keep each region near its neighbours; occupied Ukrainian regions keep their ISO
3166-2:UA codes and are marked. Positions are computed here and the template writes them out as
SVG; colours are CSS classes (`band0`...), so the page needs no inline style or script.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise

from recruitwatch.levels import LevelStatement, amount_words

TILE = 40  # pixels per square
GAP = 3
# Upper bounds (RUB) of the colour bands of a regional payment; past the last, the top band.
BANDS_RUB: tuple[float, ...] = (250_000, 500_000, 1_000_000, 2_000_000)


@dataclass(frozen=True, slots=True)
class GridCell:
    code: str
    row: int
    column: int
    occupied: bool


@dataclass(frozen=True, slots=True)
class Tile:
    code: str
    name: str
    short: str  # the label drawn in the square
    x: int
    y: int
    occupied: bool
    band: str  # CSS class: band0..band4, "none" (no regional level), "other" (not in RUB)
    title: str  # what the tile says on hover and to a screen reader
    href: str


@dataclass(frozen=True, slots=True)
class TileMap:
    width: int
    height: int
    size: int
    tiles: list[Tile]
    legend: list[tuple[str, str]]  # (band class, what it means)


@cache
def region_grid() -> tuple[GridCell, ...]:
    """The layout, read once from the package's data file."""
    text = (resources.files("recruitwatch.serve") / "data" / "region_tiles.csv").read_text(
        encoding="utf-8"
    )
    return tuple(
        GridCell(
            code=row["code"],
            row=int(row["row"]),
            column=int(row["column"]),
            occupied=row["occupied"] == "true",
        )
        for row in csv.DictReader(text.splitlines())
    )


def grid_codes() -> frozenset[str]:
    return frozenset(cell.code for cell in region_grid())


def tile_map(
    regional: Mapping[str, LevelStatement], names: Mapping[str, str], href_prefix: str = "/regions/"
) -> TileMap:
    """Every region of the grid, coloured by `regional` (region code -> the statement of its
    current regional level); `names` gives each code's name."""
    cells = region_grid()
    tiles = []
    for cell in cells:
        name = names.get(cell.code, cell.code)
        level = regional.get(cell.code)
        status = " (occupied Ukrainian region)" if cell.occupied else ""
        if level is None:
            said = "no regional signing payment recorded"
        else:
            said = f"regional signing payment {amount_words(level.amount, level.currency)}"
            said += f" ({level.day.isoformat()})"
        tiles.append(
            Tile(
                code=cell.code,
                name=name,
                short=cell.code if cell.occupied else cell.code.split("-", 1)[1],
                x=cell.column * (TILE + GAP),
                y=cell.row * (TILE + GAP),
                occupied=cell.occupied,
                band=band(level),
                title=f"{name}, {cell.code}{status}: {said}",
                href=f"{href_prefix}{cell.code}",
            )
        )
    columns = max(cell.column for cell in cells) + 1
    rows = max(cell.row for cell in cells) + 1
    return TileMap(
        width=columns * (TILE + GAP) - GAP,
        height=rows * (TILE + GAP) - GAP,
        size=TILE,
        tiles=tiles,
        legend=legend(),
    )


def band(level: LevelStatement | None) -> str:
    if level is None:
        return "none"
    if level.currency != "RUB":
        return "other"
    for index, bound in enumerate(BANDS_RUB):
        if level.amount < bound:
            return f"band{index}"
    return f"band{len(BANDS_RUB)}"


def legend() -> list[tuple[str, str]]:
    found = [("band0", f"under {amount_words(BANDS_RUB[0], 'RUB')}")]
    for index, (low, high) in enumerate(pairwise(BANDS_RUB), start=1):
        found.append((f"band{index}", f"{amount_words(low, 'RUB')} to {amount_words(high, 'RUB')}"))
    found.append((f"band{len(BANDS_RUB)}", f"{amount_words(BANDS_RUB[-1], 'RUB')} or more"))
    found.append(("none", "no regional payment recorded"))
    return found
