"""Row types of the extraction staging tables.

Every fact carries character offsets (Python ``str`` indices) into the decoded bulletin text, so
that ``text[char_start:char_end]`` is exactly the annotated string. These dataclasses are the
contract between the pure extractor (this package) and the Dagster assets that write them to
Parquet; the column names are the ones the dbt sources read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Locality:
    """A county-level (or, failing that, prefecture/province-level) unit as of a given year."""

    code: str  # 6-digit administrative division code valid in `as_of_year`
    stable_code: str  # code of the same unit as current in the newest data year (survives renames)
    name: str  # official full name in that year, e.g. 海门区
    level: str  # province | prefecture | county
    province: str
    prefecture: str | None
    as_of_year: int


@dataclass
class Article:
    article_no: int  # 1-based position in the bulletin
    title: str  # verbatim title line, "" when the bulletin has none
    title_start: int
    body_start: int
    body_end: int
    author_org: str | None
    author_person: str | None
    locality: Locality | None
    locality_evidence: str  # how the locality was decided, e.g. "title short name 江苏东台"
    default_year: int | None  # year the article is about when a sentence does not say


@dataclass
class Amount:
    article_no: int
    char_start: int
    char_end: int
    amount_text: str  # number plus unit exactly as written
    amount_yuan: Decimal
    sentence: str
    sentence_start: int
    fiscal_year: int | None
    program_name: str | None
    function_code: str | None  # 类-level code of 支出功能分类, None when not one area's spending
    # allocation|expenditure|investment|transfer_in|revenue|procurement|saving|financing|threshold|per_capita|other
    measure: str
    is_total: bool = False
    parent_char_start: int | None = None  # char_start of the total this amount is part of


@dataclass
class Ratio:
    article_no: int
    char_start: int
    char_end: int
    percent_text: str
    value: Decimal
    kind: str  # share|growth|rate|other
    of_what: str | None
    sentence: str
    fiscal_year: int | None


@dataclass
class SkippedSpan:
    """A money-like span that is deliberately not an amount, with the reason (kept for audit)."""

    char_start: int
    char_end: int
    span_text: str
    reason: str


@dataclass
class Extraction:
    articles: list[Article] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    ratios: list[Ratio] = field(default_factory=list)
    skipped: list[SkippedSpan] = field(default_factory=list)


MEASURES = (
    "allocation",
    "expenditure",
    "investment",
    "transfer_in",
    "revenue",
    "procurement",
    "saving",
    "financing",
    "threshold",
    "per_capita",
    "other",
)
RATIO_KINDS = ("share", "growth", "rate", "other")
