"""Row types of the extraction staging tables, and the one declaration of their columns.

Every fact carries character offsets (Python ``str`` indices) into the decoded bulletin text, so
that ``text[char_start:char_end]`` is exactly the annotated string. These dataclasses are the
contract between the pure extractor (this package) and the Dagster assets that write them to
Parquet: ``FACT_TABLES`` below derives each staging table's columns and SQL types from them, and
the Parquet schemas (``orchestration/staging.py``) and the worker's row tuples
(``orchestration/extraction/parallel.py``) are built from it; the dbt staging models read the same
names (a test holds them to it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

# SQL types of staged columns whose Python annotation does not say enough (years, decimal precision).
YEAR = "INTEGER"
YUAN = "DECIMAL(24, 2)"
_SQL_TYPE_OF_ANNOTATION = {"str": "VARCHAR", "int": "BIGINT", "bool": "BOOLEAN"}


def column(sql_type: str, **kwargs: Any) -> Any:
    """A record field staged with an explicit SQL type (``field`` arguments pass through)."""
    return field(metadata={"sql_type": sql_type}, **kwargs)


def not_staged(**kwargs: Any) -> Any:
    """A record field that is not a staging column as such (the writer derives columns from it)."""
    return field(metadata={"staged": False}, **kwargs)


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
    locality: Locality | None = not_staged()  # staged as locality_code and locality_stable_code
    locality_evidence: str  # how the locality was decided, e.g. "title short name 江苏东台"
    default_year: int | None = column(YEAR)  # year the article is about when a sentence does not say


@dataclass
class Amount:
    article_no: int
    char_start: int
    char_end: int
    amount_text: str  # number plus unit exactly as written
    amount_yuan: Decimal = column(YUAN)
    sentence: str
    sentence_start: int
    fiscal_year: int | None = column(YEAR)
    program_name: str | None
    function_code: str | None  # 类-level code of 支出功能分类, None when not one area's spending
    measure: str  # one of MEASURES
    is_total: bool = False
    parent_char_start: int | None = None  # char_start of the total this amount is part of
    period: str = "full_year"  # one of PERIODS: what part of the fiscal year the figure covers
    # why function_code is what it is; "unmapped: ..." = spending whose area no keyword names (list
    # these in a check), "not one area: ..." = deliberately empty (aggregate, per_capita, threshold …)
    function_evidence: str = ""
    # unit of a table cell given once in the table's header (万元): amount_yuan = amount_text x this unit
    header_unit: str | None = None
    # the unit the figure goes to or belongs to, as valid in fiscal_year: a county named in its clause
    # (下达定远县1200万元) inside the article's unit, else the article's own locality
    locality_code: str | None = None
    locality_evidence: str = ""  # how locality_code was decided
    # a table cell's row label (高明乡, 合计) and column header (月发放金额(元)) as written; None outside tables
    table_row: str | None = None
    table_column: str | None = None
    in_title: bool = False  # stated in the article's title or headline
    # char_start of the body figure a headline figure repeats (same value): never count both
    repeats_char_start: int | None = None


@dataclass
class Ratio:
    article_no: int
    char_start: int
    char_end: int
    percent_text: str
    value: Decimal = column("DECIMAL(12, 4)")
    kind: str  # share|growth|rate|other
    of_what: str | None
    sentence: str
    fiscal_year: int | None = column(YEAR)
    period: str = "full_year"  # one of PERIODS, as for amounts
    # the whole a share is part of (一般公共预算支出), the reference of a growth (上年, 上年同期) or the
    # denominator of a rate (年初预算, 调整预算, 直达资金); None when the text does not say
    base: str | None = None


@dataclass
class Beneficiary:
    """A count of people, households or units a sentence says benefit (惠及1.43万人次, 受益村民40968名)."""

    article_no: int
    char_start: int
    char_end: int
    count_text: str  # number plus counting unit exactly as written, e.g. 1.43万人次, 26731户
    value: Decimal = column("DECIMAL(18, 2)")  # the count (1.43万人次 -> 14300)
    unit: str  # counting unit: one of BENEFICIARY_UNITS (人, 人次, 户, 名, 个, 家, 所 …)
    subject: str | None  # who or what is counted, e.g. 村民, 困难群众, 企业
    sentence: str
    fiscal_year: int | None = column(YEAR)
    amount_char_start: int | None = None  # char_start of the amount it belongs to (same sentence)


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
    beneficiaries: list[Beneficiary] = field(default_factory=list)
    skipped: list[SkippedSpan] = field(default_factory=list)


@dataclass(frozen=True)
class FactTable:
    """One extraction staging table: ``bulletin_id``, the columns its writer computes from the
    extraction (an article's locality codes, a ratio's locality in its year), then its record's fields."""

    record: type
    computed: tuple[tuple[str, str], ...] = ()  # (column, SQL type)

    @property
    def record_fields(self) -> tuple[str, ...]:
        """The record attributes that are staged as columns of the same name, in declaration order."""
        return tuple(f.name for f in self._staged())

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        """Every column with its SQL type, in row order."""
        return (("bulletin_id", "VARCHAR"), *self.computed, *((f.name, _sql_type(f)) for f in self._staged()))

    def _staged(self) -> list[Any]:
        return [f for f in fields(self.record) if f.metadata.get("staged", True)]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


