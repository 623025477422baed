"""A file to sets, row by row: `ExportReader` streams, `parse_import` collects.

The reader takes the file as lines, so a 10 MB export never has to be one string,
and yields each set as it reads it; what was skipped, what could not be read and
which names matched none of our lifts are known once the sets are exhausted.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Mapping
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
from bot.coach.transfer.model import (
    ImportBatch,
    ImportedSet,
    ImportFormat,
    ImportFormatError,
    RowProblem,
)
from bot.coach.transfer.rows import Reader, Row, shorten
from bot.coach.units import Unit

_DELIMITERS: Final = (",", ";", "\t")
MAX_ROWS: Final = 100_000


class ExportReader:
    """One export file, read as it is iterated.

    ``lines`` are the file's lines with their line endings (a text file opened with
    ``newline=""``, or ``str.splitlines(keepends=True)``); ``mapping`` names the
    exercises the lifter mapped to one of our lifts (name as written -> key). Raises
    :class:`ImportFormatError` at once for an empty file or an unknown header, and from
    :meth:`sets` for broken CSV, too many rows, or a file of mostly bad rows.
    """

    def __init__(
        self,
        lines: Iterable[str],
        *,
        default_unit: Unit,
        zone: tzinfo,
        max_rows: int = MAX_ROWS,
        mapping: Mapping[str, str] | None = None,
    ) -> None:
        stream = iter(lines)
        leading: list[str] = []
        for line in stream:
            leading.append(line.removeprefix("\ufeff") if not leading else line)
            if line.strip(" \t\r\n\ufeff"):
                break
        if not "".join(leading).strip():
            raise ImportFormatError(MSG_EMPTY, None)
        self.delimiter, self.header = _sniff(leading[-1])
        self._lines = itertools.chain(leading, stream)
        self._reader = Reader(self.header, default_unit, zone, mapping)
        self._max_rows = max_rows

    @property
    def format(self) -> ImportFormat:
        return self.header.format

    @property
    def skipped_rows(self) -> int:
        return self._reader.skipped

    @property
    def problems(self) -> tuple[RowProblem, ...]:
        return tuple(self._reader.problems)

    @property
    def unmatched(self) -> tuple[str, ...]:
        return tuple(self._reader.unmatched)

    def sets(self) -> Iterator[ImportedSet]:
        """The file's sets in file order (once: the lines are consumed)."""
        records = csv.reader(self._lines, delimiter=self.delimiter)
        width = len(_header(records))
        reader = self._reader
        decimal_comma = self.delimiter != ","
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
            if rows > self._max_rows:
                raise ImportFormatError(MSG_TOO_MANY_ROWS.format(max_rows=self._max_rows), line)
            if len(cells) > width and not any(c.strip() for c in cells[width:]):
                cells = cells[:width]  # empty cells after a trailing delimiter
            if len(cells) != width:
                message = MSG_COLUMNS.format(line=line, expected=width, found=len(cells))
                reader.problems.append(RowProblem(line, message))
                continue
            found = reader.take(Row(line, cells, self.header.columns, decimal_comma))
            if found is not None:
                yield found
        _fail_if_mostly_bad(reader, rows)


def parse_import(
    text: str, *, default_unit: Unit, zone: tzinfo, max_rows: int = MAX_ROWS
) -> ImportBatch:
    """Read a Strong, Hevy or our own CSV export whole.

    ``default_unit`` is the unit of weights in files that do not say (Strong without a
    unit column or a unit in its weight column's name); ``zone`` is the lifter's time
    zone, in which the files' naive local times are read.

    A row that should be a set but cannot be read is left out and listed in
    ``problems``; the file fails as a whole (:class:`ImportFormatError`) only when it
    is not an export we know, cannot be read as CSV, is too long, or most of its rows
    are problems.
    """
    lines = io.StringIO(text, newline="")
    reader = ExportReader(lines, default_unit=default_unit, zone=zone, max_rows=max_rows)
    sets = tuple(reader.sets())
    return ImportBatch(
        format=reader.format,
        sets=sets,
        unmatched=reader.unmatched,
        skipped_rows=reader.skipped_rows,
        problems=reader.problems,
    )


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


def _sniff(line: str) -> tuple[str, Header]:
    """The delimiter and header that make sense of the header line."""
    widest: list[str] = []
    for delimiter in _DELIMITERS:
        try:
            cells = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error:
            continue
        header = recognise(cells)
        if header is not None:
            return delimiter, header
        if len(cells) > len(widest):
            widest = cells
    raise ImportFormatError(unrecognised(widest), 1)
