"""Pulse oximeters: the BerryMed BCI module on a serial port and the Bluetooth Pulse Oximeter Service (0x1822).

Both end a measurement the same way (``SpotTracker``, pure): once the oximeter has given usable
readings (finger in, pulse found, no fault status) for ``hold_s`` without a break, the reading is the
median SpO2 and pulse rate of the last ``window_s``. A finger taken out starts the wait again. The
final reading is item ``spo2`` with values ``spo2`` (%) and ``pulse_rate`` (/min); ``split_oximetry``
turns it into the two stored measurements. The BCI module also streams the pleth wave, sent as
``Progress("pleth")`` for the live view; both send ``spo2_pct`` and ``pulse_rate_bpm`` as they change.

Oximeters have no field calibration (accuracy is the maker's, checked against arterial blood in
its clearance): ``REQUIRES_CALIBRATION = False``; a failed or expired record on file still locks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import statistics
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from drivers.base import (
    CodecError,
    DeviceReportedError,
    DeviceState,
    DeviceTimeout,
    FinalReading,
    MeasurementEvent,
    Progress,
)
from drivers.codecs import berrymed_bci as bci
from drivers.codecs import ble_plx
from drivers.devices.ble_device import BleDevice
from drivers.devices.calibration_gate import UNCALIBRATED
from drivers.devices.serial_instrument import SerialInstrumentDriver, checked_final

FINGER_MESSAGE = "Please put your finger fully into the clip and keep your hand still."
UNPLUGGED_MESSAGE = "The finger clip is not connected. Please ask a member of staff."


@dataclass
class SpotTracker:
    """Pure: feed (seconds, SpO2, pulse rate, usable); ``done`` once ``hold_s`` of unbroken usable readings."""

    hold_s: float = 8.0
    window_s: float = 4.0
    _since: float | None = None
    _recent: deque[tuple[float, float, float]] = field(default_factory=deque)

    def feed(self, t_s: float, spo2: float | None, pulse: float | None, usable: bool) -> bool:
        if not usable or spo2 is None or pulse is None:
            self._since = None
            self._recent.clear()
            return False
        if self._since is None:
            self._since = t_s
        self._recent.append((t_s, spo2, pulse))
        while self._recent and self._recent[0][0] < t_s - self.window_s:
            self._recent.popleft()
        return t_s - self._since >= self.hold_s

    @property
    def started(self) -> bool:
        return self._since is not None

    def result(self) -> tuple[int, int]:
        """Median SpO2 (%) and pulse rate (/min) over the window, rounded to whole numbers as oximeters show."""
        if not self._recent:
            raise ValueError("no usable readings yet")
        return (round(statistics.median(r[1] for r in self._recent)),
                round(statistics.median(r[2] for r in self._recent)))


def split_oximetry(reading: FinalReading) -> tuple[FinalReading, FinalReading]:
    """The ``spo2`` (%) and ``pulse_rate`` (/min) readings of one oximeter measurement, sharing its details."""
    v = reading.values
    return (dataclasses.replace(reading, item="spo2", values={"spo2": v["spo2"]}, unit="%"),
            dataclasses.replace(reading, item="pulse_rate", values={"pulse_rate": v["pulse_rate"]}, unit="/min"))


def _final(device_id: str, tracker: SpotTracker, trial: int, t_s: float, details: dict[str, Any],
           **kwargs: Any) -> list[MeasurementEvent]:
    """The stored numbers, shown once more as live values (so the screen ends on them), then the reading."""
    spo2, pulse = tracker.result()
    return [Progress(device_id, "spo2_pct", float(spo2), t_s), Progress(device_id, "pulse_rate_bpm", float(pulse), t_s),
            checked_final(FinalReading(device_id, "spo2", {"spo2": spo2, "pulse_rate": pulse}, "%", trial=trial,
                                       details=details, **kwargs))]


class BerryMedOximeter(SerialInstrumentDriver):
    """A BerryMed BCI module (USB-serial): it streams 100 packets a second by itself; the station only listens."""

    CODEC = bci.CODEC  # type: ignore[assignment]  (same stream()/encode() shape as the instrument codecs)
    kind = "pulse_oximeter"
    BAUD = bci.BAUD
    REQUIRES_CALIBRATION = False
    NUMBER_OPTIONS: ClassVar[dict[str, tuple[float, float]]] = {"finger_within_s": (1.0, 300.0)}
    RATE_HZ = 100

    async def _measure(self, *, trial: int, **options: object) -> AsyncIterator[MeasurementEvent]:
        finger_within_s = float(options.get("finger_within_s", 60.0))  # type: ignore[arg-type]
        tracker = SpotTracker()
        n = strength = 0
        shown: tuple[int | None, int | None] = (None, None)
        async with contextlib.aclosing(self.messages()) as incoming:
            async for packet in incoming:
                if not isinstance(packet, bci.BciPacket):
                    continue
                n += 1
                t, strength = n / self.RATE_HZ, packet.signal_strength
                if packet.probe_unplugged:
                    raise DeviceReportedError("probe unplugged", code="probe_unplugged", device_id=self.device_id,
                                              resident_message=UNPLUGGED_MESSAGE)
                yield Progress(self.device_id, "pleth", float(packet.pleth), t)
                now = (packet.spo2_pct, packet.pulse_rate_bpm)
                if packet.usable and now != shown:
                    shown = now
                    yield Progress(self.device_id, "spo2_pct", float(now[0] or 0), t)
                    yield Progress(self.device_id, "pulse_rate_bpm", float(now[1] or 0), t)
                if tracker.feed(t, packet.spo2_pct, packet.pulse_rate_bpm, packet.usable):
                    break
                if not tracker.started and t > finger_within_s:
                    raise DeviceTimeout(f"no usable reading within {finger_within_s:.0f} s "
                                        f"(no finger: {packet.no_finger}, searching: {packet.pulse_searching})",
                                        device_id=self.device_id, resident_message=FINGER_MESSAGE)
        for event in _final(self.device_id, tracker, trial, n / self.RATE_HZ,
                            {"protocol": "berrymed-bci", "signal_strength": strength, "held_s": tracker.hold_s},
                            taken_at=self.clock(), calibration_id=self.calibration_id,
                            quality_flags=self.flags(self.calibration)):
            yield event


class BlePulseOximeter(BleDevice):
    """Bluetooth Pulse Oximeter Service: a usable spot-check (0x2A5E) ends the test at once; otherwise the
    continuous reports (0x2A5F) go through ``SpotTracker`` on the station's clock."""

    kind = "pulse_oximeter"
    service_uuid = ble_plx.SERVICE_UUID
    REQUIRES_CALIBRATION = False
    finger_within_s = 60.0
    report_timeout_s = 10.0  # a continuous oximeter reports about once a second

    async def measure(self, *, trial: int = 1, **options: object) -> AsyncIterator[MeasurementEvent]:
        import time

        record = self._gate()
        await self._ensure_connected()
        uuids = [u for u in (ble_plx.CONTINUOUS_UUID, ble_plx.SPOT_CHECK_UUID)
                 if u in self.services.get(self.service_uuid, (u,))]
        queue = await self._subscribe(uuids)
        started = time.monotonic()
        tracker = SpotTracker()
        self._set_state(DeviceState.MEASURING)
        flags = frozenset({UNCALIBRATED}) if self.book is None else frozenset()  # no field calibration
        cal_id = str(record.id) if record is not None else None
        try:
            while True:
                uuid, data = await self._next_frame(queue, self.report_timeout_s, "oximeter report")
                t = time.monotonic() - started
                try:
                    m: ble_plx.PlxSpotCheck | ble_plx.PlxContinuous = (
                        ble_plx.decode_spot_check(data) if uuid == ble_plx.SPOT_CHECK_UUID
                        else ble_plx.decode_continuous(data))
                except CodecError:
                    continue
                if m.sensor_status and {"sensor_unconnected_to_user", "sensor_disconnected"} & m.sensor_status:
                    tracker.feed(t, None, None, False)
                elif m.usable:
                    yield Progress(self.device_id, "spo2_pct", float(m.spo2_pct or 0), t)
                    yield Progress(self.device_id, "pulse_rate_bpm", float(m.pulse_rate_bpm or 0), t)
                if isinstance(m, ble_plx.PlxSpotCheck) and m.usable:
                    tracker = SpotTracker(hold_s=0.0, window_s=0.0)
                    tracker.feed(t, m.spo2_pct, m.pulse_rate_bpm, True)
                    break
                if tracker.feed(t, m.spo2_pct, m.pulse_rate_bpm, m.usable):
                    break
                if not tracker.started and t > self.finger_within_s:
                    raise DeviceTimeout("no usable oximeter reading", device_id=self.device_id,
                                        resident_message=FINGER_MESSAGE)
            for event in _final(self.device_id, tracker, trial, t, {"protocol": "ble-plx",
                                                                    "spot_check": uuid == ble_plx.SPOT_CHECK_UUID},
                                calibration_id=cal_id, quality_flags=flags):
                yield event
        finally:
            await self._unsubscribe(queue, uuids)
            if self._state is DeviceState.MEASURING:
                self._set_state(DeviceState.READY)
