"""The Store class for a practice in PostgreSQL: every operation of Store, its engine part
from postgres.PostgresBase (`Store(url)` returns one)."""

from __future__ import annotations

from analytics.store.base import Store
from analytics.store.postgres import PostgresBase


class PostgresStore(PostgresBase, Store):
    """One practice's store in a PostgreSQL schema; the public methods are Store's."""
