"""Simulated body-composition analysers: a Bluetooth BCS + UDS peripheral and a Tanita RS-232 analyser.

BLE (``BleBcsSimulator``): offers Body Composition (0x181B) and User Data (0x181C). A Register New
User write on the User Control Point gets a new user index (indicated back), a Consent write with the
right code is accepted, a wrong code gets "user not authorized"; Delete User Data frees the consented user's
slot. After consent, when the simulated
resident has stepped on (``step_on_s`` real time) and the impedance is measured (``measure_s``
simulated), it indicates one Body Composition Measurement for that user (flags: time stamp, user id,
basal metabolism, muscle mass, fat-free mass, body water, impedance, weight, height). Faults:
``unsuccessful`` (body fat 0xFFFF), ``two_packets`` (the measurement split over two indications),
``refuse_consent`` (every consent is refused), ``no_uds`` is a constructor option.

Tanita (``TanitaSimulator``, a ``ByteSimulator``): after ``measure_s`` of device time from start (and
again every ``every_s``), it sends one MC-780-style record line. Faults: ``garbage``,
``bad_checksum``, ``stall``/``resume``, ``error_status`` (St,1 and no body fat).

The body fat, weight and impedance the simulators report are fixed plausible values for a woman of
about 70 (the demo resident), not computed from a formula.
"""

from __future__ import annotations

import asyncio
import random
from datetime import datetime
from typing import ClassVar

from drivers.codecs import ble_bcs, tanita_serial
from drivers.codecs.ble_bcs import BodyComposition, UcpOpCode, UcpResponse, UcpResult
from drivers.sim.ble_peripheral import PeripheralBase


class BleBcsSimulator(PeripheralBase):
    name = "ble-bcs"
    faults = frozenset({"unsuccessful", "two_packets", "refuse_consent"})

    def __init__(self, *, speed: float = 1.0, seed: int = 5, body_fat_pct: float = 31.4, weight_kg: float = 68.4,
                 height_m: float = 1.58, consent_code: int | None = None, step_on_s: float = 1.0,
                 measure_s: float = 6.0, uds: bool = True) -> None:
        super().__init__(speed=speed, seed=seed)
        self.body_fat_pct, self.weight_kg, self.height_m = body_fat_pct, weight_kg, height_m
        self.step_on_s, self.measure_s = step_on_s, measure_s
        self.users: dict[int, int] = {}  # user index -> consent code
        self.consented: int | None = None
        self.expected_code = consent_code
        self.uds = uds
        self.services = {ble_bcs.SERVICE_UUID: (ble_bcs.FEATURE_UUID, ble_bcs.MEASUREMENT_UUID)}
        if uds:
            self.services[ble_bcs.UDS_SERVICE_UUID] = (ble_bcs.USER_CONTROL_POINT_UUID,)

    def on_read(self, char_uuid: str) -> bytes:
        return (0x3FF).to_bytes(4, "little") if char_uuid == ble_bcs.FEATURE_UUID else b""

    def on_subscribe(self, char_uuid: str, subscribed: bool) -> None:
        if char_uuid == ble_bcs.MEASUREMENT_UUID and subscribed and not self.uds and not self.busy:
            self.spawn(self._measure(None))

    def on_write(self, char_uuid: str, data: bytes) -> None:
        if char_uuid != ble_bcs.USER_CONTROL_POINT_UUID:
            return
        try:
            request = ble_bcs.decode_ucp_request(data)
        except Exception:
            self._reply(UcpResponse(data[0] if data else 0, UcpResult.OP_CODE_NOT_SUPPORTED))
            return
        if request.op is UcpOpCode.REGISTER_NEW_USER:
            index = len(self.users)
            self.users[index] = request.consent_code or 0
            self._reply(UcpResponse(UcpOpCode.REGISTER_NEW_USER, UcpResult.SUCCESS, index))
        elif request.op is UcpOpCode.CONSENT:
            ok = (request.user_index in self.users and self.users[request.user_index] == request.consent_code
                  and (self.expected_code is None or request.consent_code == self.expected_code)
                  and not self.armed("refuse_consent"))
            self._reply(UcpResponse(UcpOpCode.CONSENT, UcpResult.SUCCESS if ok else UcpResult.USER_NOT_AUTHORIZED))
            if ok and not self.busy:
                self.consented = request.user_index
                self.spawn(self._measure(request.user_index))
        elif request.op is UcpOpCode.DELETE_USER_DATA:  # the consented user's data and slot
            ok = self.consented is not None and self.users.pop(self.consented, None) is not None
            self._reply(UcpResponse(request.op, UcpResult.SUCCESS if ok else UcpResult.USER_NOT_AUTHORIZED))
            self.consented = None

    def _reply(self, response: UcpResponse) -> None:
        self.send(ble_bcs.USER_CONTROL_POINT_UUID, ble_bcs.encode_ucp_response(response))

    async def _measure(self, user: int | None) -> None:
        unsuccessful, two = self.armed("unsuccessful"), self.armed("two_packets")
        await asyncio.sleep(self.step_on_s)
        await self.pause(self.measure_s)
        if unsuccessful:
            self.send(ble_bcs.MEASUREMENT_UUID, ble_bcs.encode_body_composition(BodyComposition(None)))
            return
        fat = round(self.body_fat_pct + self.rng.uniform(-0.2, 0.2), 1)
        fat_mass = self.weight_kg * fat / 100
        m = BodyComposition(fat, False, datetime.now().replace(microsecond=0), user, 5150, None,
                            round((self.weight_kg - fat_mass) * 0.9, 2), round(self.weight_kg - fat_mass, 2), None,
                            round((self.weight_kg - fat_mass) * 0.73, 2), 560.5, self.weight_kg, self.height_m)
        if two:
            first = BodyComposition(fat, False, m.time_stamp, user, m.basal_metabolism_kj, multiple_packet=True)
            second = BodyComposition(fat, False, None, user, None, None, m.muscle_mass_kg, m.fat_free_mass_kg, None,
                                     m.body_water_mass_kg, m.impedance_ohm, m.weight_kg, m.height_m, True)
            self.send(ble_bcs.MEASUREMENT_UUID, ble_bcs.encode_body_composition(first))
            await self.pause(0.2)
            self.send(ble_bcs.MEASUREMENT_UUID, ble_bcs.encode_body_composition(second))
            return
        self.send(ble_bcs.MEASUREMENT_UUID, ble_bcs.encode_body_composition(m))


