"""OEM BP module: a connect that fails for any driver reason leaves the port closed and the state honest."""

from __future__ import annotations

import pytest

from drivers.base import DeviceState, DriverError
from drivers.codecs import oem_bp_serial as oem
from drivers.devices.oem_blood_pressure import OemSerialBloodPressureMonitor
from drivers.sim.oem_bp import OemBpModuleSimulator
from drivers.sim.pty import PtyHost


class RefusingModule(OemBpModuleSimulator):
    """A module that answers every status query with NAK (busy): it never proves it is usable."""

    def _command(self, command: oem.HostCommand, now_s: float) -> list[oem.Message]:
        if command is oem.HostCommand.QUERY_STATUS:
            return [oem.Nak(oem.NakReason.BUSY)]
        return super()._command(command, now_s)


async def test_a_module_refusing_the_status_query_is_not_left_half_connected() -> None:
    host = PtyHost(RefusingModule(speed=25.0, tick_interval_s=0.02), name="bp-refusing").start()
    monitor = OemSerialBloodPressureMonitor("bp-1", host.port_path)
    try:
        with pytest.raises(DriverError, match="refused"):
            await monitor.connect()
        assert monitor.state is DeviceState.ERROR, f"a refused connect is an error state, not {monitor.state}"
        assert not monitor.port.is_open, "the port is released so the manager can reconnect cleanly"
    finally:
        await monitor.close()
        host.stop()
