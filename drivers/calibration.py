"""Device calibration: corrections, the technician's procedures with pass/fail rules, and the lockout rule.

Contract (consumers: every driver via ``drivers.devices.calibration_gate``, the device manager, the
technician screens):

- ``check_usable(device_id, book, now, required=True) -> CalibrationRecord | None`` returns the record
  in force, or raises ``drivers.base.DeviceLocked`` saying why: no calibration on record (when the
  device requires one), the latest run failed, or it expired (and since when).
- Procedures are pure functions from references and readings to a ``kiosk.domain.CalibrationRecord``
  (device, procedure, who, when, references, readings, correction, result, valid_until, notes):
  ``calibrate_grip`` (known masses), ``verify_syringe`` (3.00-L syringe, ±3 %), ``check_bp_static``
  (reference manometer, ±3 mmHg), ``calibrate_platform`` (zero + a known mass per placement).
  ``collect_readings(references, read)`` runs the steps against a device through a callable (sync or
  async), so DRV-BLE's BP driver or a serial driver can supply the readings; ``run_bp_static_check``,
  ``run_grip_calibration``, ``run_syringe_check`` and ``run_platform_calibration`` are the whole
  technician procedures built on it (the callable prompts the technician, then reads the device).
- Corrections are ``corrected = gain × raw + offset``: ``LinearCorrection`` (keys ``gain``/``offset``)
  and, per load cell, ``PlatformCorrection`` (keys ``gain_0..3``/``offset_0..3``).

Pass/fail rules and why:
- grip: a straight line fitted through ≥ 3 known masses; passes when every mass reads within
  ±max(0.5 kg, 2 %) after correction and the fitted gain is within 0.90–1.10 (a load cell that has
  drifted more than 10 % is damaged: service it, do not correct it). Valid 30 days.
- spirometer / vital-capacity meter: every syringe stroke, as found, within ±3 % of the syringe
  (2.91–3.09 L for 3.00 L: ±2.5 % device + ±0.5 % syringe, ATS/ERS 2019). The mean-based gain is
  recorded as a refinement. Valid 1 day (ATS/ERS: at least daily).
- BP static pressure: each check point (0, 50, …, 250 mmHg) within ±3 mmHg of the reference manometer
  (ISO 81060-1); no correction (a module outside the limit goes back to the maker). Valid 365 days.
- balance platform: zero offsets from the empty platform; gains from a known mass placed at ≥ 4
  positions (one per corner: a gain per cell) or fewer (one common gain); passes when every gain is
  within 0.90–1.10 and each placement then reads within ±max(0.1 kg, 0.5 %). Valid 30 days.
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from drivers.base import CalibrationBook, DeviceLocked
from kiosk.domain import CalibrationRecord, CalibrationResult
from kiosk.errors import InputError


class Procedure(enum.StrEnum):
    GRIP_KNOWN_MASSES = "grip-known-masses"
    SPIROMETER_SYRINGE = "spirometer-3l-syringe"
    VITAL_CAPACITY_SYRINGE = "vital-capacity-3l-syringe"
    BP_STATIC_PRESSURE = "bp-static-pressure"
    PLATFORM_ZERO_AND_MASS = "platform-zero-and-mass"


VALIDITY = {
    Procedure.GRIP_KNOWN_MASSES: timedelta(days=30),
    Procedure.SPIROMETER_SYRINGE: timedelta(days=1),
    Procedure.VITAL_CAPACITY_SYRINGE: timedelta(days=1),
    Procedure.BP_STATIC_PRESSURE: timedelta(days=365),
    Procedure.PLATFORM_ZERO_AND_MASS: timedelta(days=30),
}
GAIN_LIMITS = (0.90, 1.10)
GRIP_TOLERANCE_KG, GRIP_TOLERANCE_FRACTION = 0.5, 0.02
SYRINGE_TOLERANCE_FRACTION = 0.03
BP_STATIC_TOLERANCE_MMHG = 3.0
BP_STATIC_POINTS_MMHG = (0.0, 50.0, 100.0, 150.0, 200.0, 250.0)
PLATFORM_TOLERANCE_KG, PLATFORM_TOLERANCE_FRACTION = 0.1, 0.005


@dataclass(frozen=True)
class LinearCorrection:
    """corrected = gain × raw + offset."""

    gain: float = 1.0
    offset: float = 0.0

    def apply(self, raw: float) -> float:
        return self.gain * raw + self.offset

    def to_mapping(self) -> dict[str, float]:
        return {"gain": self.gain, "offset": self.offset}

    @classmethod
    def from_record(cls, record: CalibrationRecord | None) -> LinearCorrection:
        if record is None:
            return cls()
        c = record.correction
        return cls(float(c.get("gain", 1.0)), float(c.get("offset", 0.0)))


@dataclass(frozen=True)
class PlatformCorrection:
    """One linear correction per load cell, in corner order."""

    cells: tuple[LinearCorrection, LinearCorrection, LinearCorrection, LinearCorrection] = (
        LinearCorrection(), LinearCorrection(), LinearCorrection(), LinearCorrection())

    def apply(self, raw_kg: Sequence[float]) -> tuple[float, float, float, float]:
        a, b, c, d = (cell.apply(v) for cell, v in zip(self.cells, raw_kg, strict=True))
        return (a, b, c, d)

    def to_mapping(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for i, cell in enumerate(self.cells):
            out[f"gain_{i}"] = cell.gain
            out[f"offset_{i}"] = cell.offset
        return out

    @classmethod
    def from_record(cls, record: CalibrationRecord | None) -> PlatformCorrection:
        if record is None:
            return cls()
        c = record.correction
        a, b, cc, d = (LinearCorrection(float(c.get(f"gain_{i}", 1.0)), float(c.get(f"offset_{i}", 0.0)))
                       for i in range(4))
        return cls((a, b, cc, d))


def check_usable(device_id: str, book: CalibrationBook, now: datetime, *,
                 required: bool = True) -> CalibrationRecord | None:
    """The calibration in force for ``device_id``; raises DeviceLocked with the reason when there is none."""
    record = book.latest_calibration(device_id)
    if record is None:
        if required:
            raise DeviceLocked("no calibration on record: a technician must calibrate it before resident tests",
                               device_id=device_id)
        return None
    when = record.performed_at.strftime("%Y-%m-%d %H:%M UTC")
    if record.result is not CalibrationResult.PASSED:
        raise DeviceLocked(f"the last calibration ({record.procedure}, {when}) failed: {record.notes}",
                           device_id=device_id)
    if now >= record.valid_until:
        raise DeviceLocked(f"calibration ({record.procedure}, {when}) expired at "
                           f"{record.valid_until.strftime('%Y-%m-%d %H:%M UTC')}", device_id=device_id)
    return record


class MemoryCalibrationBook:
    """A CalibrationBook in memory (tests, simulate mode); storage provides the durable one."""

    def __init__(self, records: Sequence[CalibrationRecord] = ()) -> None:
        self._latest: dict[str, CalibrationRecord] = {}
        for r in records:
            self.save_calibration(r)

    def save_calibration(self, record: CalibrationRecord) -> None:
        current = self._latest.get(record.device_id)
        if current is None or record.performed_at >= current.performed_at:
            self._latest[record.device_id] = record

    def latest_calibration(self, device_id: str) -> CalibrationRecord | None:
        return self._latest.get(device_id)


Reader = Callable[[float], float | Awaitable[float]]


async def collect_readings(references: Sequence[float], read: Reader) -> list[float]:
    """Call ``read(reference)`` for each reference in turn (the technician sets it up, the device reads)."""
    readings = []
    for reference in references:
        value = read(reference)
        if inspect.isawaitable(value):
            value = await value
        readings.append(float(value))
    return readings


def _pair(references: Sequence[float], readings: Sequence[float], minimum: int, what: str) -> None:
    if len(references) != len(readings):
        raise InputError(f"{len(references)} references but {len(readings)} readings", field=f"{what}.readings")
    if len(references) < minimum:
        raise InputError(f"at least {minimum} check points are needed, got {len(references)}",
                         field=f"{what}.references")


def _record(device_id: str, procedure: Procedure, by: str, at: datetime, passed: bool, references: Sequence[float],
            readings: Sequence[float], correction: Mapping[str, float], notes: str,
            valid_for: timedelta | None) -> CalibrationRecord:
    return CalibrationRecord(
        device_id=device_id, procedure=procedure.value, performed_by=by, performed_at=at,
        result=CalibrationResult.PASSED if passed else CalibrationResult.FAILED,
        valid_until=at + (valid_for or VALIDITY[procedure]), references=tuple(float(r) for r in references),
        readings=tuple(float(r) for r in readings), correction=dict(correction), notes=notes)


def calibrate_grip(device_id: str, performed_by: str, performed_at: datetime, masses_kg: Sequence[float],
                   readings_kg: Sequence[float], *, valid_for: timedelta | None = None) -> CalibrationRecord:
    """Fit gain/offset through known masses hung on the handle; pass/fail per the module rules."""
    _pair(masses_kg, readings_kg, 3, "grip")
    if len(set(masses_kg)) < 2:
        raise InputError("the known masses must differ to fit a gain", field="grip.references")
    gain, offset = np.polyfit(np.asarray(readings_kg, float), np.asarray(masses_kg, float), 1)
    corr = LinearCorrection(float(gain), float(offset))
    worst = max(abs(corr.apply(r) - m) - max(GRIP_TOLERANCE_KG, GRIP_TOLERANCE_FRACTION * m)
                for m, r in zip(masses_kg, readings_kg, strict=True))
    as_found = max(abs(r - m) for m, r in zip(masses_kg, readings_kg, strict=True))
    problems = []
    if not GAIN_LIMITS[0] <= corr.gain <= GAIN_LIMITS[1]:
        problems.append(f"gain {corr.gain:.3f} outside {GAIN_LIMITS[0]}–{GAIN_LIMITS[1]}: load cell needs service")
    if worst > 0:
        problems.append(f"a mass reads {worst:.2f} kg beyond tolerance after correction (not linear)")
    notes = "; ".join(problems) or (f"as found up to {as_found:.2f} kg off; "
                                    f"gain {corr.gain:.4f}, offset {corr.offset:+.2f} kg")
    return _record(device_id, Procedure.GRIP_KNOWN_MASSES, performed_by, performed_at, not problems, masses_kg,
                   readings_kg, corr.to_mapping(), notes, valid_for)


def verify_syringe(device_id: str, performed_by: str, performed_at: datetime, readings_l: Sequence[float], *,
                   syringe_l: float = 3.00, procedure: Procedure = Procedure.SPIROMETER_SYRINGE,
                   valid_for: timedelta | None = None) -> CalibrationRecord:
    """Each stroke of the calibration syringe, as found, within ±3 % of its volume."""
    if not readings_l:
        raise InputError("at least one syringe stroke is needed", field="syringe.readings")
    low, high = syringe_l * (1 - SYRINGE_TOLERANCE_FRACTION), syringe_l * (1 + SYRINGE_TOLERANCE_FRACTION)
    bad = [r for r in readings_l if not low <= r <= high]
    mean = sum(readings_l) / len(readings_l)
    gain = syringe_l / mean if mean > 0 else 1.0
    window = f"{low:.2f}–{high:.2f} L"
    notes = (f"{len(bad)} of {len(readings_l)} strokes outside {window}: " + ", ".join(f"{r:.3f}" for r in bad)
             if bad else f"all strokes within {window}; mean {mean:.3f} L")
    return _record(device_id, procedure, performed_by, performed_at, not bad, [syringe_l] * len(readings_l),
                   readings_l, {"gain": gain, "offset": 0.0}, notes, valid_for)


def check_bp_static(device_id: str, performed_by: str, performed_at: datetime, references_mmhg: Sequence[float],
                    readings_mmhg: Sequence[float], *, valid_for: timedelta | None = None) -> CalibrationRecord:
    """Cuff pressure read by the monitor vs the reference manometer at each check point, ±3 mmHg."""
    _pair(references_mmhg, readings_mmhg, 2, "bp_static")
    bad = [(ref, got) for ref, got in zip(references_mmhg, readings_mmhg, strict=True)
           if abs(got - ref) > BP_STATIC_TOLERANCE_MMHG]
    worst = max(abs(g - r) for r, g in zip(references_mmhg, readings_mmhg, strict=True))
    notes = ("outside ±3 mmHg at " + ", ".join(f"{r:g} mmHg (read {g:.1f})" for r, g in bad) if bad
             else f"all points within ±3 mmHg; worst {worst:.1f} mmHg")
    return _record(device_id, Procedure.BP_STATIC_PRESSURE, performed_by, performed_at, not bad, references_mmhg,
                   readings_mmhg, {}, notes, valid_for)


async def run_bp_static_check(device_id: str, performed_by: str, performed_at: datetime, read_mmhg: Reader, *,
                              points_mmhg: Sequence[float] = BP_STATIC_POINTS_MMHG) -> CalibrationRecord:
    """Step through the check points, asking ``read_mmhg(point)`` for the monitor's reading at each."""
    readings = await collect_readings(points_mmhg, read_mmhg)
    return check_bp_static(device_id, performed_by, performed_at, points_mmhg, readings)


