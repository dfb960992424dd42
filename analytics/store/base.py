"""One practice's store: the parts (opening, uploads, reads, page and planning aggregates,
decisions, settings) composed into the one class the rest of the code holds, each operation
opening the store for its length."""

from __future__ import annotations

import functools
from collections.abc import Callable

from analytics.store import location
from analytics.store.connection import StoreBase
from analytics.store.decisions import DecisionsMixin
from analytics.store.location import is_postgres
from analytics.store.pages import PagesMixin
from analytics.store.planning import PlanningMixin
from analytics.store.reads import ReadsMixin
from analytics.store.settings import SettingsMixin
from analytics.store.uploads import UploadsMixin


class Store(
    UploadsMixin,
    ReadsMixin,
    PagesMixin,
    PlanningMixin,
    DecisionsMixin,
    SettingsMixin,
    StoreBase,
):
    """One practice's store, opened only while an operation runs (StoreBase.session): a
    DuckDB file, or a practice in PostgreSQL when the location is a postgresql:// URL."""

    def __new__(cls, path: object = None, *, create: bool = True) -> Store:
        if cls is Store and is_postgres(location.resolve(path)):
            from analytics.store.postgres_store import PostgresStore

            return super().__new__(PostgresStore)
        return super().__new__(cls)


def _opened(method: Callable) -> Callable:
    @functools.wraps(method)
    def run(self: Store, *args, **kwargs):
        with self.session():
            return method(self, *args, **kwargs)

    return run


# Every operation opens the file for its own length (nested ones share the connection).
_SKIP = {
    "session",
    "close",
    "_connect",
    "_cursor",
    "_check_state",
    "_setup",
    "_schema_sql",
    "_set_sequence",
    "_sequence_next",
}
for _cls in reversed(Store.__mro__[:-1]):
    for _name, _method in list(vars(_cls).items()):
        if _name.startswith("__") or _name in _SKIP or not callable(_method):
            continue
        if isinstance(_method, (staticmethod, classmethod)):
            continue
        setattr(Store, _name, _opened(_method))
