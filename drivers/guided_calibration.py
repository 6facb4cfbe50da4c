"""The technician's guided calibration of one device: instructions, references, readings, the record.

Each procedure is a list of steps. A step tells the technician what to do in plain words and names
the reference (a known mass, a syringe stroke, a manometer pressure, a mass placed on the platform);
``ask(step)`` shows it and returns when the technician confirms (a terminal prompt, a touch screen).
Then the real driver reads the device and ``drivers.calibration`` decides pass or fail.

For a simulated device the simulator plays the reference once the step is confirmed, so the demo,
the tests, the command line and the technician screens all run this same code path.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from drivers.base import DriverError
from drivers.calibration import (
    BP_STATIC_POINTS_MMHG,
    DEFAULT_GRIP_MASSES_KG,
    DEFAULT_PLATFORM_PLACEMENTS,
    Procedure,
    run_bp_static_check,
    run_grip_calibration,
    run_platform_calibration,
    run_syringe_check,
)
from kiosk.domain import CalibrationRecord, utcnow

SYRINGE_STROKES = 3
CALIBRATED_KINDS = ("blood_pressure", "grip", "spirometer", "vital_capacity", "balance")


@dataclass(frozen=True)
class CalibrationStep:
    """One thing the technician does; ``reference`` is (kg,), (L,), (mmHg,) or (kg, x_mm, y_mm)."""

    device_id: str
    number: int
    of: int
    template: str  # one of STEP_TEXT's values; a screen translates it, then fills in ``params``
    reference: tuple[float, ...] = ()
    params: tuple[tuple[str, str], ...] = ()

    @property
    def instruction(self) -> str:
        return self.template.format(**dict(self.params))


# Every instruction a procedure gives, as a template, so that a screen can show it in its own language.
STEP_TEXT = {
    "grip_clear": "Take everything off the grip handle and put the dynamometer on its stand.",
    "grip_hang": "Hang the {mass} kg calibration mass on the handle and let it settle.",
    "syringe_stroke": "Connect the 3.00-L calibration syringe and push it through in one smooth stroke "
                      "(stroke {stroke} of {strokes}; vary the speed between strokes).",
    "platform_clear": "Clear the platform completely; nobody touches it.",
    "platform_place": "Place the {mass} kg mass on the mark at x = {x} mm, y = {y} mm.",
    "bp_static": "Pump the cuff until the reference manometer reads {pressure} mmHg, and hold.",
}


Ask = Callable[[CalibrationStep], Awaitable[None]]
OnReading = Callable[[CalibrationStep, tuple[float, ...]], None]  # the device's reading for a step, as taken


async def _confirm_nothing(_: CalibrationStep) -> None:
    return None


class _Steps:
    """Numbers the steps, asks the technician, then lets a simulator play the reference."""

    def __init__(self, device_id: str, total: int, ask: Ask, play: Callable[[tuple[float, ...]], None],
                 on_reading: OnReading | None = None) -> None:
        self.device_id, self.total, self.ask, self.play = device_id, total, ask, play
        self.on_reading = on_reading
        self.done = 0
        self.current: CalibrationStep | None = None

    async def __call__(self, text: str, *reference: float, **params: str) -> None:
        self.done += 1
        self.current = CalibrationStep(self.device_id, self.done, self.total, STEP_TEXT[text], tuple(reference),
                                       tuple(params.items()))
        await self.ask(self.current)
        self.play(tuple(reference))

    def read(self, value: float | tuple[float, ...]) -> None:
        """Tell the screen what the device read for the step just confirmed (a live display, not the record)."""
        if self.on_reading is not None and self.current is not None:
            self.on_reading(self.current, value if isinstance(value, tuple) else (value,))


def _setter(simulator: Any, attribute: str, make: Callable[[tuple[float, ...]], Any]) -> Callable[..., None]:
    def play(reference: tuple[float, ...]) -> None:
        if simulator is not None:
            setattr(simulator, attribute, make(reference) if reference else None)

    return play


async def calibrate_driver(kind: str, driver: Any, simulator: Any, performed_by: str, *, ask: Ask | None = None,
                           now: datetime | None = None, on_reading: OnReading | None = None
                           ) -> CalibrationRecord | None:
    """Run ``kind``'s procedure on a connected driver; None for kinds with no field procedure.

    ``simulator`` is None for a real device; ``on_reading`` hears each step's reading as it is taken.
    Hold the device manager's per-device lock while this runs.
    """
    ask = ask or _confirm_nothing
    at = now or utcnow()
    dev = getattr(driver, "device_id", "device")
    if kind == "grip":
        step = _Steps(dev, len(DEFAULT_GRIP_MASSES_KG) + 1, ask,
                      _setter(simulator, "hanging_mass_kg", lambda r: r[0]), on_reading)
        await step("grip_clear")
        await driver.tare()

        async def hang(mass_kg: float) -> float:
            await step("grip_hang", mass_kg, mass=f"{mass_kg:g}")
            kg = float(await driver.read_steady_kg())
            step.read(kg)
            return kg

        try:
            return await run_grip_calibration(dev, performed_by, at, hang)
        finally:
            _setter(simulator, "hanging_mass_kg", lambda r: r[0])(())
    if kind in ("spirometer", "vital_capacity"):
        procedure = Procedure.SPIROMETER_SYRINGE if kind == "spirometer" else Procedure.VITAL_CAPACITY_SYRINGE
        attribute, make = (("syringe_l", lambda r: r[0]) if kind == "spirometer"
                           else ("syringe_ml", lambda r: r[0] * 1000.0))
        step = _Steps(dev, SYRINGE_STROKES, ask, _setter(simulator, attribute, make), on_reading)

        async def stroke() -> float:
            await step("syringe_stroke", 3.0, stroke=str(step.done + 1), strokes=str(SYRINGE_STROKES))
            litres = float(await driver.syringe_stroke_l())
            step.read(litres)
            return litres

        try:
            return await run_syringe_check(dev, performed_by, at, stroke, strokes=SYRINGE_STROKES,
                                           procedure=procedure)
        finally:
            _setter(simulator, attribute, make)(())
    if kind == "balance":
        # a platform whose load cells sit closer than the default marks names its own (the Wii Balance Board)
        placements = getattr(driver, "CALIBRATION_PLACEMENTS", DEFAULT_PLATFORM_PLACEMENTS)
        step = _Steps(dev, len(placements) + 1, ask,
                      _setter(simulator, "placed_mass", lambda r: r), on_reading)

        async def place(mass_kg: float, x_mm: float, y_mm: float) -> tuple[float, ...]:
            if mass_kg == 0:
                await step("platform_clear", 0.0, 0.0, 0.0)
            else:
                await step("platform_place", mass_kg, x_mm, y_mm, mass=f"{mass_kg:g}", x=f"{x_mm:g}", y=f"{y_mm:g}")
            corners = tuple(float(v) for v in await driver.read_corners_kg())
            step.read(corners)
            return corners

        try:
            return await run_platform_calibration(dev, performed_by, at, place, placements=placements)
        finally:
            _setter(simulator, "placed_mass", lambda r: r)(())
    if kind == "blood_pressure":
        if not hasattr(driver, "read_static_pressure"):
            raise DriverError("this blood-pressure monitor has no manometer mode for a static-pressure check",
                              device_id=dev)
        step = _Steps(dev, len(BP_STATIC_POINTS_MMHG), ask,
                      _setter(simulator, "static_pressure_mmhg", lambda r: r[0]), on_reading)

        async def pressure(reference_mmhg: float) -> float:
            await step("bp_static", reference_mmhg, pressure=f"{reference_mmhg:g}")
            mmhg = float(await driver.read_static_pressure())
            step.read(mmhg)
            return mmhg

        try:
            return await run_bp_static_check(dev, performed_by, at, pressure)
        finally:
            with contextlib.suppress(AttributeError):
                simulator.static_pressure_mmhg = 0.0
    return None


async def guided_calibration(manager: Any, name: str, performed_by: str, ask: Ask | None = None, *,
                             on_reading: OnReading | None = None) -> CalibrationRecord:
    """Calibrate device ``name`` of a running DeviceManager (simulators play the references).

    The caller saves the record in the calibration book and calls ``manager.refresh_calibration()``.
    Raises DriverError for a kind with no field procedure.
    """
    managed = manager.device(name)
    kind = managed.config.kind
    if kind not in CALIBRATED_KINDS:
        raise DriverError(f"{kind} devices have no field calibration procedure at this station "
                          f"(procedures exist for: {', '.join(CALIBRATED_KINDS)})", device_id=name)
    async with managed.lock:
        record = await calibrate_driver(kind, managed.driver, managed.simulator, performed_by, ask=ask,
                                        on_reading=on_reading)
    assert record is not None  # every CALIBRATED_KINDS entry has a procedure
    return record
