"""Protocol registry: the config's ``protocol`` name → device kind, codec, simulator factory and driver factory.

One entry per wire protocol. The device manager, ``kiosk simulate``, ``kiosk devices`` and
``kiosk decode`` look protocols up here and nowhere else, so adding a device means adding one entry.

- ``simulator(speed)`` builds the protocol's simulator: a ``ByteSimulator`` for a ``PtyHost`` (serial)
  or a ``SimulatedPeripheral`` for a ``FakeGattPeer`` (BLE).
- ``driver(device_cfg, link, book)`` builds the real driver; ``link`` is the serial port path, a
  ``GattClient``, or (``advertised_uuid`` set: a device that only advertises) an ``AdvertisementSource``.
- ``decode(data, characteristic)`` turns captured bytes into messages and ``CodecError`` items in order
  (serial: a byte stream; BLE: one characteristic value, ``characteristic`` naming which, e.g. "2a36").
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from drivers.base import CalibrationBook, CodecError, Device
from kiosk.config import DeviceConfig, StationConfig, Transport
from kiosk.errors import ConfigError

SimulatorFactory = Callable[[float], Any]
DriverFactory = Callable[[DeviceConfig, Any, "CalibrationBook | None"], Device]
Decoder = Callable[[bytes, "str | None"], list[Any]]


@dataclass(frozen=True)
class ProtocolInfo:
    name: str
    kind: str  # a kiosk.config.DEVICE_KINDS value
    transport: Transport
    codec: str  # the codec module, e.g. "drivers.codecs.ble_bps"
    description: str
    simulator: SimulatorFactory
    driver: DriverFactory
    decode: Decoder
    characteristics: Mapping[str, str] = field(default_factory=dict)  # BLE: short name → what it carries
    # BLE devices that only advertise: the service-data UUID they put readings under. The link is then an
    # AdvertisementSource (drivers.ble.advertisement) and the simulator a SimulatedBroadcaster.
    advertised_uuid: str | None = None


# ---- decoders ------------------------------------------------------------------------------------------


def _ble_decoder(table: Mapping[str, Callable[[bytes], Any]], default: str) -> Decoder:
    def decode(data: bytes, characteristic: str | None) -> list[Any]:
        key = (characteristic or default).lower().removeprefix("0x")
        if key not in table:
            return [CodecError(f"unknown characteristic {characteristic!r}; this protocol decodes "
                               f"{', '.join(sorted(table))}")]
        try:
            return [table[key](data)]
        except CodecError as e:
            return [e]

    return decode


def _decode_bps() -> Decoder:
    from drivers.codecs import ble_bps

    return _ble_decoder({"2a35": ble_bps.decode_measurement, "2a36": ble_bps.decode_intermediate_cuff_pressure,
                         "2a49": ble_bps.decode_feature}, "2a35")


def _decode_bps_beurer() -> Decoder:
    from drivers.codecs import ble_bps

    q = ble_bps.BEURER
    return _ble_decoder({"2a35": lambda d: ble_bps.decode_measurement(d, q),
                         "2a36": lambda d: ble_bps.decode_intermediate_cuff_pressure(d, q),
                         "2a49": ble_bps.decode_feature}, "2a35")


def _decode_weight() -> Decoder:
    from drivers.codecs import ble_weight

    return _ble_decoder({"2a9d": ble_weight.decode_weight_measurement}, "2a9d")


def _decode_glucose() -> Decoder:
    from drivers.codecs import ble_glucose

    def racp(data: bytes) -> Any:
        # a collector's request starts with op code 1..4, a meter's response with 5 or 6
        return ble_glucose.decode_racp_response(data) if data[:1] in (b"\x05", b"\x06") \
            else ble_glucose.decode_racp_request(data)

    return _ble_decoder({"2a18": ble_glucose.decode_glucose_measurement, "2a52": racp}, "2a18")


def _decode_oem(data: bytes, _characteristic: str | None) -> list[Any]:
    from drivers.codecs import oem_bp_serial as oem

    header = oem.HOST_HEADER if data.startswith(oem.HOST_HEADER) else oem.DEVICE_HEADER
    reader = oem.FrameReader(header)
    items: list[Any] = reader.feed(data)
    leftover = len(reader._buffer)
    if leftover:
        items.append(CodecError(f"incomplete frame: {leftover} trailing byte(s) do not form a complete frame "
                                "(the capture was truncated)"))
    return items


def stream_decoder(codec_path: str, attribute: str = "CODEC") -> Decoder:
    """A decoder for a serial codec module whose ``CODEC.stream()`` has ``feed`` and ``buffered``."""

    def decode(data: bytes, _characteristic: str | None) -> list[Any]:
        codec = getattr(importlib.import_module(codec_path), attribute)
        stream = codec.stream()
        items: list[Any] = list(stream.feed(data))
        if stream.buffered:
            items.append(CodecError(f"incomplete frame: {stream.buffered} trailing byte(s) do not form a "
                                    "complete frame (the capture was truncated)"))
        return items

    return decode


# ---- factories -----------------------------------------------------------------------------------------


def _oem_sim(speed: float) -> Any:
    from drivers.sim.oem_bp import OemBpModuleSimulator

    return OemBpModuleSimulator(speed=speed)


def _oem_driver(cfg: DeviceConfig, link: Any, book: CalibrationBook | None) -> Device:
    from drivers.codecs.oem_bp_serial import BAUD
    from drivers.devices.oem_blood_pressure import OemSerialBloodPressureMonitor

    return OemSerialBloodPressureMonitor(cfg.name, str(link), book, baud=cfg.baud or BAUD)


def _ble_sim(module: str, cls: str) -> SimulatorFactory:
    def make(speed: float) -> Any:
        return getattr(importlib.import_module(module), cls)(speed=speed)

    return make


def _ble_driver(module: str, cls: str) -> DriverFactory:
    def make(cfg: DeviceConfig, link: Any, book: CalibrationBook | None) -> Device:
        return getattr(importlib.import_module(module), cls)(cfg.name, link, book)

    return make


PROTOCOLS_BY_NAME: dict[str, ProtocolInfo] = {}


def register(info: ProtocolInfo, *aliases: str) -> None:
    """Add a protocol (and optional alias names, e.g. "ble-bpm" for "ble-bps")."""
    for name in (info.name, *aliases):
        PROTOCOLS_BY_NAME[name] = info


register(ProtocolInfo("oem-bp-serial", "blood_pressure", Transport.SERIAL, "drivers.codecs.oem_bp_serial",
                      "OEM oscillometric BP module (CC 80 / AA 80 frames, XOR, 9600 8N1)",
                      _oem_sim, _oem_driver, _decode_oem))
register(ProtocolInfo("ble-bps", "blood_pressure", Transport.BLE, "drivers.codecs.ble_bps",
                      "Bluetooth Blood Pressure Service 0x1810", _ble_sim("drivers.sim.ble_bpm", "BleBpmSimulator"),
                      _ble_driver("drivers.devices.ble_blood_pressure", "BleBloodPressureMonitor"), _decode_bps(),
                      {"2a35": "Blood Pressure Measurement", "2a36": "Intermediate Cuff Pressure",
                       "2a49": "Blood Pressure Feature"}), "ble-bpm")
register(ProtocolInfo("ble-bps-beurer", "blood_pressure", Transport.BLE, "drivers.codecs.ble_bps",
                      "Blood Pressure Service 0x1810, Beurer BM48/BM59/BM85 byte order (big-endian pulse and status, "
                      "user id always sent)", _ble_sim("drivers.sim.ble_bpm", "BeurerBm85Simulator"),
                      _ble_driver("drivers.devices.ble_blood_pressure", "BeurerBleBloodPressureMonitor"),
                      _decode_bps_beurer(),
                      {"2a35": "Blood Pressure Measurement", "2a36": "Intermediate Cuff Pressure",
                       "2a49": "Blood Pressure Feature"}))
register(ProtocolInfo("ble-bps-omron", "blood_pressure", Transport.BLE, "drivers.codecs.ble_bps",
                      "Blood Pressure Service 0x1810, Omron-style: last stored record asked for through RACP 0x2A52",
                      _ble_sim("drivers.sim.ble_bpm", "OmronBlsSimulator"),
                      _ble_driver("drivers.devices.ble_blood_pressure", "OmronBleBloodPressureMonitor"), _decode_bps(),
                      {"2a35": "Blood Pressure Measurement", "2a49": "Blood Pressure Feature"}))
register(ProtocolInfo("ble-weight", "scale", Transport.BLE, "drivers.codecs.ble_weight",
                      "Bluetooth Weight Scale Service 0x181D", _ble_sim("drivers.sim.ble_scale", "BleScaleSimulator"),
                      _ble_driver("drivers.devices.ble_weight_scale", "BleWeightScale"), _decode_weight(),
                      {"2a9d": "Weight Measurement"}), "ble-scale")
register(ProtocolInfo("ble-glucose", "glucometer", Transport.BLE, "drivers.codecs.ble_glucose",
                      "Bluetooth Glucose Service 0x1808 with RACP",
                      _ble_sim("drivers.sim.ble_glucose", "BleGlucoseSimulator"),
                      _ble_driver("drivers.devices.ble_glucometer", "BleGlucometer"), _decode_glucose(),
                      {"2a18": "Glucose Measurement", "2a52": "Record Access Control Point"}))



# DRV-SERIAL's instruments (the station's CRC-16 instrument frame, drivers.codecs.instrument_frame)
def _serial_sim(module: str, cls: str) -> SimulatorFactory:
    def make(speed: float) -> Any:
        return getattr(importlib.import_module(module), cls)(speed=speed)

    return make


def _serial_driver(module: str, cls: str) -> DriverFactory:
    def make(cfg: DeviceConfig, link: Any, book: CalibrationBook | None) -> Device:
        return getattr(importlib.import_module(module), cls)(cfg.name, str(link), baud=cfg.baud, book=book)

    return make


for _name, _kind, _module, _driver, _sim, _what in (
    ("grip-serial", "grip", "grip", "GripDynamometer", "GripSimulator", "load-cell grip dynamometer"),
    ("spirometer-serial", "spirometer", "spirometer", "Spirometer", "SpirometerSimulator", "flow-sensor spirometer"),
    ("vital-capacity-serial", "vital_capacity", "vital_capacity", "VitalCapacityMeter", "VitalCapacitySimulator",
     "vital-capacity meter"),
    ("balance-serial", "balance", "balance_platform", "BalancePlatform", "BalancePlatformSimulator",
     "four-load-cell balance platform"),
    ("sit-and-reach-serial", "sit_and_reach", "sit_and_reach", "SitAndReachMeter", "SitAndReachSimulator",
     "sit-and-reach meter"),
    ("reaction-serial", "reaction_time", "reaction_time", "ReactionTimer", "ReactionBoxSimulator",
     "choice reaction-time box"),
):
    register(ProtocolInfo(_name, _kind, Transport.SERIAL, f"drivers.codecs.{_module}",
                          f"{_what} (station instrument frame, CRC-16)", _serial_sim(f"drivers.sim.{_module}", _sim),
                          _serial_driver(f"drivers.devices.{_module}", _driver),
                          stream_decoder(f"drivers.codecs.{_module}")))

# Blood oxygen, temperature and body composition (issue 13, part A)
def _decode_plx() -> Decoder:
    from drivers.codecs import ble_plx

    return _ble_decoder({"2a5e": ble_plx.decode_spot_check, "2a5f": ble_plx.decode_continuous,
                         "2a60": ble_plx.decode_features}, "2a5f")


def _decode_hts() -> Decoder:
    from drivers.codecs import ble_hts

    return _ble_decoder({"2a1c": ble_hts.decode_temperature_measurement,
                         "2a1e": ble_hts.decode_temperature_measurement}, "2a1c")


def _decode_bcs() -> Decoder:
    from drivers.codecs import ble_bcs

    def ucp(data: bytes) -> Any:  # the analyser's responses start with 0x20, the collector's requests with 1..3
        return ble_bcs.decode_ucp_response(data) if data[:1] == b"\x20" else ble_bcs.decode_ucp_request(data)

    return _ble_decoder({"2a9c": ble_bcs.decode_body_composition, "2a9f": ucp}, "2a9c")


def _decode_mibcs() -> Decoder:
    from drivers.codecs import xiaomi_mibcs

    return _ble_decoder({"181b": xiaomi_mibcs.decode_advert}, "181b")


register(ProtocolInfo("berrymed-bci-serial", "pulse_oximeter", Transport.SERIAL, "drivers.codecs.berrymed_bci",
                      "BerryMed BCI pulse-oximeter module (5-byte packets, 100 Hz, 115200 8N1)",
                      _serial_sim("drivers.sim.oximeter", "BerryMedSimulator"),
                      _serial_driver("drivers.devices.pulse_oximeter", "BerryMedOximeter"),
                      stream_decoder("drivers.codecs.berrymed_bci")), "berrymed-bci")
register(ProtocolInfo("ble-plx", "pulse_oximeter", Transport.BLE, "drivers.codecs.ble_plx",
                      "Bluetooth Pulse Oximeter Service 0x1822", _ble_sim("drivers.sim.oximeter", "BlePlxSimulator"),
                      _ble_driver("drivers.devices.pulse_oximeter", "BlePulseOximeter"), _decode_plx(),
                      {"2a5e": "PLX Spot-Check Measurement", "2a5f": "PLX Continuous Measurement",
                       "2a60": "PLX Features"}))
register(ProtocolInfo("ble-hts", "thermometer", Transport.BLE, "drivers.codecs.ble_hts",
                      "Bluetooth Health Thermometer Service 0x1809",
                      _ble_sim("drivers.sim.ble_thermometer", "BleThermometerSimulator"),
                      _ble_driver("drivers.devices.ble_thermometer", "BleThermometer"), _decode_hts(),
                      {"2a1c": "Temperature Measurement", "2a1e": "Intermediate Temperature"}))
register(ProtocolInfo("ble-bcs", "body_composition", Transport.BLE, "drivers.codecs.ble_bcs",
                      "Bluetooth Body Composition Service 0x181B with User Data Service consent",
                      _ble_sim("drivers.sim.body_composition", "BleBcsSimulator"),
                      _ble_driver("drivers.devices.body_composition", "BleBodyCompositionAnalyser"), _decode_bcs(),
                      {"2a9c": "Body Composition Measurement", "2a9f": "User Control Point"}))
register(ProtocolInfo("tanita-serial", "body_composition", Transport.SERIAL, "drivers.codecs.tanita_serial",
                      "Tanita body-composition analyser RS-232 record (MC-780, BC-418 …; 9600 8N1)",
                      _serial_sim("drivers.sim.body_composition", "TanitaSimulator"),
                      _serial_driver("drivers.devices.body_composition", "TanitaAnalyser"),
                      stream_decoder("drivers.codecs.tanita_serial")))
register(ProtocolInfo("xiaomi-mibcs", "scale", Transport.BLE, "drivers.codecs.xiaomi_mibcs",
                      "Xiaomi Mi Body Composition Scale, heard from its advertisements (0x181B service data; "
                      "weight and impedance, no body fat; no connection)",
                      _ble_sim("drivers.sim.xiaomi_scale", "XiaomiScaleSimulator"),
                      _ble_driver("drivers.devices.xiaomi_scale", "XiaomiBodyCompositionScale"), _decode_mibcs(),
                      {"181b": "service data of the advertisement (not the SIG 0x2A9C format)"},
                      advertised_uuid="0000181b-0000-1000-8000-00805f9b34fb"))

PROTOCOLS: Mapping[str, ProtocolInfo] = MappingProxyType(PROTOCOLS_BY_NAME)


def check_devices(cfg: StationConfig) -> None:
    """Every configured device names a known protocol of its kind on its transport; ConfigError naming the key."""
    for i, d in enumerate(cfg.devices):
        key = f"devices[{i}].protocol"
        info = PROTOCOLS.get(d.protocol)
        if info is None:
            kinds = sorted(n for n, p in PROTOCOLS.items() if p.kind == d.kind)
            raise ConfigError(f"device {d.name!r}: unknown protocol {d.protocol!r}; for kind {d.kind!r} the known "
                              f"protocols are {', '.join(kinds) or 'none'}", path=cfg.source, key=key)
        if info.kind != d.kind:
            raise ConfigError(f"device {d.name!r}: protocol {d.protocol!r} is for kind {info.kind!r}, not {d.kind!r}",
                              path=cfg.source, key=key)
        if info.transport is not d.transport:
            raise ConfigError(f"device {d.name!r}: protocol {d.protocol!r} runs over transport "
                              f"{info.transport.value!r}; set transport = \"{info.transport.value}\"",
                              path=cfg.source, key=f"devices[{i}].transport")


def protocol(name: str) -> ProtocolInfo:
    """The entry for ``name``, or a ConfigError listing the known protocols."""
    try:
        return PROTOCOLS[name]
    except KeyError:
        raise ConfigError(f"unknown device protocol {name!r}; known: {', '.join(sorted(PROTOCOLS))}",
                          key="devices.protocol") from None


# ---- Linux input devices (evdev) -------------------------------------------------------------------------


def input_decoder(codec_path: str) -> Decoder:
    """A decoder for raw ``struct input_event`` bytes (24 bytes each): the events, then what the codec makes of them."""

    def decode(data: bytes, _characteristic: str | None) -> list[Any]:
        from drivers.transport.evdev_input import decode_input_events

        try:
            events = decode_input_events(data)
        except CodecError as e:
            return [e]
        codec = importlib.import_module(codec_path)
        return [*events, *codec.decode_events(events)]

    return decode


def _input_sim(module: str, cls: str) -> SimulatorFactory:
    def make(speed: float) -> Any:
        return getattr(importlib.import_module(module), cls)(speed=speed)

    return make


def _input_driver(module: str, cls: str) -> DriverFactory:
    def make(cfg: DeviceConfig, link: Any, book: CalibrationBook | None) -> Device:
        return getattr(importlib.import_module(module), cls)(cfg.name, link, book)

    return make


register(ProtocolInfo("wii-balance-board-evdev", "balance", Transport.INPUT, "drivers.codecs.wii_balance_board",
                      "Wii Balance Board via Linux hid-wiimote (evdev ABS_HAT0X..ABS_HAT1Y, 10 g units)",
                      _input_sim("drivers.sim.wii_balance_board", "WiiBalanceBoardSimulator"),
                      _input_driver("drivers.devices.wii_balance_board", "WiiBalanceBoard"),
                      input_decoder("drivers.codecs.wii_balance_board")))


# ---- Vernier Go Direct (BLE) ------------------------------------------------------------------------------


def _decode_godirect() -> Decoder:
    def decode(data: bytes, _characteristic: str | None) -> list[Any]:
        from drivers.codecs import godirect

        return list(godirect.PacketAssembler().feed(data))

    return decode


def _decode_godirect_usb(data: bytes, _characteristic: str | None) -> list[Any]:
    """64-byte USB HID reports (as read from /dev/hidrawN), joined into packets."""
    from drivers.codecs import godirect

    if len(data) % godirect.USB_REPORT:
        return [CodecError(f"{len(data)} bytes are not whole {godirect.USB_REPORT}-byte USB reports")]
    assembler = godirect.PacketAssembler()
    return [m for i in range(0, len(data), godirect.USB_REPORT)
            for m in assembler.feed_usb_report(data[i:i + godirect.USB_REPORT])]


for _name, _kind, _driver, _sim, _what in (
    ("godirect-grip", "grip", "GoDirectGrip", "GdxHandDynamometerSimulator", "Vernier GDX-HD hand dynamometer"),
    ("godirect-spirometer", "spirometer", "GoDirectSpirometer", "GdxSpirometerSimulator", "Vernier GDX-SPR spirometer"),
):
    register(ProtocolInfo(f"{_name}-usb", _kind, Transport.HID, "drivers.codecs.godirect",
                          f"{_what} (Go Direct protocol over USB HID, /dev/hidraw)",
                          _ble_sim("drivers.sim.godirect", _sim), _ble_driver("drivers.devices.godirect", _driver),
                          _decode_godirect_usb))
    register(ProtocolInfo(_name, _kind, Transport.BLE, "drivers.codecs.godirect",
                          f"{_what} (Go Direct protocol over BLE)", _ble_sim("drivers.sim.godirect", _sim),
                          _ble_driver("drivers.devices.godirect", _driver), _decode_godirect(),
                          {"b41e6675": "Go Direct response/measurement packets (one whole packet per value)",
                           "f4bf14a6": "Go Direct command packets"}))


def _decode_tindeq() -> Decoder:
    from drivers.codecs import tindeq

    return _ble_decoder({"7e4e1702": tindeq.decode_data_point, "7e4e1703": tindeq.decode_command}, "7e4e1702")


register(ProtocolInfo("tindeq-progressor", "grip", Transport.BLE, "drivers.codecs.tindeq",
                      "Tindeq Progressor BLE force gauge (published TLV API)",
                      _ble_sim("drivers.sim.tindeq", "TindeqProgressorSimulator"),
                      _ble_driver("drivers.devices.tindeq", "TindeqProgressor"), _decode_tindeq(),
                      {"7e4e1702": "data point (weight samples, command responses)",
                       "7e4e1703": "control point (commands)"}))


# ---- bought reaction boxes ---------------------------------------------------------------------------------


def _decode_xid(data: bytes, _characteristic: str | None) -> list[Any]:
    from drivers.codecs import cedrus_xid

    return list(cedrus_xid.KeyPacketReader().feed(data))


def _xid_driver(cfg: DeviceConfig, link: Any, book: CalibrationBook | None) -> Device:
    from drivers.devices.reaction_boxes import CedrusXidReactionBox, XidPort

    return CedrusXidReactionBox(cfg.name, XidPort(str(link), cfg.baud, device_id=cfg.name), book)  # type: ignore[arg-type]


register(ProtocolInfo("cedrus-xid", "reaction_time", Transport.SERIAL, "drivers.codecs.cedrus_xid",
                      "Cedrus XID response pad (RB-x30/x40, Riponda): 'k' key packets timed by the pad",
                      _serial_sim("drivers.sim.reaction_boxes", "CedrusXidSimulator"), _xid_driver, _decode_xid))
register(ProtocolInfo("button-box-evdev", "reaction_time", Transport.INPUT, "drivers.codecs.button_box_evdev",
                      "USB HID button box through evdev (presses timed by the kernel)",
                      _input_sim("drivers.sim.reaction_boxes", "ButtonBoxSimulator"),
                      _input_driver("drivers.devices.reaction_boxes", "EvdevButtonBox"),
                      input_decoder("drivers.codecs.button_box_evdev")))
