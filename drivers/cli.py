"""The drivers' subcommands: ``kiosk devices [probe NAME]``, ``kiosk simulate`` and ``kiosk decode PROTOCOL HEX…``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import enum
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from drivers.base import CalibrationBook, CodecError
from drivers.registry import PROTOCOLS, protocol
from kiosk.config import StationConfig, Transport
from kiosk.errors import KioskError


def register(sub: Any) -> None:
    devices = sub.add_parser("devices", help="list the configured devices and their states; probe one",
                             description="Start the configured devices (simulators where simulate = true), "
                                         "wait for them to connect and list their states.")
    devices.add_argument("--wait", type=float, default=4.0, metavar="S", help="seconds to wait for connections")
    devices.add_argument("--json", action="store_true", help="print JSON instead of a table")
    devices.set_defaults(func=_devices)
    dsub = devices.add_subparsers(dest="devices_command", metavar="SUBCOMMAND")
    probe = dsub.add_parser("probe", help="connect to one device now and report what was found; without NAME, "
                                          "list what is attached and suggest station-file entries",
                            description="With NAME: connect to that configured device and report what it says "
                                        "(protocol, firmware, sensors). Without: look at the input devices, USB "
                                        "devices, serial ports and (when a Bluetooth adapter is reachable) BLE "
                                        "advertisements, without writing to any device, and print the "
                                        "[[devices]] entries they suggest.")
    probe.add_argument("name", nargs="?", help="the device's name in the station configuration")
    probe.add_argument("--ble-seconds", type=float, default=5.0, metavar="S",
                       help="how long to listen for BLE advertisements (0: no scan)")
    probe.add_argument("--json", action="store_true", help="print JSON instead of station-file entries")
    probe.set_defaults(func=_probe)
    measure = dsub.add_parser("measure", help="run one measurement on a device and print its events as JSON lines",
                              description="The calibration lock-out applies: a locked device is refused.")
    measure.add_argument("name", help="the device's name in the station configuration")
    measure.add_argument("--speed", type=_positive, default=1.0, help="simulator speed (simulated devices only)")
    measure.set_defaults(func=_measure)
    from drivers.cli_calibrate import add_parser as add_calibrate

    add_calibrate(dsub)

    simulate = sub.add_parser("simulate", help="run the configured devices' simulators until Ctrl-C",
                              description="Serial simulators listen on pseudo-terminals (paths printed, stable "
                                          "symlinks under DATA_DIR/sim); BLE simulators are in-process fake peers "
                                          "that only this process can reach.")
    simulate.add_argument("--speed", type=_positive, default=1.0, help="simulated seconds per real second")
    simulate.add_argument("--only", action="append", metavar="NAME", help="simulate only these devices")
    simulate.add_argument("--duration", type=_positive, default=None, metavar="S", help="stop after S seconds")
    simulate.set_defaults(func=_simulate)

    decode = sub.add_parser("decode", help="decode captured frames and print them as JSON",
                            description="Serial protocols: the HEX arguments form one byte stream; input-device "
                                        "(evdev) protocols likewise, as raw 24-byte struct input_event records (what "
                                        "/dev/input/eventN gives). BLE protocols: "
                                        "each HEX argument is one characteristic value (see --char). "
                                        f"Protocols: {', '.join(sorted(PROTOCOLS))}.")
    decode.add_argument("protocol", help="protocol name, e.g. ble-bps (alias ble-bpm) or oem-bp-serial")
    decode.add_argument("hex", nargs="+", help="bytes in hex; spaces, colons and 0x prefixes are ignored; for an "
                                               "input-device protocol, @FILE reads evtest's text output instead")
    decode.add_argument("--char", default=None, metavar="UUID16",
                        help="BLE characteristic the values came from (e.g. 2a36); default: the measurement")
    decode.set_defaults(func=_decode)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number")
    return value


# ---- decode ---------------------------------------------------------------------------------------------


def parse_hex(text: str) -> bytes:
    """Bytes from a technician's hex ("1E 78 00", "1e:78:00", "0x1E7800"); KioskError naming the bad part."""
    cleaned = text.replace(" ", "").replace(":", "").replace("-", "").replace("0x", "").replace("0X", "")
    try:
        return bytes.fromhex(cleaned)
    except ValueError:
        raise KioskError(f"{text!r} is not hexadecimal bytes (expected pairs of 0-9/A-F digits)") from None


