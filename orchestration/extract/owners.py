"""Whose budget a figure is: a government's, a department's (or unit's), or one project's.

Budget words (一般公共预算, 年初预算, 支出总计, …) make a figure "not one area" because a government's
budget spans every functional class. A department's final accounts or one project's self-evaluation
use the same words for money of one owner, whose class is the figure's: a county 农业农村局's
一般公共预算财政拨款支出 is 农林水 (213), 该项目年初预算 of a rural-road fund is 交通运输 (214).

Data file (edit this, not the code): ``data/budget_owners.csv`` (word,role,function_code,note), read by
:func:`owner_vocabulary`. Roles:

* ``budget_word``: a no-code keyword of ``function_keywords.csv`` that is neutral when the owner is a
  department, unit or project (the loader checks that the keyword file lists it without a code);
* ``running_cost``: a department's own running costs (人员经费, 公用经费, 基本支出): a figure so named is
  in its department's class, whatever economic items its sentence lists (社会保障缴费, 住房公积金: the
  loader checks that no keyword gives the word itself a class);
* ``government``: says the budget is a government's (全县, 县本级, 预算执行情况; 财政局, which keeps it):
  today's verdict stays;
* ``department``: says the money is a department's or unit's; with a ``function_code`` the word is a
  department's name and gives its class (农业农村局 213), without one it only marks the owner's kind
  (部门决算, 本单位); list only bureaus whose spending is one class (not 发展和改革局, 人民政府办公室);
* ``project``: says the money is one project's (该项目, 绩效自评): the project's words give its class.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

OWNERS_FILE = Path(__file__).with_name("data") / "budget_owners.csv"
ROLES = ("budget_word", "running_cost", "government", "department", "project")


@dataclass(frozen=True)
class OwnerVocabulary:
    budget_words: frozenset[str]
    running_costs: tuple[str, ...]  # longest first, so that one phrase's word is always the same
    department_classes: dict[str, str]  # a department's name -> its class
    markers: dict[str, str]  # word -> role (government, department, project), names included
    marker_re: re.Pattern  # every marker, longest first: 教育和体育局 is one name, not 体育局
    budget_word_re: re.Pattern


@functools.cache
def owner_vocabulary() -> OwnerVocabulary:
    """The vocabulary of ``data/budget_owners.csv``, checked against the class list and the keyword file."""
    from orchestration.extract.functions import FUNCTION_CLASSES, function_keyword_rows

    classless_keywords = {r["keyword"] for r in function_keyword_rows() if r["function_code"] is None}
    class_keywords = {r["keyword"] for r in function_keyword_rows() if r["function_code"] is not None}
    budget_words: set[str] = set()
    running_costs: set[str] = set()
    departments: dict[str, str] = {}
    markers: dict[str, str] = {}
    with OWNERS_FILE.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            word, role, code = r["word"].strip(), r["role"].strip(), (r["function_code"] or "").strip()
            if role not in ROLES:
                raise ValueError(f"{OWNERS_FILE.name}: unknown role {role!r} for {word!r}")
            if not (r.get("note") or "").strip():
                raise ValueError(f"{OWNERS_FILE.name}: {word!r} has no note")
            if code and (role != "department" or code not in FUNCTION_CLASSES):
                raise ValueError(f"{OWNERS_FILE.name}: function_code {code!r} for {word!r} ({role})")
            if role == "budget_word":
                if word not in classless_keywords:
                    raise ValueError(f"{OWNERS_FILE.name}: budget word {word!r} is no classless keyword")
                budget_words.add(word)
                continue
            if role == "running_cost":
                if word in class_keywords:
                    raise ValueError(f"{OWNERS_FILE.name}: running cost {word!r} is a keyword with a class")
                running_costs.add(word)
                continue
            markers[word] = role
            if code:
                departments[word] = code

    def alternation(words) -> re.Pattern:
        return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))

    return OwnerVocabulary(
        frozenset(budget_words),
        tuple(sorted(running_costs, key=lambda w: (-len(w), w))),
        departments,
        markers,
        alternation(markers),
        alternation(budget_words),
    )


def mask_budget_words(text: str) -> str:
    """``text`` with its budget words blanked out (same length), so that the words left can speak."""
    return owner_vocabulary().budget_word_re.sub(lambda m: "□" * len(m.group(0)), text or "")


@dataclass(frozen=True)
class Owner:
    kind: str  # government, department or project
    level: str  # where the owner is named: clause, segment, sentence, paragraph, heading, title, signature
    word: str  # the word that names it
    department_class: str | None  # the class of the nearest department named there or wider
    department_name: str | None
    government_word: str | None = None  # a government word there or wider (财政局 in the title): a government's text


def owner_of_figure(levels: tuple[tuple[str, str], ...]) -> Owner | None:
    """The owner of a figure's money from its levels (narrowest first: clause … title, signature).

    The narrowest level with an owner word decides its kind: government when it has a government word,
    else department when it names a department or unit, else project. None when no level names one.
    """
    vocabulary = owner_vocabulary()
    for k, (where, text) in enumerate(levels):
        roles: dict[str, str] = {}  # role -> its longest word at this level (the first of equally long ones)
        for m in vocabulary.marker_re.finditer(text or ""):
            role, word = vocabulary.markers[m.group(0)], m.group(0)
            if len(word) > len(roles.get(role, "")):
                roles[role] = word
        if not roles:
            continue
        kind = next(role for role in ("government", "department", "project") if role in roles)
        name, code = _nearest_department(levels[k:])
        return Owner(kind, where, roles[kind], code, name, _first_government_word(levels[k:]))
    return None


def _first_government_word(levels: tuple[tuple[str, str], ...]) -> str | None:
    vocabulary = owner_vocabulary()
    for _, text in levels:
        for m in vocabulary.marker_re.finditer(text or ""):
            if vocabulary.markers[m.group(0)] == "government":
                return m.group(0)
    return None


def _nearest_department(levels: tuple[tuple[str, str], ...]) -> tuple[str | None, str | None]:
    """(name, class) of the department named at the narrowest of these levels; (None, None) when none is,
    or (the names, None) when that level names departments of different classes."""
    vocabulary = owner_vocabulary()
    for _, text in levels:
        names = [
            m.group(0) for m in vocabulary.marker_re.finditer(text or "") if m.group(0) in vocabulary.department_classes
        ]
        if names:
            codes = {vocabulary.department_classes[n] for n in names}
            if len(codes) > 1:
                return "、".join(sorted(set(names))), None
            return max(names, key=len), codes.pop()  # the first of the longest
    return None, None
