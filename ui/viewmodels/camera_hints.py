"""The one line of advice under the camera picture: what it says, when it is spoken, and its words again.

A hint repeats while the same problem lasts (framing hints arrive with every frame), so it is spoken when
it changes, when forced (a form fault, a pause), or every ``spoken_every_s``; a hint clears itself
``shown_s`` after it was last given. Each hint keeps how it was made, so a language switch words the hint
on screen again (the English demo screen showed a hint still in Chinese).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

SPOKEN_EVERY_S = 4.0
SHOWN_S = 4.0


class HintLine:
    def __init__(self, say: Callable[[str], None], *, spoken_every_s: float = SPOKEN_EVERY_S,
                 shown_s: float = SHOWN_S, clock: Callable[[], float] = time.monotonic) -> None:
        self._say, self._clock = say, clock
        self.spoken_every_s, self.shown_s = spoken_every_s, shown_s
        self.clear()

    def clear(self) -> None:
        self.text = ""
        self._source: Callable[[], str] | None = None
        self._until = 0.0
        self._spoken, self._spoken_at = "", -math.inf

    def set(self, source: Callable[[], str], *, speak: bool, force: bool = False) -> bool:
        """Show the hint ``source`` words (in the current language, and again on a switch); returns whether the
        line changed."""
        now = self._clock()
        text = source()
        changed = text != self.text
        self.text, self._source, self._until = text, source, now + self.shown_s
        if speak and text and (force or text != self._spoken or now - self._spoken_at >= self.spoken_every_s):
            self._spoken, self._spoken_at = text, now
            self._say(text)
        return changed

    def reword(self) -> None:
        """Make the hint on screen again in the language just chosen."""
        if self.text and self._source is not None:
            self.text = self._source()

    def expire(self) -> bool:
        """Clear a hint shown long enough; returns whether it was cleared."""
        if self.text and self._clock() > self._until:
            self.text = ""
            return True
        return False
