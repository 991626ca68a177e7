"""A realistic synthetic corpus of county finance-bureau bulletins, for `make bench`.

Deterministic (seeded): the same ``--seed`` and ``-n`` always write the same files. The two seed
bulletins (``seeds/*.txt``) are split into paragraphs and sentences, which are recombined into new
bulletins of the two shapes the seeds show:

- **column** (like ``000_*.txt``): a preface, then articles each with a ``省份简称+县名：标题`` title, a
  ``XX省XX市XX县财政局 | 姓名`` author line, an introduction and ``一是…二是…`` points, blank lines
  between paragraphs, sometimes a ``责任编辑`` footer;
- **report** (like ``002_*.txt``): one bureau's work summary with ``1.…2.…`` sections, no blank lines.

Every article gets a real county drawn from the gazetteer (``Gazetteer.load().reference_rows()``); the
seeds' place names (full and short forms, province, prefecture) are replaced by the drawn one's.
Money amounts are scaled by one exact factor per article (so parts still add up to at most their
total), sometimes rewritten between 万元 and 亿元; percentages are jittered; years are shifted per
article so they stay within 2018-2024. Lengths follow the seeds (about 3,000-9,000 characters).
Most files are UTF-8; a few carry a BOM or are GB18030, as real inboxes do.

    .venv/bin/python -m bench.generate_corpus -n 200 --out /tmp/corpus [--seed 7]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_ROOT / "seeds"

ORDINALS = "一二三四五六七八九十"
SENTENCE = re.compile(r"[^。！？]*[。！？][”」』）)]*|[^。！？]+$")
POINT = re.compile(r"^(?:[一二三四五六七八九十]+是|\d+[.．、])")
MONEY = re.compile(r"(\d+(?:\.\d+)?)(\s*)(万亿元|亿元|万元|千元|元)")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)(%|％)")
YEAR = re.compile(r"(20[12]\d)(?=年)")
TERMINATORS = "。！？”」』）)：:"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉萍海燕晓东文斌宇浩然子轩欣怡雪梅春生"
    "安远天敏景维毅恒冬妮友山"
)
PROVINCE_SHORT = {"内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏",
                  "宁夏回族自治区": "宁夏", "新疆维吾尔自治区": "新疆"}  # fmt: skip
COUNTY_SUFFIXES = ("自治县", "自治旗", "林区", "特区", "县", "区", "市", "旗")
TOPICS = [
    "扎实做好{x}保障工作", "持续优化营商环境", "稳步提高民生投入水平", "精准发力 助推{x}",
    "推进预算绩效管理提质增效", "全力保障重大项目建设", "做好“六稳”“六保”工作", "管好用好直达资金",
    "助推乡村全面振兴", "强化财政资金监管", "支持{x}高质量发展", "打造“绿水青山”赢得“金山银山”",
]  # fmt: skip
TOPIC_FILLERS = ["社会治理现代化", "安全生产", "教育优先发展", "县域经济", "生态文明建设", "公共卫生体系", "就业创业"]


def province_short(name: str) -> str:
    if name in PROVINCE_SHORT:
        return PROVINCE_SHORT[name]
    return name[:-1] if name[-1] in "省市" else name


def county_short(name: str) -> str:
    if "族" in name:  # 峨边彝族自治县 -> 峨边
        return name[:2]
    for suffix in COUNTY_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class Place:
    province: str
    prefecture: str | None
    county: str

    @property
    def org(self) -> str:  # 江苏省盐城市东台市财政局; 北京市东城区财政局
        return f"{self.province}{self.prefecture or ''}{self.county}"


@dataclass
class SeedPool:
    """What the seeds offer for recombination."""

    intros: list[str] = field(default_factory=list)  # first paragraph of a column article
    report_intros: list[str] = field(default_factory=list)  # opening paragraph of a report
    headings: list[str] = field(default_factory=list)  # first sentence of a point (marker removed)
    sentences: list[str] = field(default_factory=list)  # body sentences of points
    titles: list[str] = field(default_factory=list)  # title phrases after the colon
    places: dict[str, list[str]] = field(default_factory=dict)  # level -> seed names to replace


def _paragraphs(text: str) -> list[str]:
    """Non-empty lines, with a line that does not end a sentence joined to the next (PDF breaks)."""
    out: list[str] = []
    carry = ""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        line = carry + line
        carry = ""
        if line[-1] not in TERMINATORS and not _is_heading_line(line) and len(line) > 40:
            carry = line
            continue
        out.append(line)
    if carry:
        out.append(carry)
    return out


def _is_heading_line(line: str) -> bool:
    return len(line) <= 40 and ("：" in line or "|" in line or "财政局" in line or "财政厅" in line)


def _split_sentences(paragraph: str) -> list[str]:
    return [s for s in SENTENCE.findall(paragraph) if s.strip()]


@lru_cache(maxsize=1)
def gazetteer_rows() -> tuple[dict, ...]:
    from orchestration.extract.gazetteer import Gazetteer

    return tuple(Gazetteer.load().reference_rows())


@lru_cache(maxsize=1)
def counties() -> tuple[Place, ...]:
    """Counties valid today, with their province and prefecture names."""
    out = []
    for r in gazetteer_rows():
        if r["level"] != "county" or r["valid_to_year"] < 2024 or "辖" in r["name"]:
            continue
        out.append(Place(r["province"], r["prefecture"], r["name"]))
    return tuple(sorted(out, key=lambda p: p.org))


@lru_cache(maxsize=1)
def seed_pool() -> SeedPool:
    texts = [p.read_text(encoding="utf-8-sig") for p in sorted(SEEDS_DIR.glob("*.txt"))]
    pool = SeedPool()
    joined = "\n".join(texts)
    by_level: dict[str, set[str]] = {"province": set(), "prefecture": set(), "county": set()}
    for r in gazetteer_rows():
        if len(r["name"]) >= 3 and r["name"] in joined:
            by_level[r["level"]].add(r["name"])
    by_level["county"] -= by_level["prefecture"]
    pool.places = {
        "province": sorted(by_level["province"]),
        "province_short": sorted({province_short(n) for n in by_level["province"]}),
        "prefecture": sorted(by_level["prefecture"]),
        "county": sorted(by_level["county"]),
        "county_short": sorted({county_short(n) for n in by_level["county"]}),
    }
    for text in texts:
        paras = _paragraphs(text)
        column = any("|" in p for p in paras)
        prev_heading = False
        for k, p in enumerate(paras):
            if column and "：" in p and len(p) <= 40:
                pool.titles.append(p.split("：", 1)[1].strip())
                prev_heading = True
                continue
            if "|" in p or (len(p) <= 40 and ("财政局" in p or "财政厅" in p)) or p.startswith("责任编辑"):
                continue
            marker = POINT.match(p)
            if marker:
                sents = _split_sentences(p[marker.end() :].split("■")[0])
                if sents:
                    pool.headings.append(sents[0])
                    pool.sentences.extend(sents[1:])
            elif column and prev_heading:
                pool.intros.append(p)
            elif not column and k == 0:
                pool.report_intros.append(p)
            elif column and k == 0:
                continue  # the column's own preface: regenerated from the articles
            else:
                pool.sentences.extend(_split_sentences(p.split("■")[0]))
            prev_heading = False
    pool.sentences = [s for s in pool.sentences if len(s) >= 8 and "责任编辑" not in s]
    pool.headings = [s for s in pool.headings if "责任编辑" not in s]
    return pool


@lru_cache(maxsize=1)
def _seed_place_pattern() -> tuple[dict[str, str], re.Pattern]:
    names = [(n, level) for level, seed_names in seed_pool().places.items() for n in seed_names]
    names.sort(key=lambda x: -len(x[0]))  # longest first: 武陵区 before 武陵
    return dict(names), re.compile("|".join(re.escape(n) for n, _ in names))


class Recombiner:
    """Builds one bulletin at a time from the seed pool, with its own random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pool = seed_pool()
        self.places = counties()
        self._place_levels, self._place_re = _seed_place_pattern()

    # --- pieces -------------------------------------------------------------------------------
    def person(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))

    def place(self) -> Place:
        return self.rng.choice(self.places)

    def relocate(self, text: str, place: Place) -> str:
        """Seed place names -> the drawn place, level by level."""
        target = {
            "province": place.province,
            "province_short": province_short(place.province),
            "prefecture": place.prefecture or place.province,
            "county": place.county,
            "county_short": county_short(place.county),
        }
        return self._place_re.sub(lambda m: target[self._place_levels[m.group(0)]], text)

    def vary_figures(self, text: str, factor: Decimal, year_shift: int) -> str:
        r = self.rng

        def money(m: re.Match) -> str:
            value = Decimal(m.group(1)) * factor
            unit = m.group(3)
            if unit == "万元" and value >= 10000 and r.random() < 0.5:
                value, unit = value / 10000, "亿元"
            elif unit == "亿元" and value < 10 and r.random() < 0.3:
                value, unit = value * 10000, "万元"
            return f"{_fmt(value)}{m.group(2)}{unit}"

        def percent(m: re.Match) -> str:
            value = float(m.group(1))
            if value >= 100:
                return m.group(0)
            decimals = len(m.group(1).split(".")[1]) if "." in m.group(1) else 0
            new = min(99.9, max(0.1, value + r.uniform(-3, 3)))
            return f"{new:.{decimals}f}{m.group(2)}" if decimals else f"{min(99, max(1, round(new)))}{m.group(2)}"

        text = MONEY.sub(money, text)
        text = PERCENT.sub(percent, text)
        return YEAR.sub(lambda m: str(int(m.group(1)) + year_shift), text)

    def article_variation(self) -> tuple[Decimal, int]:
        factor = Decimal(self.rng.randint(3, 40)) / 10  # exact: parts keep adding up to their total
        return factor, self.rng.randint(-3, 2)  # the seeds' years are 2020-2022: stay within 2018-2024

    def point_body(self, n_sentences: int) -> str:
        return self.rng.choice(self.pool.headings) + "".join(self.rng.sample(self.pool.sentences, n_sentences))

    def finish(self, paragraph: str, place: Place, factor: Decimal, shift: int) -> str:
        text = self.vary_figures(self.relocate(paragraph, place), factor, shift)
        if self.rng.random() < 0.04 and "，" in text[20:]:  # a PDF line break in mid-sentence
            cut = text.index("，", 20) + 1
            text = text[:cut] + "\n\n" + text[cut:]
        return text

    # --- bulletins ----------------------------------------------------------------------------
    def column(self) -> str:
        r = self.rng
        articles, lead_ins = [], []
        for _ in range(r.randint(4, 10)):
            place = self.place()
            factor, shift = self.article_variation()
            topic = r.choice(self.pool.titles + TOPICS).format(x=r.choice(TOPIC_FILLERS))
            title = f"{province_short(place.province)}{county_short(place.county)}：{topic}"
            roll = r.random()
            if roll < 0.8:
                author = f"{place.org}财政局 | {self.person()}"
            elif roll < 0.9:
                author = f"{place.org}财政局"
            else:
                author = f"{place.province}财政厅 | {self.person()}"
            paras = [title, author, self.finish(r.choice(self.pool.intros), place, factor, shift)]
            for k in range(r.randint(3, 5)):
                body = self.point_body(r.randint(1, 4))
                paras.append(self.finish(f"{ORDINALS[k]}是{body}", place, factor, shift))
            articles.append("\n\n".join(paras))
            lead_ins.append(f"{place.org}财政局{topic.replace(' ', '')}")
        preface = (
            "本期主要关注基层财政部门主动作为，服务经济社会平稳健康发展方面的做法和经验。"
            f"如{'，'.join(lead_ins[:4])}，等等。欢迎来稿！"
        )
        footer = [f"责任编辑 {self.person()} {self.person()}"] if r.random() < 0.5 else []
        return "\n\n\n" + "\n\n".join([preface, *articles, *footer]) + "\n"

    def report(self) -> str:
        r = self.rng
        place = self.place()
        factor, shift = self.article_variation()
        intro = self.finish(r.choice(self.pool.report_intros), place, factor, shift)
        if r.random() < 0.7:  # most reports name their bureau up front
            intro = intro.replace("区财政局", f"{place.county}财政局", 1)
        paras = [intro]
        for k in range(1, r.randint(7, 11)):
            paras.append(self.finish(f"{k}.{self.point_body(r.randint(4, 8))}", place, factor, shift))
        if r.random() < 0.3:
            paras.insert(0, f"{place.org}财政局{2021 + shift}年工作总结")
        return "\n".join(paras) + "\n"

    def bulletin(self) -> str:
        return self.column() if self.rng.random() < 0.6 else self.report()


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _encoding(rng: random.Random) -> str:
    roll = rng.random()
    return "utf-8" if roll < 0.9 else "utf-8-sig" if roll < 0.95 else "gb18030"