def as_json(value: Any) -> Any:
    """A decoded message as plain JSON data, naming each field (and its type under "type")."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {"type": type(value).__name__}
        out.update({f.name: as_json(getattr(value, f.name)) for f in dataclasses.fields(value)})
        info = getattr(value, "info", None)  # OEM error frames: name the error and what the resident is told
        if dataclasses.is_dataclass(info):
            out["error"] = {"name": info.name, "meaning": info.technician_text,
                            "resident_message": info.resident_message}
        return out
    if isinstance(value, enum.Enum):
        return value.name.lower() if isinstance(value, enum.IntEnum) else value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(as_json(v) for v in value)
    if isinstance(value, tuple | list):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.hex(" ").upper()
    return value


def _decode(args: argparse.Namespace) -> int:
    info = protocol(args.protocol)
    chunks = [_evtest_file(h[1:], info.name, info.transport) if h.startswith("@") else parse_hex(h)
              for h in args.hex]
    if not any(chunks):
        print(f"kiosk decode: no bytes given to decode as {info.name}", file=sys.stderr)
        return 1
    items: list[Any] = []
    if info.transport is not Transport.BLE:  # serial and input-event streams: one byte stream
        items = info.decode(b"".join(chunks), None)
    else:
        for chunk in chunks:
            items += info.decode(chunk, args.char)
    errors = [i for i in items if isinstance(i, CodecError)]
    out = [{"codec_error": str(i)} if isinstance(i, CodecError) else as_json(i) for i in items]
    print(json.dumps({"protocol": info.name, "frames": out}, indent=2, ensure_ascii=False))
    for e in errors:
        print(f"kiosk decode: codec error: {e}", file=sys.stderr)
    if not items:
        print(f"kiosk decode: no complete {info.name} frame in {sum(map(len, chunks))} byte(s)", file=sys.stderr)
    return 1 if errors or not items else 0


def _evtest_file(path: str, name: str, transport: Transport) -> bytes:
    """The events of an evtest text capture, as the struct input_event bytes an input protocol decodes."""
    if transport is not Transport.INPUT:
        raise KioskError(f"@FILE (evtest text) is for input-device protocols; {name} runs over {transport.value}")
    from drivers.transport.evdev_input import encode_input_events, parse_evtest

    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise KioskError(f"cannot read {path}: {e}") from None
    return encode_input_events(parse_evtest(text))


# ---- devices ---------------------------------------------------------------------------------------------


def _station(args: argparse.Namespace) -> StationConfig:
    from kiosk.cli import station_config

    return station_config(args)


def _open_book(cfg: StationConfig) -> tuple[CalibrationBook | None, Any, str]:
    """The station's calibration book (its store), or None with the reason it could not be opened.

    No database at all is an error, not a note: a mistyped data folder must not pass unnoticed, and
    only `kiosk db init` creates the database."""
    from kiosk.storage.errors import DatabaseMissing

    try:
        from kiosk.storage import Create, open_store

        store = open_store(cfg, create=Create.NEVER)
        return store, store, ""
    except DatabaseMissing:
        raise
    except (ImportError, KioskError, OSError) as e:
        return None, None, f"calibration not checked: the station store could not be opened ({e})"


async def _with_manager(cfg: StationConfig, only: tuple[str, ...] | None, wait_s: float, probe: str | None) -> Any:
    from drivers.manager import DeviceManager

    book, store, note = _open_book(cfg)
    try:
        async with DeviceManager(cfg, book, only=only) as manager:
            if probe is not None:
                return await manager.probe(probe), note
            await manager.wait_until_settled(wait_s)
            rows = [{"name": m.config.name, "kind": m.config.kind, "protocol": m.config.protocol,
                     "state": m.state.value, "where": m.listens_on, "simulated": m.config.simulate,
                     "detail": m.locked_reason or m.last_error} for m in manager.devices.values()]
            return rows, note
    finally:
        if store is not None:
            store.close()


def _devices(args: argparse.Namespace) -> int:
    cfg = _station(args)
    if not cfg.devices:
        print("no devices are configured")
        return 0
    rows, note = asyncio.run(_with_manager(cfg, None, args.wait, None))
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        print(f"{'NAME':<14}{'KIND':<16}{'PROTOCOL':<26}{'STATE':<12}WHERE")
        for r in rows:
            sim = " [simulated]" if r["simulated"] else ""
            print(f"{r['name']:<14}{r['kind']:<16}{r['protocol']:<26}{r['state']:<12}{r['where']}{sim}")
            if r["detail"]:
                print(f"{'':<14}{r['detail']}")
    if note:
        print(note, file=sys.stderr)
    return 0


def _discover(args: argparse.Namespace) -> int:
    from drivers.discovery import look, suggest

    found, notes = asyncio.run(look(args.ble_seconds))
    suggestions = suggest(found)
    if args.json:
        print(json.dumps({"found": as_json(found), "suggestions": as_json(suggestions), "notes": notes}, indent=2,
                         ensure_ascii=False))
    else:
        print(f"# {len(found)} attached thing(s) looked at; {len(suggestions)} recognised")
        for i, s in enumerate(suggestions, 1):
            print(f"\n# {s.found.bus} {s.found.name!r} at {s.found.where}: {s.note}")
            print(s.toml(f"{s.kind or 'device'}{i}") if s.protocol else "# (no station protocol fits)")
    for note in notes:
        print(f"kiosk devices probe: {note}", file=sys.stderr)
    return 0


def _probe(args: argparse.Namespace) -> int:
    if args.name is None:
        return _discover(args)
    cfg = _station(args)
    cfg.device(args.name)  # ConfigError naming the configured devices if unknown
    report, note = asyncio.run(_with_manager(cfg, (args.name,), 0, args.name))
    print(json.dumps(as_json(report), indent=2, ensure_ascii=False))
    if note:
        print(note, file=sys.stderr)
    return 0 if "error" not in report else 1


async def _measure_once(cfg: StationConfig, name: str, speed: float) -> int:
    from drivers.base import DeviceState, DriverError
    from drivers.manager import DeviceManager

    book, store, note = _open_book(cfg)
    if note:
        print(note, file=sys.stderr)
    try:
        async with DeviceManager(cfg, book, only=(name,), sim_speed=speed) as manager:
            await manager.wait_until_settled(10.0)
            managed = manager.device(name)
            if managed.state is DeviceState.ABSENT:
                print(f"kiosk: {name} is not connected: {managed.last_error}", file=sys.stderr)
                return 1
            try:
                async for event in manager.measure(name):
                    print(json.dumps(as_json(event), ensure_ascii=False), flush=True)
            except DriverError as e:
                print(json.dumps({"error": type(e).__name__, "detail": str(e),
                                  "resident_message": e.resident_message}, ensure_ascii=False), flush=True)
                return 1
            return 0
    finally:
        if store is not None:
            store.close()


def _measure(args: argparse.Namespace) -> int:
    cfg = _station(args)
    cfg.device(args.name)
    return asyncio.run(_measure_once(cfg, args.name, args.speed))


# ---- simulate --------------------------------------------------------------------------------------------


async def _run_simulators(cfg: StationConfig, speed: float, only: list[str] | None, duration: float | None) -> int:
    from drivers.ble.gatt import FakeGattPeer
    from drivers.sim.pty import PtyHost

    link_dir = Path(cfg.data_dir) / "sim"
    link_dir.mkdir(parents=True, exist_ok=True)
    hosts: list[PtyHost] = []
    try:
        for dcfg in cfg.devices:
            if only and dcfg.name not in only:
                continue
            info = protocol(dcfg.protocol)
            simulator = info.simulator(speed)
            if info.transport is Transport.SERIAL:
                host = PtyHost(simulator, name=dcfg.name, link_path=link_dir / f"{dcfg.name}.tty").start()
                hosts.append(host)
                print(f"{dcfg.name:<14}{dcfg.protocol:<22}serial  {host.port_path} -> {host.slave_path} "
                      f"({dcfg.baud or 'the protocol default'} baud, 8N1)", flush=True)
            elif info.transport in (Transport.INPUT, Transport.HID):
                print(f"{dcfg.name:<14}{dcfg.protocol:<22}{info.transport.value:<8}{simulator.name}: in-process, "
                      "reachable only from this process (the kiosk with simulate = true runs its own)", flush=True)
            elif info.advertised_uuid is not None:
                print(f"{dcfg.name:<14}{dcfg.protocol:<22}BLE     {simulator.name}: an in-process fake advertiser, "
                      "reachable only from this process (the kiosk with simulate = true runs its own)", flush=True)
            else:
                peer = FakeGattPeer(simulator, device_id=dcfg.name)
                print(f"{dcfg.name:<14}{dcfg.protocol:<22}BLE     {peer.address}: an in-process fake GATT peer, "
                      "reachable only from this process (the kiosk with simulate = true runs its own)", flush=True)
        if not hosts:
            print("no serial simulators to run", flush=True)
            return 0
        _watch_stdin({h.name: h for h in hosts})
        print("simulators running; type 'NAME FAULT' + Enter to inject a fault (e.g. 'bp cuff_loose', "
              "'bp disconnect', then 'bp replug'); Ctrl-C to stop", flush=True)
        if duration is None:
            await asyncio.Event().wait()
        else:
            await asyncio.sleep(duration)
        return 0
    finally:
        for host in hosts:
            host.stop()


def _watch_stdin(hosts: dict[str, Any]) -> None:
    """Read 'NAME FAULT' lines from standard input and inject them (when there is a readable stdin)."""
    loop = asyncio.get_running_loop()
    try:
        fd = sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):
        return  # no usable stdin (tests, daemons): faults come from nowhere else

    def on_line() -> None:
        line = sys.stdin.readline()
        if not line:
            loop.remove_reader(fd)
            return
        parts = line.split()
        if len(parts) != 2 or parts[0] not in hosts:
            print(f"expected 'NAME FAULT' with NAME one of {', '.join(sorted(hosts))}", flush=True)
            return
        host = hosts[parts[0]]
        try:
            if parts[1] == "replug":
                host.replug()
            else:
                host.inject(parts[1])
            print(f"{parts[0]}: {parts[1]} done; listening on {host.port_path}", flush=True)
        except ValueError as e:
            print(str(e), flush=True)

    try:
        loop.add_reader(fd, on_line)
    except (OSError, ValueError, NotImplementedError):
        return


def _simulate(args: argparse.Namespace) -> int:
    cfg = _station(args)
    if args.only:
        for name in args.only:
            cfg.device(name)
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(_run_simulators(cfg, args.speed, args.only, args.duration))
    print("simulators stopped")
    return 0
