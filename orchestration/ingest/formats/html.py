"""A saved web page: its main text (trafilatura), its tables cell by cell, and what the page says about itself.

trafilatura keeps the article and drops navigation, share buttons, related links and footers; its XML
output keeps paragraphs, headings, list items and tables (rows, cells) apart, so the stored text is built
from that structure. The page's own statements fill the source metadata: title (its headline), the
publication date from meta tags, ``<time>`` or the URL (htmldate, without guessing from the text), else a
``发布时间：`` / ``发布日期：`` line in the page, and the canonical URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html
from lxml import etree

from orchestration.extract.sources import SourceMetadata
from orchestration.ingest.decode import decode_bulletin
from orchestration.ingest.formats.common import DocumentReading, TableCellText, TextBuilder, flatten, quarantined

_PUBLISHED_LINE_RE = re.compile(
    r"(?:发布|发表|公开|印发|成文)(?:时间|日期)\s*[:：]\s*(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})"
    r"\s*[-/.月]\s*(?P<d>\d{1,2})"
)
# a <title>'s site name follows one of these: 某某通知_某县人民政府, 某某通知 - 某县财政局
_TITLE_SITE_RE = re.compile(r"\s*(?:_|\||｜| - | — |—)\s*")
# a cell longer than this holding a sentence end is prose: its table lays out the page
_PROSE_CELL_CHARS = 60
_SENTENCE_RE = re.compile(r"[。！？；]")
_BLOCKS = {"p", "head", "item", "quote", "code"}


def _decode(raw: bytes) -> str | None:
    """The page as text: the charset it declares, else what decode.py finds."""
    head = raw[:4096].decode("ascii", errors="ignore")
    declared = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", head, re.IGNORECASE)
    if declared:
        name = declared.group(1).lower()
        name = "gb18030" if name in {"gb2312", "gbk"} else name
        try:
            return raw.decode(name)
        except (UnicodeDecodeError, LookupError):
            pass
    return decode_bulletin(raw).text


def page_published(html: str) -> str:
    """The page's publication date, YYYY-MM-DD, from its own statements only ("" when none)."""
    from htmldate import find_date

    # original_date: the first publication, not the last edit; no extensive search: it guesses from any
    # date in the text, and a bulletin's text is full of dates that are not its publication
    found = find_date(html, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    if found:
        return found
    m = _PUBLISHED_LINE_RE.search(re.sub(r"<[^>]+>", " ", html))
    return f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}" if m else ""


def _first(page: lxml.html.HtmlElement, xpath: str) -> str:
    found = page.xpath(xpath)
    text = found[0] if found and isinstance(found[0], str) else found[0].text_content() if found else ""
    return " ".join(str(text).split())


def page_title(page: lxml.html.HtmlElement) -> str:
    """The page's headline: its <h1>, else og:title, else <title> without the site's name after a separator."""
    headline = _first(page, "//h1") or _first(page, "//meta[@property='og:title']/@content")
    if headline:
        return headline
    return _TITLE_SITE_RE.split(_first(page, "//title"), maxsplit=1)[0].strip()


def canonical_url(page: lxml.html.HtmlElement) -> str:
    return _first(page, "//link[@rel='canonical']/@href") or _first(page, "//meta[@property='og:url']/@content")


def read_html(raw: bytes) -> DocumentReading:
    import trafilatura

    html = _decode(raw)
    if html is None:
        return quarantined("web page in no readable text encoding", "html")
    # no with_metadata: trafilatura's date search runs dateparser over every locale (seconds per page);
    # the page's own statements are read below instead
    xml = trafilatura.extract(html, output_format="xml", include_tables=True, include_comments=False)
    if not xml:
        return quarantined("web page without main text (trafilatura found no article in it)", "html")
    doc = etree.fromstring(xml.encode("utf-8"))
    page = lxml.html.fromstring(html.encode("utf-8"))
    title = page_title(page)
    metadata = SourceMetadata(url=canonical_url(page), published=page_published(html), title=title)

    pieces = list(_pieces(doc.find("main")))
    builder = TextBuilder()
    paragraphs = 0
    opening = [flatten(text) for kind, text in pieces[:3] if kind == "line"]
    if title and not any(line.startswith(title) for line in opening):  # the headline is the article's title line
        pieces.insert(0, ("line", title))
    for kind, content in pieces:
        if kind == "table":
            builder.table(content)
        else:
            paragraphs += 1
            builder.line(content, paragraph=paragraphs)
    return builder.reading("html", metadata)


def _pieces(element: etree._Element | None) -> Iterator[tuple[str, object]]:
    """("line", text) and ("table", rows) in document order. A table of figures stays a table; a table that
    lays out the page (see _is_layout) is read as the lines it holds."""
    for child in element if element is not None else ():
        if child.tag == "table" and not _is_layout(child):
            rows = [[TableCellText(c.xpath("string()")) for c in row.findall("cell")] for row in child.findall("row")]
            yield "table", rows
        elif child.tag == "cell" and not any(c.tag in (*_BLOCKS, "table", "list") for c in child):
            yield "line", child.xpath("string()")
        elif child.tag in _BLOCKS:
            yield "line", child.xpath("string()")
        else:  # a layout table, its rows, a list: what they hold
            yield from _pieces(child)


def _is_layout(table: etree._Element) -> bool:
    """A table that lays out the page rather than one of figures: fewer than two rows of two filled cells,
    or a cell holding prose (a sentence of some length). Word-pasted tables wrap every cell in a paragraph,
    so paragraphs alone do not tell."""
    rows = [[c.xpath("string()").strip() for c in row.findall("cell")] for row in table.findall("row")]
    if sum(1 for row in rows if sum(1 for c in row if c) >= 2) < 2:
        return True
    return any(len(c) > _PROSE_CELL_CHARS and _SENTENCE_RE.search(c) for row in rows for c in row)
