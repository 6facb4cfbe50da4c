"""Choice reaction-time driver (``reaction-serial``): light keys, collect the box's timed presses, score the trial.

The rule (our reading of the national fitness test's 选择反应时, written down as an assumption): one
trial presents ``stimuli`` (default 5) lamps, each on a random key after a random fore-period of
1.0–2.5 s; a press of the lit key counts; a wrong key, a false start (the box's anticipation
report) or no press within 3 s is recorded and that stimulus is presented again (at most 5 repeats
per trial). The trial's result is the MEAN of its correct reaction times, in seconds to 0.01 s. The
test is done twice and the better (smaller) trial counts — that choice is the item's
``Best.SMALLEST`` rule in ``kiosk.domain``, applied by grading, not here.

Times come from the box's own millisecond clock, so serial latency never enters the result. A
stimulus whose reply never arrives (lost to line noise) is presented once more before the box is
declared stalled.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator, Sequence
from typing import ClassVar

from drivers.base import DeviceReportedError, DeviceTimeout, DriverError, FinalReading, MeasurementEvent, Progress
from drivers.codecs import reaction_time as rt
from drivers.devices.serial_instrument import SerialInstrumentDriver

ITEM = "choice_reaction_time"
MAX_REPEATS = 5


def trial_result_s(reaction_ms: Sequence[int]) -> float:
    """The trial's score: mean correct reaction time in seconds, to 0.01 s."""
    if not reaction_ms:
        raise ValueError("a trial needs at least one correct response")
    return round(sum(reaction_ms) / len(reaction_ms) / 1000.0, 2)


class ReactionTimer(SerialInstrumentDriver):
    CODEC = rt.CODEC
    kind = "reaction_time"
    BAUD = 9600
    NUMBER_OPTIONS: ClassVar[dict[str, tuple[float, float]]] = {"stimuli": (1, 20)}
    REQUIRES_CALIBRATION = False

    def __init__(self, *args: object, rng: random.Random | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.rng = rng or random.Random()

    async def _one_stimulus(self, number: int, key: int) -> rt.Press | rt.Anticipation | rt.NoResponse:
        await self.send(rt.Stimulus(number, key))
        async with contextlib.aclosing(self.messages(timeout_s=3.0 + self.frame_timeout_s)) as incoming:
            async for message in incoming:
                if isinstance(message, rt.DeviceError):
                    raise DeviceReportedError(message.text, code=message.code.name.lower(), device_id=self.device_id)
                if isinstance(message, rt.Press | rt.Anticipation | rt.NoResponse) and message.stimulus == number:
                    return message
        raise AssertionError("unreachable: messages() raises or yields")

    def check_options(self, options: dict[str, object]) -> None:
        super().check_options(options)
        if isinstance(options.get("stimuli"), float):
            raise DriverError("option stimuli must be a whole number", device_id=self.device_id)
        foreperiod = options.get("foreperiod_s", (1.0, 2.5))
        if not (isinstance(foreperiod, tuple | list) and len(foreperiod) == 2
                and all(isinstance(v, int | float) and not isinstance(v, bool) for v in foreperiod)
                and 0 <= foreperiod[0] <= foreperiod[1] <= 10):
            raise DriverError(f"option foreperiod_s must be (low, high) seconds within 0..10, not {foreperiod!r}",
                              device_id=self.device_id)

    def _repeat(self, repeats: int, why: str) -> Progress:
        """A stimulus that will be shown again: ``repeats_so_far`` counts them, the message says why."""
        return Progress(self.device_id, "repeats_so_far", float(repeats), self.elapsed_s(), why)

    async def _measure(self, *, trial: int, **options: object) -> AsyncIterator[MeasurementEvent]:
        stimuli = int(options.get("stimuli", 5))  # type: ignore[call-overload]
        low, high = options.get("foreperiod_s", (1.0, 2.5))  # type: ignore[misc]
        correct_ms: list[int] = []
        wrong = false_starts = misses = 0
        number = 0
        while len(correct_ms) < stimuli:
            if wrong + false_starts + misses > MAX_REPEATS:
                raise DriverError(f"{wrong} wrong keys, {false_starts} false starts, {misses} misses: trial abandoned",
                                  device_id=self.device_id,
                                  resident_message="Let's stop this one. Press only the key that lights up.")
            await asyncio.sleep(self.rng.uniform(float(low), float(high)))
            number = (number % 255) + 1
            key = self.rng.choice(rt.KEYS)
            try:
                reply = await self._one_stimulus(number, key)
            except DeviceTimeout:
                # the one reply frame may have been lost on the line: abort and present it once more;
                # a box that stays silent again has stopped (DeviceTimeout)
                await self.send_quietly(rt.Abort())
                number = (number % 255) + 1
                try:
                    reply = await self._one_stimulus(number, key)
                except DeviceTimeout:
                    await self.send_quietly(rt.Abort())
                    raise
            if isinstance(reply, rt.Anticipation):
                false_starts += 1
                yield self._repeat(wrong + false_starts + misses, "too early: wait for the light")
            elif isinstance(reply, rt.NoResponse):
                misses += 1
                yield self._repeat(wrong + false_starts + misses, "no press")
            elif reply.key != key:
                wrong += 1
                yield self._repeat(wrong + false_starts + misses, "wrong key")
            else:
                correct_ms.append(reply.reaction_ms)
                yield Progress(self.device_id, "reaction_s", reply.reaction_ms / 1000.0, self.elapsed_s(),
                               f"{len(correct_ms)} of {stimuli}")
        yield FinalReading(device_id=self.device_id, item=ITEM, values={ITEM: trial_result_s(correct_ms)}, unit="s",
                           taken_at=self.clock(), trial=trial, calibration_id=self.calibration_id,
                           quality_flags=self.flags(self.calibration),
                           details={"reaction_ms": correct_ms, "rule": "mean of correct responses",
                                    "wrong_keys": wrong, "false_starts": false_starts, "misses": misses})
