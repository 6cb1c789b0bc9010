"""The backend for the database in use."""

from django.db import connection

from kb.search.base import Backend


def backend() -> Backend:
    if connection.vendor == "postgresql":
        from kb.search.postgres import PostgresBackend

        return PostgresBackend()
    from kb.search.sqlite import SqliteBackend

    return SqliteBackend()
