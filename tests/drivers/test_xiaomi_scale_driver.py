"""The Xiaomi Mi Body Composition Scale driver: heard from advertisements, only a fresh settled weighing is taken.

Real frames: the three 0x181B service-data payloads captured from real scales in Home Assistant's
Bluetooth-Devices ``xiaomi-ble`` test suite (``tests/test_parser.py``: ``test_Xiaomi_Scale2`` 85.15 kg /
428 ohm stabilised, ``..._non_stabilized`` 105.8 kg, and the reset frame of a stepped-off scale;
Apache-2.0), the same bytes ``test_body_composition_codecs`` decodes, here fed through the driver in
the order a scale sends them. They come from separate captures, so a sequence of them is ours; the
bytes are not. The simulator tests use ``drivers.sim.xiaomi_scale`` (our own, for timing and faults).
"""

from __future__ import annotations

import asyncio

import pytest

from drivers.base import DeviceReportedError, DeviceState, DeviceTimeout, FinalReading, Progress
from drivers.ble.advertisement import BleakAdvertisementSource, BroadcastLink, FakeAdvertisementSource
from drivers.codecs.xiaomi_mibcs import SERVICE_DATA_UUID, decode_advert
from drivers.devices.xiaomi_scale import STEPPED_OFF_MESSAGE, TIMEOUT_MESSAGE, XiaomiBodyCompositionScale
from drivers.sim.xiaomi_scale import XiaomiScaleSimulator

STABILISED_85_15 = b"\x02&\xb2\x07\x05\x04\x0f\x02\x01\xac\x01\x86B"  # xiaomi-ble test_Xiaomi_Scale2
UNSTABLE_105_8 = b"\x02\x04\xb2\x07\x01\x01\x12\x10\x1a\x00\x00\xa8R"  # xiaomi-ble ..._non_stabilized
REMOVED = b"\x02\x82\xb2\x07\x05\x04\x0f\x02\x01\x00\x00\x00\x00"  # xiaomi-ble reset frame (stepped off)


class Replay:
    """A broadcaster that advertises given frames, in order, as soon as a scan starts (no timing of its own)."""

    name = "replay"
    faults: frozenset[str] = frozenset()

    def __init__(self, *frames: bytes) -> None:
        self.frames = frames
        self.link: BroadcastLink | None = None

    def attach(self, link: BroadcastLink) -> None:
        self.link = link

    def detach(self) -> None:
        self.link = None

    def on_scan(self, scanning: bool) -> None:
        if scanning and self.link is not None:
            for f in self.frames:
                self.link.advertise(f)

    def inject(self, fault: str) -> None:
        raise ValueError(fault)


def scale(broadcaster, **kw) -> XiaomiBodyCompositionScale:  # type: ignore[no-untyped-def]
    driver = XiaomiBodyCompositionScale("mi", FakeAdvertisementSource(broadcaster, SERVICE_DATA_UUID))
    for k, v in kw.items():
        setattr(driver, k, v)
    return driver


async def weigh(driver: XiaomiBodyCompositionScale, progress: list[Progress] | None = None) -> FinalReading:
    events = [e async for e in driver.measure()]
    assert isinstance(events[-1], FinalReading) and all(isinstance(e, Progress) for e in events[:-1])
    if progress is not None:
        progress += events[:-1]  # type: ignore[arg-type]
    return events[-1]


# ---- real captured frames ------------------------------------------------------------------------------


async def test_captured_weigh_in_gives_the_captured_weight_and_impedance() -> None:
    progress: list[Progress] = []
    reading = await weigh(scale(Replay(STABILISED_85_15, UNSTABLE_105_8, STABILISED_85_15)), progress)
    assert [(p.quantity, p.value) for p in progress] == [("weight_kg", 105.8)], "the live weight, not the replay"
    assert (reading.item, reading.values, reading.unit) == ("weight", {"weight": 85.15}, "kg")
    assert reading.details["impedance_ohm"] == 428
    assert reading.details["scale_time"] == "1970-05-04T15:02:01"  # the capture's (unset) scale clock


async def test_a_captured_stabilised_frame_alone_is_a_replay_and_not_taken() -> None:
    with pytest.raises(DeviceTimeout, match="nobody stepped on") as e:
        await weigh(scale(Replay(STABILISED_85_15, REMOVED, STABILISED_85_15), start_timeout_s=0.3))
    assert e.value.resident_message == TIMEOUT_MESSAGE


async def test_captured_reset_frame_after_a_rising_weight_is_stepping_off() -> None:
    with pytest.raises(DeviceReportedError) as e:
        await weigh(scale(Replay(UNSTABLE_105_8, REMOVED, STABILISED_85_15)))
    assert e.value.code == "stepped_off" and e.value.resident_message == STEPPED_OFF_MESSAGE


async def test_garbage_between_captured_frames_is_skipped() -> None:
    reading = await weigh(scale(Replay(UNSTABLE_105_8, b"\x02\x26\x00", bytes(13), STABILISED_85_15)))
    assert reading.values == {"weight": 85.15}


async def test_weight_settled_without_impedance_is_kept_alone_after_the_wait() -> None:
    no_impedance = bytes([0x02, 0x24]) + STABILISED_85_15[2:9] + b"\x00\x00" + STABILISED_85_15[11:]
    reading = await weigh(scale(Replay(UNSTABLE_105_8, no_impedance), impedance_wait_s=0.2))
    assert reading.values == {"weight": 85.15} and reading.details["impedance_ohm"] is None


