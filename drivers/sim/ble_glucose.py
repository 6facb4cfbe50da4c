"""Simulated BLE glucometer (Glucose Service 0x1808) with stored records answering the RACP (0x2A52).

The meter holds earlier tests (other people's: the driver must never take them). It answers RACP
requests as the specification says: records are notified on 0x2A18, then the response is indicated
on 0x2A52 (success, no records found, op code / operator not supported, invalid operand, abort).
Once the station is visibly waiting for a test — it asks how many records are newer than one it
knows and none is, or asks for the newest record a second time on the link and it has not changed —
the simulated resident does a finger-stick and ``TEST_S`` later a new record appears.

Sequence numbers are uint16 and roll over from 65535 to 0 like a real meter's; ``first_sequence``
starts the stored records near the wrap, and ``capacity`` makes a full meter drop its oldest record
for each new one (filters such as "≥ n" compare plain numbers, as a meter does).

Faults: strip_error (the new record carries "sample size insufficient"), control (the new record is
a control-solution test), disconnect_mid (the link drops during a transfer), racp_fail (the transfer
ends with "procedure not completed"), no_test (the resident never tests). The transfer faults hit a
bulk transfer or one that carries the resident's new record. Link faults are the peer's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import ClassVar

from drivers.base import CodecError
from drivers.codecs import ble_glucose as g
from drivers.codecs.ble_glucose import GlucoseMeasurement, RacpOpCode, RacpOperator, RacpResponseCode
from drivers.sim.ble_peripheral import PeripheralBase

TEST_S = 3.0
RECORD_GAP_S = 0.05


class BleGlucoseSimulator(PeripheralBase):
    name = "ble-glucose"
    services: ClassVar[Mapping[str, tuple[str, ...]]] = {
        g.SERVICE_UUID: (g.MEASUREMENT_UUID, g.CONTEXT_UUID, g.FEATURE_UUID, g.RACP_UUID)}
    faults = frozenset({"strip_error", "control", "disconnect_mid", "racp_fail", "no_test"})

    def __init__(self, next_result_mmol_l: float = 5.4, *, stored: int = 3, first_sequence: int = 1,
                 capacity: int | None = None, speed: float = 1.0, seed: int = 5) -> None:
        super().__init__(speed=speed, seed=seed)
        if not 0 <= first_sequence < g.SEQUENCE_MODULUS:
            raise ValueError(f"first_sequence must be a uint16 (0..65535), not {first_sequence}")
        if capacity is not None and (capacity < 1 or capacity < stored):
            raise ValueError(f"a meter holding {stored} record(s) needs a capacity of at least that, not {capacity}")
        self.next_result_mmol_l = next_result_mmol_l
        self.first_sequence = first_sequence  # the number of the first stored record (or of the first test)
        self.capacity = capacity  # None: the memory never fills
        start = datetime(2026, 1, 5, 7, 30)
        self.records: list[GlucoseMeasurement] = [
            GlucoseMeasurement((first_sequence + i) % g.SEQUENCE_MODULUS, start + timedelta(days=i), 0,
                               round(5.0 + 0.4 * i, 1), "capillary_plasma", "finger") for i in range(stored)]
        self._test_pending = False
        self._aborted = False
        self._newest_told: tuple[int | None] | None = None  # the last "newest record" answer on this link
        self._undelivered: set[int] = set()  # the resident's new record(s) not yet transferred in full
        self.no_test = False  # the resident never does the test (sticky once injected)

    def inject(self, fault: str) -> None:
        if fault == "no_test":
            self.no_test = True
        super().inject(fault)

    def on_read(self, char_uuid: str) -> bytes:
        # Glucose Feature: low battery, sensor malfunction, sample size, strip insertion, strip type detection
        return (0x001F).to_bytes(2, "little") if char_uuid == g.FEATURE_UUID else b""

    def on_write(self, char_uuid: str, data: bytes) -> None:
        if char_uuid != g.RACP_UUID:
            return
        try:
            request = g.decode_racp_request(data)
        except CodecError as e:
            code = RacpResponseCode.OP_CODE_NOT_SUPPORTED if "op code" in str(e) else RacpResponseCode.INVALID_OPERATOR
            if "operand" in str(e) or "filter" in str(e):
                code = RacpResponseCode.INVALID_OPERAND
            self.spawn(self._respond(data[0] if data else 0, code))
            return
        if request.op_code is RacpOpCode.ABORT_OPERATION:
            self._aborted = True
            self.spawn(self._respond(int(request.op_code), RacpResponseCode.SUCCESS))
        elif request.op_code is RacpOpCode.REPORT_NUMBER_OF_RECORDS:
            self.spawn(self._count(request))
        elif request.op_code is RacpOpCode.REPORT_STORED_RECORDS:
            self.spawn(self._report(request))
        else:
            self.spawn(self._respond(int(request.op_code), RacpResponseCode.OP_CODE_NOT_SUPPORTED))

    def _select(self, r: g.RacpRequest) -> list[GlucoseMeasurement] | None:
        if r.operator is RacpOperator.ALL_RECORDS:
            return list(self.records)
        if r.operator is RacpOperator.GREATER_OR_EQUAL:
            return [m for m in self.records if m.sequence_number >= (r.min_sequence or 0)]
        if r.operator is RacpOperator.LESS_OR_EQUAL:
            return [m for m in self.records if m.sequence_number <= (r.max_sequence or 0)]
        if r.operator is RacpOperator.WITHIN_RANGE:
            return [m for m in self.records if (r.min_sequence or 0) <= m.sequence_number <= (r.max_sequence or 0)]
        if r.operator is RacpOperator.FIRST_RECORD:
            return self.records[:1]
        if r.operator is RacpOperator.LAST_RECORD:
            return self.records[-1:]
        return None

    async def _respond(self, op_code: int, code: RacpResponseCode) -> None:
        await self.pause(RECORD_GAP_S)
        self.send(g.RACP_UUID, g.encode_racp_response(op_code, code))

    async def _count(self, request: g.RacpRequest) -> None:
        selected = self._select(request)
        if selected is None:
            await self._respond(int(request.op_code), RacpResponseCode.OPERATOR_NOT_SUPPORTED)
            return
        if request.operator is RacpOperator.GREATER_OR_EQUAL:
            known = (request.min_sequence or 0) - 1  # "≥ n" asks for records newer than n - 1
            if not any(g.sequence_is_newer(m.sequence_number, known % g.SEQUENCE_MODULUS) for m in selected):
                self._station_waits()
        await self.pause(RECORD_GAP_S)
        self.send(g.RACP_UUID, g.encode_racp_number_of_records(len(selected)))

    async def _report(self, request: g.RacpRequest) -> None:
        selected = self._select(request)
        if selected is None:
            await self._respond(int(request.op_code), RacpResponseCode.OPERATOR_NOT_SUPPORTED)
            return
        if request.operator is RacpOperator.LAST_RECORD:
            newest = (selected[-1].sequence_number,) if selected else (None,)
            if newest == self._newest_told:
                self._station_waits()
            self._newest_told = newest
        if not selected:
            await self._respond(int(request.op_code), RacpResponseCode.NO_RECORDS_FOUND)
            return
        self._aborted = False
        bulk = request.operator not in (RacpOperator.FIRST_RECORD, RacpOperator.LAST_RECORD)
        carries_new = any(m.sequence_number in self._undelivered for m in selected)
        disconnect_mid = (bulk or carries_new) and self.armed("disconnect_mid")
        fail = (bulk or carries_new) and self.armed("racp_fail")
        for i, record in enumerate(selected):
            await self.pause(RECORD_GAP_S)
            if self._aborted:
                return
            if disconnect_mid and i == len(selected) // 2:
                self.drop_link()
                return
            self.send(g.MEASUREMENT_UUID, g.encode_glucose_measurement(record))
        await self._respond(int(request.op_code),
                            RacpResponseCode.PROCEDURE_NOT_COMPLETED if fail else RacpResponseCode.SUCCESS)
        if not fail:
            self._undelivered.difference_update(m.sequence_number for m in selected)

    def _station_waits(self) -> None:
        """The station is polling for a test: the resident does one (one at a time, never with no_test)."""
        if not self._test_pending and not self.no_test:
            self._test_pending = True
            self.spawn(self._resident_tests())

    async def _resident_tests(self) -> None:
        strip_error, control = self.armed("strip_error"), self.armed("control")
        await self.pause(TEST_S)
        sequence = g.sequence_after(self.records[-1].sequence_number) if self.records else self.first_sequence
        annunciations = ("sample_size_insufficient",) if strip_error else ()
        kind = "control_solution" if control else "capillary_plasma"
        location = "control_solution" if control else "finger"
        value = None if strip_error else self.next_result_mmol_l
        self.records.append(GlucoseMeasurement(sequence, datetime.now().replace(microsecond=0), 0, value, kind,
                                               location, annunciations))
        if self.capacity is not None:
            del self.records[:-self.capacity]  # a full meter forgets its oldest record
        self._undelivered.add(sequence)
        self._test_pending = False

    def detach(self) -> None:
        super().detach()
        self._test_pending = False
        self._newest_told = None
