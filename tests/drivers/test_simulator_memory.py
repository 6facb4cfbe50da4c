"""The serial instrument simulators keep a bounded record of the commands they were sent (issue 16, item 9).

A simulator runs for the whole demo day; every measurement sends it commands, so an unbounded list
grew without end. Only the newest commands are kept (tests look at the last few).
"""

from __future__ import annotations

from drivers.codecs import grip as g
from drivers.sim.grip import GripSimulator

KEPT = 1_000  # drivers.sim.instrument.KEPT


def test_commands_seen_stays_bounded_over_a_long_day():
    sim = GripSimulator()
    frame = GripSimulator.CODEC.encode(g.QueryInfo())
    for i in range(KEPT * 3):
        sim.on_host_bytes(frame, i * 0.01)
    assert len(sim.commands_seen) == KEPT, "only the newest commands are kept"
    assert all(isinstance(c, g.QueryInfo) for c in sim.commands_seen)
    assert sim.commands_seen == list(sim.commands_seen), "still compares like a list (tests check == [])"