DEFAULT_GRIP_MASSES_KG = (5.0, 10.0, 20.0, 40.0)
# mass over each corner, then the centre (x, y in mm on a 400 × 400 platform): per-cell gains + a check
DEFAULT_PLATFORM_PLACEMENTS = ((20.0, -150.0, 150.0), (20.0, 150.0, 150.0), (20.0, -150.0, -150.0),
                               (20.0, 150.0, -150.0), (20.0, 0.0, 0.0))


async def run_grip_calibration(device_id: str, performed_by: str, performed_at: datetime, read_kg: Reader, *,
                               masses_kg: Sequence[float] = DEFAULT_GRIP_MASSES_KG) -> CalibrationRecord:
    """Hang each known mass in turn; ``read_kg(mass)`` returns the dynamometer's uncorrected reading."""
    return calibrate_grip(device_id, performed_by, performed_at, masses_kg, await collect_readings(masses_kg, read_kg))


async def run_syringe_check(device_id: str, performed_by: str, performed_at: datetime,
                            read_stroke_l: Callable[[], float | Awaitable[float]], *, strokes: int = 3,
                            syringe_l: float = 3.00,
                            procedure: Procedure = Procedure.SPIROMETER_SYRINGE) -> CalibrationRecord:
    """``strokes`` syringe strokes (ATS/ERS: at different flows); ``read_stroke_l()`` returns one volume."""
    readings = await collect_readings([syringe_l] * strokes, lambda _: read_stroke_l())
    return verify_syringe(device_id, performed_by, performed_at, readings, syringe_l=syringe_l, procedure=procedure)


