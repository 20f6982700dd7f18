"""Fresh PostgreSQL databases for tests, made and dropped on the server TEST_DATABASE_URL
points to."""

from __future__ import annotations

import uuid

import asyncpg
from sqlalchemy.engine import make_url


async def as_admin(base_url: str, statement: str) -> None:
    """Run one statement on the server TEST_DATABASE_URL points to (CREATE/DROP DATABASE)."""
    url = make_url(base_url)
    admin = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database,
    )
    try:
        await admin.execute(statement)
    finally:
        await admin.close()


async def fresh_postgres(base_url: str) -> tuple[str, str]:
    name = f"rekindle_test_{uuid.uuid4().hex[:12]}"
    await as_admin(base_url, f'CREATE DATABASE "{name}"')
    url = make_url(base_url).set(database=name)
    return url.render_as_string(hide_password=False), name


async def drop_postgres(base_url: str, name: str) -> None:
    await as_admin(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
