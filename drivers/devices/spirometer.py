"""Spirometer driver (``spirometer-serial``): one forced expiration → FVC, FEV1, FEV1/FVC, PEF at BTPS.

``measure(trial=)`` asks the head for the ambient conditions (BTPS factor, ``drivers.spirometry``),
starts the test, streams ``Progress("flow_volume", (volume L, flow L/s))`` at 20 Hz, stops at the
ATS/ERS end of test (a plateau < 0.025 L over 1 s, or 15 s) and ends with one
``FinalReading(item="fvc", values={"fvc", "fev1", "fev1_fvc", "pef"})`` whose details hold the
flow-volume curve, time zero, BEV and the acceptability verdict. ``split_readings`` turns it into the
three readings the station stores (fvc L, fev1 L, pef L/s). Whether enough repeatable manoeuvres
were made is ``drivers.spirometry.session_quality(driver.manoeuvres)`` (cleared by the caller per session).

Lost blocks (a frame with a bad checksum) are filled by linear interpolation when at most two are
missing in a row (the reading is flagged ``interpolated_flow``); a longer gap would bend the volume
curve, so the blow is refused instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator
from typing import ClassVar

from drivers.base import DeviceReportedError, DeviceTimeout, DriverError, FinalReading, MeasurementEvent, Progress
from drivers.calibration import LinearCorrection
from drivers.codecs import spirometer as sp
from drivers.codecs.instrument_frame import InstrumentMessage
from drivers.devices.serial_instrument import SerialInstrumentDriver
from drivers.spirometry import (
    BLOW_START_FLOW_L_S,
    HPA_TO_MMHG,
    MAX_EXPIRATORY_TIME_S,
    PLATEAU_VOLUME_L,
    PLATEAU_WINDOW_S,
    Manoeuvre,
    analyse_manoeuvre,
    btps_factor,
)

MAX_GAP_BLOCKS = 2
T0_MARGIN_S = 0.5  # time zero lies at most this long after the first flow above threshold in a usable blow


def _device_error(message: sp.DeviceError, device_id: str) -> DeviceReportedError:
    resident = ("Please keep the mouthpiece still and away from your mouth until asked to blow."
                if message.code is sp.SpirometerErrorCode.ZERO_OFFSET else None)
    return DeviceReportedError(message.text, code=message.code.name.lower(), device_id=device_id,
                               resident_message=resident)


class FlowRecorder:
    """Collects flow blocks in order, filling short gaps; knows when the blow has ended."""

    def __init__(self, rate_hz: int, device_id: str) -> None:
        self.rate_hz = rate_hz
        self.device_id = device_id
        self.flow_l_s: list[float] = []
        self.volume_l: list[float] = [0.0]
        self.interpolated_blocks = 0
        self._last_seq: int | None = None
        self.blow_started_at: int | None = None  # sample index

    def add(self, block: sp.FlowBlock, scale: float) -> None:
        flows = [f / 1000.0 * scale for f in block.flow_ml_s]
        if self._last_seq is not None:
            missing = (block.seq - self._last_seq - 1) & 0xFFFF
            if missing > MAX_GAP_BLOCKS:
                raise DriverError(f"{missing} flow blocks lost in a row: the volume would be wrong",
                                  device_id=self.device_id,
                                  resident_message="That blow was not recorded cleanly. Please blow again.")
            if missing:
                before = self.flow_l_s[-1] if self.flow_l_s else 0.0
                n = missing * len(flows)
                self._extend([before + (flows[0] - before) * (i + 1) / (n + 1) for i in range(n)])
                self.interpolated_blocks += missing
        self._last_seq = block.seq
        self._extend(flows)

    def _extend(self, flows: list[float]) -> None:
        dt = 1.0 / self.rate_hz
        for f in flows:
            previous = self.flow_l_s[-1] if self.flow_l_s else 0.0
            self.flow_l_s.append(f)
            if len(self.flow_l_s) > 1:
                self.volume_l.append(self.volume_l[-1] + (previous + f) * dt / 2)
            if self.blow_started_at is None and f > BLOW_START_FLOW_L_S:
                self.blow_started_at = len(self.flow_l_s) - 1

    def ended(self) -> bool:
        """ATS/ERS end of test: a plateau over the last 1 s, or 15 s of expiration. Time zero is only known
        after the fact (back-extrapolation, a little after the blow start), so the 15-s limit is kept
        with a margin: the analysis then finds t0 + 15 s inside the record."""
        if self.blow_started_at is None:
            return False
        blown = len(self.flow_l_s) - 1 - self.blow_started_at
        window = round(PLATEAU_WINDOW_S * self.rate_hz)
        if blown >= (MAX_EXPIRATORY_TIME_S + T0_MARGIN_S) * self.rate_hz:
            return True
        return blown > window and self.volume_l[-1] - self.volume_l[-1 - window] < PLATEAU_VOLUME_L


def manoeuvre_details(m: Manoeuvre, ambient: sp.Ambient) -> dict[str, object]:
    return {"acceptability": m.acceptability(), "time_zero_s": round(m.time_zero_s, 3),
            "bev_l": round(m.back_extrapolated_volume_l, 3), "fet_s": round(m.forced_expiratory_time_s, 2),
            "btps_factor": round(m.btps_factor, 4), "ambient_c": ambient.temperature_c,
            "pressure_hpa": ambient.pressure_hpa, "flow_volume_curve": [list(p) for p in m.flow_volume_curve]}


def split_readings(reading: FinalReading) -> tuple[FinalReading, FinalReading, FinalReading]:
    """The fvc (L), fev1 (L) and pef (L/s) readings of one manoeuvre, sharing its details and flags."""
    v = reading.values
    fvc = dataclasses.replace(reading, item="fvc", values={"fvc": v["fvc"], "fev1_fvc": v["fev1_fvc"]}, unit="L")
    fev1 = dataclasses.replace(reading, item="fev1", values={"fev1": v["fev1"]}, unit="L")
    pef = dataclasses.replace(reading, item="pef", values={"pef": v["pef"]}, unit="L/s")
    return fvc, fev1, pef


class Spirometer(SerialInstrumentDriver):
    """Serial spirometer flow head; the station computes the spirometry."""

    CODEC = sp.CODEC
    kind = "spirometer"
    BAUD = 115200
    NUMBER_OPTIONS: ClassVar[dict[str, tuple[float, float]]] = {"blow_within_s": (0.1, 120.0)}
    rate_hz = 100

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.manoeuvres: list[Manoeuvre] = []  # this session's blows, for drivers.spirometry.session_quality

    def on_unsolicited(self, message: InstrumentMessage) -> None:
        if isinstance(message, sp.DeviceError):
            raise _device_error(message, self.device_id)

    async def query_status(self) -> None:
        await self.request(sp.QueryInfo(), sp.Info)

    async def describe(self) -> dict[str, object]:
        info = await self.request(sp.QueryInfo(), sp.Info)
        ambient = await self.ambient()
        assert isinstance(info, sp.Info)
        return await super().describe() | {"serial": f"{info.serial:08X}", "rate_hz": info.rate_hz,
                                           "ambient_c": ambient.temperature_c, "pressure_hpa": ambient.pressure_hpa}

    async def ambient(self) -> sp.Ambient:
        reply = await self.request(sp.QueryAmbient(), sp.Ambient)
        assert isinstance(reply, sp.Ambient)
        return reply

    async def _record_blow(self, scale: float, blow_within_s: float) -> AsyncIterator[tuple[FlowRecorder, bool]]:
        """Yield (recorder, ended) per block until the end of test; raises on errors and silence."""
        recorder = FlowRecorder(self.rate_hz, self.device_id)
        started = time.monotonic()
        await self.send(sp.StartTest())
        try:
            async with contextlib.aclosing(self.messages()) as incoming:
                async for message in incoming:
                    if isinstance(message, sp.DeviceError):
                        raise _device_error(message, self.device_id)
                    if not isinstance(message, sp.FlowBlock):
                        continue
                    recorder.add(message, scale)
                    ended = recorder.ended()
                    yield recorder, ended
                    if ended:
                        return
                    if recorder.blow_started_at is None and time.monotonic() - started > blow_within_s:
                        raise DeviceTimeout(f"no blow within {blow_within_s:.0f} s", device_id=self.device_id,
                                            resident_message="No blow was felt. Please blow hard into the mouthpiece.")
        finally:
            await self.send_quietly(sp.StopTest())

    async def _measure(self, *, trial: int, **options: object) -> AsyncIterator[MeasurementEvent]:
        correction = LinearCorrection.from_record(self.calibration)
        ambient = await self.ambient()
        btps = btps_factor(ambient.temperature_c, ambient.pressure_hpa * HPA_TO_MMHG)
        blow_within_s = float(options.get("blow_within_s", 10.0))  # type: ignore[arg-type]
        recorder: FlowRecorder | None = None
        async for recorder, _ended in self._record_blow(correction.gain * btps, blow_within_s):
            yield Progress(self.device_id, "flow_volume", (round(recorder.volume_l[-1], 3),
                                                           round(recorder.flow_l_s[-1], 3)), self.elapsed_s())
        assert recorder is not None
        # the recorder already holds BTPS flow (its end-of-test check must see BTPS volumes)
        manoeuvre = dataclasses.replace(analyse_manoeuvre(recorder.flow_l_s, self.rate_hz), btps_factor=btps)
        self.manoeuvres.append(manoeuvre)
        flags = set(self.flags(self.calibration))
        if recorder.interpolated_blocks:
            flags.add("interpolated_flow")
        if not manoeuvre.fvc_acceptable:
            flags.add("fvc_not_acceptable")
        if not manoeuvre.fev1_acceptable:
            flags.add("fev1_not_acceptable")
        yield FinalReading(
            device_id=self.device_id, item="fvc",
            values={"fvc": round(manoeuvre.fvc_l, 2), "fev1": round(manoeuvre.fev1_l, 2),
                    "fev1_fvc": round(manoeuvre.fev1_fvc, 3), "pef": round(manoeuvre.pef_l_s, 2)},
            unit="L", taken_at=self.clock(), trial=trial,
            calibration_id=self.calibration_id, quality_flags=frozenset(flags),
            details=manoeuvre_details(manoeuvre, ambient))

    async def syringe_stroke_l(self) -> float:
        """Volume of one calibration-syringe stroke at ambient conditions, uncorrected (no BTPS, no gain)."""
        volume_l = 0.0
        await self.settle()
        async for recorder, _ended in self._record_blow(1.0, 10.0):
            volume_l = max(volume_l, recorder.volume_l[-1])
        return volume_l
