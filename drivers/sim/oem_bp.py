"""Simulated OEM serial BP module: speaks ``drivers.codecs.oem_bp_serial`` byte for byte, for a ``PtyHost``.

The module answers host commands (ack, status, result, NAK for a bad checksum or unknown command),
streams a cuff-pressure frame every tick while it measures (the oscillometric cuff of
``drivers.sim.oscillometric``) and in manometer mode (the pressure a technician pumps into the cuff:
``static_pressure_mmhg``), then sends the result or an error frame by itself.

``speed`` runs simulated time faster than the wall clock (tests use 20: a 35-s measurement in ~2 s).

Faults (``inject``): garbage, bad_checksum, stall (nothing more is sent; commands are still obeyed),
resume, drift (reported pressures read 1.5 % + 6 mmHg high: a static-pressure check catches it), and
the module errors cuff_loose, air_leak, motion, weak_signal, over_pressure, low_battery, irregular
(these apply to the next measurement, or to the running one); ``disconnect`` is done by the PtyHost.
"""

from __future__ import annotations

import random

from drivers.base import CodecError
from drivers.codecs import oem_bp_serial as oem
from drivers.sim.oscillometric import BloodPressureTruth, CuffCycle

CUFF_FAULTS = ("cuff_loose", "air_leak", "motion", "weak_signal", "over_pressure", "irregular")
ERROR_BY_NAME = {e.name: e.code for e in oem.ERROR_CODES.values()}


