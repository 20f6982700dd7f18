"""Small SQL helpers shared by features."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import BindParameter, Boolean, ColumnElement, Dialect, Integer, String, bindparam
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
