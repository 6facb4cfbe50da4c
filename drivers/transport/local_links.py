"""The links of devices the kernel presents locally (evdev input devices, hidraw USB HID), real or simulated.

``local_link(device config, protocol, sim speed)`` returns (link, where it listens, simulator, host) for the
device manager: a real device gets ``EvdevEventSource`` / ``HidrawLink`` on its configured port (a button box is
grabbed, so its presses do not also type into the station); a simulated one gets its simulator's event source,
or a ``HidSimulatorHost`` behind a ``HidrawLink``.
"""

from __future__ import annotations

from typing import Any

from kiosk.config import DeviceConfig, Transport


def local_link(dcfg: DeviceConfig, info: Any, sim_speed: float) -> tuple[Any, str, Any, Any]:
    simulator = host = None
    if info.transport is Transport.HID:
        from drivers.transport.hidraw import HidrawLink, HidSimulatorHost

        if dcfg.simulate:
            simulator = info.simulator(sim_speed)
            host = HidSimulatorHost(simulator, name=dcfg.name)
            link = HidrawLink(f"{dcfg.name} (simulated hidraw)", device_id=dcfg.name, opener=host.host_fd)
        else:
            link = HidrawLink(str(dcfg.port), device_id=dcfg.name)
        return link, link.address, simulator, host
    if dcfg.simulate:
        simulator = info.simulator(sim_speed)
        host = link = simulator.source()
        return link, f"{simulator.name} (replayed input events)", simulator, host
    from drivers.transport.evdev_input import EvdevEventSource

    link = EvdevEventSource(str(dcfg.port), device_id=dcfg.name, grab=dcfg.kind == "reaction_time")
    return link, str(dcfg.port), None, None
