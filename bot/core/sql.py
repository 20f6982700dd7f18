"""Small SQL helpers shared by features."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    BindParameter,
    Boolean,
    Column,
    ColumnElement,
    Dialect,
    FromClause,
    Index,
    Integer,
    String,
    Table,
    bindparam,
    func,
    select,
    text,
    true,
    util,
)
from sqlalchemy import column as sa_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel.ext.asyncio.session import AsyncSession


def insert(session: AsyncSession, table: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL spell it alike)."""
    return dialect_insert(
        session.bind.dialect.name if session.bind is not None else "sqlite", table
    )


def dialect_insert(dialect: str, table: Any) -> Any:
    """`insert` for a dialect named "postgresql" or "sqlite". The dialect's module is imported
    here, when a statement is first made for it: a bot on SQLite never loads SQLAlchemy's
    PostgreSQL dialect and its drivers' modules (about 2 MB)."""
    name = "postgresql" if dialect == "postgresql" else "sqlite"
    return importlib.import_module(f"sqlalchemy.dialects.{name}").insert(table)


def _array(item: Any) -> Any:
    """PostgreSQL's ARRAY of `item` (only made on PostgreSQL, see `dialect_insert`)."""
    from sqlalchemy.dialects.postgresql import ARRAY

    return ARRAY(item)


def is_postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


class PartialIndex(Index):
    """An index of the rows that match `where`, a condition spelled for each dialect by name
    (`{"sqlite": "late = 0", "postgresql": "late = false"}`): SQLAlchemy's `<dialect>_where`.

    Given as `postgresql_where=` to an `Index`, SQLAlchemy loads the PostgreSQL dialect at once,
    its drivers' modules with it, to check that it takes a `where` (about 2 MB that a bot on
    SQLite never uses). Here each dialect's condition is handed over when that dialect first
    reads the index's options (to create it, or to compare it with a database's), as
    `<dialect>_where` would have been."""

    def __init__(self, name: str, *columns: str, where: Mapping[str, str], **kw: Any) -> None:
        self._where = {dialect: text(condition) for dialect, condition in where.items()}
        super().__init__(name, *columns, **kw)

    @util.memoized_property
    def dialect_options(self) -> Any:
        def options(dialect: str) -> Any:
            made = self._kw_reg_for_dialect_cls(dialect)
            if dialect in self._where:
                made["where"] = self._where[dialect]
            return made

        return util.PopulateDict(options)


MAX_ID = 2**63 - 1


def row_id(text: str) -> int | None:
    """A primary key from button data, or None. Only ASCII digits (`"²".isdigit()` is true)
    and only values a database integer can hold."""
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def small_number(text: str) -> int | None:
    """A short ASCII number someone typed (days, hours), or None."""
    if not text or len(text) > 6 or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


# --- a list as one parameter -------------------------------------------------------------------


class _Listed(TypeDecorator[list[Any]]):
    """A list bound as one parameter: a PostgreSQL array, or JSON text that SQLite's `json_each`
    reads."""

    impl = String
    cache_ok = True
    item: Any = String

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(_array(self.item))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return list(value)
        return json.dumps(list(value))


class _Ints(_Listed):
    cache_ok = True
    item = Integer


class _Texts(_Listed):
    cache_ok = True
    item = String


class _Among(ColumnElement[bool]):
    """`column IN (the values)`, the values bound as one list (`among`)."""

    __visit_name__ = "among"
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's own spelling
        ("column", InternalTraversal.dp_clauseelement),
        ("values", InternalTraversal.dp_clauseelement),
    ]
    _is_implicitly_boolean = True  # a condition as it is (SQLite would add "= 1")
    type = Boolean()

    def __init__(self, column: ColumnElement[Any], values: BindParameter[Any]) -> None:
        self.column = column
        self.values = values


def among(column: Any, values: Iterable[int | str | None]) -> ColumnElement[bool]:
    """`column IN values` with the values bound as one parameter, however many there are: the
    statement's text is the same for every batch (compiled and prepared once, then cached) and
    the database parses one parameter, not thousands. PostgreSQL reads `column = ANY(array)`,
    SQLite `column IN (SELECT value FROM json_each(json))`; both probe the column's index."""
    expression = column.__clause_element__() if hasattr(column, "__clause_element__") else column
    listed = list(values)
    kind = _Ints() if expression.type.python_type is int else _Texts()
    return _Among(expression, bindparam(None, listed, type_=kind))


@compiles(_Among)
def _among_json(element: _Among, compiler: SQLCompiler, **kw: Any) -> str:
    column, values = compiler.process(element.column, **kw), compiler.process(element.values, **kw)
    return f"{column} IN (SELECT value FROM json_each({values}))"  # noqa: S608 - compiled SQL


@compiles(_Among, "postgresql")
def _among_array(element: _Among, compiler: SQLCompiler, **kw: Any) -> str:
    column, values = compiler.process(element.column, **kw), compiler.process(element.values, **kw)
    return f"{column} = ANY({values})"


# --- rows as parameters, statements made once ------------------------------------------------

# A module-level function that makes a statement of `listed` (the rows as a table, see
# `with_rows`) for a dialect ("sqlite" or "postgresql").
Build = Callable[[FromClause, str], Any]

# Statements made by `with_rows`: (dialect, build, the columns' table and names, which are
# the same in every row) -> statement.
_MADE: dict[tuple[str, Build, tuple[tuple[str, str], ...], tuple[bool, ...]], Any] = {}
_MADE_MAX = 256  # more than the code has builders for; a bound in case one is made per call


