"""Simulated pulse oximeters: a BerryMed BCI module (bytes on a pseudo-terminal) and a Bluetooth PLX peripheral.

The finger is in the clip from the start. The first ``search_s`` seconds the module searches for the
pulse (no numbers), then SpO2 wanders within ±1 % of ``spo2_pct`` and the pulse within ±2 /min of
``pulse_bpm``. The pleth wave is a photoplethysmogram shape at the pulse rate: a quick systolic
upstroke, a slower fall with a dicrotic notch (sum of two Gaussians per beat, scaled 0..100).

BCI faults: ``garbage`` (a burst of random bytes), ``bad_checksum`` (an impossible packet: the
protocol has no checksum), ``no_finger`` (finger out until ``resume``), ``unplugged`` (probe
unplugged until ``resume``), ``stall`` (silence until ``resume``), ``low_spo2`` (the resident's SpO2
drops to 88 %). The PLX peripheral knows ``no_finger``, ``low_spo2`` and the peer's link faults.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Mapping
from typing import ClassVar

from drivers.codecs import berrymed_bci as bci
from drivers.codecs import ble_plx
from drivers.sim.ble_peripheral import PeripheralBase


def pleth_at(t_s: float, pulse_bpm: float) -> float:
    """The pleth wave (0..100) ``t_s`` into the recording at a steady ``pulse_bpm``."""
    return pleth_wave((t_s * pulse_bpm / 60.0) % 1.0)


def pleth_wave(phase: float) -> float:
    """The pleth wave (0..100) at ``phase`` (0..1) of a beat."""
    systolic = math.exp(-((phase - 0.15) / 0.07) ** 2)
    dicrotic = 0.45 * math.exp(-((phase - 0.45) / 0.10) ** 2)
    return max(0.0, min(100.0, 8 + 90 * (systolic + dicrotic) / 1.02))


class BerryMedSimulator:
    """A ``ByteSimulator`` for ``drivers.sim.pty.PtyHost``: 100 packets/s of device time, in ticks of 5."""

    TICK_S = 0.05
    PER_TICK = 5
    FAULTS: ClassVar[frozenset[str]] = frozenset({"garbage", "bad_checksum", "no_finger", "unplugged", "stall",
                                                  "resume", "low_spo2"})

    def __init__(self, *, speed: float = 1.0, seed: int = 11, spo2_pct: int = 97, pulse_bpm: int = 72,
                 search_s: float = 3.0) -> None:
        self.tick_interval_s = self.TICK_S / speed
        self.rng = random.Random(seed)
        self.spo2_pct, self.pulse_bpm, self.search_s = spo2_pct, pulse_bpm, search_s
        self.t = 0.0
        self.no_finger = self.unplugged = self.stalled = False
        self._garbage_next = self._bad_next = False
        self._spo2, self._pulse = float(spo2_pct), float(pulse_bpm)
        self._finger_since = 0.0
        self._phase = 0.0

    def inject(self, fault: str) -> None:
        if fault not in self.FAULTS:
            raise ValueError(f"BerryMedSimulator knows faults {sorted(self.FAULTS)}, not {fault!r}")
        if fault == "resume":
            self.no_finger = self.unplugged = self.stalled = False
            self._finger_since = self.t
        elif fault == "low_spo2":
            self.spo2_pct = 88
        else:
            setattr(self, {"garbage": "_garbage_next", "bad_checksum": "_bad_next", "no_finger": "no_finger",
                           "unplugged": "unplugged", "stall": "stalled"}[fault], True)

    def on_host_bytes(self, data: bytes, now_s: float) -> bytes:
        return b""  # the module takes no commands: it streams from power-on

    def packet(self) -> bci.BciPacket:
        """The next packet (advances device time by 10 ms)."""
        self.t += 0.01
        searching = self.t - self._finger_since < self.search_s
        if self.no_finger or self.unplugged:
            return bci.BciPacket(0, True, self.unplugged, False, 0, 0, True, False, None, None)
        if round(self.t * 100) % 100 == 0:  # the numbers move once a second, as on the module's display
            self._spo2 = max(70.0, min(100.0, self.spo2_pct + self.rng.uniform(-1, 1)))
            self._pulse = self.pulse_bpm + self.rng.uniform(-2, 2)
        before = pleth_wave(self._phase)
        self._phase = (self._phase + 0.01 * self._pulse / 60.0) % 1.0  # integrated: no jump when the rate changes
        pleth = round(pleth_wave(self._phase))
        beat = pleth_wave(self._phase) > 90 >= before
        return bci.BciPacket(7, False, False, beat, pleth, max(1, pleth * 15 // 100), False, searching,
                             None if searching else round(self._pulse), None if searching else round(self._spo2))

    def on_tick(self, now_s: float) -> bytes:
        if self.stalled:
            return b""
        out = bytearray()
        if self._garbage_next:
            self._garbage_next = False
            out += bytes(self.rng.randrange(256) for _ in range(self.rng.randint(3, 20)))
        for _ in range(self.PER_TICK):
            out += bci.CODEC.encode(self.packet(), corrupt_crc=self._bad_next)
            self._bad_next = False
        return bytes(out)


class BlePlxSimulator(PeripheralBase):
    """A Bluetooth pulse oximeter: continuous reports every second once subscribed, then one spot-check."""

    name = "ble-plx"
    services: ClassVar[Mapping[str, tuple[str, ...]]] = {
        ble_plx.SERVICE_UUID: (ble_plx.SPOT_CHECK_UUID, ble_plx.CONTINUOUS_UUID, ble_plx.FEATURES_UUID)}
    faults = frozenset({"no_finger", "low_spo2"})

    def __init__(self, *, speed: float = 1.0, seed: int = 5, spo2_pct: int = 97, pulse_bpm: int = 72,
                 spot_after_s: float = 10.0) -> None:
        super().__init__(speed=speed, seed=seed)
        self.spo2_pct, self.pulse_bpm, self.spot_after_s = spo2_pct, pulse_bpm, spot_after_s

    def on_read(self, char_uuid: str) -> bytes:
        if char_uuid == ble_plx.FEATURES_UUID:
            return ble_plx.encode_features(ble_plx.PlxFeatures(
                frozenset({"measurement_status_support", "device_and_sensor_status_support"}),
                frozenset({"measurement_ongoing", "validated_data"}),
                frozenset({"sensor_unconnected_to_user"})))
        return b""

    def on_subscribe(self, char_uuid: str, subscribed: bool) -> None:
        if char_uuid == ble_plx.CONTINUOUS_UUID and subscribed and not self.busy:
            self.spawn(self._report())

    async def _report(self) -> None:
        no_finger = self.armed("no_finger")
        if self.armed("low_spo2"):
            self.spo2_pct = 88
        t = 0.0
        while self.link is not None:
            await self.pause(1.0)
            t += 1.0
            if no_finger:
                self.send(ble_plx.CONTINUOUS_UUID, ble_plx.encode_continuous(ble_plx.PlxContinuous(
                    None, None, sensor_status=frozenset({"sensor_unconnected_to_user"}))))
                continue
            spo2 = float(round(self.spo2_pct + self.rng.uniform(-1, 1)))
            pulse = float(round(self.pulse_bpm + self.rng.uniform(-2, 2)))
            status = frozenset({"measurement_ongoing"}) if t < self.spot_after_s else frozenset({"validated_data"})
            self.send(ble_plx.CONTINUOUS_UUID, ble_plx.encode_continuous(ble_plx.PlxContinuous(
                spo2, pulse, measurement_status=status, sensor_status=frozenset())))
            if t >= self.spot_after_s:
                self.send(ble_plx.SPOT_CHECK_UUID, ble_plx.encode_spot_check(ble_plx.PlxSpotCheck(
                    float(self.spo2_pct), float(self.pulse_bpm), measurement_status=frozenset({"validated_data"}))))
                await asyncio.sleep(0)
                return
