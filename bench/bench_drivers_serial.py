"""Serial instrument figures: codec throughput (frames/s) and frame-written → event-yielded latency over real ptys.

Throughput: each codec's device messages, encoded, concatenated and fed to its ``MessageStream`` in
256-byte chunks (as a serial read delivers them); also the grip codec with 10 % of the bytes garbage.

Latency: the simulator runs on a ``PtyHost`` at real speed and notes (perf_counter) when it writes
each streamed frame; the driver's ``measure()`` yields one Progress per frame, and the bench notes
when each arrives. The difference is the whole path a live value takes: pty → reader thread → event
loop → codec → driver → consumer. p50/p99 per instrument, in milliseconds. The ``via_manager``
figure runs the grip through DRV-BLE's DeviceManager in simulate mode and stops the clock when the
manager publishes the event (``DeviceEvent.published_at``), as the UI receives it.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from pathlib import Path
from typing import Any

from drivers.base import Progress
from drivers.codecs import balance_platform as bal
from drivers.codecs import grip, reaction_time, sit_and_reach, spirometer, vital_capacity
from drivers.codecs.instrument_frame import InstrumentCodec, InstrumentMessage
from drivers.sim.pty import PtyHost

FRAMES = 20_000


def _samples() -> dict[str, tuple[InstrumentCodec, list[InstrumentMessage]]]:
    rng = random.Random(1)
    return {
        "grip": (grip.CODEC, [grip.ForceSample(i & 0xFFFF, rng.randint(0, 9000)) for i in range(FRAMES)]),
        "spirometer": (spirometer.CODEC, [spirometer.FlowBlock(i & 0xFFFF, tuple(rng.randint(-2000, 9000)
                                                                                 for _ in range(5)))
                                          for i in range(FRAMES)]),
        "vital_capacity": (vital_capacity.CODEC, [vital_capacity.Volume(rng.randint(0, 6000)) for _ in range(FRAMES)]),
        "balance": (bal.CODEC, [bal.CornerForces(i & 0xFFFF, (rng.randint(0, 40000), rng.randint(0, 40000),
                                                              rng.randint(0, 40000), rng.randint(0, 40000)))
                                for i in range(FRAMES)]),
        "sit_and_reach": (sit_and_reach.CODEC, [sit_and_reach.Position(i & 0xFFFF, rng.randint(-300, 500))
                                                for i in range(FRAMES)]),
        "reaction": (reaction_time.CODEC, [reaction_time.Press(i & 0xFF, rng.randint(1, 5), rng.randint(150, 900))
                                           for i in range(FRAMES)]),
    }


def _decode_rate(codec: InstrumentCodec, data: bytes, expected: int) -> float:
    stream = codec.stream()
    decoded = 0
    t0 = time.perf_counter()
    for i in range(0, len(data), 256):
        decoded += sum(1 for m in stream.feed(data[i:i + 256]) if not isinstance(m, Exception))
    elapsed = time.perf_counter() - t0
    if decoded != expected:
        raise RuntimeError(f"{codec.name}: decoded {decoded} of {expected} frames")
    return expected / elapsed


def codec_throughput() -> dict[str, float]:
    figures: dict[str, float] = {}
    for name, (codec, messages) in _samples().items():
        data = b"".join(codec.encode(m) for m in messages)
        figures[f"decode_{name}_frames_per_s"] = round(_decode_rate(codec, data, len(messages)))
        t0 = time.perf_counter()
        for m in messages:
            codec.encode(m)
        figures[f"encode_{name}_frames_per_s"] = round(len(messages) / (time.perf_counter() - t0))
    codec, messages = _samples()["grip"]
    rng = random.Random(2)
    noisy = bytearray()
    for m in messages:
        noisy += codec.encode(m)
        noisy += bytes(rng.choice(b"\x00\x11\x99\xfe") for _ in range(1))  # ~1 garbage byte per 12: 8 %
    figures["decode_grip_with_garbage_frames_per_s"] = round(_decode_rate(codec, bytes(noisy), len(messages)))
    return figures


async def _latencies(simulator: Any, driver_cls: Any, options: dict[str, Any]) -> list[float]:
    host = PtyHost(simulator, name="bench").start()
    driver = driver_cls("bench-1", host.port_path, frame_timeout_s=2.0)
    try:
        await driver.connect()
        simulator.sent_at.clear()
        arrived: list[float] = []
        async for event in driver.measure(**options):
            if isinstance(event, Progress):
                arrived.append(time.perf_counter())
        sent = list(simulator.sent_at)
    finally:
        await driver.close()
        host.stop()
    if driver.codec_errors:
        raise RuntimeError(f"{driver_cls.__name__}: {driver.codec_errors} codec errors on a clean line")
    n = min(len(sent), len(arrived))
    return [(a - s) * 1000 for s, a in zip(sent[:n], arrived[:n], strict=True)]


def _percentiles(values: list[float]) -> tuple[float, float]:
    qs = statistics.quantiles(values, n=100, method="inclusive")
    return round(qs[49], 2), round(qs[98], 2)


def latency() -> dict[str, float]:
    from drivers.devices.balance_platform import BalancePlatform
    from drivers.devices.grip import GripDynamometer
    from drivers.devices.spirometer import Spirometer
    from drivers.sim.balance_platform import BalancePlatformSimulator
    from drivers.sim.grip import GripSimulator
    from drivers.sim.spirometer import SpirometerSimulator

    runs = {
        "grip_100hz": (GripSimulator(), GripDynamometer, {}),
        "balance_100hz": (BalancePlatformSimulator(both_feet_s=1.0, stand_s=3.0), BalancePlatform, {}),
        "spirometer_20_blocks_per_s": (SpirometerSimulator(), Spirometer, {}),
    }
    figures: dict[str, float] = {}
    for name, (sim, cls, options) in runs.items():
        values = asyncio.run(_latencies(sim, cls, options))
        p50, p99 = _percentiles(values)
        figures[f"latency_{name}_p50_ms"] = p50
        figures[f"latency_{name}_p99_ms"] = p99
        figures[f"latency_{name}_events"] = len(values)
    return figures


async def _manager_latencies(protocol: str, kind: str, seconds_budget: float = 20.0) -> list[float]:
    """Simulator → pty → driver → DeviceManager publishing the Progress event (its ``published_at``)."""
    from drivers.manager import DeviceManager, EventKind
    from kiosk.config import DeviceConfig, StationConfig

    cfg = StationConfig(devices=(DeviceConfig("bench", kind, protocol, simulate=True),))
    published: list[float] = []
    async with DeviceManager(cfg, None) as manager:
        manager.add_listener(lambda e: published.append(e.published_at) if e.kind is EventKind.PROGRESS else None)
        deadline = time.perf_counter() + seconds_budget
        while manager.device("bench").state.value != "ready":
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{protocol} simulator never became ready")
            await asyncio.sleep(0.05)
        simulator = manager.device("bench").simulator
        simulator.sent_at.clear()
        async for _ in manager.measure("bench"):
            pass
        sent = list(simulator.sent_at)
    n = min(len(sent), len(published))
    return [(p - s) * 1000 for s, p in zip(sent[:n], published[:n], strict=True)]


def manager_latency() -> dict[str, float]:
    values = asyncio.run(_manager_latencies("grip-serial", "grip"))
    p50, p99 = _percentiles(values)
    return {"latency_grip_via_manager_published_p50_ms": p50, "latency_grip_via_manager_published_p99_ms": p99,
            "latency_grip_via_manager_events": len(values)}


def run(out_dir: Path) -> dict:
    """Codec throughput and pty latency figures (see the module docstring)."""
    return codec_throughput() | latency() | manager_latency()


if __name__ == "__main__":
    for key, value in run(Path("out/bench")).items():
        print(f"{key:<52} {value}")