def with_rows(
    session: AsyncSession,
    columns: Sequence[Column[Any]],
    rows: Iterable[Sequence[Any]],
    *,
    build: Build,
) -> tuple[Any, dict[str, Any]]:
    """`rows` (tuples, in the order of `columns`) as a table a statement reads, however many
    there are: the statement `build(listed, dialect)` makes of that table, and the parameters
    that carry the rows, for `session.exec(statement, params=params)`.

    `listed` is named and typed as `columns` (a table's own, usually): PostgreSQL reads one array
    per column (`unnest`), SQLite one JSON text (`json_each`), each value made as its column's
    type makes it. The rows are parameters, not part of the statement, so the statement is made
    once for each dialect, `build` and set of columns and then reused, and its text is the same
    for every batch (compiled and prepared once). Making it afresh cost more than running it:
    about 1.5 ms to build a twelve-column INSERT from `listed` and its cache key, where a reused
    statement's key is kept. `build` must be a module-level function (it is part of the key)."""
    assert session.bind is not None
    dialect = session.bind.dialect
    listed = list(rows)
    same = _same(listed, len(columns))
    names = tuple((column.table.name, column.name) for column in columns)
    key = (dialect.name, build, names, same)
    statement = _MADE.get(key)
    if statement is None:
        if len(_MADE) >= _MADE_MAX:
            _MADE.clear()
        statement = _MADE[key] = build(_listed(dialect.name, columns, same=same), dialect.name)
    return statement, _rows_params(dialect, columns, rows=listed, same=same)


def _same(rows: list[Sequence[Any]], width: int) -> tuple[bool, ...]:
    """Which columns hold one value in every row (none when there are no rows): each is bound
    once, not as a list of that value (a batch's deliveries share their status, times, kind
    and day; its schedule rows their rhythm)."""
    if not rows:
        return (False,) * width
    first = rows[0]
    return tuple(
        all(type(row[i]) is type(first[i]) and row[i] == first[i] for row in rows)
        for i in range(width)
    )


def _listed(dialect: str, columns: Sequence[Column[Any]], *, same: Sequence[bool]) -> FromClause:
    """The rows' table, its rows left to the parameters `_rows_params` makes: a column the same
    in every row is one parameter, the others are read from the list of rows."""
    varying = [(i, column) for i, column in enumerate(columns) if not same[i]]
    once = {
        i: bindparam(f"listed_{i}", type_=column.type).label(column.name)
        for i, column in enumerate(columns)
        if same[i]
    }
    if dialect == "postgresql":
        arrays = [bindparam(f"listed_{i}", type_=_array(c.type)) for i, c in varying]
        named = [sa_column(column.name, column.type) for _, column in varying]
        if not once:
            return func.unnest(*arrays).table_valued(*named).render_derived(name="listed")
        read: dict[int, Any] = {}
        if varying:
            unnested = func.unnest(*arrays).table_valued(*named).render_derived(name="rows")
            read = {i: unnested.c[column.name] for i, column in varying}
        return select(*_in_order(read, once)).subquery("listed")
    each = func.json_each(bindparam("listed_rows", type_=String)).table_valued("value")
    read = {
        i: func.json_extract(each.c.value, f"$[{k}]", type_=column.type).label(column.name)
        for k, (i, column) in enumerate(varying)
    }
    query = select(*_in_order(read, once))
    return (query.select_from(each) if varying else query).subquery("listed")


def _in_order(read: dict[int, Any], once: dict[int, Any]) -> list[Any]:
    """The listed table's columns in the columns' order, from the rows or bound once."""
    return [read[i] if i in read else once[i] for i in range(len(read) + len(once))]


def _rows_params(
    dialect: Dialect, columns: Sequence[Column[Any]], *, rows: list[Sequence[Any]], same: Any
) -> dict[str, Any]:
    params = {f"listed_{i}": rows[0][i] for i in range(len(columns)) if same[i]}
    varying = [i for i in range(len(columns)) if not same[i]]
    if dialect.name == "postgresql":
        return params | {f"listed_{i}": [row[i] for row in rows] for i in varying}
    if not varying:
        return params
    makers = [columns[i].type.dialect_impl(dialect).bind_processor(dialect) for i in varying]
    made = [
        [row[i] if make is None else make(row[i]) for make, i in zip(makers, varying, strict=True)]
        for row in rows
    ]
    return params | {"listed_rows": json.dumps(made)}


def _dict_rows(
    table: Table, rows: Sequence[Mapping[str, Any]]
) -> tuple[list[Column[Any]], list[tuple[Any, ...]]]:
    """Dicts with the same keys (at least one) as `with_rows`'s columns of `table` and rows."""
    names = list(rows[0])
    values = itemgetter(*names)  # a row's values in the order of `names`
    listed = [values(row) if len(names) > 1 else (values(row),) for row in rows]
    return [table.c[name] for name in names], listed


def insert_from(table: Table, listed: FromClause, *, dialect: str) -> Any:
    """The dialect's INSERT (ON CONFLICT as `insert`) into `table` of every row of `listed`, its
    columns named as `table`'s."""
    into = dialect_insert(dialect, table)
    # `WHERE true`: SQLite reads `SELECT ... ON CONFLICT` as a join's ON without a WHERE.
    return into.from_select(list(listed.c.keys()), select(*listed.c).where(true()))


async def insert_rows(
    session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]], *, build: Build
) -> Any:
    """Run `build`'s statement (usually an `insert_from` with ON CONFLICT or RETURNING) for
    `rows`, dicts with the same keys (at least one); return its result."""
    columns, listed = _dict_rows(table, rows)
    statement, params = with_rows(session, columns, listed, build=build)
    return await session.exec(statement, params=params)
