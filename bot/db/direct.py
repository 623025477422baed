"""The workout's hot statements, run straight on the driver inside SQLAlchemy's transaction.

Every message of a workout runs the same handful of statements. Through
`AsyncConnection.execute` each one costs a greenlet hop, an execution context and a
result object around the driver call: about 0.055 ms of CPU per statement on SQLite and
0.09 ms on PostgreSQL more than the driver call itself, as much as the statement on
SQLite (`benchmarks/statements.py` counts them; BENCHMARKS.md has the figures). A
`Direct` statement is compiled by SQLAlchemy once per dialect and set of parameters,
with the dialect's type conversions for its parameters and columns, and then runs on
the driver connection under the `AsyncConnection`: in its transaction, so an ORM
session joined to the same connection and the commit see one unit of work.

What SQLAlchemy would add, it adds here too: Python-side scalar column defaults of an
INSERT, and errors raised as its `DBAPIError` subclasses, the connection invalidated
when it is lost, so the "try again" reply (`bot.handlers.errors`) and the pool's
recovery work as before. Statements needing more (RETURNING, callable defaults) stay
on `AsyncConnection.execute`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from sqlalchemy import Dialect, Insert, Update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.schema import ScalarElementColumnDefault
from sqlalchemy.types import TypeEngine

Processor = Callable[[Any], Any]


@dataclass(slots=True)
class _Compiled:
    """A statement as the driver takes it: SQL with positional parameters, and how to
    convert the named values into them and the columns of its rows back."""

    sql: str
    names: tuple[str, ...]
    binds: tuple[Processor | None, ...]
    defaults: Mapping[str, Any]  # values of parameters the caller need not give
    types: tuple[TypeEngine[Any], ...]  # of the selected columns
    results: tuple[tuple[int, Processor], ...] | None = None  # set on the first rows read

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = []
        for name, convert in zip(self.names, self.binds, strict=True):
            value = params[name] if name in params else self.defaults[name]
            values.append(value if convert is None or value is None else convert(value))
        return values

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        if not self.results:  # None only before `Direct.rows` learns them
            return tuple(raw)
        values = list(raw)
        for at, convert in self.results:
            if values[at] is not None:
                values[at] = convert(values[at])
        return tuple(values)


class Direct:
    """A Core statement run on the driver (see the module's docstring).

    An INSERT or UPDATE given no values sets the columns its parameters name, as
    `AsyncConnection.execute` does; it is compiled once per dialect and such set.
    """

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._by_columns = isinstance(statement, Insert | Update)
        self._compiled: dict[tuple[str, tuple[str, ...]], _Compiled] = {}

    async def rows(
        self, connection: AsyncConnection, params: Mapping[str, Any]
    ) -> list[tuple[Any, ...]]:
        """The statement's rows, with the columns' types converted as SQLAlchemy would."""
        compiled = self._for(connection.dialect, params)
        driver = _driver(connection)
        arguments = compiled.arguments(params)
        try:
            if compiled.results is None:
                await self._with_results(connection, compiled)
            if connection.dialect.name == "postgresql":
                found = await driver.fetch(compiled.sql, *arguments)
            else:
                cursor = driver.cursor()
                await cursor.execute(compiled.sql, arguments)
                found = await cursor.fetchall()
        except Exception as error:
            await _raise_as_sqlalchemy(connection, error, compiled.sql)
        return [compiled.row(raw) for raw in found]

    async def run(self, connection: AsyncConnection, params: Mapping[str, Any]) -> int:
        """Execute for its effect; the number of rows it changed."""
        compiled = self._for(connection.dialect, params)
        driver = _driver(connection)
        arguments = compiled.arguments(params)
        try:
            if connection.dialect.name == "postgresql":
                status: str = await driver.execute(compiled.sql, *arguments)
                return int(status.rsplit(" ", 1)[-1])  # "UPDATE 1", "INSERT 0 1"
            cursor = driver.cursor()
            await cursor.execute(compiled.sql, arguments)
            return int(cursor.rowcount)
        except Exception as error:
            await _raise_as_sqlalchemy(connection, error, compiled.sql)

    async def _with_results(self, connection: AsyncConnection, compiled: _Compiled) -> None:
        """Learn the columns' conversions, which on PostgreSQL depend on the types the
        server says the statement returns (as SQLAlchemy's do)."""
        dialect = connection.dialect
        server_types: list[int | None] = [None] * len(compiled.types)
        if dialect.name == "postgresql":
            prepared = await _driver(connection).prepare(compiled.sql)
            server_types = [attribute.type.oid for attribute in prepared.get_attributes()]
        conversions = (
            type_.dialect_impl(dialect).result_processor(dialect, server_type)
            for type_, server_type in zip(compiled.types, server_types, strict=True)
        )
        compiled.results = tuple(
            (at, convert) for at, convert in enumerate(conversions) if convert is not None
        )

    def _for(self, dialect: Dialect, params: Mapping[str, Any]) -> _Compiled:
        key = (dialect.name, tuple(params) if self._by_columns else ())
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = _compile(self.statement, dialect, key[1])
        return found


def _compile(statement: Executable, dialect: Dialect, columns: tuple[str, ...]) -> _Compiled:
    compiled = _compiler(statement, dialect, columns)
    fixed = {name: b.effective_value for name, b in compiled.binds.items() if not b.required}
    if any(bind.expanding for bind in compiled.binds.values()):
        # An IN list's length is known only at execution: compiled once, it would be
        # rendered from the placeholder below. Such statements stay on `execute`.
        raise ValueError("a statement with an expanding parameter cannot run on the driver")
    if compiled.literal_execute_params or compiled.post_compile_params:
        # Parameters rendered into the SQL (the separator of `aggregate_strings`) are
        # rendered at compile time instead; that needs a value for every parameter,
        # which the others ignore (they stay parameters).
        unset = {name: None for name, bind in compiled.binds.items() if bind.required}
        compiled = _compiler(statement.params(unset), dialect, columns, render=True)  # type: ignore[attr-defined]
    names = tuple(compiled.positiontup or ())
    binds = tuple(
        compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    )
    defaults = {**fixed, **_column_defaults(compiled)}
    types = tuple(column.type for column in getattr(statement, "selected_columns", ()))
    return _Compiled(compiled.string, names, binds, defaults, types)


def _compiler(
    statement: Executable, dialect: Dialect, columns: tuple[str, ...], *, render: bool = False
) -> SQLCompiler:
    compiled = statement.compile(  # type: ignore[attr-defined]
        dialect=dialect,
        column_keys=list(columns) or None,
        compile_kwargs={"render_postcompile": render},
    )
    assert isinstance(compiled, SQLCompiler)
    return compiled


def _column_defaults(compiled: SQLCompiler) -> dict[str, Any]:
    """The Python-side defaults of the columns an INSERT or UPDATE sets unasked, which
    SQLAlchemy computes before each execution; only constants can be taken once."""
    defaults: dict[str, Any] = {}
    for column in (*compiled.insert_prefetch, *compiled.update_prefetch):
        default = column.default
        if not isinstance(default, ScalarElementColumnDefault):
            raise ValueError(f"{column} has a default that is not a constant")
        defaults[column.key] = default.arg
    return defaults


def _driver(connection: AsyncConnection) -> Any:
    """The driver's own connection under an `AsyncConnection` (asyncpg's, or
    `bot.db.sqlite_driver`'s)."""
    return connection.sync_connection.connection.driver_connection  # type: ignore[union-attr]


async def _raise_as_sqlalchemy(connection: AsyncConnection, error: Exception, sql: str) -> NoReturn:
    """Raise a driver's error as `AsyncConnection.execute` would have: translated into the
    DBAPI's error by SQLAlchemy's adapter, wrapped in `DBAPIError`, the connection
    invalidated if it was lost. Anything else (a timeout, a cancellation) as it came."""
    dialect = connection.dialect
    adapter = connection.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
    dbapi_error = dialect.loaded_dbapi.Error
    try:
        adapter._handle_exception(error)  # type: ignore[union-attr]
    except dbapi_error as translated:
        lost = dialect.is_disconnect(translated, adapter, None)
        if lost:
            await connection.invalidate(translated)
        raise DBAPIError.instance(
            sql,
            None,
            translated,
            dbapi_error,
            hide_parameters=True,
            connection_invalidated=lost,
            dialect=dialect,
        ) from error
    raise error  # pragma: no cover - _handle_exception always raises
