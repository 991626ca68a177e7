"""Reconciling the inbox with the ledger, without Dagster: what is read, and what each file becomes."""

import codecs
import os
from datetime import datetime

import pyarrow as pa
import pytest

import orchestration.ingest.inbox as inbox_module
from orchestration.ingest import reading
from orchestration.ingest.decode import decode_bulletin
from orchestration.ingest.inbox import BULLETIN_SUFFIXES, reconcile, reconcile_table
from orchestration.ingest.reading import bulletin_id_for
from orchestration.staging import LEDGER_SCHEMAS

TEXT = "江苏东台：扎实做好安全生产保障工作\n2021年，安排安全生产专项资金1000万元。\n"
T0, T1, T2 = datetime(2026, 1, 1), datetime(2026, 1, 2), datetime(2026, 1, 3)


def events(result):
    return sorted((e["source_file"], e["event"]) for e in result.events)


def test_events_across_refreshes(inbox):
    (inbox / "a.txt").write_text(TEXT, encoding="utf-8")
    first = reconcile([], inbox, set(), T0)
    assert events(first) == [("a.txt", "new")]
    assert [t["bulletin_id"] for t in first.new_texts] == [bulletin_id_for(TEXT)]

    # Unchanged size and mtime: carried over without reading, no event, nothing to store.
    same = reconcile(first.ledger, inbox, {bulletin_id_for(TEXT)}, T1)
    assert same.events == [] and same.new_texts == [] and same.ledger == first.ledger

    # Touched (new mtime) but the same bytes: re-read, still no event.
    os.utime(inbox / "a.txt", ns=(1, 1))
    touched = reconcile(first.ledger, inbox, {bulletin_id_for(TEXT)}, T1)
    assert touched.events == [] and touched.ledger[0]["changed_at"] == T0

    (inbox / "a.txt").write_text(TEXT + "另安排资金5万元。\n", encoding="utf-8")
    changed = reconcile(touched.ledger, inbox, {bulletin_id_for(TEXT)}, T1)
    assert events(changed) == [("a.txt", "changed")] and changed.ledger[0]["changed_at"] == T1
    assert len(changed.new_texts) == 1

    (inbox / "a.txt").rename(inbox / "b.txt")
    stored = {bulletin_id_for(TEXT), changed.new_texts[0]["bulletin_id"]}
    moved = reconcile(changed.ledger, inbox, stored, T2)
    assert events(moved) == [("a.txt", "removed"), ("b.txt", "new")]
    assert moved.new_texts == []  # the text is stored already: a rename stores nothing new
    status = {r["source_file"]: (r["status"], r["removed_at"]) for r in moved.ledger}
    # The same text under its new name is the primary; the removed name becomes its duplicate.
    assert status == {"a.txt": ("duplicate", T2), "b.txt": ("loaded", None)}

    (inbox / "b.txt").rename(inbox / "a.txt")
    back = reconcile(moved.ledger, inbox, stored, T2)
    assert ("a.txt", "restored") in events(back)


def test_names_with_spaces_quotes_and_sql_are_just_names(inbox):
    names = ["with space.txt", "quote ' and \" both.txt", "x'; drop table fct_amount; --.txt", "大写.TXT"]
    for n, name in enumerate(names):
        (inbox / name).write_text(TEXT + f"第{n}份\n", encoding="utf-8")
    (inbox / "notes.md").write_text(TEXT, encoding="utf-8")  # not a bulletin file
    (inbox / ".hidden.txt").write_text(TEXT, encoding="utf-8")
    result = reconcile([], inbox, set(), T0)
    assert sorted(r["source_file"] for r in result.ledger) == sorted(names)
    assert {r["status"] for r in result.ledger} == {"loaded"}


