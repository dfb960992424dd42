"""Consultant mode: one store per client practice, side by side in one data folder.

A practice is its DuckDB file (`northside_pt.duckdb`); its name and logo for reports sit next
to it (`northside_pt.profile.json`, `northside_pt.logo.png`). The app lists, creates and
renames practices through these functions; `python -m analytics ... --db FILE` reaches the
same files.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from analytics.store import Store
from analytics.store.location import PostgresLocation, is_postgres

__all__ = [
    "DEMO_NAME",
    "STORE_SUFFIX",
    "PracticeError",
    "Profile",
    "create_practice",
    "default_practice",
    "display_name",
    "load_profile",
    "practice_files",
    "rename_practice",
    "save_profile",
    "set_default",
    "store_file_for",
]

STORE_SUFFIX = ".duckdb"
MAX_NAME = 80
MAX_LOGO_BYTES = 2_000_000
DEMO_NAME = "Sample practice (demo)"
# The data folder's note of the practice the app opens first (a file name in the folder).
DEFAULT_FILE = "default_practice.txt"


class PracticeError(Exception):
    """A practice cannot be created or renamed; the message is one sentence for the user."""


@dataclass(frozen=True)
class Profile:
    """What the reports print for a practice: its name and logo (PNG or JPEG bytes)."""

    name: str
    logo: bytes | None = None
    demo: bool = False


def _profile_file(store: Path) -> Path:
    return store.with_suffix(".profile.json")


def _logo_file(store: Path) -> Path:
    return store.with_suffix(".logo.png")


def practice_files(store: Path) -> list[Path]:
    """The store and the files that belong to it (write-ahead log, profile, logo)."""
    store = Path(store)
    return [
        store,
        store.with_name(store.name + ".wal"),
        _profile_file(store),
        _logo_file(store),
    ]


def _title(store: Path) -> str:
    return store.stem.replace("_", " ").replace("-", " ").title()


def load_profile(store: str | Path) -> Profile:
    """The practice's name (from its profile, else from the file name) and logo."""
    if is_postgres(store):  # a practice in PostgreSQL keeps it in its settings
        store = PostgresLocation.parse(str(store)) if isinstance(store, str) else store
        from analytics.store.pg_practices import load_pg_profile

        name, demo, logo = load_pg_profile(store)
        return Profile(name=name or store.practice.replace("_", " ").title(), logo=logo, demo=demo)
    store = Path(store)
    saved = _saved(store)
    name = str(saved.get("name") or _title(store))
    try:
        logo = _logo_file(store).read_bytes() or None
    except OSError:
        logo = None
    return Profile(name=name, logo=logo, demo=bool(saved.get("demo")))


def _saved(store: Path) -> dict:
    try:
        saved = json.loads(_profile_file(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def display_name(store: str | Path) -> str:
    """The practice's name as the app lists it."""
    return load_profile(store).name


def _clean_name(name: str) -> str:
    name = " ".join(str(name).split())
    if not name:
        raise PracticeError("Give the practice a name, such as Northside Physical Therapy.")
    if len(name) > MAX_NAME:
        raise PracticeError(f"Keep the practice's name under {MAX_NAME} characters.")
    return name


def store_file_for(folder: str | Path, name: str) -> Path:
    """The store file a practice name gets: lower case, accents dropped, words joined by _."""
    ascii_name = unicodedata.normalize("NFKD", _clean_name(name)).encode("ascii", "ignore")
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.decode().lower()).strip("_")
    if not slug:
        raise PracticeError("Use some letters or digits in the practice's name.")
    return Path(folder) / f"{slug[:60]}{STORE_SUFFIX}"


def save_profile(
    store: str | Path, name: str | None = None, logo: bytes | None = None, demo: bool = False
) -> None:
    """Keep the practice's name (marked as the demo when `demo`) and, when given, its logo
    (PNG or JPEG) next to its store (in its settings, for a practice in PostgreSQL)."""
    if is_postgres(store):
        from analytics.store.pg_practices import save_pg_profile

        store = PostgresLocation.parse(str(store)) if isinstance(store, str) else store
        _check_logo(logo)
        save_pg_profile(store, None if name is None else _clean_name(name), demo, logo)
        return
    store = Path(store)
    if name is not None:
        profile = {"name": _clean_name(name)} | ({"demo": True} if demo else {})
        _profile_file(store).write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    if logo is not None:
        _check_logo(logo)
        _logo_file(store).write_bytes(logo)


def _check_logo(logo: bytes | None) -> None:
    if logo is None:
        return
    if not (logo.startswith(b"\x89PNG") or logo.startswith(b"\xff\xd8")):
        raise PracticeError("The logo must be a PNG or JPEG image; export it as PNG.")
    if len(logo) > MAX_LOGO_BYTES:
        raise PracticeError("The logo is over 2 MB; save a smaller PNG of it.")


def create_practice(folder: str | Path, name: str) -> Path:
    """A new, empty store for a client practice in the folder; its path."""
    path = store_file_for(folder, name)
    if path.exists():
        raise PracticeError(f"A practice stored as {path.name} already exists; open it instead.")
    Path(folder).mkdir(parents=True, exist_ok=True)
    Store(path).close()
    save_profile(path, name=name)
    return path


def rename_practice(store: str | Path, name: str) -> Path:
    """Give a practice a new name: its store and files move to the name's file; the new path.

    Close every handle on the store first (the app does): a renamed file is a new store.
    """
    store = Path(store)
    if not store.exists():
        raise PracticeError(f"{store.name} is not in the data folder any more; pick another.")
    target = store_file_for(store.parent, name)
    if target != store and target.exists():
        raise PracticeError(
            f"A practice stored as {target.name} already exists; pick another name."
        )
    was_default = default_practice(store.parent) == store
    if target != store:
        for old, new in zip(practice_files(store), practice_files(target), strict=True):
            if old.exists():
                old.rename(new)
    save_profile(target, name=name, demo=load_profile(target).demo)
    if was_default:
        set_default(target)
    return target


def set_default(store: str | Path) -> None:
    """Make this practice the one the app opens first (its folder remembers it)."""
    store = Path(store)
    (store.parent / DEFAULT_FILE).write_text(store.name + "\n", encoding="utf-8")


def default_practice(folder: str | Path) -> Path | None:
    """The practice the folder says to open first, when it names a store still there."""
    try:
        name = (Path(folder) / DEFAULT_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    # Only a plain file name in this folder: the note cannot point elsewhere.
    path = Path(folder) / name
    if not name or Path(name).name != name or path.suffix != STORE_SUFFIX:
        return None
    return path if path.exists() else None
