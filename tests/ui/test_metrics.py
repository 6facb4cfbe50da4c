"""Fleet metrics: the exposition parses with prometheus_client's own parsers (OpenMetrics and the classic text),
its figures come from the store, and a running station serves them on the configured address only."""

from __future__ import annotations

import socket
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_prometheus

from kiosk.config import MetricsConfig, StationConfig
from kiosk.domain import NotMeasured, NotMeasuredReason
from kiosk.metrics import DeviceFigures, MetricsSnapshot, StationCollector, exposition, new_registry, store_figures
from kiosk.storage import open_store
from kiosk.storage.testing import sample_blood_pressure, sample_grip, sample_session, store_config

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def families(text: str) -> dict[str, object]:
    return {f.name: f for f in parse_openmetrics(text)}


def samples(family: object) -> dict[tuple, float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for s in family.samples}  # type: ignore[attr-defined]


def full_snapshot() -> MetricsSnapshot:
    return MetricsSnapshot(
        station_id="sh-pudong-017", queue_depth=12, oldest_unsent_age_s=5400.0,
        last_sync_success=NOW - timedelta(hours=30), quarantined_rows=4, quarantined_batches=1, sessions_total=57,
        tests_total={"grip_strength_kg": 40, "systolic_bp": 55}, test_errors_total={"out_of_view": 3, "failed": 1},
        devices=(DeviceFigures("bp", "blood_pressure", "ready", NOW + timedelta(days=20)),
                 DeviceFigures("grip", "grip", "locked", NOW - timedelta(days=1)),
                 DeviceFigures("balance", "balance", "absent", None)),
        camera_fps=24.5, camera_dropped_frames_total=17, version="0.1.0",
        device_errors_total={("sit_and_reach", "DeviceTimeout"): 2})


def test_openmetrics_output_parses_with_the_clients_own_parser() -> None:
    text = exposition(new_registry(StationCollector(full_snapshot()))).decode()
    assert text.endswith("# EOF\n")
    fams = families(text)
    assert fams["kiosk_outbox_queue_depth"].type == "gauge"  # type: ignore[attr-defined]
    assert samples(fams["kiosk_outbox_queue_depth"]) == {("kiosk_outbox_queue_depth", ()): 12.0}
    assert samples(fams["kiosk_outbox_oldest_unsent_age_seconds"]) == {
        ("kiosk_outbox_oldest_unsent_age_seconds", ()): 5400.0}
    assert fams["kiosk_outbox_oldest_unsent_age_seconds"].unit == "seconds"  # type: ignore[attr-defined]
    last = samples(fams["kiosk_sync_last_success_timestamp_seconds"])
    assert last == {("kiosk_sync_last_success_timestamp_seconds", ()): (NOW - timedelta(hours=30)).timestamp()}
    assert samples(fams["kiosk_sessions"]) == {("kiosk_sessions_total", ()): 57.0}
    assert samples(fams["kiosk_tests"])[("kiosk_tests_total", (("item", "grip_strength_kg"),))] == 40.0
    assert samples(fams["kiosk_test_errors"])[("kiosk_test_errors_total", (("kind", "out_of_view"),))] == 3.0
    assert samples(fams["kiosk_device_errors"]) == {
        ("kiosk_device_errors_total", (("device", "sit_and_reach"), ("kind", "DeviceTimeout"))): 2.0}
    up = samples(fams["kiosk_device_up"])
    assert up[("kiosk_device_up", (("device", "bp"), ("kind", "blood_pressure")))] == 1.0
    assert up[("kiosk_device_up", (("device", "grip"), ("kind", "grip")))] == 1.0  # locked, but it answers
    assert up[("kiosk_device_up", (("device", "balance"), ("kind", "balance")))] == 0.0
    state = samples(fams["kiosk_device_state"])
    assert state[("kiosk_device_state", (("device", "grip"), ("kiosk_device_state", "locked")))] == 1.0
    assert state[("kiosk_device_state", (("device", "grip"), ("kiosk_device_state", "ready")))] == 0.0
    expiry = samples(fams["kiosk_device_calibration_expiry_timestamp_seconds"])
    assert set(expiry) == {("kiosk_device_calibration_expiry_timestamp_seconds", (("device", d),))
                           for d in ("bp", "grip")}  # balance has no calibration: no sample, not a fake 0
    assert samples(fams["kiosk_camera_frames_per_second"]) == {("kiosk_camera_frames_per_second", ()): 24.5}
    assert samples(fams["kiosk_camera_dropped_frames"]) == {("kiosk_camera_dropped_frames_total", ()): 17.0}
    assert samples(fams["kiosk_build"]) == {("kiosk_build_info", (("station", "sh-pudong-017"),
                                                                  ("version", "0.1.0"))): 1.0}


