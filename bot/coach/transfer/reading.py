"""`parse_import`: a whole file to an `ImportBatch`, row problems included."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import tzinfo
from typing import Final

from bot.coach.transfer.headers import Header, recognise, unrecognised
from bot.coach.transfer.messages import (
    MSG_COLUMNS,
    MSG_EMPTY,
    MSG_MOSTLY_BAD,
    MSG_TOO_MANY_ROWS,
    MSG_UNREADABLE,
)
from bot.coach.transfer.model import ImportBatch, ImportFormatError, RowProblem
from bot.coach.transfer.rows import Reader, Row, shorten
from bot.coach.units import Unit

_DELIMITERS: Final = (",", ";", "\t")


def parse_import(
    text: str, *, default_unit: Unit, zone: tzinfo, max_rows: int = 100_000
) -> ImportBatch:
    """Read a Strong, Hevy or our own CSV export.

    ``default_unit`` is the unit of weights in files that do not say (Strong without a
    unit column or a unit in its weight column's name); ``zone`` is the lifter's time
    zone, in which the files' naive local times are read.

    A row that should be a set but cannot be read is left out and listed in
    ``problems``; the file fails as a whole (:class:`ImportFormatError`) only when it
    is not an export we know, cannot be read as CSV, is too long, or most of its rows
    are problems.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise ImportFormatError(MSG_EMPTY, None)
    delimiter, header = _sniff(text)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    width = len(_header(records))
    reader = Reader(header, default_unit, zone)
    decimal_comma = delimiter != ","
    rows = 0
    while True:
        line = records.line_num + 1
        try:
            cells = next(records)
        except StopIteration:
            break
        except csv.Error as error:
            raise ImportFormatError(
                MSG_UNREADABLE.format(line=line, detail=shorten(str(error), 60)), line
            ) from error
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line
        rows += 1
        if rows > max_rows:
            raise ImportFormatError(MSG_TOO_MANY_ROWS.format(max_rows=max_rows), line)
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]  # empty cells after a trailing delimiter
        if len(cells) != width:
            reader.problems.append(
                RowProblem(line, MSG_COLUMNS.format(line=line, expected=width, found=len(cells)))
            )
            continue
        reader.take(Row(line, cells, header.columns, decimal_comma))
    _fail_if_mostly_bad(reader, rows)
    return reader.batch()


def _fail_if_mostly_bad(reader: Reader, rows: int) -> None:
    """A file whose rows are mostly problems is the wrong file, not a few typos."""
    bad = len(reader.problems)
    if bad and bad * 2 > rows - reader.skipped:
        first = reader.problems[0]
        if bad == 1:
            raise ImportFormatError(first.message, first.line)
        message = MSG_MOSTLY_BAD.format(bad=bad, rows=rows, first=first.message)
        raise ImportFormatError(message, first.line)


def _header(records: Iterator[list[str]]) -> list[str]:
    """The first record that is not blank (raises csv.Error on broken CSV)."""
    for cells in records:
        if any(cell.strip() for cell in cells):
            return cells
    return []


def _sniff(text: str) -> tuple[str, Header]:
    """The delimiter and header that make sense of the first line."""
    widest: list[str] = []
    for delimiter in _DELIMITERS:
        records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            cells = _header(records)
        except csv.Error:
            continue
        header = recognise(cells)
        if header is not None:
            return delimiter, header
        if len(cells) > len(widest):
            widest = cells
    raise ImportFormatError(unrecognised(widest), 1)
