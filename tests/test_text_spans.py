"""The span test reads a figure's characters from the half of its text that holds them
(dbt_project/macros/text_spans.sql): the same characters as substring() over the whole text, for every span,
odd ones included (across the cut, past the end, empty, negative, reversed, NULL)."""

import itertools

import duckdb
import jinja2

from orchestration.settings import DBT_PROJECT_DIR

TEXTS = [
    *["", "a", "中", "ab", "中文", "财政局下达资金5.73亿元", "a中b文c😀d\ne"],
    "一是安排1200万元。二是拨付40万元用于修路。" * 3,
]


def characters_of_halves(texts: str, start: str, end: str) -> str:
    """The macro's SQL, rendered as dbt renders it (the macro uses nothing of dbt's context)."""
    source = (DBT_PROJECT_DIR / "macros" / "text_spans.sql").read_text()
    return jinja2.Environment().from_string(source).module.characters_of_halves(texts, start, end)


def test_the_characters_of_the_halves_are_those_of_the_whole_text():
    con = duckdb.connect()
    con.execute("create table texts (text_no integer, bulletin_text varchar)")
    con.executemany("insert into texts values (?, ?)", list(enumerate(TEXTS)))
    offsets = [None, *range(-3, max(map(len, TEXTS)) + 3)]
    con.execute("create table spans (char_start integer, char_end integer)")
    con.executemany("insert into spans values (?, ?)", list(itertools.product(offsets, offsets)))
    differing = con.execute(
        f"""
        with halves as (
            select text_no, bulletin_text, text_chars, head_chars, left(bulletin_text, head_chars) as head,
                substring(bulletin_text, head_chars + 1) as tail
            from (
                select *, length(bulletin_text) as text_chars, length(bulletin_text) // 2 as head_chars from texts
            )
        )
        select text_no, char_start, char_end
        from halves, spans
        where {characters_of_halves("halves", "spans.char_start", "spans.char_end")}
            is distinct from substring(bulletin_text, char_start + 1, char_end - char_start)
        """
    ).fetchall()
    compared = con.execute("select count(*) from texts, spans").fetchone()[0]

    assert compared > 10_000
    assert differing == []