def _sql_type(record_field: Any) -> str:
    if "sql_type" in record_field.metadata:
        return record_field.metadata["sql_type"]
    base = str(record_field.type).split("|")[0].strip()  # "int | None" -> int: every column is nullable
    try:
        return _SQL_TYPE_OF_ANNOTATION[base]
    except KeyError:
        raise TypeError(f"{record_field.name}: give the SQL type of a {base} column with column()") from None


_LOCALITY_CODE = ("locality_code", "VARCHAR")  # the unit as valid in the fact's own year
FACT_TABLES: dict[str, FactTable] = {
    "articles": FactTable(Article, computed=(_LOCALITY_CODE, ("locality_stable_code", "VARCHAR"))),
    "amounts": FactTable(Amount),  # an amount decides its own locality (its recipient's)
    "ratios": FactTable(Ratio, computed=(_LOCALITY_CODE,)),
    "beneficiaries": FactTable(Beneficiary, computed=(_LOCALITY_CODE,)),
    "skipped_spans": FactTable(SkippedSpan),
}


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
# Groups of measures that rules and the scorer treat alike.
SPENDING_MEASURES = frozenset({"allocation", "expenditure"})  # money given out or spent
INCOME_MEASURES = frozenset({"revenue", "transfer_in", "financing"})  # money coming in
RATE_MEASURES = frozenset({"per_capita", "threshold"})  # standards and limits, never a sum of money
MEASURE_GROUPS = {
    **dict.fromkeys(SPENDING_MEASURES, "spending"),
    "investment": "investment",
    **dict.fromkeys(INCOME_MEASURES, "income"),
    **dict.fromkeys(RATE_MEASURES, "rate"),
}  # every other measure is in the group "other"

# What part of its fiscal year a figure covers, so that nobody adds a ten-month figure to a full-year
# one. Decided from the text (the nearest cue before the figure in its sentence, else earlier in its
# paragraph, else the article's framing period):
#   full_year   the year as a whole (全年, a year-end stock, a standard, a one-off allocation): default
#   plan        a budget or plan figure (年初预算, 预算安排, 计划投入, 预计): not an outturn
#   ytd_m01 … ytd_m11  January up to that month (截至10月, 1-10月份, 10月…累计 -> ytd_m10; 前三季度 -> ytd_m09)
#   ytd         year to date without a stated month (今年以来, 截至目前)
#   q1 … q4     one quarter (一季度 = 1-3月 -> q1), h1 / h2 a half year (上半年, 1-6月 -> h1)
#   multi_year  a cumulative figure over several years (2020—2022年累计, “十三五”期间): no single year
QUARTERS_AND_HALVES = ("q1", "q2", "q3", "q4", "h1", "h2")
PERIODS = ("full_year", "plan", *(f"ytd_m{m:02d}" for m in range(1, 12)), "ytd", *QUARTERS_AND_HALVES, "multi_year")
# A figure of one of these periods covers a whole year (or several); every other period is a part of one.
WHOLE_YEAR_PERIODS = frozenset({"full_year", "plan", "multi_year"})
UNKNOWN_PERIOD = "unknown"  # facts staged before periods were extracted: said so, never guessed


def measure_rows() -> list[dict]:
    """The measures as the warehouse's reference rows, with their group ("other" when in none)."""
    return [{"measure": m, "measure_group": MEASURE_GROUPS.get(m, "other")} for m in MEASURES]


def period_rows() -> list[dict]:
    """The periods as the warehouse's reference rows, with whether a figure of it covers a whole year."""
    return [{"period": p, "covers_whole_year": p in WHOLE_YEAR_PERIODS} for p in (*PERIODS, UNKNOWN_PERIOD)]


BENEFICIARY_UNITS = ("人次", "人", "名", "户", "家", "个", "所", "位", "座")
