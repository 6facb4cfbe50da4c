"""The core self-check verdicts from plain figures: calibration due, disk, clock, queue; the runner and exit codes."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain import CalibrationRecord, CalibrationResult
from kiosk.selfcheck import CheckLine, Status, exit_code, format_text, run_checks, to_json_data
from kiosk.selfcheck.core import (
    MIB,
    DiskFigures,
    TimeSync,
    calibration_line,
    clock_line,
    disk_line,
    queue_lines,
    read_time_sync,
)

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def record(valid_days: float, result: CalibrationResult = CalibrationResult.PASSED) -> CalibrationRecord:
    return CalibrationRecord("grip", "grip-known-masses", "Tech", NOW - timedelta(days=20), result,
                             NOW + timedelta(days=valid_days), notes="reading 5 % off at 20 kg")


def test_expired_calibration_fails_with_the_date_and_what_to_do() -> None:
    line = calibration_line("grip", record(-1), NOW)
    assert line.status is Status.FAIL
    assert "expired on 2026-12-06" in line.detail and "calibrate" in line.action


def test_calibration_due_within_a_week_warns_and_later_passes() -> None:
    assert calibration_line("grip", record(3), NOW).status is Status.WARN
    daily = CalibrationRecord("spirometer", "syringe-3l", "Tech", NOW - timedelta(hours=2), CalibrationResult.PASSED,
                              NOW + timedelta(hours=22))
    assert calibration_line("spirometer", daily, NOW).status is Status.PASS  # a daily check is not "due soon"
    late = replace(daily, performed_at=NOW - timedelta(hours=20), valid_until=NOW + timedelta(hours=4))
    assert calibration_line("spirometer", late, NOW).status is Status.WARN
    ok = calibration_line("grip", record(20), NOW)
    assert ok.status is Status.PASS and ok.detail == "due 2026-12-27"


def test_missing_or_failed_calibration_fails_unless_the_device_needs_none() -> None:
    assert calibration_line("grip", None, NOW).status is Status.FAIL
    assert calibration_line("reaction", None, NOW, required=False).status is Status.PASS
    failed = calibration_line("grip", record(20, CalibrationResult.FAILED), NOW)
    assert failed.status is Status.FAIL and "5 % off" in failed.detail


def test_a_nearly_full_disk_fails_and_says_how_many_days_are_left() -> None:
    fig = DiskFigures(free_bytes=40 * MIB, data_bytes=300 * MIB, days_of_history=30, min_free_bytes=20 * MIB)
    line = disk_line(fig)
    assert line.status is Status.FAIL
    assert "40 MiB free" in line.detail and "about 2 day(s)" in line.detail  # (40-20) MiB at 10 MiB/day
    assert "purge" in line.action


def test_disk_space_for_three_weeks_warns_and_for_a_year_passes() -> None:
    fig = DiskFigures(free_bytes=230 * MIB, data_bytes=300 * MIB, days_of_history=30, min_free_bytes=20 * MIB)
    assert disk_line(fig).status is Status.WARN
    big = DiskFigures(free_bytes=50_000 * MIB, data_bytes=300 * MIB, days_of_history=30, min_free_bytes=20 * MIB)
    assert disk_line(big).status is Status.PASS


def test_a_new_station_is_judged_on_the_generous_default_rate() -> None:
    fig = DiskFigures(free_bytes=100 * MIB, data_bytes=1 * MIB, days_of_history=0.5, min_free_bytes=20 * MIB)
    assert disk_line(fig).status is Status.WARN  # 80 MiB at the default 5 MiB/day: 16 days


@pytest.mark.parametrize(("offset", "status"), [(3600.0, Status.FAIL), (-200.0, Status.FAIL), (30.0, Status.WARN),
                                                (1.0, Status.PASS)])
def test_clock_against_the_server(offset: float, status: Status) -> None:
    line = clock_line(TimeSync(True, "timedatectl", "NTPSynchronized=yes"), offset)
    assert line.status is status, line
    if status is Status.FAIL:
        assert "certificates" in line.detail and "timedatectl set-ntp true" in line.action


def test_clock_not_in_sync_warns_and_unknown_with_no_server_warns() -> None:
    assert clock_line(TimeSync(False, "chronyc", "leap status Not synchronised"), None).status is Status.WARN
    assert clock_line(TimeSync(None, "none"), None).status is Status.WARN
    assert clock_line(TimeSync(None, "none"), 0.4).status is Status.PASS


def test_time_sync_read_from_timedatectl_then_chrony() -> None:
    def fake(answers: dict[str, tuple[int, str]]):
        def run(argv: list[str], **_: object) -> subprocess.CompletedProcess[str]:
            if argv[0] not in answers:
                raise FileNotFoundError(argv[0])
            code, out = answers[argv[0]]
            return subprocess.CompletedProcess(argv, code, out, "")
        return run

    assert read_time_sync(fake({"timedatectl": (0, "yes\n")})).synchronized is True
    assert read_time_sync(fake({"timedatectl": (0, "no\n")})).synchronized is False
    chrony = "Reference ID    : C0A80001\nLeap status     : Normal\n"
    got = read_time_sync(fake({"timedatectl": (1, ""), "chronyc": (0, chrony)}))
    assert (got.synchronized, got.source) == (True, "chronyc")
    assert read_time_sync(fake({})).synchronized is None


def test_an_old_unsent_row_fails_the_queue_and_quarantine_warns() -> None:
    stats = {"pending": 12, "oldest_pending_at": NOW - timedelta(days=2), "quarantined_batches": 1, "quarantined": 5}
    queue, quarantine = queue_lines(stats, NOW, sync_on=True)
    assert queue.status is Status.FAIL and "12 row(s) waiting, oldest 2.0 days old" in queue.detail
    assert quarantine.status is Status.WARN and "kiosk sync quarantine list" in quarantine.action
    fresh = {"pending": 3, "oldest_pending_at": NOW - timedelta(minutes=5), "quarantined_batches": 0}
    assert [li.status for li in queue_lines(fresh, NOW, sync_on=True)] == [Status.PASS, Status.PASS]


def test_a_check_that_raises_becomes_a_failing_line_and_the_rest_still_run() -> None:
    def broken() -> CheckLine:
        raise OSError("disk unreadable")

    lines = run_checks([("disk", broken), ("fonts", lambda: CheckLine("fonts", "CJK", Status.PASS, "ok"))])
    assert [li.status for li in lines] == [Status.FAIL, Status.PASS]
    assert "OSError: disk unreadable" in lines[0].detail


@given(st.lists(st.sampled_from(list(Status)), min_size=1, max_size=8))
def test_exit_code_is_the_worst_line(statuses: list[Status]) -> None:
    lines = [CheckLine("a", str(i), s, "x", "do y") for i, s in enumerate(statuses)]
    worst = 2 if Status.FAIL in statuses else 1 if Status.WARN in statuses else 0
    assert exit_code(lines) == worst == to_json_data(lines)["exit_code"]
    assert format_text(lines).splitlines()[-1].startswith("self-check: " + ("FAIL", "WARN", "PASS")[2 - worst])
