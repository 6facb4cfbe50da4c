"""Simulated BLE blood-pressure monitor (Blood Pressure Service 0x1810) for a ``FakeGattPeer``.

When the station enables indications on 0x2A35 (the screen asks the resident to press start), the
cuff inflates and deflates (``drivers.sim.oscillometric``), notifying Intermediate Cuff Pressure
(0x2A36) twice a second, then indicates one Blood Pressure Measurement with the estimated
systolic/diastolic/MAP, pulse, a time stamp and the measurement status bits.

Faults: cuff_loose (the monitor sends NaN values with "cuff too loose"), motion (result flagged
body movement), irregular (irregular pulse flagged), kpa (values in kPa), disconnect_mid (link drops
half-way through deflation), stall (frames stop mid-measurement), missing_indication (the final
indication never comes), stored_first (an earlier stored reading is indicated first, as real monitors
do when the station subscribes). Link faults (disconnect, garbage, drop_next, away/back) are the peer's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import ClassVar

from drivers.codecs import ble_bps
from drivers.codecs.ble_bps import BloodPressureMeasurement, IntermediateCuffPressure, MeasurementStatus, PressureUnit
from drivers.codecs.ble_glucose import (
    RACP_UUID,
    RacpOpCode,
    RacpOperator,
    RacpResponseCode,
    decode_racp_request,
    encode_racp_response,
)
from drivers.sim.ble_peripheral import PeripheralBase
from drivers.sim.oscillometric import BloodPressureTruth, CuffCycle

ICP_INTERVAL_S = 0.5


class BleBpmSimulator(PeripheralBase):
    name = "ble-bpm"
    services: ClassVar[Mapping[str, tuple[str, ...]]] = {
        ble_bps.SERVICE_UUID: (ble_bps.MEASUREMENT_UUID, ble_bps.INTERMEDIATE_CUFF_PRESSURE_UUID, ble_bps.FEATURE_UUID)}
    faults = frozenset({"cuff_loose", "motion", "irregular", "kpa", "disconnect_mid", "stall", "missing_indication",
                        "stored_first"})

    quirks: ClassVar[ble_bps.BpsQuirks] = ble_bps.STANDARD

    def __init__(self, truth: BloodPressureTruth | None = None, *, speed: float = 1.0, seed: int = 5) -> None:
        super().__init__(speed=speed, seed=seed)
        self.truth = truth or BloodPressureTruth()
        self.feature = ble_bps.BloodPressureFeature(body_movement_detection=True, cuff_fit_detection=True,
                                                    irregular_pulse_detection=True, pulse_rate_range_detection=True)
        self.measurements_done = 0

    def on_read(self, char_uuid: str) -> bytes:
        return ble_bps.encode_feature(self.feature) if char_uuid == ble_bps.FEATURE_UUID else b""

    def on_subscribe(self, char_uuid: str, subscribed: bool) -> None:
        if char_uuid == ble_bps.MEASUREMENT_UUID and subscribed and not self.busy:
            self.spawn(self._measure())

    async def _measure(self) -> None:
        if self.armed("stored_first"):  # replay an earlier (someone else's) reading, as monitors do on subscribe
            stored = BloodPressureMeasurement(PressureUnit.MMHG, 151, 97, 115, datetime(2025, 12, 1, 9, 0), 88.0, 1,
                                              MeasurementStatus())
            self.send(ble_bps.MEASUREMENT_UUID, ble_bps.encode_measurement(stored, self.quirks))
        kpa = self.armed("kpa")
        unit = PressureUnit.KPA if kpa else PressureUnit.MMHG
        cuff_fault = next((f for f in ("cuff_loose", "motion", "irregular") if self.armed(f)), None)
        disconnect_mid, stall, missing = (self.armed("disconnect_mid"), self.armed("stall"),
                                          self.armed("missing_indication"))
        cycle = CuffCycle(self.truth, rng=self.rng, fault=cuff_fault if cuff_fault != "motion" else None)
        await self.pause(0.3)
        while not cycle.finished:
            sample = cycle.advance(ICP_INTERVAL_S)
            if sample.phase == "deflating" and sample.cuff_pressure_mmhg < self.truth.systolic_mmhg:
                if disconnect_mid:
                    self.drop_link()
                    return
                if stall:
                    return  # the monitor hangs: nothing more is sent
            if sample.phase in ("inflating", "deflating"):
                pressure = sample.cuff_pressure_mmhg / ble_bps.KPA_TO_MMHG if kpa else sample.cuff_pressure_mmhg
                self.send(ble_bps.INTERMEDIATE_CUFF_PRESSURE_UUID,
                          ble_bps.encode_intermediate_cuff_pressure(IntermediateCuffPressure(unit, round(pressure, 1))))
            await self.pause(ICP_INTERVAL_S)
        if missing:
            return
        self.measurements_done += 1
        result = self._result(cycle, unit, cuff_fault)
        self.send(ble_bps.MEASUREMENT_UUID, ble_bps.encode_measurement(result, self.quirks))

    def _result(self, cycle: CuffCycle, unit: PressureUnit, cuff_fault: str | None) -> BloodPressureMeasurement:
        now = datetime.now().replace(microsecond=0)
        if cuff_fault == "cuff_loose" or cycle.estimate is None:
            status = MeasurementStatus(cuff_too_loose=cuff_fault == "cuff_loose")
            return BloodPressureMeasurement(unit, None, None, None, now, None, 1, status)
        e = cycle.estimate
        k = 1 / ble_bps.KPA_TO_MMHG if unit is PressureUnit.KPA else 1.0
        status = MeasurementStatus(body_movement=cuff_fault == "motion", irregular_pulse=e.irregular_heartbeat)
        return BloodPressureMeasurement(unit, round(e.systolic_mmhg * k, 1), round(e.diastolic_mmhg * k, 1),
                                        round(e.mean_mmhg * k, 1), now, float(e.pulse_bpm), 1, status)


class BeurerBm85Simulator(BleBpmSimulator):
    """A Beurer BM85: the same cuff, its 0x2A35 frames with the model's quirks (big-endian pulse and status, a user
    id byte without its flag; ``drivers.codecs.ble_bps``), as in the frames captured from a real BM85."""

    name = "BM85"
    quirks = ble_bps.BEURER


class OmronBlsSimulator(BleBpmSimulator):
    """An Omron-style cuff: it measures on its own (no live cuff pressure on the air) and hands its last stored
    record out when the station writes Record Access Control Point "report stored records: last record"
    (0x2A52 ``01 06``), answering with the 0x2A35 indication and an RACP response code. It starts with an
    earlier resident's record from 10 minutes ago in memory."""

    name = "BLEsmart_0000025828FF"
    services: ClassVar[Mapping[str, tuple[str, ...]]] = {
        ble_bps.SERVICE_UUID: (ble_bps.MEASUREMENT_UUID, ble_bps.FEATURE_UUID, RACP_UUID)}

    def __init__(self, truth: BloodPressureTruth | None = None, *, speed: float = 1.0, seed: int = 5) -> None:
        super().__init__(truth, speed=speed, seed=seed)
        earlier = datetime.now().replace(microsecond=0) - timedelta(minutes=10)
        self.last_record: BloodPressureMeasurement | None = BloodPressureMeasurement(
            PressureUnit.MMHG, 151, 97, 115, earlier, 88.0, 1, MeasurementStatus())

    def on_subscribe(self, char_uuid: str, subscribed: bool) -> None:
        if char_uuid == ble_bps.MEASUREMENT_UUID and subscribed and not self.busy:
            self.spawn(self._measure_silently())  # the resident presses start on the cuff

    async def _measure_silently(self) -> None:
        cycle = CuffCycle(self.truth, rng=self.rng)
        await self.pause(0.3)
        while not cycle.finished:
            cycle.advance(ICP_INTERVAL_S)
            await self.pause(ICP_INTERVAL_S)
        self.measurements_done += 1
        self.last_record = self._result(cycle, PressureUnit.MMHG, None)

    def on_write(self, char_uuid: str, data: bytes) -> None:
        if char_uuid != RACP_UUID:
            return
        request = decode_racp_request(data)
        if request.op_code is not RacpOpCode.REPORT_STORED_RECORDS or request.operator is not RacpOperator.LAST_RECORD:
            self.send(RACP_UUID, encode_racp_response(request.op_code, RacpResponseCode.OPERATOR_NOT_SUPPORTED))
            return
        if self.last_record is None:
            self.send(RACP_UUID, encode_racp_response(request.op_code, RacpResponseCode.NO_RECORDS_FOUND))
            return
        self.send(ble_bps.MEASUREMENT_UUID, ble_bps.encode_measurement(self.last_record))
        self.send(RACP_UUID, encode_racp_response(request.op_code, RacpResponseCode.SUCCESS))