# ---- the simulator ---------------------------------------------------------------------------------------


def simulated(**kw) -> tuple[XiaomiBodyCompositionScale, XiaomiScaleSimulator]:  # type: ignore[no-untyped-def]
    sim = XiaomiScaleSimulator(speed=50.0, step_on_s=0.02)
    return scale(sim, **kw), sim


async def test_simulated_weigh_in_gives_the_settled_weight_not_the_earlier_residents() -> None:
    driver, sim = simulated()
    await driver.connect()
    assert driver.state is DeviceState.READY
    progress: list[Progress] = []
    reading = await weigh(driver, progress)
    live = [float(p.value) for p in progress]  # type: ignore[arg-type]
    assert len(live) == 5 and live == sorted(live) and live[-1] < reading.values["weight"], "rising, unsettled"
    assert reading.values["weight"] == pytest.approx(71.3, abs=0.06) and reading.details["impedance_ohm"] == 498
    assert decode_advert(sim.sent[0]).final and decode_advert(sim.sent[0]).weight_kg == 82.6, "the replay came first"
    heard = driver.source.heard  # type: ignore[attr-defined]
    assert heard >= 7, "the replayed frame, five rising frames, the settled weight and the impedance were heard"
    assert driver.state is DeviceState.READY and not driver.source.is_scanning


async def test_second_weighing_skips_the_first_residents_repeated_frame() -> None:
    driver, sim = simulated()
    first = await weigh(driver)
    sim.weight_kg = 58.0
    second = await weigh(driver)
    assert first.values["weight"] == pytest.approx(71.3, abs=0.06)
    assert second.values["weight"] == pytest.approx(58.0, abs=0.06)


async def test_simulated_step_off_before_settling_is_the_plain_error() -> None:
    driver, sim = simulated()
    sim.inject("step_off_early")
    with pytest.raises(DeviceReportedError, match="stepped off") as e:
        await weigh(driver)
    assert e.value.resident_message == STEPPED_OFF_MESSAGE
    assert driver.state is DeviceState.READY


async def test_simulated_nobody_steps_on_times_out_in_plain_words() -> None:
    driver, sim = simulated(start_timeout_s=0.4)
    sim.inject("nobody")
    with pytest.raises(DeviceTimeout, match=r"no settled weighing within 0 s \(nobody stepped on\)") as e:
        await weigh(driver)
    assert "step onto the scale" in (e.value.resident_message or "")


async def test_out_of_range_scale_times_out_and_comes_back() -> None:
    driver, _ = simulated(start_timeout_s=0.3)
    driver.source.inject("away")  # type: ignore[attr-defined]
    with pytest.raises(DeviceTimeout):
        await weigh(driver)
    driver.source.inject("back")  # type: ignore[attr-defined]
    driver.start_timeout_s = 5.0
    assert (await weigh(driver)).values["weight"] == pytest.approx(71.3, abs=0.06)


async def test_shoes_on_gives_the_weight_without_impedance() -> None:
    driver, sim = simulated(impedance_wait_s=0.02)
    sim.inject("no_impedance")
    reading = await weigh(driver)
    assert reading.details["impedance_ohm"] is None and reading.values["weight"] == pytest.approx(71.3, abs=0.06)


async def test_simulator_sends_the_real_advertisement_layout() -> None:
    driver, sim = simulated()
    await weigh(driver)
    assert all(len(f) == 13 and f[0] & 0x02 for f in sim.sent)
    rising = [f for f in sim.sent[1:] if not f[1] & 0x20]
    weights = [int.from_bytes(f[11:13], "little") / 200 for f in rising]
    assert weights == sorted(weights) and len(weights) == 5, "unstable frames rise before the weight settles"


# ---- the bleak source ------------------------------------------------------------------------------------


def test_bleak_source_passes_only_the_configured_address_and_service_data() -> None:
    from bleak.backends.device import BLEDevice
    from bleak.backends.scanner import AdvertisementData

    heard: list[bytes] = []
    source = BleakAdvertisementSource("50:fb:19:1b:b5:dc", SERVICE_DATA_UUID)
    on_advert = source._filter(heard.append)

    def advert(service_data: dict[str, bytes]) -> AdvertisementData:
        return AdvertisementData(local_name="MIBFS", manufacturer_data={}, service_data=service_data,
                                 service_uuids=[], tx_power=None, rssi=-60, platform_data=())

    on_advert(BLEDevice("50:FB:19:1B:B5:DC", "MIBFS", None), advert({SERVICE_DATA_UUID: STABILISED_85_15}))
    on_advert(BLEDevice("AA:BB:CC:DD:EE:FF", "MIBFS", None), advert({SERVICE_DATA_UUID: UNSTABLE_105_8}))
    on_advert(BLEDevice("50:FB:19:1B:B5:DC", "MIBFS", None), advert({"0000fe95-0000-1000-8000-00805f9b34fb": b"x"}))
    assert heard == [STABILISED_85_15]
    assert not source.is_scanning


async def test_fake_source_hears_nothing_while_not_scanning() -> None:
    replay = Replay(STABILISED_85_15)
    source = FakeAdvertisementSource(replay, SERVICE_DATA_UUID)
    heard: list[bytes] = []
    assert replay.link is source
    source.advertise(STABILISED_85_15)
    await source.start(heard.append)
    await asyncio.sleep(0)
    await source.stop()
    source.advertise(STABILISED_85_15)
    await asyncio.sleep(0)
    assert heard == [STABILISED_85_15]
