"""The backend for the database in use."""

from django.db import connection

from kb.search.base import Backend


def backend() -> Backend:
    if connection.vendor == "postgresql":
        from kb.search.postgres import PostgresBackend  # noqa: PLC0415

        return PostgresBackend()
    from kb.search.sqlite import SqliteBackend  # noqa: PLC0415

    return SqliteBackend()
