"""The OEM BP module simulator at byte level (no pty): replies to every host command, faults, garbage in."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.codecs import oem_bp_serial as oem
from drivers.sim.oem_bp import OemBpModuleSimulator


def command(c: oem.HostCommand) -> bytes:
    return oem.encode(oem.HostFrame(c))


def replies(data: bytes) -> list:
    return oem.FrameReader().feed(data)


def test_status_start_stop_and_busy() -> None:
    sim = OemBpModuleSimulator()
    assert replies(sim.on_host_bytes(command(oem.HostCommand.QUERY_STATUS), 0.0)) == [
        oem.Status(oem.ModuleState.IDLE, 87)]
    assert replies(sim.on_host_bytes(command(oem.HostCommand.START), 0.0)) == [oem.Ack(oem.HostCommand.START)]
    assert replies(sim.on_host_bytes(command(oem.HostCommand.START), 0.1)) == [oem.Nak(oem.NakReason.BUSY)]
    assert replies(sim.on_host_bytes(command(oem.HostCommand.READ_RESULT), 0.1)) == [oem.Nak(oem.NakReason.BUSY)]
    assert replies(sim.on_host_bytes(command(oem.HostCommand.STOP), 0.2)) == [oem.Ack(oem.HostCommand.STOP)]
    assert sim.on_tick(0.3) == b"", "a stopped module streams nothing"


def test_a_measurement_streams_pressure_then_sends_the_result_which_can_be_read_again() -> None:
    sim = OemBpModuleSimulator(speed=1.0)
    sim.on_host_bytes(command(oem.HostCommand.START), 0.0)
    messages: list = []
    t = 0.0
    while not any(isinstance(m, oem.Result) for m in messages) and t < 120:
        t += 0.5
        messages += replies(sim.on_tick(t))
    pressures = [m for m in messages if isinstance(m, oem.CuffPressure)]
    assert pressures[0].phase is oem.CuffPhase.INFLATING and pressures[-1].phase is oem.CuffPhase.DEFLATING
    result = messages[-1]
    assert isinstance(result, oem.Result) and 115 <= result.systolic_mmhg <= 140
    assert replies(sim.on_host_bytes(command(oem.HostCommand.READ_RESULT), t)) == [result]
    assert replies(sim.on_host_bytes(command(oem.HostCommand.QUERY_STATUS), t))[0].state is oem.ModuleState.RESULT_READY


def test_manometer_mode_streams_the_static_pressure_and_drift_shows_in_it() -> None:
    sim = OemBpModuleSimulator()
    sim.static_pressure_mmhg = 200.0
    assert replies(sim.on_host_bytes(command(oem.HostCommand.ENTER_MANOMETER), 0.0)) == [
        oem.Ack(oem.HostCommand.ENTER_MANOMETER)]
    assert replies(sim.on_tick(0.1)) == [oem.CuffPressure(200.0, oem.CuffPhase.MANOMETER)]
    sim.inject("drift")
    assert replies(sim.on_tick(0.2))[0].cuff_pressure_mmhg == 209.0  # 200 × 1.015 + 6
    sim.inject("resume")
    sim.on_host_bytes(command(oem.HostCommand.LEAVE_MANOMETER), 0.3)
    assert sim.on_tick(0.4) == b""


def test_bad_checksum_and_unknown_command_get_a_nak() -> None:
    sim = OemBpModuleSimulator()
    bad = bytearray(command(oem.HostCommand.QUERY_STATUS))
    bad[-1] ^= 1
    assert replies(sim.on_host_bytes(bytes(bad), 0.0)) == [oem.Nak(oem.NakReason.BAD_CHECKSUM)]
    unknown = b"\xcc\x80\x02\x01\x09" + bytes([0x02 ^ 0x01 ^ 0x09])
    assert replies(sim.on_host_bytes(unknown, 0.0)) == [oem.Nak(oem.NakReason.UNKNOWN_COMMAND)]


def test_low_battery_refuses_to_start() -> None:
    sim = OemBpModuleSimulator()
    sim.inject("low_battery")
    got = replies(sim.on_host_bytes(command(oem.HostCommand.START), 0.0))
    assert got == [oem.Ack(oem.HostCommand.START), oem.ErrorReport(0x07)]


def test_output_faults_corrupt_only_the_next_output() -> None:
    sim = OemBpModuleSimulator()
    sim.inject("bad_checksum")
    first = replies(sim.on_host_bytes(command(oem.HostCommand.QUERY_STATUS), 0.0))
    assert any(isinstance(m, oem.CodecError) for m in first)
    assert replies(sim.on_host_bytes(command(oem.HostCommand.QUERY_STATUS), 0.0)) == [
        oem.Status(oem.ModuleState.IDLE, 87)]
    sim.inject("garbage")
    got = replies(sim.on_host_bytes(command(oem.HostCommand.QUERY_STATUS), 0.0))
    assert isinstance(got[0], oem.CodecError) and got[-1] == oem.Status(oem.ModuleState.IDLE, 87)


@settings(max_examples=150)
@given(st.lists(st.binary(max_size=20), max_size=6))
def test_any_host_bytes_get_frames_back_never_an_exception(chunks: list[bytes]) -> None:
    sim = OemBpModuleSimulator()
    for i, chunk in enumerate(chunks):
        out = sim.on_host_bytes(chunk, float(i))
        assert all(not isinstance(m, oem.CodecError) for m in replies(out)), "the module only sends valid frames"
        sim.on_tick(float(i) + 0.5)
