"""Simulated choice reaction-time box: lamps, five keys and a resident who presses them (reaction codec).

Each Stimulus lights a key; after a reaction time drawn from N(``mean_ms``, ``sd_ms``) (clamped to
150..2500 ms) the simulated resident presses — the wrong key with probability ``error_rate``. The box
times on its own clock (device ticks of 1 ms at speed 1). Faults: the common ones (``drift`` = the
box's clock runs ``drift_gain`` fast) and ``anticipate`` / ``no_response`` / ``wrong_key`` (the next
stimulus gets a false start, no press within 3 s, or a press of another key).
"""

from __future__ import annotations

from typing import ClassVar

from drivers.codecs import reaction_time as rt
from drivers.codecs.instrument_frame import InstrumentMessage
from drivers.sim.instrument import InstrumentSimulator


class ReactionBoxSimulator(InstrumentSimulator):
    CODEC = rt.CODEC
    TICK_S = 0.005
    EXTRA_FAULTS: ClassVar[frozenset[str]] = frozenset({"anticipate", "no_response", "wrong_key"})
    DEFAULT_DRIFT_GAIN = 1.10

    def __init__(self, *, mean_ms: float = 520.0, sd_ms: float = 60.0, error_rate: float = 0.0,
                 **kwargs: float) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.mean_ms, self.sd_ms, self.error_rate = mean_ms, sd_ms, error_rate
        self.pressed_ms: list[int] = []  # the true reaction times the resident produced
        self._pending: tuple[rt.Stimulus, float, str] | None = None  # stimulus, due device-ms, outcome
        self._clock_ms = 0.0
        self._next_outcome = "press"
        self._delay_ms = 0.0

    def inject_extra(self, fault: str) -> None:
        self._next_outcome = fault

    def handle(self, message: InstrumentMessage) -> list[InstrumentMessage]:
        if isinstance(message, rt.Stimulus):
            outcome, self._next_outcome = self._next_outcome, "press"
            if outcome == "anticipate":
                return [rt.Anticipation(message.stimulus)]
            if outcome == "press" and self.rng.random() < self.error_rate:
                outcome = "wrong_key"
            drawn = max(150.0, min(2500.0, self.rng.gauss(self.mean_ms, self.sd_ms)))
            delay = 3000.0 if outcome == "no_response" else drawn
            self._pending = (message, self._clock_ms + delay, outcome)
            self._delay_ms = delay
        elif isinstance(message, rt.Abort):
            self._pending = None
        return []

    def stream(self) -> list[InstrumentMessage]:
        self._clock_ms += self.TICK_S * 1000
        if self._pending is None or self._clock_ms < self._pending[1]:
            return []
        stimulus, _, outcome = self._pending
        delay_ms = self._delay_ms
        self._pending = None
        if outcome == "no_response":
            return [rt.NoResponse(stimulus.stimulus)]
        key = stimulus.key if outcome == "press" else stimulus.key % 5 + 1
        self.pressed_ms.append(round(delay_ms))
        reported = max(100, min(3000, round(delay_ms * self.gain)))  # a fast-running box clock reads long
        return [rt.Press(stimulus.stimulus, key, reported)]
