"""A practice's Store as one person may use it: every write passes `access.require` for its
action and lands in the audit log in the same call, whatever page or button asked for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from analytics import access
from analytics.access import Person
from analytics.store.team import TeamStore

__all__ = ["WRITES", "GuardedStore", "guarded_export"]

# Each writing method of Store: the action it needs and the audit entry it leaves.
WRITES: dict[str, tuple[str, str]] = {
    "save": (access.UPLOAD, "upload"),
    "delete_upload": (access.DELETE, "delete"),
    "record_decisions": (access.IDENTITY, "merge"),
    "undo_decisions": (access.IDENTITY, "merge"),
    "reject_pairs": (access.IDENTITY, "merge"),
    "forget_rejections": (access.IDENTITY, "merge"),
    "set_owner_managed": (access.SETTINGS, "settings"),
    "set_targets": (access.SETTINGS, "settings"),
    "set_setting": (access.SETTINGS, "settings"),
    "save_mapping": (access.UPLOAD, "settings"),
    "migrate_keys": (access.SETTINGS, "settings"),
}


def _detail(method: str, args: tuple, kwargs: dict, result: object) -> str:
    """What the audit log says a write did (never a patient's name: none reach here)."""
    if method == "save":
        prepared = args[0]
        status = getattr(result, "status", "?")
        replaced = getattr(result, "replaced_rows", 0)
        return (
            f"{prepared.file_name}: {prepared.rows_loaded:,} {prepared.kind} rows, {status}"
            f" (upload #{getattr(result, 'upload_id', None)}"
            + (f", replacing {replaced:,} rows)" if replaced else ")")
        )
    if method == "delete_upload":
        return f"upload #{args[0]} and its {result:,} rows"
    if method == "record_decisions":
        decisions = list(args[0]) if args else list(kwargs.get("decisions", ()))
        shown = "; ".join(
            f"{d.get('action')} {d.get('source')} -> {d.get('canonical') or ''}".strip()
            for d in decisions[:5]
        )
        more = f" and {len(decisions) - 5} more" if len(decisions) > 5 else ""
        return f"{len(decisions)} decision(s): {shown}{more}"
    if method == "undo_decisions":
        return f"undid {result} decision(s)"
    return method.replace("_", " ")


class GuardedStore:
    """The Store with reads passed through (opening it was checked) and writes checked."""

    def __init__(self, store, person: Person, team: TeamStore | None):
        access.require(person, store.path, access.VIEW)
        self._store = store
        self._person = person
        self._team = team

    def __getattr__(self, name: str):
        target = getattr(self._store, name)
        if name not in WRITES:
            return target
        action, audited = WRITES[name]

        def write(*args, **kwargs):
            access.require(self._person, self._store.path, action)
            result = target(*args, **kwargs)
            if self._team is not None:
                detail = _detail(name, args, kwargs, result)
                self._team.record(self._person.email, audited, self._store.path, detail)
            return result

        return write

    @contextmanager
    def session(self) -> Iterator[GuardedStore]:
        """The Store's session, still guarded inside the block."""
        with self._store.session():
            yield self


def guarded_export(
    person: Person,
    practice: object,
    team: TeamStore | None,
    what: str,
    make: Callable[[], bytes | str],
) -> Callable[[], bytes | str]:
    """A download's data callable that checks the export and logs it when it runs (a
    download runs after the page, so who and which practice are bound now)."""

    def run() -> bytes | str:
        access.require(person, practice, access.EXPORT)
        data = make()
        if team is not None:
            team.record(person.email, "export", practice, what)
        return data

    return run
