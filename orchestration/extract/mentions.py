"""Place names in a text: which gazetteer surfaces are mentions of a unit, and of which units.

Short names are ambiguous (several 鼓楼区) and many are ordinary words (和平, 新城, 城关). A bare short
name is only a mention when context supports it; see :func:`find_mentions`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from .gazetteer import Gazetteer, UnitKey
from .records import Locality

LEVEL_ORDER = {"county": 0, "prefecture": 1, "province": 2}

# characters that may sit between a parent name and a unit name: 江苏·东台, 江苏 东台
_JOINERS = " \u3000·・-—"
# a unit name followed by one of these speaks for the unit's own government
OFFICE_RE = re.compile(r"(?:财政局|财政所|财政|人民政府|政府|县委|区委|市委|旗委|党委|人大|政协|发改委|税务局)")
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


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


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


class _Candidate(NamedTuple):
    """A surface accepted for some units, before confirmation and overlap resolution."""

    start: int
    end: int
    surface: str
    kind: str
    keys: list[UnitKey]
    evidence: str
    weak: bool
    needs_confirmation: bool = False


def _is_risky(gz: Gazetteer, surface: str, kind: str) -> bool:
    """An ordinary word (short names), or a full name that is short or whose stem is one (和县, 和平区)."""
    if kind == "short":
        return surface in gz.common_words
    core = surface[:-1]
    return surface in gz.common_words or core in gz.common_words or len(surface) <= 2


def _slogan_before(text: str, start: int) -> bool:
    j = start
    while j > 0 and text[j - 1] in _QUOTES:
        j -= 1
    head = text[max(0, j - 2) : j]
    return head.endswith(_SLOGAN_PREFIXES)


def find_mentions(gz: Gazetteer, text: str, year: int | None = None, include_weak: bool = False) -> list[Mention]:
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
    y = gz.year_or_newest(year)
    raw = gz.surface_matches(text)
    if not raw:
        return []
    ends: dict[int, set[UnitKey]] = defaultdict(set)
    for _s, e, surface in raw:
        for key in gz.surfaces[surface]:
            if key[0] != "county":
                ends[e].add(key)

    def parents_before(start: int) -> set[UnitKey]:
        keys = set(ends.get(start, ()))
        j = start
        while j > 0 and text[j - 1] in _JOINERS and start - j < 2:
            j -= 1
            keys |= ends.get(j, set())
        return keys

    accepted: list[_Candidate] = []
    for s, e, surface in raw:
        before = parents_before(s)
        after = text[e : e + 6]
        prev = text[s - 1] if s > 0 else ""
        for kind, keys in gz.keys_by_kind(surface):
            with_parent = [k for k in keys if gz.ancestor_keys(k) & before] if before else []
            risky = _is_risky(gz, surface, kind)
            if with_parent:
                accepted.append(_Candidate(s, e, surface, kind, with_parent, "parent", False))
                continue
            if kind == "full":
                boundary = not prev or not _is_han(prev)
                if not risky:
                    accepted.append(_Candidate(s, e, surface, kind, keys, "full", False))
                elif OFFICE_RE.match(after):  # 和平区财政局, 城区人民政府
                    accepted.append(_Candidate(s, e, surface, kind, keys, "office", False))
                elif (
                    boundary
                    and (len(surface) >= 3 or surface[:-1] not in gz.common_words)
                    and after[:1] not in ("域", "级", "直", "乡", "城", "镇")
                ):  # 。朝阳区持续… / 和县 at the start of a clause
                    accepted.append(_Candidate(s, e, surface, kind, keys, "full", False))
                elif after[:1] != "域":
                    accepted.append(_Candidate(s, e, surface, kind, keys, "full", False, needs_confirmation=True))
                continue
            # short names
            provinces = [k for k in keys if k[0] == "province"]
            if provinces and not risky:  # 河北 is the province, not 天津's 河北区, without context
                accepted.append(_Candidate(s, e, surface, kind, provinces, "short", False))
                continue
            if risky:
                continue
            if OFFICE_RE.match(after):
                evidence = "office"
            elif _slogan_before(text, s):
                evidence = "slogan"
            else:
                evidence = "bare"
            accepted.append(_Candidate(s, e, surface, kind, keys, evidence, evidence == "bare"))

    # confirmation: units named with strong evidence somewhere in the text
    strong_keys: set[UnitKey] = set()
    for candidate in accepted:
        if not candidate.weak and not candidate.needs_confirmation:
            strong_keys.update(candidate.keys)
    resolved: list[_Candidate] = []
    for candidate in accepted:
        if candidate.needs_confirmation or candidate.weak:
            confirmed = [k for k in candidate.keys if k in strong_keys]
            if not confirmed and candidate.needs_confirmation and len(candidate.surface) >= 3:
                # a full name confirmed by its own prefecture or province named in the text
                # (滁州市…下达定远县…): the text is about the unit that encloses it
                confirmed = [k for k in candidate.keys if gz.ancestor_keys(k) & strong_keys]
            if confirmed:
                candidate = candidate._replace(keys=confirmed, evidence="repeat", weak=False)
            elif candidate.needs_confirmation:
                continue
        resolved.append(candidate)

    # non-overlapping selection: strong before weak, longer first, then earlier
    resolved.sort(key=lambda c: (c.weak, -(c.end - c.start), c.start, c.kind != "full"))
    taken: set[int] = set()  # the character positions of the chosen mentions: a name is a few characters long
    chosen: list[_Candidate] = []
    for candidate in resolved:
        positions = range(candidate.start, candidate.end)
        if not taken.isdisjoint(positions):
            continue
        taken.update(positions)
        chosen.append(candidate)
    chosen.sort(key=lambda c: c.start)

    out = []
    for c in chosen:
        if c.weak and not include_weak:
            continue
        units = [gz.unit(*k, y) for k in gz.alive_keys(c.surface, c.keys, y)]
        cands = sorted((u for u in units if u is not None), key=lambda u: (LEVEL_ORDER[u.level], u.code))
        out.append(Mention(c.start, c.end, c.surface, cands, c.kind, c.evidence, c.weak))
    return out