def bulletin_text(seed: int, index: int) -> tuple[str, str]:
    """Text and file encoding of bulletin ``index`` of corpus ``seed`` (independent of the corpus size)."""
    rng = random.Random(f"{seed}:{index}")
    return Recombiner(rng).bulletin(), _encoding(rng)


def write_bulletin(out: Path, seed: int, index: int, seen: set[str] | None = None) -> dict:
    """Write bulletin ``index`` to ``out``; returns its file name, characters and bytes."""
    attempt = 0
    while True:
        text, encoding = bulletin_text(seed, index if attempt == 0 else -(index * 1000 + attempt))
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        if seen is None or digest not in seen:
            break
        attempt += 1  # an identical text would be ingested as a duplicate: draw another
    if seen is not None:
        seen.add(digest)
    data = text.encode(encoding)
    name = f"{index:06d}_{digest}.txt"
    (out / name).write_bytes(data)
    return {"file": name, "chars": len(text), "bytes": len(data), "encoding": encoding}


def generate(n: int, out: Path, seed: int = 7, start: int = 0) -> dict:
    """Write bulletins ``start`` .. ``start + n - 1`` into ``out``; returns totals."""
    out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    chars = nbytes = 0
    for i in range(start, start + n):
        row = write_bulletin(out, seed, i, seen)
        chars += row["chars"]
        nbytes += row["bytes"]
    return {"bulletins": n, "chars": chars, "bytes": nbytes, "seed": seed, "dir": str(out)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="number of bulletins (default 200)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the .txt files into")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", type=int, default=0, help="index of the first bulletin (to add more later)")
    args = parser.parse_args(argv)
    print(json.dumps(generate(args.n, args.out, args.seed, args.start), ensure_ascii=False))


if __name__ == "__main__":
    main()
