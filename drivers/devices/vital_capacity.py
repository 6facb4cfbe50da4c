"""Vital-capacity meter driver (``vital-capacity-serial``): arm, follow the blow, report the meter's volume.

``measure(trial=)`` arms the meter, streams ``Progress("volume_ml")`` and ends with
``FinalReading(item="vital_capacity", values={"vital_capacity": mL})``, the meter's result times the
calibration gain (from the 3.00-L syringe check). Meter errors (no blow, interrupted, sensor) raise
``DeviceReportedError`` with the meter's code; silence raises ``DeviceTimeout``.

The meter reports every volume at body conditions (BTPS), the calibration syringe's room air
included, so ``syringe_stroke_l()`` divides the BTPS factor back out (``drivers.spirometry``) at the
room's temperature and pressure: ``room_c`` / ``room_pressure_hpa``, 23 °C and 1013.25 hPa unless the
station says otherwise. The factor moves about 0.55 % per °C, so a room 5 °C off the value given
costs nearly all of the ±3 % allowance; give the real room where it is not near 23 °C.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from drivers.base import DeviceReportedError, DeviceTimeout, FinalReading, MeasurementEvent, Progress
from drivers.calibration import LinearCorrection
from drivers.codecs import vital_capacity as vc
from drivers.devices.serial_instrument import SerialInstrumentDriver
from drivers.spirometry import HPA_TO_MMHG, btps_factor

RESIDENT_MESSAGES = {
    vc.VitalCapacityErrorCode.NO_BLOW: "No blow was felt. Take a deep breath and blow out fully into the mouthpiece.",
    vc.VitalCapacityErrorCode.INTERRUPTED: "Air escaped. Seal your lips round the mouthpiece and blow again.",
}

# the room the syringe check assumes when the station gives none: mid-range of an indoor 20–26 °C, sea level
DEFAULT_ROOM_C = 23.0
DEFAULT_ROOM_PRESSURE_HPA = 1013.25


class VitalCapacityMeter(SerialInstrumentDriver):
    CODEC = vc.CODEC
    kind = "vital_capacity"
    BAUD = 9600

    def __init__(self, *args: object, room_c: float = DEFAULT_ROOM_C,
                 room_pressure_hpa: float = DEFAULT_ROOM_PRESSURE_HPA, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.room_c, self.room_pressure_hpa = room_c, room_pressure_hpa
        # the factor the meter applies to room air; an impossible room is refused here, not mid-check
        self.room_btps_factor = btps_factor(room_c, room_pressure_hpa * HPA_TO_MMHG)

    async def _blow(self) -> AsyncIterator[vc.Volume | vc.Result]:
        """The meter's messages for one blow, ending with its Result. If the line goes quiet once the
        volume has stopped rising, the Result was probably lost (bad checksum): ask for it once."""
        await self.send(vc.StartBlow())
        finished = asked_again = False
        blown = False
        try:
            while not finished:
                try:
                    async with contextlib.aclosing(self.messages()) as incoming:
                        async for message in incoming:
                            if isinstance(message, vc.DeviceError):
                                finished = True
                                raise DeviceReportedError(message.text, code=message.code.name.lower(),
                                                          device_id=self.device_id,
                                                          resident_message=RESIDENT_MESSAGES.get(message.code))
                            if isinstance(message, vc.Volume | vc.Result):
                                blown = blown or message.volume_ml > 0
                                yield message
                            if isinstance(message, vc.Result):
                                finished = True
                                return
                except DeviceTimeout:
                    if asked_again or not blown:
                        raise
                    asked_again = True
                    await self.send(vc.QueryResult())
        finally:
            if not finished:
                await self.send_quietly(vc.Cancel())

    async def _measure(self, *, trial: int, **options: object) -> AsyncIterator[MeasurementEvent]:
        correction = LinearCorrection.from_record(self.calibration)
        async with contextlib.aclosing(self._blow()) as blow:
            async for message in blow:
                volume = correction.apply(message.volume_ml)
                if isinstance(message, vc.Volume):
                    yield Progress(self.device_id, "volume_ml", round(volume), self.elapsed_s())
                else:
                    yield FinalReading(device_id=self.device_id, item="vital_capacity",
                                       values={"vital_capacity": round(volume)}, unit="mL", taken_at=self.clock(),
                                       trial=trial, calibration_id=self.calibration_id,
                                       quality_flags=self.flags(self.calibration),
                                       details={"meter_volume_ml": message.volume_ml,
                                                "correction": correction.to_mapping()})

    async def syringe_stroke_l(self) -> float:
        """One calibration-syringe stroke as the meter measured it, in litres of room air (no gain).

        The syringe pushes room air (ATPS), but the meter reports it BTPS-corrected, about 8 % high at
        23 °C: compared with 3.00 L as it is, a healthy meter would fail ±3 %, and a meter reading
        8 % low would pass. ATS/ERS 2019 check syringes with the BTPS correction off; this meter's
        correction cannot be switched off, so it is divided back out with the same factor.
        """
        await self.settle()
        async with contextlib.aclosing(self._blow()) as blow:
            async for message in blow:
                if isinstance(message, vc.Result):
                    return message.volume_ml / 1000.0 / self.room_btps_factor
        raise AssertionError("unreachable: _blow ends with a Result or raises")
