"""Place-name mentions: which names in a text count as a unit, with which evidence."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from orchestration.extract.gazetteer import Gazetteer
from orchestration.extract.mentions import Mention, find_mentions

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def gz() -> Gazetteer:
    return Gazetteer.load()


def _surfaces(ms: list[Mention]) -> list[str]:
    return [m.surface for m in ms]


def test_full_names_and_chain(gz):
    ms = find_mentions(gz, "福建省三明市将乐县牢记嘱托", 2021)
    assert _surfaces(ms) == ["福建省", "三明市", "将乐县"]
    assert ms[2].candidates[0].code == "350428" and ms[2].kind == "full"
    ms = find_mentions(gz, "云南省红河哈尼族彝族自治州个旧市", 2021)
    assert [c.code for m in ms for c in m.candidates][-2:] == ["532500", "532501"]


def test_short_after_province_or_prefecture(gz):
    ms = find_mentions(gz, "江苏东台：扎实做好安全生产保障工作", 2021)
    assert _surfaces(ms) == ["江苏", "东台"]
    assert ms[1].kind == "short" and ms[1].evidence == "parent" and ms[1].candidates[0].code == "320981"
    ms = find_mentions(gz, "南通海门", 2019)
    assert ms[-1].candidates[0].code == "320684"
    ms = find_mentions(gz, "北京朝阳：", 2021)
    assert [c.code for c in ms[-1].candidates] == ["110105"]


@pytest.mark.parametrize(
    "text",
    [
        "坚持长治久安，和平发展，推进新城镇建设",
        "城关镇、开发区和高新区协同发展",
        "民生项目接轨主城区标准",
        "振兴县域经济，完善市和县级财政体制",
        "平安和平",
    ],
)
def test_common_words_are_not_mentions(gz, text):
    assert find_mentions(gz, text, 2021) == []


def test_overlap_prefers_province(gz):
    # 上海门户: 上海 (province), not 海门
    assert _surfaces(find_mentions(gz, "上海门户网站", 2021, include_weak=True)) == ["上海"]


def test_slogan_and_repeat(gz):
    text = "为建设“强富美高”新海门提供保障。支持“平安海门”建设。服务重大项目创造“海门速度”。"
    ms = find_mentions(gz, text, 2021)
    assert [m.evidence for m in ms] == ["slogan", "slogan", "repeat"]
    assert {c.code for m in ms for c in m.candidates} == {"320614"}
    # a lone bare short name is only a weak mention
    assert find_mentions(gz, "创造海门速度", 2021) == []
    weak = find_mentions(gz, "创造海门速度", 2021, include_weak=True)
    assert len(weak) == 1 and weak[0].weak and weak[0].evidence == "bare"


def test_mentions_scale(gz):
    text = (SEEDS / "002_7b525c3f80af82fa.txt").read_text(encoding="utf-8") * 20
    t0 = time.perf_counter()
    find_mentions(gz, text, 2021, include_weak=True)
    assert time.perf_counter() - t0 < 1.0