def test_subfolders_are_part_of_the_inbox(inbox):
    (inbox / "2021" / "江苏").mkdir(parents=True)
    (inbox / "2021" / "江苏" / "东台.txt").write_text(TEXT, encoding="utf-8")
    assert [r["source_file"] for r in reconcile([], inbox, set(), T0).ledger] == ["2021/江苏/东台.txt"]


def listed_by_pathlib(inbox):
    """The inbox as rglob lists it (what list_inbox did before it walked with os.scandir): the reference."""
    found = []
    for path in sorted(inbox.rglob("*")):
        relative = path.relative_to(inbox)
        if path.suffix.lower() in BULLETIN_SUFFIXES and not any(p.startswith(".") for p in relative.parts):
            if path.is_file():
                found.append((relative.as_posix(), path, path.stat().st_size, path.stat().st_mtime_ns))
    return found


def test_the_inbox_is_listed_as_pathlib_lists_it(inbox):
    for folder in ("2021/江苏", "2021-b", "2021/.drafts", ".hidden", "x.txt", "a/b/c"):
        (inbox / folder).mkdir(parents=True, exist_ok=True)
    names = [
        "a.txt",
        "B.TXT",
        "c.pdf",
        "d.docx",
        "e.csv",
        "noext",
        "f.",
        ".g.txt",
        "2021/江苏/东台.txt",
        "2021-b/h.txt",
        "2021/.drafts/i.txt",
        ".hidden/j.txt",
        "x.txt/k.txt",
        "a/b/c/l.html",
        "a/b/m.xlsx",
        "a/n.txt",
    ]
    for name in names:
        (inbox / name).write_text(TEXT, encoding="utf-8")
    (inbox / "linked.txt").symlink_to(inbox / "a.txt")
    (inbox / "linked_folder").symlink_to(inbox / "a", target_is_directory=True)
    listed = [(e.source_file, e.path, e.bytes, e.mtime_ns) for e in inbox_module.list_inbox(inbox)]
    assert listed == listed_by_pathlib(inbox)
    assert "2021/江苏/东台.txt" in [name for name, *_ in listed] and "linked.txt" in [name for name, *_ in listed]


