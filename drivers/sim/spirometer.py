"""Simulated spirometer flow head: a forced expiration with a realistic flow-volume curve (spirometer codec).

The blow follows the flow-volume relation of a forced expiration: a rise to PEF in ``rise_s``, then a
descending limb F(V) = PEF · ((FVC − V) / (FVC − V_peak))^k — straight (k = 1) in healthy lungs,
concave (k > 1, "scooped") when airways are obstructed — integrated at 1 kHz so FVC is approached
smoothly and the end-of-test plateau is met as on a real trace. The truth is set at BTPS
(``fvc_l``, ``pef_l_s``); the head reports ambient flow (BTPS flow ÷ the BTPS factor at the ambient it
reports), so a driver that converts correctly gets the truth back.

``syringe_l`` set: the next StartTest is a calibration-syringe stroke of that volume (a 1-s half-sine,
ambient gas, no BTPS). Faults: the common ones (``drift`` = flow × ``drift_gain``) and ``zero_offset``
(the next StartTest is answered with the zero-offset error).
"""

from __future__ import annotations

import math
from typing import ClassVar

from drivers.codecs import spirometer as sp
from drivers.codecs.instrument_frame import InstrumentMessage
from drivers.sim.instrument import InstrumentSimulator
from drivers.spirometry import btps_factor

SAMPLES_PER_BLOCK = 5
RATE_HZ = 100


def forced_expiration_flow(fvc_l: float, pef_l_s: float, *, rise_s: float = 0.08, k: float = 1.2,
                           lead_s: float = 0.5, seconds: float = 12.0, rate_hz: int = RATE_HZ) -> list[float]:
    """BTPS flow samples (L/s) of one blow: ``lead_s`` of zero flow, then the expiration."""
    flow_out: list[float] = [0.0] * round(lead_s * rate_hz)
    dt, sub = 1.0 / rate_hz, 10
    volume, t = 0.0, 0.0
    v_peak = pef_l_s * rise_s / 2
    for _ in range(round(seconds * rate_hz)):
        for _ in range(sub):
            if t < rise_s:
                flow = pef_l_s * math.sin(math.pi / 2 * t / rise_s)
            else:
                remaining = max(0.0, (fvc_l - volume) / (fvc_l - v_peak))
                flow = pef_l_s * remaining ** k
            volume += flow * dt / sub
            t += dt / sub
        flow_out.append(flow)
    return flow_out


class SpirometerSimulator(InstrumentSimulator):
    CODEC = sp.CODEC
    TICK_S = SAMPLES_PER_BLOCK / RATE_HZ
    EXTRA_FAULTS: ClassVar[frozenset[str]] = frozenset({"zero_offset"})
    DEFAULT_DRIFT_GAIN = 1.05

    def __init__(self, *, fvc_l: float = 3.6, pef_l_s: float = 7.5, k: float = 1.6, ambient_c: float = 23.5,
                 pressure_hpa: float = 1013.2, serial: int = 0x5350_0001, **kwargs: float) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.fvc_l, self.pef_l_s, self.k = fvc_l, pef_l_s, k
        self.ambient_c, self.pressure_hpa = ambient_c, pressure_hpa
        self.serial = serial
        self.syringe_l: float | None = None
        self._samples: list[float] = []  # ambient flow still to send, L/s
        self._running = False
        self._seq = 0
        self._zero_offset_next = False

    def inject_extra(self, fault: str) -> None:
        self._zero_offset_next = True

    def btps(self) -> float:
        return btps_factor(self.ambient_c, self.pressure_hpa * 0.750061683)

    def _prepare_blow(self) -> list[float]:
        if self.syringe_l is not None:
            n = RATE_HZ  # a 1-s stroke: half-sine whose integral is the syringe volume
            peak = self.syringe_l * math.pi / 2
            return [0.0] * 20 + [peak * math.sin(math.pi * (i + 0.5) / n) for i in range(n)] + [0.0] * 250
        factor = self.btps()
        return [f / factor for f in forced_expiration_flow(self.fvc_l, self.pef_l_s, k=self.k)]

    def handle(self, message: InstrumentMessage) -> list[InstrumentMessage]:
        if isinstance(message, sp.StartTest):
            if self._zero_offset_next:
                self._zero_offset_next = False
                return [sp.DeviceError(sp.SpirometerErrorCode.ZERO_OFFSET)]
            self._samples, self._running = self._prepare_blow(), True
        elif isinstance(message, sp.StopTest):
            self._running = False
        elif isinstance(message, sp.QueryAmbient):
            return [sp.Ambient(round(self.ambient_c * 10), round(self.pressure_hpa * 10), 45)]
        elif isinstance(message, sp.QueryInfo):
            return [sp.Info(self.serial, RATE_HZ)]
        return []

    def stream(self) -> list[InstrumentMessage]:
        if not self._running:
            return []
        block = [self._samples.pop(0) if self._samples else 0.0 for _ in range(SAMPLES_PER_BLOCK)]
        noise = [self.rng.gauss(0, 0.003) for _ in block]
        self._seq = (self._seq + 1) & 0xFFFF
        ml_s = tuple(max(-32768, min(32767, round((f * self.gain + n) * 1000)))
                     for f, n in zip(block, noise, strict=True))
        return [sp.FlowBlock(self._seq, ml_s)]
