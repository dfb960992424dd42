"""The monthly pack: for every practice store (or the ones named), the PDF report, the deck,
the workbook and the action list, with what changed since the last pack; optionally sent by
e-mail through SMTP. Cron-friendly: `python -m analytics pack --out DIR`.

Each practice gets its own folder under DIR (named like its store file). `pack.json` there
keeps the figures of the last pack, so the next run can say what moved.
"""

from __future__ import annotations

import json
import os
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

import pandas as pd

from analytics import formatting as fmt
from analytics.filters import Filters, preset_period
from analytics.outreach.actions import action_list_html
from analytics.safe_csv import to_safe_csv
from analytics.store import Store
from analytics.store.practices import STORE_SUFFIX, load_profile

__all__ = [
    "FORMATS",
    "PackError",
    "PackResult",
    "SmtpSettings",
    "changes_since",
    "find_practices",
    "pack_practice",
    "send_pack",
]

FORMATS = ("pdf", "pptx", "xlsx", "actions")
STATE_FILE = "pack.json"
CHANGES_FILE = "changes.txt"
LISTED = 8
# Figure -> (label, how it reads).
FIGURES: dict[str, tuple[str, str]] = {
    "referrals": ("Referrals", "count"),
    "revenue": ("Revenue", "money"),
    "hhi": ("Concentration (HHI)", "count"),
    "cr1": ("Largest partner's share", "pct"),
    "physician_share": ("Physician share", "pct"),
    "conversion_rate": ("Conversion", "pct"),
    "partners": ("Active partners", "count"),
}


class PackError(Exception):
    """The pack cannot be made or sent; the message is one sentence for the user."""


@dataclass
class PackResult:
    """What one practice's pack wrote, what changed, and anything left out."""

    practice: str
    folder: Path
    period: str
    files: list[Path] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SmtpSettings:
    """Where and to whom the packs are sent; the password is read from an environment
    variable, never from the command line."""

    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    user: str | None = None
    password_env: str | None = None
    starttls: bool = False


def find_practices(folder: str | Path, names: Sequence[str] = ()) -> list[Path]:
    """The practice stores in the folder, or those whose name or file stem is in `names`."""
    folder = Path(folder)
    stores = sorted(folder.glob(f"*{STORE_SUFFIX}"), key=lambda p: p.stem.lower())
    if not names:
        return stores
    wanted = {n.strip().lower() for n in names}
    chosen = [
        p for p in stores if p.stem.lower() in wanted or load_profile(p).name.lower() in wanted
    ]
    found = {p.stem.lower() for p in chosen} | {load_profile(p).name.lower() for p in chosen}
    missing = sorted(n for n in names if n.strip().lower() not in found)
    if missing:
        raise PackError(
            f"No practice named {', '.join(missing)} in {folder}; "
            "use a name from the Practices page or a store file's name without .duckdb."
        )
    return chosen


def _read(value, kind: str) -> str:
    if kind == "money":
        return fmt.money(value)
    if kind == "pct":
        return fmt.pct(value)
    return fmt.count(value)


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:LISTED])
    return shown + (f" and {len(names) - LISTED} more" if len(names) > LISTED else "")


def changes_since(previous: dict | None, current: dict) -> list[str]:
    """Sentences saying what moved between the last pack's figures and these."""
    if not previous:
        return ["First pack for this practice: nothing to compare with yet."]
    out = []
    before, now = previous.get("period", {}), current["period"]
    if before != now:
        out.append(
            f"Period {now.get('start')} to {now.get('end')} "
            f"(last pack: {before.get('start')} to {before.get('end')})."
        )
    for key, (label, kind) in FIGURES.items():
        old, new = previous.get(key), current.get(key)
        if old == new or new is None:
            continue
        if old is None:
            out.append(f"{label}: {_read(new, kind)} (not available last time).")
            continue
        delta = new - old
        if kind == "pct":
            step = f"{100 * delta:+.1f} pts"
        elif kind == "money":
            step = ("+" if delta >= 0 else "-") + fmt.money(abs(delta))
        else:
            step = f"{delta:+,.0f}"
        out.append(f"{label}: {_read(new, kind)} (was {_read(old, kind)}, {step}).")
    from analytics.metrics.buyer_rules import RULE_LABELS
    from analytics.metrics.scorecard import LABELS

    for group, labels in (("scorecard", LABELS), ("buyer_rules", RULE_LABELS)):
        old_status, new_status = previous.get(group, {}), current.get(group, {})
        for name, status in new_status.items():
            if old_status.get(name) not in (None, status):
                label = labels.get(name, name)
                out.append(f"{label}: {old_status[name]} -> {status}.")
    old_partners = set(previous.get("partner_names", []))
    new_partners = set(current.get("partner_names", []))
    if new_partners - old_partners:
        out.append(
            f"New partners since the last pack: {_names(sorted(new_partners - old_partners))}."
        )
    if old_partners - new_partners:
        out.append(
            "Partners in the last pack but not in this period: "
            f"{_names(sorted(old_partners - new_partners))}."
        )
    return out or ["Nothing changed since the last pack."]


