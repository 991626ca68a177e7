"""The locality an article is about, and the units inside it that its figures go to.

Built on the gazetteer (:mod:`gazetteer`: units, codes by year, parents) and the place names found in
a text (:mod:`mentions`); here the mentions of title, author and body are weighed against each other.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from .gazetteer import Gazetteer, UnitKey, unit_key
from .mentions import OFFICE_RE, Mention, find_mentions
from .records import Locality

# mentions right after these are places the article merely visits or refers to
_ELSEWHERE_RE = re.compile(
    r"赴|到|前往|学习|借鉴|对口|援助|支援|帮扶|考察|参照|参考|对标|拓展|来自|周边|兄弟|外地|走进|跨区域"
)
_CLAUSE_BREAK_RE = re.compile(r"[，。；、：！？,;:!?\n]")
# the text's own level: 全县/我区 (group 1) or 县财政局/区委 (group 2), opened by the union of the alternatives' first
# characters so that re skips to them (numbers.opened_by_class; a group cannot span the shared first character)
_SELF_LEVEL_RE = re.compile(
    r"[全我本该县区市旗](?:(?<=[全我本该])(县|区|市|旗)|(?<=(县|区|市|旗))(?:财政局|委|政府|人大|政协|级))"
)
_TITLE_PREFIX_RE = re.compile(r"^\s*([^\s：:，,。！？；;“”\"（）()]{2,16})\s*[：:]")

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
    hints: set[UnitKey],
    level_char: str | None,
) -> dict[UnitKey, _Tally]:
    named: set[UnitKey] = set(hints)
    for m in mentions:
        if not m.weak:
            for c in m.candidates:
                if c.level != "county":
                    named.add(unit_key(c))
    tallies: dict[UnitKey, _Tally] = defaultdict(_Tally)
    for m in mentions:
        cands = list(m.candidates)
        if len(cands) > 1:
            narrowed = [c for c in cands if gz.ancestor_keys(unit_key(c)) & named]
            cands = narrowed or cands
        if len(cands) > 1 and level_char:
            narrowed = [c for c in cands if c.level != "county" or c.name.endswith(level_char)]
            cands = narrowed or cands
        weight = _WEIGHTS.get(m.evidence, 1.0)
        if OFFICE_RE.match(text[m.end : m.end + 6]):
            weight += 1.0
        elsewhere = _elsewhere(text, m.start)
        if elsewhere:
            weight *= 0.3
        weight /= len(cands)
        for c in cands:
            t = tallies[unit_key(c)]
            if not elsewhere:
                t.best = max(t.best, weight)
            t.score += weight
            t.count += 1
            t.first = min(t.first, m.start)
            t.surface = t.surface or m.surface
    for key, t in tallies.items():
        loc = gz.unit(*key)
        if key[0] == "county" and loc is not None and t.best >= 1.0:
            if gz.ancestor_keys(unit_key(loc)) & named:
                t.score += 1.0
            if level_char and loc.name.endswith(level_char) and t.best > 0:
                t.score += 0.5
    return tallies


def _best(tallies: dict[UnitKey, _Tally], level: str) -> tuple[UnitKey, _Tally] | None:
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
    y = gz.year_or_newest(year)
    hints: set[UnitKey] = set()
    if context is not None:
        hints |= gz.ancestor_keys(unit_key(context))
        if context.level != "county":
            hints.add(unit_key(context))
    fallback: tuple[Locality, str] | None = None

    title = title or ""
    m = _TITLE_PREFIX_RE.match(title)
    if m:
        prefix = m.group(1)
        ms = [
            x
            for x in find_mentions(gz, prefix, y, include_weak=True)
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
        ms = find_mentions(gz, author_org, y, include_weak=True)
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
    ms = find_mentions(gz, text, y, include_weak=True)
    level_char = _self_level(text)
    tallies = _tally(gz, ms, text, hints, level_char)

    def supported(key: UnitKey, t: _Tally) -> bool:
        if t.best >= 1.0:
            return True
        # only bare short names: need repetition, plus agreement with a named province/prefecture
        # when there is one
        if t.best <= 0 or t.count < 2:
            return False
        return not hints or bool(hints & gz.ancestor_keys(key))

    counties = {k: t for k, t in tallies.items() if k[0] == "county" and supported(k, t)}
    best = _best(counties, "county")
    body_pref = _best({k: t for k, t in tallies.items() if t.best > 0}, "prefecture")
    if best is not None and body_pref is not None:
        # a prefecture-level text names several of its counties as parts: 全市 ... 长兴县、安吉县
        pkey, pt = body_pref
        members = [k for k in counties if pkey in gz.ancestor_keys(k)]
        # three or more of its counties named: the prefecture's own notice, however often one recurs
        if (len(members) >= 3 or (len(members) >= 2 and pt.score >= best[1].score)) and level_char != "县":
            best = None
    elif best is not None and fallback is not None and fallback[0].level != "county":
        # a prefecture's or province's notice (by its author) listing its counties, none standing out
        pkey = unit_key(fallback[0])
        counts = sorted((t.count for k, t in counties.items() if pkey in gz.ancestor_keys(k)), reverse=True)
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
            or unit_key(found[0]) in (gz.ancestor_keys(unit_key(ctx)) | {unit_key(ctx)})
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
    mentions = find_mentions(gz, name, year, include_weak=True)
    if not mentions:
        return None
    named = {unit_key(c) for m in mentions[:-1] for c in m.candidates}
    cands = {unit_key(c): c for c in mentions[-1].candidates}
    if named:
        cands = {k: c for k, c in cands.items() if gz.ancestor_keys(unit_key(c)) & named} or cands
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
    inside = unit_key(article)
    out = []
    for m in find_mentions(gz, text[start:end], year):
        units = {unit_key(c) for c in m.candidates if c.level == "county" and inside in gz.ancestor_keys(unit_key(c))}
        if len(units) == 1:
            level, stable = units.pop()
            out.append(Recipient(start + m.start, start + m.end, m.surface, level, stable))
    return out
