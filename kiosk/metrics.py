"""Fleet metrics in OpenMetrics: what a district's Prometheus scrapes from every station.

The station refreshes a ``MetricsSnapshot`` on its own thread (the store is single-threaded) and the
HTTP server's thread only reads the latest snapshot, so a scrape never touches the database. Counters
come from row counts (sessions, tests, tests that gave no value), so ``increase(...[1d])`` gives the
per-day figures and a restart loses nothing. Metric names and example alerts: ``docs/metrics.md``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    InfoMetricFamily,
    Metric,
    StateSetMetricFamily,
)
from prometheus_client.registry import Collector, CollectorRegistry

from kiosk import __version__

PREFIX = "kiosk"
DEVICE_STATES = ("absent", "connecting", "ready", "measuring", "error", "locked")


@dataclass(frozen=True)
class DeviceFigures:
    name: str
    kind: str
    state: str | None  # one of DEVICE_STATES; None when this process does not run the devices
    calibration_valid_until: datetime | None = None


@dataclass(frozen=True)
class MetricsSnapshot:
    """Everything one scrape shows; built on the station's thread, read on the server's."""

    station_id: str
    queue_depth: int = 0
    oldest_unsent_age_s: float = 0.0
    last_sync_success: datetime | None = None
    quarantined_rows: int = 0
    quarantined_batches: int = 0
    sessions_total: int = 0
    tests_total: Mapping[str, int] = field(default_factory=dict)  # item -> sessions that measured it
    test_errors_total: Mapping[str, int] = field(default_factory=dict)  # not-measured reason -> count
    device_errors_total: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (device, error type) -> n
    devices: tuple[DeviceFigures, ...] = ()
    camera_fps: float | None = None  # the running camera test's frame rate; None when no camera test runs
    camera_dropped_frames_total: int = 0
    version: str = __version__


def store_figures(store: Any, now: datetime) -> dict[str, Any]:
    """The snapshot's fields that the database holds (queue, last sync, sessions, tests, test errors)."""
    stats = store.outbox_stats()
    oldest = stats.get("oldest_pending_at")
    conn = store.conn
    sessions = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    tests = dict(conn.execute("SELECT item, count(DISTINCT session_id) FROM measurements GROUP BY item").fetchall())
    errors = dict(conn.execute("SELECT reason, count(*) FROM not_measured GROUP BY reason").fetchall())
    last = store.sync_state_get("uploader.last_success_at")
    last_at = datetime.fromisoformat(last) if last else stats.get("last_ack_at")
    return {"queue_depth": stats["pending"],
            "oldest_unsent_age_s": max((now - oldest).total_seconds(), 0.0) if stats["pending"] and oldest else 0.0,
            "last_sync_success": last_at, "quarantined_rows": stats.get("quarantined", 0),
            "quarantined_batches": stats.get("quarantined_batches", 0), "sessions_total": sessions,
            "tests_total": tests, "test_errors_total": errors}


def _ts(when: datetime) -> float:
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