def _state(content, buyer_rules: list[dict], now: datetime) -> dict:
    s = content.summary
    c = s["concentration"]
    return {
        "packed_at": now.isoformat(timespec="seconds"),
        "period": s["period"],
        "referrals": s["referrals"],
        "revenue": s["revenue"],
        "hhi": c["hhi"],
        "cr1": c["cr1"],
        "physician_share": s["physician_dependence"]["physician_share"],
        "conversion_rate": s["conversion_rate"],
        "partners": c["partners"],
        "scorecard": {check["name"]: check["status"] for check in content.scorecard},
        "buyer_rules": {rule["name"]: rule["status"] for rule in buyer_rules},
        "partner_names": sorted(str(p) for p in content.concentration.partners["Partner"])
        if "Partner" in content.concentration.partners
        else [],
    }


def _period(store: Store, start: date | None, end: date | None) -> tuple[date, date]:
    if start and end:
        return start, end
    _, last = store.date_bounds()
    default_start, default_end = preset_period("Trailing 12 months", pd.Timestamp(last).date())
    return start or default_start, end or default_end


def _buyer_rules(store: Store, filters: Filters) -> list[dict]:
    from analytics.metrics.extended import store_extended_metrics

    return store_extended_metrics(store, filters)["buyer_rules"]


def pack_practice(
    store_path: str | Path,
    out: str | Path,
    *,
    formats: Sequence[str] = FORMATS,
    start: date | None = None,
    end: date | None = None,
    now: datetime | None = None,
) -> PackResult:
    """Write one practice's pack into OUT/<store name>/ and return what it did."""
    from analytics.report import ReportError, content_from_store, render

    now = now or datetime.now()
    store_path = Path(store_path)
    profile = load_profile(store_path)
    folder = Path(out) / store_path.stem
    store = Store(store_path)
    try:
        if store.is_empty():
            return PackResult(
                profile.name, folder, "no data", skipped=["No referrals loaded: no pack made."]
            )
        first, last = _period(store, start, end)
        filters = Filters(start=first, end=last)
        content = content_from_store(
            store, filters, practice_name=profile.name, logo=profile.logo, now=now
        )
        rules = _buyer_rules(store, filters)
    finally:
        store.close()
    result = PackResult(profile.name, folder, content.period)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PackError(f"{folder} cannot be created ({exc.strerror}); check --out.") from None
    images = None
    for kind in formats:
        if kind == "actions":
            html = action_list_html(content.actions, f"{profile.name}: this week", content.period)
            _write(folder / "actions.html", html.encode("utf-8"), result)
            _write(folder / "actions.csv", to_safe_csv(content.actions), result)
            continue
        try:
            if kind in ("pdf", "pptx") and images is None:
                from analytics.charts import png_available
                from analytics.report.images import report_images

                if not png_available():
                    result.skipped.append(
                        f"The .{kind} file was not made: its charts need Chromium, which is "
                        "not installed here."
                    )
                    continue
                images = report_images(content)
            data = render(content, kind, images)
        except (ReportError, RuntimeError, OSError) as exc:
            result.skipped.append(f"The .{kind} file was not made: {exc}")
            continue
        name = {"pdf": "report.pdf", "pptx": "deck.pptx", "xlsx": "workbook.xlsx"}[kind]
        _write(folder / name, data, result)
    state_path = folder / STATE_FILE
    try:
        previous = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = None
    current = _state(content, rules, now)
    result.changes = changes_since(previous, current)
    _write(folder / CHANGES_FILE, ("\n".join(result.changes) + "\n").encode("utf-8"), result)
    _write(state_path, json.dumps(current, indent=2, default=str).encode("utf-8"), result)
    return result


def _write(path: Path, data: bytes, result: PackResult) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise PackError(f"{path} cannot be written ({exc.strerror}); check --out.") from None
    result.files.append(path)


def _message(result: PackResult, settings: SmtpSettings) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"Referral pack: {result.practice}, {result.period}"
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    body = [f"{result.practice}: {result.period}", "", "What changed since the last pack:"]
    body += [f"- {line}" for line in result.changes]
    body += [f"- {line}" for line in result.skipped]
    message.set_content("\n".join(body) + "\n")
    types = {
        ".pdf": ("application", "pdf"),
        ".pptx": ("application", "vnd.openxmlformats-officedocument.presentationml.presentation"),
        ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ".html": ("text", "html"),
        ".csv": ("text", "csv"),
    }
    for path in result.files:
        if path.suffix in types and path.name != STATE_FILE:
            main, sub = types[path.suffix]
            message.add_attachment(
                path.read_bytes(), maintype=main, subtype=sub, filename=path.name
            )
    return message


def send_pack(results: Sequence[PackResult], settings: SmtpSettings) -> int:
    """Send one e-mail per practice pack; the number sent."""
    password = os.environ.get(settings.password_env) if settings.password_env else None
    if settings.password_env and password is None:
        raise PackError(
            f"The SMTP password variable {settings.password_env} is not set; export it first."
        )
    sent = 0
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=30) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.user:
                smtp.login(settings.user, password or "")
            for result in results:
                if result.files:
                    smtp.send_message(_message(result, settings))
                    sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        raise PackError(
            f"The packs could not be sent through {settings.host}:{settings.port} ({exc}); "
            "they are written to disk."
        ) from None
    return sent
