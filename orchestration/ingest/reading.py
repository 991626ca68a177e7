"""Read bulletin files into their stored texts (or the reason why not): one at a time, or many on every core.

A full build reads every file of the inbox (100,000 at a decade of bulletins): hashing, decoding and the
plausibility scans are most of the ingest's time, and each file is independent. Many files are read by
spawned worker processes, chunk by chunk and in order; the text comes back UTF-8 encoded (what the texts'
Parquet holds, and what its id hashes), so it is encoded once and never decoded again in the ingest. This
module imports no pyarrow: a worker starts with what reading needs.
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING

from orchestration.ingest.decode import decode_bulletin
from orchestration.ingest.formats import DOCUMENT_SUFFIXES, TextPart, read_document
from orchestration.processes import spawned_pool, spawning_without_parent_main

if TYPE_CHECKING:
    from orchestration.extract.sources import SourceMetadata

# Larger files are quarantined unread: a bulletin is kilobytes; this guards memory, not content.
MAX_BULLETIN_BYTES = 64 * 1024 * 1024
# Below this many files, starting the workers (~0.3 s each) costs more than they save (a file takes ~0.2 ms).
MIN_FILES_FOR_POOL = 1_000
MAX_READ_WORKERS = 4
CHUNK = 64  # files per task: enough to amortise pickling, small enough to keep the parent fed
# Chunks read ahead per worker: enough for the workers to go on while the parent writes a part of the texts (1,000
# of them), few enough to bound memory (a chunk is ~1 MB of text).
CHUNKS_AHEAD = 8
BULLETIN_ID_HEX_DIGITS = 16  # of the SHA-256 of the text's UTF-8


def bulletin_id_for(text: str) -> str:
    """Identity of a bulletin is its decoded text: the same text always gets the same id."""
    return bulletin_id_of_utf8(text.encode("utf-8"))


def bulletin_id_of_utf8(text_utf8: bytes) -> str:
    """bulletin_id_for of the text whose UTF-8 encoding is ``text_utf8``."""
    return hashlib.sha256(text_utf8).hexdigest()[:BULLETIN_ID_HEX_DIGITS]


def suffix_of(name: str) -> str:
    """What ``PurePath(name).suffix`` gives, without building a path."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


@dataclass
class FileReading:
    content_sha256: str  # of the file's bytes: its change detection
    encoding: str | None  # a text's encoding, or the format a document was read from (html, pdf, docx, xlsx)
    decode_reason: str | None  # why quarantined, or a note on an accepted lossy decode or what was left out
    text_utf8: bytes | None  # the stored text, UTF-8 encoded; None when the file is quarantined
    chars: int | None = None  # the text's length in characters (what every offset counts)
    bulletin_id: str | None = None  # bulletin_id_for(text)
    parts: list[TextPart] = field(default_factory=list)  # where each span of a document's text came from
    page: SourceMetadata | None = None  # what the document says about itself (a web page's title, date, URL)

    @property
    def text(self) -> str | None:
        return self.text_utf8.decode("utf-8") if self.text_utf8 is not None else None


def _reading_of_text(
    digest: str, encoding: str | None, reason: str | None, text: str | None, utf8: bytes | None = None, **document
) -> FileReading:
    """``utf8``: the file's bytes (hashed into ``digest``) when they are the text's UTF-8 as they are."""
    if text is None:
        return FileReading(digest, encoding, reason, None, **document)
    if utf8 is None:
        utf8 = text.encode("utf-8")
        bulletin_id = bulletin_id_of_utf8(utf8)
    else:
        bulletin_id = digest[:BULLETIN_ID_HEX_DIGITS]  # the file's SHA-256 is the text's
    return FileReading(digest, encoding, reason, utf8, len(text), bulletin_id, **document)


def read_bulletin_file(location: str, size: int) -> FileReading:
    """The file at ``location`` (``size`` bytes as listed) read, hashed and decoded."""
    if size > MAX_BULLETIN_BYTES:
        digest = hashlib.sha256()
        with open(location, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        limit = f"{size / 2**20:.0f} MiB > {MAX_BULLETIN_BYTES / 2**20:.0f} MiB"
        return FileReading(digest.hexdigest(), None, f"file too large ({limit})", None)
    try:
        with open(location, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        return FileReading("", None, f"unreadable file: {exc.strerror or exc}", None)
    digest = hashlib.sha256(raw).hexdigest()
    suffix = suffix_of(os.path.basename(location)).lower()
    if suffix in DOCUMENT_SUFFIXES:
        doc = read_document(raw, suffix)
        return _reading_of_text(digest, doc.fmt, doc.reason, doc.text, parts=doc.parts, page=doc.metadata)
    decoded = decode_bulletin(raw)
    return _reading_of_text(digest, decoded.encoding, decoded.reason, decoded.text, decoded.utf8)


def _read_chunk(files: list[tuple[str, int]]) -> list[FileReading]:
    return [read_bulletin_file(location, size) for location, size in files]


def read_bulletin_files(
    files: Iterable[tuple[str, int]], count: int, workers: int | None = None
) -> Iterator[FileReading]:
    """The reading of each (location, size) of ``files`` (``count`` of them), in their order.

    At least MIN_FILES_FOR_POOL files are read by spawned worker processes (one per core, up to MAX_READ_WORKERS);
    at most CHUNKS_AHEAD chunks per worker are in flight, so memory stays bounded however many files there are."""
    workers = workers or min(os.cpu_count() or 1, MAX_READ_WORKERS)
    files = iter(files)
    if workers < 2 or count < MIN_FILES_FOR_POOL:
        for location, size in files:
            yield read_bulletin_file(location, size)
        return
    chunks = iter(lambda: list(islice(files, CHUNK)), [])
    with spawned_pool(workers) as pool:
        in_flight: deque[Future] = deque()
        with spawning_without_parent_main():  # the pool starts a worker per submit until it has them all
            in_flight.extend(pool.submit(_read_chunk, chunk) for chunk in islice(chunks, CHUNKS_AHEAD * workers))
        while in_flight:
            readings = in_flight.popleft().result()
            if chunk := next(chunks, None):
                in_flight.append(pool.submit(_read_chunk, chunk))
            yield from readings