class TanitaSimulator:
    """A ``ByteSimulator`` for ``PtyHost``: one record after ``measure_s`` of device time, then every ``every_s``."""

    TICK_S = 0.1
    FAULTS: ClassVar[frozenset[str]] = frozenset({"garbage", "bad_checksum", "stall", "resume", "error_status"})

    def __init__(self, *, speed: float = 1.0, seed: int = 3, body_fat_pct: float = 31.4, weight_kg: float = 68.4,
                 height_cm: float = 158.0, measure_s: float = 6.0, every_s: float = 15.0) -> None:
        self.tick_interval_s = self.TICK_S / speed
        self.rng = random.Random(seed)
        self.body_fat_pct, self.weight_kg, self.height_cm = body_fat_pct, weight_kg, height_cm
        self.measure_s, self.every_s = measure_s, every_s
        self.t = 0.0
        self._next_at = measure_s
        self.stalled = self._garbage_next = self._bad_next = self._error_next = False

    def inject(self, fault: str) -> None:
        if fault not in self.FAULTS:
            raise ValueError(f"TanitaSimulator knows faults {sorted(self.FAULTS)}, not {fault!r}")
        if fault == "resume":
            self.stalled = False
        else:
            setattr(self, {"garbage": "_garbage_next", "bad_checksum": "_bad_next", "stall": "stalled",
                           "error_status": "_error_next"}[fault], True)

    def on_host_bytes(self, data: bytes, now_s: float) -> bytes:
        return b""  # the analyser is driven from its own panel; the station only listens

    def record(self) -> list[tuple[str, str]]:
        fat = round(self.body_fat_pct + self.rng.uniform(-0.2, 0.2), 1)
        fat_mass = round(self.weight_kg * fat / 100, 1)
        bmi = round(self.weight_kg / (self.height_cm / 100) ** 2, 1)
        status = "1" if self._error_next else "0"
        pairs = [("MO", '"MC-780"'), ("ID", '"0000000000000000"'), ("St", status), ("DT", '"2026/12/07"'),
                 ("TI", '"10:00"'), ("Bt", "0"), ("GE", "2"), ("AG", "77"), ("Hm", f"{self.height_cm:.1f}"),
                 ("Pt", "0.0"), ("Wk", f"{self.weight_kg:.1f}")]
        if not self._error_next:
            pairs += [("FW", f"{fat:.1f}"), ("fW", f"{fat_mass:.1f}"), ("MW", f"{self.weight_kg - fat_mass:.1f}"),
                      ("mW", f"{(self.weight_kg - fat_mass) * 0.94:.1f}"), ("MI", f"{bmi:.1f}"), ("rB", "1180")]
        self._error_next = False
        return pairs

    def on_tick(self, now_s: float) -> bytes:
        if self.stalled:
            return b""
        self.t += self.TICK_S
        if self.t + 1e-9 < self._next_at:
            return b""
        self._next_at += self.every_s
        out = bytearray()
        if self._garbage_next:
            self._garbage_next = False
            out += bytes(self.rng.randrange(256) for _ in range(self.rng.randint(3, 20)))
        out += tanita_serial.CODEC.encode(self.record(), corrupt_crc=self._bad_next)
        self._bad_next = False
        return bytes(out)

