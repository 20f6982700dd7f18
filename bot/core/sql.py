"""Small SQL helpers shared by features."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    BindParameter,
    Boolean,
    Column,
    ColumnElement,
    Dialect,
    FromClause,
    Integer,
    String,
    Table,
    bindparam,
    func,
    select,
    true,
)
from sqlalchemy import column as sa_column
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel.ext.asyncio.session import AsyncSession


def insert(session: AsyncSession, table: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL spell it alike)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def is_postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


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
            return dialect.type_descriptor(postgresql.ARRAY(self.item))
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


# --- rows as one parameter ---------------------------------------------------------------------


def rows_table(
    session: AsyncSession, columns: Sequence[Column[Any]], rows: Iterable[Sequence[Any]]
) -> FromClause:
    """`rows` (tuples, in the order of `columns`) as a table the statement reads, named and
    typed as `columns` (a table's own, usually), however many rows there are: PostgreSQL gets one
    array per column (`unnest`), SQLite one JSON text (`json_each`), each value made as the
    column's type makes it. So inserting or updating a batch is one small statement, the same
    text for every batch (compiled and prepared once), not one set of parameters per row."""
    rows = list(rows)
    if is_postgres(session):
        arrays = [
            bindparam(None, [row[i] for row in rows], type_=postgresql.ARRAY(column.type))
            for i, column in enumerate(columns)
        ]
        named = [sa_column(column.name, column.type) for column in columns]
        return func.unnest(*arrays).table_valued(*named).render_derived(name="listed")
    assert session.bind is not None
    dialect = session.bind.dialect
    makers = [column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns]
    made = [
        [value if make is None else make(value) for make, value in zip(makers, row, strict=True)]
        for row in rows
    ]
    each = func.json_each(bindparam(None, json.dumps(made), type_=String)).table_valued("value")
    return (
        select(
            *(
                func.json_extract(each.c.value, f"$[{i}]", type_=column.type).label(column.name)
                for i, column in enumerate(columns)
            )
        )
        .select_from(each)
        .subquery("listed")
    )


def insert_rows(session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]) -> Any:
    """The dialect's INSERT (ON CONFLICT as `insert`) of `rows` (dicts with the same keys, at
    least one) from `rows_table`: any number of rows in one small statement."""
    names = list(rows[0])
    values = itemgetter(*names)  # a row's values in the order of `names`, as a tuple
    source = rows_table(
        session,
        [table.c[name] for name in names],
        (values(row) if len(names) > 1 else (values(row),) for row in rows),
    )
    # `WHERE true`: SQLite reads `SELECT ... ON CONFLICT` as a join's ON without a WHERE.
    return insert(session, table).from_select(names, select(*source.c).where(true()))