CornerReader = Callable[[float, float, float], Sequence[float] | Awaitable[Sequence[float]]]


async def run_platform_calibration(device_id: str, performed_by: str, performed_at: datetime,
                                   read_corners_kg: CornerReader, *,
                                   placements: Sequence[tuple[float, float, float]] = DEFAULT_PLATFORM_PLACEMENTS,
                                   ) -> CalibrationRecord:
    """Empty platform first, then each (mass kg, x mm, y mm) placement; ``read_corners_kg(mass, x, y)``
    returns the four uncorrected corner loads with that mass in place (0, 0, 0: empty)."""
    async def read(mass: float, x: float, y: float) -> tuple[float, ...]:
        value = read_corners_kg(mass, x, y)
        if inspect.isawaitable(value):
            value = await value
        return tuple(float(v) for v in value)  # type: ignore[union-attr]

    zero = await read(0.0, 0.0, 0.0)
    loaded = [(mass, await read(mass, x, y)) for mass, x, y in placements]
    return calibrate_platform(device_id, performed_by, performed_at, zero, loaded)


def calibrate_platform(device_id: str, performed_by: str, performed_at: datetime, zero_kg: Sequence[float],
                       placements: Sequence[tuple[float, Sequence[float]]], *,
                       valid_for: timedelta | None = None) -> CalibrationRecord:
    """Zero offsets from the empty platform, gains from (mass_kg, raw corner readings) placements."""
    if len(zero_kg) != 4 or any(len(raw) != 4 for _, raw in placements):
        raise InputError("the platform has four load cells: give four readings each time", field="platform.readings")
    if not placements:
        raise InputError("place a known mass at least once", field="platform.references")
    zero = np.asarray(zero_kg, float)
    loads = np.asarray([raw for _, raw in placements], float) - zero
    masses = np.asarray([m for m, _ in placements], float)
    if len(placements) >= 4 and np.linalg.matrix_rank(loads, tol=1e-6 * max(1.0, float(np.abs(loads).max()))) == 4:
        gains = np.linalg.lstsq(loads, masses, rcond=None)[0]
        how = "per-cell gains"
    else:
        common = float(masses.sum() / loads.sum()) if loads.sum() > 0 else float("nan")
        gains = np.full(4, common)
        how = "one common gain (place the mass over each corner for per-cell gains)"
    cells = tuple(LinearCorrection(float(g), float(-g * z)) for g, z in zip(gains, zero, strict=True))
    correction = PlatformCorrection(cells)  # type: ignore[arg-type]
    problems = []
    if not all(GAIN_LIMITS[0] <= g <= GAIN_LIMITS[1] for g in gains):
        problems.append("gain outside 0.90–1.10: " + ", ".join(f"{g:.3f}" for g in gains))
    totals = [sum(correction.apply(raw)) for _, raw in placements]
    for mass, total in zip(masses, totals, strict=True):
        if abs(total - mass) > max(PLATFORM_TOLERANCE_KG, PLATFORM_TOLERANCE_FRACTION * mass):
            problems.append(f"{mass:g} kg reads {total:.2f} kg after correction")
    notes = "; ".join(problems) or f"{how}; zero {', '.join(f'{z:.2f}' for z in zero_kg)} kg"
    readings = [*zero_kg, *(v for _, raw in placements for v in raw)]
    return _record(device_id, Procedure.PLATFORM_ZERO_AND_MASS, performed_by, performed_at, not problems,
                   [0.0, *masses], readings, correction.to_mapping(), notes, valid_for)
