"""DRV-BLE figures: codec throughput (frames/s) and frame-arrival → event latency through the device manager.

Latency is measured with the simulators running, on the station's own event loop:
- ``*_driver_to_event``: the frame reaching the driver (bytes handed over by the GATT peer / serial
  reader) → the manager publishing its event;
- ``*_to_subscriber``: the same frame → a subscriber taking the event off its queue;
- ``oem_serial_pty_end_to_end``: the simulator writing the frame into the pseudo-terminal → a
  subscriber holding the event (includes the pty, the serial reader thread and the codec).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from drivers.codecs import ble_bps, ble_glucose, ble_weight, oem_bp_serial, sfloat
from drivers.codecs.ble_bps import BloodPressureMeasurement, IntermediateCuffPressure, MeasurementStatus, PressureUnit

ROUNDS = 3


def _rate(fn: Callable[[], object], min_s: float = 0.3) -> float:
    """Calls per second of ``fn`` over at least ``min_s``."""
    n, start = 0, time.perf_counter()
    while True:
        for _ in range(200):
            fn()
        n += 200
        elapsed = time.perf_counter() - start
        if elapsed >= min_s:
            return n / elapsed


def codec_throughput() -> dict[str, float]:
    from datetime import datetime

    bpm = ble_bps.encode_measurement(BloodPressureMeasurement(PressureUnit.MMHG, 128, 82, 97, datetime(2026, 1, 1),
                                                              71, 1, MeasurementStatus()))
    icp = ble_bps.encode_intermediate_cuff_pressure(IntermediateCuffPressure(PressureUnit.MMHG, 152.5))
    weight = ble_weight.encode_weight_measurement(ble_weight.WeightMeasurement(70.2, False, datetime(2026, 1, 1), 1,
                                                                               24.3, 1.7))
    glucose = ble_glucose.encode_glucose_measurement(ble_glucose.GlucoseMeasurement(
        3, datetime(2026, 1, 1), 0, 5.6, "capillary_plasma", "finger"))
    frames = [oem_bp_serial.encode(oem_bp_serial.CuffPressure(100 + i % 80, oem_bp_serial.CuffPhase.DEFLATING))
              for i in range(1000)]
    stream = b"".join(frames)

    def oem_stream() -> None:
        oem_bp_serial.FrameReader().feed(stream)

    oem_rate = _rate(oem_stream, 0.5) * len(frames)
    return {
        "codec_ble_bpm_measurement_frames_per_s": round(_rate(lambda: ble_bps.decode_measurement(bpm))),
        "codec_ble_cuff_pressure_frames_per_s": round(_rate(lambda: ble_bps.decode_intermediate_cuff_pressure(icp))),
        "codec_ble_weight_frames_per_s": round(_rate(lambda: ble_weight.decode_weight_measurement(weight))),
        "codec_ble_glucose_frames_per_s": round(_rate(lambda: ble_glucose.decode_glucose_measurement(glucose))),
        "codec_oem_bp_stream_frames_per_s": round(oem_rate),
        "codec_sfloat_decode_per_s": round(_rate(lambda: sfloat.decode_sfloat(0xF16D))),
        "codec_sfloat_encode_per_s": round(_rate(lambda: sfloat.encode_sfloat(36.5))),
    }


def _percentiles(prefix: str, samples_s: list[float]) -> dict[str, float]:
    if len(samples_s) < 2:
        return {f"{prefix}_samples": len(samples_s)}
    q = statistics.quantiles(samples_s, n=100, method="inclusive")
    return {f"{prefix}_p50_ms": round(q[49] * 1000, 3), f"{prefix}_p99_ms": round(q[98] * 1000, 3),
            f"{prefix}_samples": len(samples_s)}


async def _latency(speed: float) -> dict[str, Any]:
    from drivers.calibration import MemoryCalibrationBook
    from drivers.manager import DeviceManager, EventKind
    from kiosk.config import DeviceConfig, StationConfig, Transport
    from kiosk.domain import CalibrationRecord, CalibrationResult, utcnow

    devices = (DeviceConfig("bp", "blood_pressure", "oem-bp-serial", simulate=True),
               DeviceConfig("bpm", "blood_pressure", "ble-bps", Transport.BLE, simulate=True))
    now = utcnow()
    book = MemoryCalibrationBook([CalibrationRecord(d.name, "bp-static-pressure", "bench", now,
                                                    CalibrationResult.PASSED, now + timedelta(days=1))
                                  for d in devices])
    figures: dict[str, Any] = {}
    async with DeviceManager(StationConfig(devices=devices), book, sim_speed=speed) as manager:
        for name in ("bp", "bpm"):
            deadline = time.monotonic() + 10
            while manager.devices[name].state.value != "ready" and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        sent: list[float] = []
        sim = manager.devices["bp"].simulator
        original_tick = sim.on_tick

        def timed_tick(now_s: float) -> bytes:
            out = original_tick(now_s)
            if out[3:5] == b"\x02\x02":  # a cuff-pressure frame leaves the simulator
                sent.append(time.perf_counter())
            return out

        sim.on_tick = timed_tick
        for name, label in (("bpm", "ble_bpm"), ("bp", "oem_serial")):
            to_event: list[float] = []
            to_subscriber: list[float] = []
            end_to_end: list[float] = []
            for _ in range(ROUNDS):
                sent.clear()
                queue = manager.subscribe()
                received: list[tuple[float, Any]] = []

                async def drain(q: asyncio.Queue = queue, out: list = received) -> None:
                    while True:
                        event = await q.get()
                        out.append((time.perf_counter(), event))

                drainer = asyncio.create_task(drain())
                async for _ in manager.measure(name):
                    pass
                await asyncio.sleep(0.05)
                drainer.cancel()
                manager.unsubscribe(queue)
                progress = [(t, e) for t, e in received if e.kind is EventKind.PROGRESS and e.frame_at is not None]
                to_event += [e.published_at - e.frame_at for _, e in progress]
                to_subscriber += [t - e.frame_at for t, e in progress]
                if name == "bp":
                    end_to_end += [t - s for (t, _), s in zip(progress, sent, strict=False) if t >= s]
            figures.update(_percentiles(f"latency_{label}_driver_to_event", to_event))
            figures.update(_percentiles(f"latency_{label}_to_subscriber", to_subscriber))
            if end_to_end:
                figures.update(_percentiles(f"latency_{label}_pty_end_to_end", end_to_end))
    return figures


def run(out_dir: Path) -> dict[str, Any]:
    figures: dict[str, Any] = codec_throughput()
    figures.update(asyncio.run(_latency(speed=10.0)))
    figures["latency_note"] = "simulators at 10x speed; OEM module streams a frame per 50 ms tick, BLE cuff every 50 ms"
    return figures


if __name__ == "__main__":
    for key, value in run(Path("out/bench")).items():
        print(f"{key:<52} {value}")
