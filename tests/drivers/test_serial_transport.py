"""The serial transport against a real pseudo-terminal: bytes both ways, timeouts, vanishing ports, backoff."""

from __future__ import annotations

import asyncio
import random

import pytest

from drivers.base import DeviceDisconnected, DeviceTimeout
from drivers.sim.pty import PtyHost
from drivers.transport.serial import Backoff, SerialPort, SerialSettings, reconnect


class EchoSimulator:
    """Answers every host byte with the same byte; streams nothing unless told to chatter."""

    tick_interval_s = 0.01
    FAULTS = frozenset({"chatter", "stall"})

    def __init__(self) -> None:
        self.chatter = False

    def on_host_bytes(self, data: bytes, now_s: float) -> bytes:
        return data

    def on_tick(self, now_s: float) -> bytes:
        return b"." if self.chatter else b""

    def inject(self, fault: str) -> None:
        self.chatter = fault == "chatter"


@pytest.fixture
def echo_host(tmp_path):
    host = PtyHost(EchoSimulator(), name="echo", link_path=tmp_path / "ttyECHO").start()
    yield host
    host.stop()


async def test_bytes_written_by_the_driver_come_back_from_the_simulator(echo_host):
    port = SerialPort(device_id="echo")
    await port.open(echo_host.port_path, 9600, read_timeout_s=1.0)
    try:
        await port.write(b"\x01\x02hello")
        got = await port.read_exactly(7)
        assert got == b"\x01\x02hello", f"expected the echo of the 7 bytes written, got {got!r}"
    finally:
        await port.close()


async def test_streamed_bytes_arrive_without_a_request_and_read_until_splits_them(echo_host):
    port = SerialPort(device_id="echo")
    await port.open(echo_host.port_path)
    try:
        echo_host.inject("chatter")
        assert await port.read_exactly(3, timeout_s=1.0) == b"..."
        await port.write(b"x\n")
        line = await port.read_until(b"\n", timeout_s=1.0)
        assert line.endswith(b"x\n"), f"expected a line ending in the echoed b'x\\n', got {line!r}"
    finally:
        await port.close()


async def test_silence_raises_device_timeout_naming_the_port(echo_host):
    port = SerialPort(device_id="echo")
    await port.open(echo_host.port_path)
    try:
        with pytest.raises(DeviceTimeout, match="no data"):
            await port.read(timeout_s=0.2)
    finally:
        await port.close()


async def test_a_hung_up_line_raises_device_disconnected_on_every_later_read(echo_host):
    port = SerialPort(device_id="echo")
    await port.open(echo_host.port_path)
    try:
        echo_host.inject("disconnect")
        with pytest.raises(DeviceDisconnected):
            await port.read(timeout_s=2.0)
        with pytest.raises(DeviceDisconnected):
            await port.read(timeout_s=0.1)
        with pytest.raises(DeviceDisconnected):
            await port.write(b"x")
    finally:
        await port.close()
        await port.close()  # idempotent


async def test_opening_a_missing_port_is_device_disconnected_not_a_serial_exception(tmp_path):
    with pytest.raises(DeviceDisconnected, match="cannot open serial port"):
        await SerialPort(device_id="nobody").open(str(tmp_path / "ttyNOPE"))


async def test_reconnect_reopens_the_same_link_after_a_replug(echo_host):
    port = SerialPort(device_id="echo")
    await port.open(echo_host.port_path)
    first_slave = echo_host.slave_path
    echo_host.inject("disconnect")
    with pytest.raises(DeviceDisconnected):
        await port.read(timeout_s=2.0)
    await port.close()

    sleeps: list[float] = []

    async def fake_sleep(delay: float) -> None:
        sleeps.append(delay)
        if len(sleeps) == 2:
            echo_host.replug()

    await reconnect(lambda: port.open(echo_host.port_path), Backoff(initial_s=0.1, jitter=0.0),
                    attempts=5, sleep=fake_sleep)
    try:
        assert sleeps == [0.1, 0.2], f"expected two backoff waits of 0.1 and 0.2 s, got {sleeps}"
        assert echo_host.connected and first_slave is not None, "expected the host to be replugged"
        await port.write(b"again")
        assert await port.read_exactly(5, timeout_s=1.0) == b"again"
    finally:
        await port.close()


async def test_reconnect_gives_up_after_the_allowed_attempts(tmp_path):
    port = SerialPort()
    waits: list[float] = []

    async def no_sleep(delay: float) -> None:
        waits.append(delay)

    with pytest.raises(DeviceDisconnected):
        await reconnect(lambda: port.open(str(tmp_path / "gone")), Backoff(jitter=0.0), attempts=3, sleep=no_sleep)
    assert len(waits) == 2, f"expected 2 waits between 3 attempts, got {waits}"


def test_backoff_doubles_up_to_its_cap_and_jitters_within_bounds():
    plain = Backoff(initial_s=1, factor=2, cap_s=5, jitter=0).delays()
    assert [next(plain) for _ in range(5)] == [1, 2, 4, 5, 5]
    jittered = Backoff(initial_s=1, factor=2, cap_s=5, jitter=0.1).delays(random.Random(7))
    for expected in (1, 2, 4, 5, 5):
        got = next(jittered)
        assert expected * 0.9 <= got <= min(5, expected * 1.1), f"delay {got} outside 10 % of {expected}"


def test_settings_reject_impossible_framing():
    for bad in ({"parity": "X"}, {"stopbits": 3}, {"bytesize": 9}, {"baud": 0}):
        with pytest.raises(ValueError):
            SerialSettings("/dev/null", **bad)
    assert SerialSettings("/dev/ttyS0").framing == "9600 8N1"


async def test_unknown_fault_is_refused_by_the_host(echo_host):
    with pytest.raises(ValueError, match="knows faults"):
        echo_host.inject("meteor")
    await asyncio.sleep(0)


async def test_drain_discards_until_the_line_is_quiet_and_is_bounded_on_a_chattering_line(echo_host):
    port = SerialPort(device_id="echo")
    await port.open(echo_host.port_path)
    try:
        echo_host.inject("chatter")
        await port.read(timeout_s=1.0)
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        assert await port.drain(quiet_s=0.05, max_s=0.2) > 0
        assert loop.time() - t0 < 0.5, "drain must give up after max_s on a line that never goes quiet"
        echo_host.inject("stall")  # EchoSimulator: any other fault stops the chatter
        await port.drain(quiet_s=0.05)
        await port.write(b"ping")
        assert await port.read_exactly(4, timeout_s=1.0) == b"ping", "after draining only new bytes arrive"
    finally:
        await port.close()
