"""Simulated vital-capacity meter: one slow full blow, running volume, then the result (VC codec).

After StartBlow the meter sends Volume(0) every 0.1 s while it waits; the blow begins after
``wait_s``, the volume rises as ``vc_ml`` · (1 − e^(−t/0.8 s)) and, once it has not changed for 1.5 s,
the meter sends Result. QueryResult resends the last result.

Like the real meter, it reports volumes at body conditions (BTPS): it multiplies what passes its
sensor (gas at room conditions, ATPS) by the BTPS factor of ``drivers.spirometry`` at the room's
``ambient_c`` and ``pressure_hpa``. ``vc_ml`` is the resident's vital capacity at BTPS, so a blow
reads ``vc_ml``; ``syringe_ml`` set: the next blow is a calibration-syringe stroke of that volume of
room air, which the meter therefore reports about 8 % high at 23 °C (ATS/ERS 2019: syringe checks
are made with the BTPS correction off, or the expected volume must allow for it).

Faults: the common ones (``drift`` = volume × ``drift_gain``), ``no_blow`` (the next blow never
comes: error 1 after 10 s), ``interrupted`` (error 2 halfway through the next blow) and
``lose_result`` (the next Result goes out with a corrupted CRC).
"""

from __future__ import annotations

import math
from typing import ClassVar

from drivers.codecs import vital_capacity as vc
from drivers.codecs.instrument_frame import InstrumentMessage
from drivers.sim.instrument import InstrumentSimulator
from drivers.spirometry import HPA_TO_MMHG, btps_factor


class VitalCapacitySimulator(InstrumentSimulator):
    CODEC = vc.CODEC
    TICK_S = 0.1
    EXTRA_FAULTS: ClassVar[frozenset[str]] = frozenset({"no_blow", "interrupted", "lose_result"})
    DEFAULT_DRIFT_GAIN = 1.05

    def __init__(self, *, vc_ml: float = 3200.0, wait_s: float = 1.0, ambient_c: float = 23.0,
                 pressure_hpa: float = 1013.25, **kwargs: float) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.vc_ml = vc_ml
        self.wait_s = wait_s
        self.ambient_c, self.pressure_hpa = ambient_c, pressure_hpa
        self.btps = btps_factor(ambient_c, pressure_hpa * HPA_TO_MMHG)  # what the meter multiplies room gas by
        self.syringe_ml: float | None = None
        self._armed = False
        self._t = 0.0
        self._last_volume = 0.0
        self._still_s = 0.0
        self._no_blow_next = False
        self._interrupt_next = False
        self._no_blow = False
        self._interrupt = False
        self._lose_result_next = False
        self.last_result: vc.Result | None = None

    def inject_extra(self, fault: str) -> None:
        if fault == "no_blow":
            self._no_blow_next = True
        elif fault == "lose_result":
            self._lose_result_next = True
        else:
            self._interrupt_next = True

    def handle(self, message: InstrumentMessage) -> list[InstrumentMessage]:
        if isinstance(message, vc.StartBlow):
            self._armed, self._t, self._last_volume, self._still_s = True, 0.0, 0.0, 0.0
            self._no_blow, self._no_blow_next = self._no_blow_next, False
            self._interrupt, self._interrupt_next = self._interrupt_next, False
        elif isinstance(message, vc.Cancel):
            self._armed = False
        elif isinstance(message, vc.QueryResult) and self.last_result is not None:
            return [self.last_result]
        return []

    def _volume_ml(self, t: float) -> float:
        if self._no_blow or t < self.wait_s:
            return 0.0
        if self.syringe_ml is not None:  # room air from the syringe, reported at BTPS like any gas
            return self.syringe_ml * self.btps * min(1.0, (t - self.wait_s) / 1.0)
        return self.vc_ml * (1 - math.exp(-(t - self.wait_s) / 0.8))

    def stream(self) -> list[InstrumentMessage]:
        if not self._armed:
            return []
        self._t += self.TICK_S
        volume = round(self._volume_ml(self._t) * self.gain)
        if self._no_blow and self._t >= 10.0:
            self._armed = False
            return [vc.DeviceError(vc.VitalCapacityErrorCode.NO_BLOW)]
        if self._interrupt and volume > self.vc_ml / 2:
            self._armed = False
            return [vc.DeviceError(vc.VitalCapacityErrorCode.INTERRUPTED)]
        self._still_s = self._still_s + self.TICK_S if volume == self._last_volume and volume > 0 else 0.0
        self._last_volume = volume
        if self._still_s >= 1.5:
            self._armed = False
            self.last_result = vc.Result(volume)
            if self._lose_result_next:
                self._lose_result_next = False
                self.inject("bad_checksum")
            return [self.last_result]
        return [vc.Volume(volume)]