def test_a_file_of_tens_of_megabytes_loads(inbox):
    paragraph = "2021年，县财政安排农村道路建设资金1200万元，惠及群众3.2万人。\n"
    big = paragraph * (24 * 2**20 // len(paragraph.encode()))
    (inbox / "yearbook dump.txt").write_text(big, encoding="utf-8")
    [row] = reconcile([], inbox, set(), T0).ledger
    assert row["status"] == "loaded" and row["bytes"] > 20 * 2**20 and row["chars"] == len(big)


def test_a_file_over_the_size_limit_is_quarantined_unread(inbox, monkeypatch):
    monkeypatch.setattr(reading, "MAX_BULLETIN_BYTES", 1024)
    (inbox / "huge.txt").write_text(TEXT * 100, encoding="utf-8")
    [row] = reconcile([], inbox, set(), T0).ledger
    assert row["status"] == "quarantined" and row["reason"].startswith("file too large")
    assert row["content_sha256"]  # still identified, so a duplicate of it is recognised


@pytest.mark.parametrize(
    ("raw", "status", "reason"),
    [
        (TEXT.encode("utf-8")[:-2] + "元".encode()[:1], "loaded", "incomplete last character"),
        (TEXT.replace("\n", "\r\n").encode("gb18030"), "loaded", None),
        (b"\x00\x01\x02\x03" * 64, "quarantined", "binary"),
    ],
)
def test_damaged_or_foreign_files_get_a_status_and_reason(inbox, raw, status, reason):
    (inbox / "f.txt").write_bytes(raw)
    [row] = reconcile([], inbox, set(), T0).ledger
    assert row["status"] == status
    assert (row["reason"] is None) if reason is None else (reason in row["reason"])


def test_a_handed_over_listing_is_taken_once_and_only_while_recent(inbox, monkeypatch):
    """The staleness check's listing serves the run's ingest once; later refreshes list the inbox again."""
    (inbox / "a.txt").write_text(TEXT, encoding="utf-8")
    listed = inbox_module.list_inbox(inbox)
    (inbox / "b.txt").write_text(TEXT + "另", encoding="utf-8")  # arrives after the check listed the inbox
    inbox_module.hand_over_listing(inbox, listed)
    first = reconcile([], inbox, set(), T0)
    assert events(first) == [("a.txt", "new")]  # b.txt waits for the next refresh
    second = reconcile(first.ledger, inbox, {bulletin_id_for(TEXT)}, T1)
    assert events(second) == [("b.txt", "new")]  # listed afresh: the handed-over listing was taken once

    monkeypatch.setattr(inbox_module.time, "monotonic", lambda: 1000.0 + inbox_module.HANDOVER_MAX_AGE_S + 1)
    monkeypatch.setitem(inbox_module._handed_over, str(inbox.resolve()), (1000.0, listed))
    assert [e.source_file for e in inbox_module.take_listing(inbox)] == ["a.txt", "b.txt"]  # too old: listed again


def test_the_staleness_check_hands_its_listing_over_only_when_a_refresh_follows(inbox, tmp_path):
    from orchestration.freshness import stale_reason
    from orchestration.settings import WarehousePaths

    (inbox / "a.txt").write_text(TEXT, encoding="utf-8")
    paths = WarehousePaths(inbox, tmp_path / "warehouse")
    assert stale_reason(paths) == "no published warehouse yet"
    assert str(inbox.resolve()) not in inbox_module._handed_over  # the caller did not ask for it
    assert stale_reason(paths, hand_over=True) == "no published warehouse yet"
    assert [e.source_file for e in inbox_module._handed_over.pop(str(inbox.resolve()))[1]] == ["a.txt"]


def _as_table(rows):
    return pa.Table.from_pylist(rows, schema=LEDGER_SCHEMAS["bulletin_files"])


def _both_ways(ledger_rows, inbox, stored, at):
    """reconcile() on dict rows and reconcile_table() on the same rows as columns: ledgers and events."""
    by_rows = reconcile(ledger_rows, inbox, stored, at)
    table, by_table = reconcile_table(_as_table(ledger_rows), inbox, stored, at)
    return by_rows, table.to_pylist(), by_table


def _event_rows(result, keys):
    # a removed file's event row from the table also has the ledger's source columns (None): left out
    return sorted(str({k: e.get(k) for k in [*keys, "event", "observed_at"]}) for e in result.events)


def test_the_ledger_as_columns_reconciles_as_its_rows_do(inbox):
    """Unchanged files are carried as columns; the copies of a text a changed file touches are resolved again."""
    other, third = TEXT + "二", TEXT + "三"
    for name, text in {"a.txt": TEXT, "b.txt": other, "c.txt": TEXT, "d.txt": third, "z.txt": ""}.items():
        (inbox / name).write_text(text, encoding="utf-8")  # z.txt: quarantined (no text, no bulletin_id), carried
    first = reconcile([], inbox, set(), T0)
    assert {r["source_file"]: r["status"] for r in first.ledger}["c.txt"] == "duplicate"  # of a.txt
    stored = {bulletin_id_for(t) for t in (TEXT, other, third)}

    (inbox / "a.txt").write_text(TEXT + "改", encoding="utf-8")  # c.txt becomes the primary of TEXT
    (inbox / "e.txt").write_text(other, encoding="utf-8")  # a new copy of b.txt's text
    (inbox / "d.txt").unlink()
    (inbox / "f.txt").write_text(TEXT + "新", encoding="utf-8")
    by_rows, table_rows, by_table = _both_ways(first.ledger, inbox, stored, T1)
    keys = list(by_rows.ledger[0])
    assert [{k: r[k] for k in keys} for r in table_rows] == by_rows.ledger
    assert events(by_table) == events(by_rows) == [("a.txt", "changed"), ("d.txt", "removed"), ("e.txt", "new"),
                                                   ("f.txt", "new")]  # fmt: skip
    assert _event_rows(by_table, keys) == _event_rows(by_rows, keys)
    assert by_table.new_texts == by_rows.new_texts
    status = {r["source_file"]: (r["status"], r["duplicate_of"]) for r in table_rows}
    assert status["c.txt"] == ("loaded", None) and status["e.txt"] == ("duplicate", "b.txt")
    assert status["z.txt"] == ("quarantined", None)

    (inbox / "d.txt").write_text(third, encoding="utf-8")  # back, and the only unchanged rows carried are a few
    by_rows, table_rows, by_table = _both_ways(by_rows.ledger, inbox, stored, T2)
    assert [{k: r[k] for k in keys} for r in table_rows] == by_rows.ledger
    assert events(by_table) == events(by_rows) == [("d.txt", "restored")]


def mixed_inbox(inbox):
    """Files of every kind the reader meets: encodings, a BOM, a cut character, duplicates, damage, a web page."""
    files = {
        "utf8.txt": TEXT.encode("utf-8"),
        "bom.txt": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        "gb.txt": (TEXT + "第二份\n").encode("gb18030"),
        "utf16.txt": (TEXT + "第三份\n").encode("utf-16"),
        "cut.txt": TEXT.encode("utf-8") + "元".encode()[:2],
        "copy.txt": TEXT.encode("utf-8"),
        "empty.txt": b"",
        "binary.txt": b"\x00\x01\x02\x03" * 64,
        "page.html": f"<html><head><title>标题</title></head><body><p>{TEXT}</p></body></html>".encode(),
    }
    for name, raw in files.items():
        (inbox / name).write_bytes(raw)
    return files


@pytest.mark.slow  # starts worker processes
def test_files_read_in_order_by_worker_processes_as_in_one(inbox, monkeypatch):
    """Many new files are read by spawned workers (reading.MIN_FILES_FOR_POOL): each file's reading, and so the
    ledger, events and stored texts, equal those of reading in this process."""
    mixed_inbox(inbox)
    files = [(e.location, e.bytes) for e in inbox_module.list_inbox(inbox)] * 3  # several chunks, in order
    alone = [reading.read_bulletin_file(location, size) for location, size in files]
    assert {r.encoding for r in alone} >= {"utf-8", "utf-8-sig", "gb18030", "utf-16", "html", None}
    monkeypatch.setattr(reading, "MIN_FILES_FOR_POOL", 1)
    monkeypatch.setattr(reading, "CHUNK", 4)
    assert list(reading.read_bulletin_files(iter(files), len(files), workers=2)) == alone

    stored, stored_by_workers = [], []
    in_process = reconcile([], inbox, set(), T0, store_text=stored.append)
    monkeypatch.setattr(reading.os, "cpu_count", lambda: 2)
    by_workers = reconcile([], inbox, set(), T0, store_text=stored_by_workers.append)
    assert (by_workers.ledger, by_workers.events, by_workers.new_texts) == (
        in_process.ledger,
        in_process.events,
        in_process.new_texts,
    )
    assert stored_by_workers == stored and {t["text_utf8"].decode() for t in stored} >= {TEXT}


def test_a_reading_holds_the_text_as_decoded_and_its_id(inbox):
    files = mixed_inbox(inbox)
    for entry in inbox_module.list_inbox(inbox):
        got = reading.read_bulletin_file(entry.location, entry.bytes)
        if entry.source_file.endswith(".txt"):
            decoded = decode_bulletin(files[entry.source_file])
            assert (got.text, got.encoding, got.decode_reason) == (decoded.text, decoded.encoding, decoded.reason)
        if got.text is not None:
            assert got.bulletin_id == bulletin_id_for(got.text) and got.chars == len(got.text)