def test_the_classic_text_format_parses_too() -> None:
    text = exposition(new_registry(StationCollector(full_snapshot())), openmetrics=False).decode()
    names = {f.name for f in parse_prometheus(text)}
    assert {"kiosk_outbox_queue_depth", "kiosk_sessions", "kiosk_device_up", "kiosk_build_info"} <= names


def test_a_station_that_never_synced_has_no_last_success_sample() -> None:
    fams = families(exposition(new_registry(StationCollector(MetricsSnapshot(station_id="s")))).decode())
    assert samples(fams["kiosk_sync_last_success_timestamp_seconds"]) == {}


def test_figures_come_from_the_store(tmp_path: Path) -> None:
    with open_store(store_config(tmp_path)) as store:
        for _ in range(2):
            s = sample_session()
            store.create_session(s)
            store.add_measurement(s.id, sample_grip())
            store.add_measurement(s.id, sample_grip(33.0, trial=2))
            store.add_measurement(s.id, sample_blood_pressure())
        store.add_not_measured(s.id, NotMeasured("chair_stand_30s", NotMeasuredReason.OUT_OF_VIEW))
        fig = store_figures(store, datetime.now(UTC) + timedelta(hours=1))
    assert fig["sessions_total"] == 2
    assert fig["tests_total"] == {"grip": 2, "blood_pressure": 2}  # sessions that measured it, not trials
    assert fig["test_errors_total"] == {"out_of_view": 1}
    assert fig["queue_depth"] == 7
    assert 3500 < fig["oldest_unsent_age_s"] < 3700
    assert fig["last_sync_success"] is None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_running_station_serves_openmetrics_on_the_configured_address(station_cfg: StationConfig) -> None:
    from ui.driver import ScreenDriver, run_station

    port = free_port()
    cfg = replace(station_cfg, metrics=MetricsConfig(listen=f"127.0.0.1:{port}", refresh_s=1.0))

    async def scenario(d: ScreenDriver) -> str:
        await d.app.manager.wait_until_settled(10.0)
        await d.settle(1.5)  # one refresh after the devices connected
        req = urllib.request.Request(f"http://127.0.0.1:{port}/metrics",
                                     headers={"Accept": "application/openmetrics-text; version=1.0.0"})
        import asyncio

        def get() -> str:
            with urllib.request.urlopen(req, timeout=5) as r:
                assert r.headers["Content-Type"].startswith("application/openmetrics-text")
                return r.read().decode()

        return await asyncio.get_running_loop().run_in_executor(None, get)

    text = run_station(cfg, scenario, start_uploader=False, timeout_s=60)
    fams = families(text)
    up = samples(fams["kiosk_device_up"])
    assert up[("kiosk_device_up", (("device", "bp"), ("kind", "blood_pressure")))] == 1.0
    assert samples(fams["kiosk_build"])[("kiosk_build_info", (("station", cfg.station_id), ("version", "0.1.0")))]
    with pytest.raises(OSError):  # closed with the station
        urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2)


def test_metrics_are_off_by_default() -> None:
    assert StationConfig().metrics.listen == ""


def test_camera_figures_add_up_across_camera_tests() -> None:
    from types import SimpleNamespace

    from ui.metrics_station import CameraCounter

    def pipeline(fps: float, dropped: int, queued: int) -> SimpleNamespace:
        stats = SimpleNamespace(fps=fps, frames_dropped_by_capture=dropped, updates_dropped_by_queue=queued)
        return SimpleNamespace(stats=lambda: stats)

    counter = CameraCounter()
    assert counter.read(None) == (None, 0)
    first = pipeline(24.0, 3, 1)
    assert counter.read(first) == (24.0, 4)
    second = pipeline(12.5, 2, 0)  # the next camera test: its own pipeline, counting from zero
    assert counter.read(second) == (12.5, 6)
    assert counter.read(None) == (None, 6)  # no test running: no frame rate, the total stays