class StationCollector(Collector):
    """Turns the latest snapshot into metric families on each scrape."""

    def __init__(self, snapshot: MetricsSnapshot) -> None:
        self._snapshot = snapshot
        self._lock = threading.Lock()

    def update(self, snapshot: MetricsSnapshot) -> None:
        with self._lock:
            self._snapshot = snapshot

    @property
    def snapshot(self) -> MetricsSnapshot:
        with self._lock:
            return self._snapshot

    def collect(self) -> Iterator[Metric]:
        s = self.snapshot
        p = PREFIX
        yield InfoMetricFamily(f"{p}_build", "The station software's version.",
                               value={"version": s.version, "station": s.station_id})
        yield GaugeMetricFamily(f"{p}_outbox_queue_depth", "Rows waiting to be sent to the cloud.", s.queue_depth)
        yield GaugeMetricFamily(f"{p}_outbox_oldest_unsent_age_seconds", "Age of the oldest row waiting (0: none).",
                                s.oldest_unsent_age_s, unit="seconds")
        last = GaugeMetricFamily(f"{p}_sync_last_success_timestamp_seconds",
                                 "When the cloud last acknowledged a batch (absent: never).", unit="seconds")
        if s.last_sync_success is not None:
            last.add_metric([], _ts(s.last_sync_success))
        yield last
        yield GaugeMetricFamily(f"{p}_outbox_quarantined_rows", "Rows the server refused, kept for a technician.",
                                s.quarantined_rows)
        yield GaugeMetricFamily(f"{p}_outbox_quarantined_batches", "Batches in quarantine.", s.quarantined_batches)
        yield CounterMetricFamily(f"{p}_sessions", "Resident sessions started on this station.", s.sessions_total)
        tests = CounterMetricFamily(f"{p}_tests", "Sessions that measured each item.", labels=["item"])
        for item, n in sorted(s.tests_total.items()):
            tests.add_metric([item], n)
        yield tests
        errors = CounterMetricFamily(f"{p}_test_errors", "Tests tried that gave no value, by kind (reason).",
                                     labels=["kind"])
        for kind, n in sorted(s.test_errors_total.items()):
            errors.add_metric([kind], n)
        yield errors
        device_errors = CounterMetricFamily(f"{p}_device_errors", "Measurements a device failed since the station "
                                            "started, by device and error (DeviceTimeout, CodecError …).",
                                            labels=["device", "kind"])
        for (device, kind), n in sorted(s.device_errors_total.items()):
            device_errors.add_metric([device, kind], n)
        yield device_errors
        up = GaugeMetricFamily(f"{p}_device_up", "1 when the device answers (connected, measuring or locked).",
                               labels=["device", "kind"])
        state = StateSetMetricFamily(f"{p}_device_state", "Each device's state.", labels=["device"])
        expiry = GaugeMetricFamily(f"{p}_device_calibration_expiry_timestamp_seconds",
                                   "When the device's calibration runs out.", labels=["device"], unit="seconds")
        for d in s.devices:
            if d.state is not None:
                up.add_metric([d.name, d.kind], 1.0 if d.state in ("ready", "measuring", "locked") else 0.0)
                state.add_metric([d.name], {st: st == d.state for st in DEVICE_STATES})
            if d.calibration_valid_until is not None:
                expiry.add_metric([d.name], _ts(d.calibration_valid_until))
        yield up
        yield state
        yield expiry
        fps = GaugeMetricFamily(f"{p}_camera_frames_per_second", "Frames analysed per second in the running camera "
                                "test (absent when none runs).")
        if s.camera_fps is not None:
            fps.add_metric([], s.camera_fps)
        yield fps
        yield CounterMetricFamily(f"{p}_camera_dropped_frames", "Camera frames dropped since the station started.",
                                  s.camera_dropped_frames_total)


def new_registry(collector: StationCollector) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry


def exposition(registry: CollectorRegistry, *, openmetrics: bool = True) -> bytes:
    """The registry as OpenMetrics text (or the classic Prometheus text format)."""
    if openmetrics:
        from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics

        return generate_openmetrics(registry)
    from prometheus_client import generate_latest

    return generate_latest(registry)


def parse_listen(text: str) -> tuple[str, int]:
    """``"127.0.0.1:9464"`` or ``"[::1]:9464"`` -> (host, port); ValueError naming what is wrong."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"expected HOST:PORT (e.g. 127.0.0.1:9464), got {text!r}")
    return host.strip("[]"), int(port)


def serve(registry: CollectorRegistry, listen: str) -> Any:
    """Start the HTTP endpoint (its own thread; OpenMetrics when the scraper asks for it); returns the server."""
    from prometheus_client import start_http_server

    host, port = parse_listen(listen)
    server, _thread = start_http_server(port, addr=host, registry=registry)
    return server