class OemBpModuleSimulator:
    """A ``ByteSimulator`` for ``drivers.sim.pty.PtyHost``."""

    FAULTS = frozenset({"garbage", "bad_checksum", "stall", "resume", "drift", "low_battery", "disconnect",
                        *CUFF_FAULTS})

    def __init__(self, truth: BloodPressureTruth | None = None, *, speed: float = 1.0, tick_interval_s: float = 0.05,
                 seed: int = 11) -> None:
        self.truth = truth or BloodPressureTruth()
        self.speed = speed
        self.tick_interval_s = tick_interval_s
        self.rng = random.Random(seed)
        self.static_pressure_mmhg = 0.0  # what the reference manometer reads in manometer mode
        self.battery_percent = 87
        self._reader = oem.FrameReader(oem.HOST_HEADER)
        self._state = oem.ModuleState.IDLE
        self._cycle: CuffCycle | None = None
        self._last_tick: float | None = None
        self._result: oem.Result | None = None
        self._pending_fault: str | None = None
        self._low_battery = False
        self._garbage_next = False
        self._bad_checksum_next = False
        self._stalled = False
        self._drift = False
        self.measurements_started = 0

    # -- faults

    def inject(self, fault: str) -> None:
        if fault not in self.FAULTS:
            raise ValueError(f"OEM BP simulator knows faults {sorted(self.FAULTS)}, not {fault!r}")
        if fault == "garbage":
            self._garbage_next = True
        elif fault == "bad_checksum":
            self._bad_checksum_next = True
        elif fault == "stall":
            self._stalled = True
        elif fault == "resume":
            self._stalled = False
            self._drift = False
        elif fault == "drift":
            self._drift = True
        elif fault == "low_battery":
            self._low_battery = True
        elif fault in CUFF_FAULTS:
            if self._cycle is not None and not self._cycle.finished:
                self._cycle.fault = fault  # applies from now on to the running measurement
                if fault == "cuff_loose":
                    self._cycle.inflate_rate *= 0.08
                if fault == "weak_signal":
                    self._cycle.peak_amplitude *= 0.1
            else:
                self._pending_fault = fault

    # -- bytes

    def _reported(self, mmhg: float) -> float:
        return mmhg * 1.015 + 6.0 if self._drift else mmhg

    def _out(self, *messages: oem.Message) -> bytes:
        out = bytearray()
        if self._garbage_next:
            self._garbage_next = False
            out += self.rng.randbytes(self.rng.randint(3, 12)).replace(b"\xaa\x80", b"\xaa\x81")
        for m in messages:
            frame = bytearray(oem.encode(m))
            if self._bad_checksum_next:
                self._bad_checksum_next = False
                frame[-1] ^= 0x5A
            out += frame
        return bytes(out)

    def on_host_bytes(self, data: bytes, now_s: float) -> bytes:
        replies: list[oem.Message] = []
        for item in self._reader.feed(data):
            if isinstance(item, CodecError):
                reason = oem.NakReason.BAD_CHECKSUM if "checksum" in str(item) else oem.NakReason.UNKNOWN_COMMAND
                replies.append(oem.Nak(reason))
            elif isinstance(item, oem.HostFrame):
                replies += self._command(item.command, now_s)
        if self._stalled:  # a stalled module still obeys (STOP opens the valve) but reports nothing
            return b""
        return self._out(*replies)

    def _command(self, command: oem.HostCommand, now_s: float) -> list[oem.Message]:
        ack = oem.Ack(command)
        if command is oem.HostCommand.START:
            if self._state in (oem.ModuleState.INFLATING, oem.ModuleState.DEFLATING):
                return [oem.Nak(oem.NakReason.BUSY)]
            if self._low_battery:
                self._state = oem.ModuleState.ERROR
                return [ack, oem.ErrorReport(ERROR_BY_NAME["low_battery"])]
            self._cycle = CuffCycle(self.truth, rng=self.rng, fault=self._pending_fault)
            self._pending_fault = None
            self._result = None
            self._state = oem.ModuleState.INFLATING
            self._last_tick = now_s
            self.measurements_started += 1
            return [ack]
        if command is oem.HostCommand.STOP:
            self._cycle = None
            self._state = oem.ModuleState.IDLE
            return [ack]
        if command is oem.HostCommand.QUERY_STATUS:
            return [oem.Status(self._state, self.battery_percent)]
        if command is oem.HostCommand.READ_RESULT:
            return [self._result] if self._result is not None else [oem.Nak(oem.NakReason.BUSY)]
        if command is oem.HostCommand.ENTER_MANOMETER:
            if self._state in (oem.ModuleState.INFLATING, oem.ModuleState.DEFLATING):
                return [oem.Nak(oem.NakReason.BUSY)]
            self._state = oem.ModuleState.MANOMETER
            return [ack]
        self._state = oem.ModuleState.IDLE  # LEAVE_MANOMETER
        return [ack]

    def on_tick(self, now_s: float) -> bytes:
        if self._stalled:
            self._last_tick = now_s
            return b""
        if self._state is oem.ModuleState.MANOMETER:
            return self._out(oem.CuffPressure(round(self._reported(self.static_pressure_mmhg), 1),
                                              oem.CuffPhase.MANOMETER))
        cycle = self._cycle
        if cycle is None or self._state not in (oem.ModuleState.INFLATING, oem.ModuleState.DEFLATING):
            return b""
        elapsed = (now_s - (self._last_tick or now_s)) * self.speed
        self._last_tick = now_s
        sample = cycle.advance(elapsed)
        messages: list[oem.Message] = []
        if sample.phase in ("inflating", "deflating"):
            phase = oem.CuffPhase.INFLATING if sample.phase == "inflating" else oem.CuffPhase.DEFLATING
            self._state = oem.ModuleState(int(phase))
            messages.append(oem.CuffPressure(round(self._reported(sample.cuff_pressure_mmhg), 1), phase, sample.beat))
        elif cycle.error is not None:
            self._state = oem.ModuleState.ERROR
            self._cycle = None
            messages.append(oem.ErrorReport(ERROR_BY_NAME[cycle.error]))
        elif cycle.estimate is not None:
            e = cycle.estimate
            self._result = oem.Result(round(self._reported(e.systolic_mmhg)), round(self._reported(e.diastolic_mmhg)),
                                      round(self._reported(e.mean_mmhg)), e.pulse_bpm, e.irregular_heartbeat,
                                      motion_detected=False)
            self._state = oem.ModuleState.RESULT_READY
            self._cycle = None
            messages.append(self._result)
        return self._out(*messages)
