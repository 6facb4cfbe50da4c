"""Wii Balance Board driver (``wii-balance-board-evdev``): the eyes-closed single-leg stand on Linux's hid-wiimote.

The board pairs over Bluetooth; the kernel's ``hid-wiimote`` driver turns its reports into an evdev input
device ("Nintendo Wii Remote Balance Board") whose four axes are the corner loads in 10 g, calibrated by the
kernel (``drivers.codecs.wii_balance_board``). ``measure(trial=)`` reads them, applies the station's own
per-corner correction (``PlatformCorrection``, from the platform calibration: zero and a known mass),
computes the centre of pressure on the 433 × 238 mm sensor rectangle and lets
``drivers.balance.SingleLegStandTimer`` find the lift and the touch-down, as the serial platform does. Times
are the kernel's event time stamps, not arrival times: a burst read late still has its true spacing. Events
older than the start of the measurement (queued in the kernel while nobody read) are skipped; a gap of over
1 s between reports, or a SYN_DROPPED during the stand, makes the time unknown and the trial an error.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator

from drivers.balance import SingleLegStandTimer, StandPhase, centre_of_pressure, sway_metrics
from drivers.base import DeviceTimeout, DriverError, FinalReading, MeasurementEvent, Progress
from drivers.calibration import PlatformCorrection
from drivers.codecs import wii_balance_board as wbb
from drivers.devices.input_device import InputDeviceDriver
from kiosk.domain import Side

ITEM = "single_leg_stand_eyes_closed"
NOMINAL_RATE_HZ = 100  # the board's report rate is irregular; times come from the time stamps, this sizes windows
MAX_GAP_S = 1.0
PHASE_HINTS = {StandPhase.ONE_FOOT: "timing", StandPhase.ENDED: "done"}


class WiiBalanceBoard(InputDeviceDriver):
    kind = "balance"
    PROTOCOL = "wii-balance-board-evdev"
    EXPECTED_NAME = wbb.DEVICE_NAME
    # the platform calibration's marks: 20 kg over each corner's quadrant and in the middle, inside the
    # 433 × 238 mm sensor rectangle (the station's default marks at ±150 mm front/back lie outside it)
    CALIBRATION_PLACEMENTS = ((20.0, -150.0, 80.0), (20.0, 150.0, 80.0), (20.0, -150.0, -80.0),
                              (20.0, 150.0, -80.0), (20.0, 0.0, 0.0))

    async def describe(self) -> dict[str, object]:
        return await super().describe() | {"width_mm": wbb.GEOMETRY.width_mm, "length_mm": wbb.GEOMETRY.length_mm,
                                           "units": "10 g per axis unit (kernel-calibrated)"}

    async def frames(self) -> AsyncIterator[wbb.BoardFrame]:
        """Board frames from now on (events queued before this call are dropped)."""
        started_wall = time.time()
        assembler = wbb.BoardFrameAssembler()
        async with contextlib.aclosing(self.source.events()) as events:
            async for event in events:
                if event.timestamp < started_wall - 0.05:
                    continue
                frame = assembler.feed(event)
                if frame is not None:
                    if self.frame_listener is not None:
                        self.frame_listener(None, b"", time.perf_counter())
                    yield frame

    async def _measure(self, *, trial: int, **options: object) -> AsyncIterator[MeasurementEvent]:
        lift_within_s = float(options.get("lift_within_s", 30.0))  # type: ignore[arg-type]
        max_duration_s = float(options.get("max_duration_s", 120.0))  # type: ignore[arg-type]
        correction = PlatformCorrection.from_record(self.calibration)
        timer = SingleLegStandTimer(NOMINAL_RATE_HZ, max_duration_s=max_duration_s)
        first: float | None = None
        last: float | None = None
        started = time.monotonic()
        phase = timer.phase
        async with contextlib.aclosing(self.frames()) as frames:
            async for frame in frames:
                if last is not None and (frame.at_s - last > MAX_GAP_S or (frame.resynced
                                         and phase is StandPhase.ONE_FOOT)):
                    raise DriverError(f"board reports stopped for {frame.at_s - last:.2f} s or were dropped: "
                                      "the stand time is lost", device_id=self.device_id,
                                      resident_message="That stand was not recorded cleanly. Please try again.")
                if last is not None and frame.at_s <= last:
                    continue  # the same instant again: nothing new
                first = frame.at_s if first is None else first
                last = frame.at_s
                forces = correction.apply(frame.kg)
                cop = centre_of_pressure(forces, wbb.GEOMETRY)
                t = frame.at_s - first
                phase = timer.feed(t, cop, sum(forces))
                if cop is not None:
                    yield Progress(self.device_id, "cop_mm", (round(cop[0], 1), round(cop[1], 1)),
                                   time.monotonic() - started, PHASE_HINTS.get(phase, ""))
                if phase is StandPhase.ENDED:
                    break
                if phase is StandPhase.BOTH_FEET and t > lift_within_s:
                    raise DeviceTimeout(f"no foot lifted within {lift_within_s:.0f} s", device_id=self.device_id,
                                        resident_message="Please lift one foot when you are ready.")
        if timer.duration_s is None or timer.end_reason is None:
            raise DriverError("the board stopped before the stand ended", device_id=self.device_id)
        sway = sway_metrics(timer.stance_path, NOMINAL_RATE_HZ, duration_s=timer.stance_duration_s)
        yield FinalReading(
            device_id=self.device_id, item=ITEM, values={ITEM: round(timer.duration_s, 1)}, unit="s",
            trial=trial, side=Side(timer.standing_side) if timer.standing_side else None,
            calibration_id=self.calibration_id, quality_flags=self.flags(),
            details={"end": timer.end_reason.value, "body_kg": round(timer.body_kg or 0.0, 1),
                     "sway": sway.to_dict(), "lifted_at_s": round(timer.lifted_at_s or 0.0, 2),
                     "protocol": self.PROTOCOL})

    async def read_corners_kg(self, seconds: float = 1.0) -> tuple[float, float, float, float]:
        """Mean load per corner (kernel-calibrated, before the station's correction) over ``seconds`` of reports."""
        sums, n, first = [0.0, 0.0, 0.0, 0.0], 0, None
        async with contextlib.aclosing(self.frames()) as frames:
            async for frame in frames:
                first = frame.at_s if first is None else first
                for i, v in enumerate(frame.kg):
                    sums[i] += v
                n += 1
                if frame.at_s - first >= seconds:
                    break
        if n == 0:
            raise DriverError("no board reports", device_id=self.device_id)
        a, b, c, d = (s / n for s in sums)
        return (a, b, c, d)
