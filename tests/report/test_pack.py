"""The monthly pack: files per practice, what changed since the last pack, and sending
through a local SMTP server the test starts (127.0.0.1 only)."""

from __future__ import annotations

import email
import shutil
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from analytics.cli import main
from analytics.report.pack import PackError, changes_since, find_practices


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (None, {"period": {}}, ["First pack for this practice: nothing to compare with yet."]),
        (
            {"period": {"start": "a", "end": "b"}, "referrals": 100, "cr1": 0.2},
            {"period": {"start": "a", "end": "b"}, "referrals": 120, "cr1": 0.25},
            [
                "Referrals: 120 (was 100, +20).",
                "Largest partner's share: 25.0% (was 20.0%, +5.0 pts).",
            ],
        ),
        (
            {"period": {}, "scorecard": {"top3_share": "watch"}, "partner_names": ["A", "B"]},
            {"period": {}, "scorecard": {"top3_share": "risk"}, "partner_names": ["B", "C"]},
            [
                "Top three partners' share: watch -> risk.",
                "New partners since the last pack: C.",
                "Partners in the last pack but not in this period: A.",
            ],
        ),
        (
            {"period": {}, "referrals": 5},
            {"period": {}, "referrals": 5},
            ["Nothing changed since the last pack."],
        ),
    ],
)
def test_changes_since(previous, current, expected):
    assert changes_since(previous, current) == expected


@pytest.fixture
def folder(sample_store, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    sample_store._query("CHECKPOINT")  # everything in the file, nothing left in its log
    shutil.copy(sample_store.path, data / "northside_pt.duckdb")
    return data


def test_find_practices(folder):
    assert [p.name for p in find_practices(folder)] == ["northside_pt.duckdb"]
    assert [p.name for p in find_practices(folder, ["Northside Pt"])] == ["northside_pt.duckdb"]
    with pytest.raises(PackError, match="No practice named Elsewhere"):
        find_practices(folder, ["Elsewhere"])


def test_pack_twice_says_what_changed(folder, tmp_path, capsys):
    out = tmp_path / "packs"
    args = ["pack", "--out", str(out), "--folder", str(folder), "--formats", "xlsx,actions"]
    assert main([*args, "--start", "2025-10-01", "--end", "2026-09-30"]) == 0
    packed = out / "northside_pt"
    assert {p.name for p in packed.iterdir()} == {
        "workbook.xlsx",
        "actions.html",
        "actions.csv",
        "changes.txt",
        "pack.json",
    }
    assert main(args) == 0  # the default period: Nov 2025 to Oct 2026
    changes = (packed / "changes.txt").read_text().splitlines()
    assert changes[0] == "Period 2025-11-01 to 2026-10-31 (last pack: 2025-10-01 to 2026-09-30)."
    # 3,737 referrals Oct 2025 - Sep 2026 and 3,732 Nov 2025 - Oct 2026 (raw rows of the sample).
    assert "Referrals: 3,732 (was 3,737, -5)." in changes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def test_pack_is_sent_by_smtp(folder, tmp_path):
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        code = main(
            [
                "pack",
                "--out",
                str(tmp_path / "packs"),
                "--folder",
                str(folder),
                "--formats",
                "xlsx,actions",
                "--smtp-host",
                "127.0.0.1",
                "--smtp-port",
                str(port),
                "--mail-from",
                "packs@example.com",
                "--mail-to",
                "owner@example.com",
            ]
        )
    finally:
        controller.stop()
    assert code == 0
    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == ["owner@example.com"]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"].startswith("Referral pack: Northside Pt,")
    names = {part.get_filename() for part in message.iter_attachments()}
    assert names == {"workbook.xlsx", "actions.html", "actions.csv"}  # changes in the body
    assert "First pack for this practice" in message.get_body().get_content()


def test_sending_failure_is_one_sentence(folder, tmp_path, capsys):
    code = main(
        [
            "pack",
            "--out",
            str(tmp_path / "packs"),
            "--folder",
            str(folder),
            "--formats",
            "actions",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            str(_free_port()),
            "--mail-from",
            "a@example.com",
            "--mail-to",
            "b@example.com",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "could not be sent" in err and "Traceback" not in err


def test_pdf_without_chromium_is_skipped_and_said(folder, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("analytics.charts.png_available", lambda: False)
    out = tmp_path / "packs"
    args = ["pack", "--out", str(out), "--folder", str(folder), "--formats", "pdf,actions"]
    assert main(args) == 0
    assert not (out / "northside_pt" / "report.pdf").exists()
    assert "The .pdf file was not made: its charts need Chromium" in capsys.readouterr().out
