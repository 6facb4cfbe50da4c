"""Station configuration: one TOML file read once, at start, into typed objects.

With no file, the defaults describe a demo station on simulated devices. Errors name the file,
the key and what was expected. Nothing else in the code base reads configuration files or the
environment.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import math
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.config_rules import (
    config_warnings,
    has_credentials,
    rule_for,
    secure_or_loopback,
)
from kiosk.errors import ConfigError

log = logging.getLogger("kiosk.config")

# The device protocols drivers/registry.py implements (kiosk may not import drivers; a test keeps the two equal).
KNOWN_PROTOCOLS = ("balance-serial", "berrymed-bci", "berrymed-bci-serial", "ble-bcs", "ble-bpm", "ble-bps",
                   "ble-bps-beurer", "ble-bps-omron", "ble-glucose", "ble-hts", "ble-plx", "ble-scale",
                   "ble-weight", "button-box-evdev", "cedrus-xid", "godirect-grip", "godirect-grip-usb",
                   "godirect-spirometer", "godirect-spirometer-usb", "grip-serial", "oem-bp-serial",
                   "reaction-serial", "sit-and-reach-serial", "spirometer-serial", "tanita-serial",
                   "tindeq-progressor", "vital-capacity-serial", "wii-balance-board-evdev", "xiaomi-mibcs")

DEVICE_KINDS = ("blood_pressure", "grip", "spirometer", "vital_capacity", "balance", "scale", "glucometer",
                "sit_and_reach", "reaction_time", "height", "pulse_oximeter", "thermometer", "body_composition")


class Transport(enum.StrEnum):
    SERIAL = "serial"
    BLE = "ble"
    INPUT = "input"  # a Linux input device (evdev); ``port`` = its /dev/input/event* path or its kernel name
    HID = "hid"  # a USB HID device through Linux hidraw; ``port`` = its /dev/hidraw* path


class StorageEncryption(enum.StrEnum):
    SQLCIPHER = "sqlcipher"
    NONE = "none"  # demo and tests only; the log says so loudly


class SyncAuth(enum.StrEnum):
    NONE = "none"  # test endpoints only
    OAUTH2 = "oauth2"
    MTLS = "mtls"


class IdentityMode(enum.StrEnum):
    NATIONAL_ID = "national_id"
    PSEUDONYM = "pseudonym"  # keyed hash of the national id or phone


@dataclass(frozen=True)
class DeviceConfig:
    name: str
    kind: str
    protocol: str
    transport: Transport = Transport.SERIAL
    port: str | None = None  # serial device path
    baud: int | None = None  # None: the protocol's own rate (9600 for the OEM BP module, 115200 for some)
    address: str | None = None  # BLE address
    simulate: bool = False  # start this protocol's simulator and connect the real driver to it
    calibration_days: int = 30


@dataclass(frozen=True)
class CameraCourse:
    """The walking course as the station camera sees it, entered once by a technician (``kiosk vision course
    set``): the image x of the start and finish lines (floor markers seen from the side), in pixels of a picture
    ``image_width_px`` wide, and the distance between them in metres (4 m for the SPPB gait speed)."""

    start_x_px: float
    finish_x_px: float
    image_width_px: int
    distance_m: float = 4.0

    @property
    def start_x(self) -> float:
        """The start line as a fraction of the picture's width (what the gait-speed analyser takes)."""
        return self.start_x_px / self.image_width_px

    @property
    def finish_x(self) -> float:
        return self.finish_x_px / self.image_width_px


def course_problem(course: CameraCourse) -> tuple[str, str] | None:
    """What is wrong with a course (the key and what was expected), or None when it can be used."""
    w = course.image_width_px
    if not 32 <= w <= 8192:
        return "image_width_px", "a picture width of 32 to 8192 pixels"
    for key, x in (("start_x_px", course.start_x_px), ("finish_x_px", course.finish_x_px)):
        if not (x == x and 0 <= x <= w):  # x == x: not NaN
            return key, f"a line position within the picture, 0 to {w} pixels"
    if abs(course.finish_x_px - course.start_x_px) < 0.2 * w:
        return "finish_x_px", "the finish line at least a fifth of the picture's width from the start line"
    if not 1.0 <= course.distance_m <= 10.0:
        return "distance_m", "a course of 1 to 10 metres (4 m for the SPPB)"
    return None


@dataclass(frozen=True)
class CameraConfig:
    source: str = ""  # V4L2 index ("0"), a video file, or an rtsp:// URL; "" = no camera
    loop: bool = True
    width: int = 640
    height: int = 480
    fps: int = 30
    evidence_stills_max: int = 40  # stills kept per camera test for the doctor (with camera consent); 0 = none
    course: CameraCourse | None = None  # [camera.course]: the gait-speed course; None = not calibrated yet


@dataclass(frozen=True)
class StorageConfig:
    encryption: StorageEncryption = StorageEncryption.SQLCIPHER
    key_file: str = "station.key"  # relative to data_dir's parent unless absolute; must be mode 0600
    retention_days: int = 30  # personal data of acknowledged sessions is purged after this


@dataclass(frozen=True)
class SyncConfig:
    endpoint: str = ""  # FHIR base URL; "" = sync off
    auth: SyncAuth = SyncAuth.OAUTH2
    token_url: str = ""
    client_id: str = ""
    client_secret_file: str = ""
    ca_bundle: str = ""  # "" = the system's trust store; verification is never turned off
    client_cert: str = ""
    client_key: str = ""
    identity: IdentityMode = IdentityMode.PSEUDONYM
    pseudonym_key_file: str = ""
    batch_max_count: int = 200
    batch_max_bytes: int = 1_000_000
    batch_max_age_s: float = 30.0
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 30.0
    send_every_trial: bool = True
    send_evidence_stills: bool = False  # camera stills stay on the station; sending them is not built yet
    retry_base_delay_s: float = 1.0  # upload backoff: full jitter, doubling from this …
    retry_max_delay_s: float = 300.0  # … up to this cap
    retry_after_max_s: float = 3600.0  # a server's Retry-After is honoured up to this
    quarantine_after_5xx: int = 5  # a batch meeting 500 (not 502/503/504) this many times in a row is quarantined
    gzip: bool = True  # gzip request bodies; a server that refuses them gets plain JSON anyway (remembered)


@dataclass(frozen=True)
class UiConfig:
    """The touch screen: how it presents itself, speaks, prints and times out."""

    fullscreen: bool = True  # kiosk mode; staff leave it with the exit gesture and a PIN
    language: str = "zh"  # the language each new session starts in
    voice: bool = True  # voice guidance on at the start of each session (residents can turn it off)
    tts_engine: str = ""  # QtTextToSpeech engine; "" = the platform's (speech-dispatcher on Linux), "mock" in tests
    idle_warning_s: int = 20  # the on-screen warning shows this long before an idle session closes
    printer: str = ""  # CUPS printer name; "" = the system default; "none" = save the PDF only
    reports_dir: str = "reports"  # saved report PDFs, relative to data_dir unless absolute
    report_url: str = ""  # the report QR opens this URL with the token appended; "" = the bare token


@dataclass(frozen=True)
class MetricsConfig:
    """The fleet metrics endpoint (OpenMetrics for the district's Prometheus); off unless ``listen`` is set."""

    listen: str = ""  # HOST:PORT to serve /metrics on, e.g. "127.0.0.1:9464"; "" = off
    refresh_s: float = 15.0  # how often the station recomputes the figures a scrape shows


@dataclass(frozen=True)
class StationConfig:
    station_id: str = "demo-station-001"
    site: str = "Demo community health station"
    languages: tuple[str, ...] = ("zh", "en")
    idle_timeout_s: int = 90
    data_dir: str = "var"
    norm_packs: tuple[str, ...] = ("cn-2003-adult", "clinical-cutoffs", "older-adult-screening", "sft-normal-range",
                                   "sft-fitness-standards", "sppb", "ewgsop2-sarcopenia")
    devices: tuple[DeviceConfig, ...] = ()
    camera: CameraConfig = field(default_factory=CameraConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    sync: SyncConfig = field(default_factory=SyncConfig)
    ui: UiConfig = field(default_factory=UiConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    source: str = "<defaults>"  # where this configuration came from

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    def device(self, name: str) -> DeviceConfig:
        for d in self.devices:
            if d.name == name:
                return d
        raise ConfigError(f"no device named {name!r}; configured: {', '.join(d.name for d in self.devices)}",
                          path=self.source, key="devices")


DEMO_DEVICES = (
    DeviceConfig("bp", "blood_pressure", "oem-bp-serial", simulate=True),
    DeviceConfig("scale", "scale", "ble-weight", transport=Transport.BLE, simulate=True),
    DeviceConfig("grip", "grip", "grip-serial", simulate=True),
    DeviceConfig("vital_capacity", "vital_capacity", "vital-capacity-serial", simulate=True),
    DeviceConfig("spirometer", "spirometer", "spirometer-serial", simulate=True),
    DeviceConfig("balance", "balance", "balance-serial", simulate=True),
    DeviceConfig("sit_and_reach", "sit_and_reach", "sit-and-reach-serial", simulate=True),
    DeviceConfig("reaction", "reaction_time", "reaction-serial", simulate=True),
    DeviceConfig("oximeter", "pulse_oximeter", "berrymed-bci-serial", simulate=True),
    DeviceConfig("thermometer", "thermometer", "ble-hts", transport=Transport.BLE, simulate=True),
    DeviceConfig("body_composition", "body_composition", "ble-bcs", transport=Transport.BLE, simulate=True),
)


# The demo station on simulators of bought devices' public protocols (``kiosk demo --real-protocols``): a Vernier
# GDX-HD and GDX-SPR (Go Direct over BLE), a Wii Balance Board (hid-wiimote/evdev), a USB HID button box (evdev),
# a Xiaomi body-composition scale (its advertisements); the BP module, vital-capacity meter and sit-and-reach
# meter keep the station's serial protocols (the SIG blood-pressure profile has no manometer mode for the
# static-pressure check).
REAL_PROTOCOL_DEMO_DEVICES = (
    DeviceConfig("bp", "blood_pressure", "oem-bp-serial", simulate=True),
    DeviceConfig("scale", "scale", "xiaomi-mibcs", transport=Transport.BLE, simulate=True),
    DeviceConfig("grip", "grip", "godirect-grip", transport=Transport.BLE, simulate=True),
    DeviceConfig("vital_capacity", "vital_capacity", "vital-capacity-serial", simulate=True),
    DeviceConfig("spirometer", "spirometer", "godirect-spirometer", transport=Transport.BLE, simulate=True),
    DeviceConfig("balance", "balance", "wii-balance-board-evdev", transport=Transport.INPUT, simulate=True),
    DeviceConfig("sit_and_reach", "sit_and_reach", "sit-and-reach-serial", simulate=True),
    DeviceConfig("reaction", "reaction_time", "button-box-evdev", transport=Transport.INPUT, simulate=True),
    DeviceConfig("oximeter", "pulse_oximeter", "berrymed-bci-serial", simulate=True),
    DeviceConfig("thermometer", "thermometer", "ble-hts", transport=Transport.BLE, simulate=True),
    DeviceConfig("body_composition", "body_composition", "ble-bcs", transport=Transport.BLE, simulate=True),
)


def demo_config(data_dir: str = "var", *, devices: tuple[DeviceConfig, ...] = DEMO_DEVICES) -> StationConfig:
    """The demo station: every device simulated, plain SQLite, sync off."""
    return StationConfig(data_dir=data_dir, devices=devices,
                         storage=StorageConfig(encryption=StorageEncryption.NONE))


# ---- reading and validating -------------------------------------------------------------------

_TOP_SECTIONS = {"station", "storage", "norms", "devices", "camera", "sync", "ui", "metrics"}
_NORMS_KEYS = {"packs"}


def load_config(path: str | Path | None) -> StationConfig:
    """Read and validate a station file; ``None`` gives the demo defaults."""
    if path is None:
        return demo_config()
    p = Path(path)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("file not found", path=str(p)) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"not valid TOML: {e}", path=str(p)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read: {e}", path=str(p)) from None
    except RecursionError:
        raise ConfigError("arrays or tables are nested too deeply to be a station file", path=str(p)) from None
    cfg = parse_config(raw, source=str(p))
    for warning in config_warnings(cfg):
        log.warning("%s: %s", p, warning)
    return cfg


def parse_config(raw: Mapping[str, Any], *, source: str = "<memory>") -> StationConfig:
    """Validate plain data (as read from TOML) into a StationConfig; ConfigError naming the key otherwise."""
    try:
        return _parse_config(raw, source)
    except RecursionError:
        raise ConfigError("arrays or tables are nested too deeply to be a station file", path=source) from None


def _parse_config(raw: Mapping[str, Any], source: str) -> StationConfig:
    unknown = set(raw) - _TOP_SECTIONS
    if unknown:
        raise ConfigError(f"unknown section(s) {sorted(unknown)}; expected some of {sorted(_TOP_SECTIONS)}",
                          path=source, key=sorted(unknown)[0])
    station = dict(_table(raw, "station", source))
    if "id" in station:
        station["station_id"] = station.pop("id")
    norms = _table(raw, "norms", source)
    for key in norms:
        if key not in _NORMS_KEYS:
            raise ConfigError(f"unknown key; expected one of {', '.join(sorted(_NORMS_KEYS))}", path=source,
                              key=f"norms.{key}")
    if "packs" in norms:
        station["norm_packs"] = list(_coerce(norms["packs"], tuple[str, ...], source, "norms.packs"))
    devices_raw = raw.get("devices", [])
    if not isinstance(devices_raw, list):
        raise ConfigError("expected an array of tables [[devices]]", path=source, key="devices")
    devices = tuple(_build(DeviceConfig, d, source, f"devices[{i}]") for i, d in enumerate(devices_raw))
    names = [d.name for d in devices]
    for d_i, d in enumerate(devices):
        if d.name in names[:d_i]:
            raise ConfigError(f"device name {d.name!r} is used twice", path=source, key=f"devices[{d_i}].name")
        if d.kind not in DEVICE_KINDS:
            raise ConfigError(f"unknown kind {d.kind!r}; expected one of {', '.join(DEVICE_KINDS)}",
                              path=source, key=f"devices[{d_i}].kind")
        if not d.simulate and d.transport is Transport.SERIAL and not d.port:
            raise ConfigError("a serial device needs a port (or simulate = true)", path=source,
                              key=f"devices[{d_i}].port")
        if not d.simulate and d.transport is Transport.HID and not d.port:
            raise ConfigError("a USB HID device needs a port: its /dev/hidraw* path (or simulate = true)",
                              path=source, key=f"devices[{d_i}].port")
        if not d.simulate and d.transport is Transport.INPUT and not d.port:
            raise ConfigError("an input device needs a port: its /dev/input/event* path or its kernel name "
                              "(or simulate = true)", path=source, key=f"devices[{d_i}].port")
        if not d.simulate and d.transport is Transport.BLE and not d.address:
            raise ConfigError("a BLE device needs an address (or simulate = true)", path=source,
                              key=f"devices[{d_i}].address")
    for d_i, d in enumerate(devices):
        if d.protocol not in KNOWN_PROTOCOLS:
            raise ConfigError(f"unknown protocol {d.protocol!r}; expected one of {', '.join(KNOWN_PROTOCOLS)}",
                              path=source, key=f"devices[{d_i}].protocol")
    cfg = _build(StationConfig, station, source, "station",
                 extra={"devices": devices,
                        "camera": _camera(_table(raw, "camera", source), source),
                        "storage": _build(StorageConfig, _table(raw, "storage", source), source, "storage"),
                        "sync": _build(SyncConfig, _table(raw, "sync", source), source, "sync"),
                        "ui": _build(UiConfig, _table(raw, "ui", source), source, "ui"),
                        "metrics": _build(MetricsConfig, _table(raw, "metrics", source), source, "metrics"),
                        "source": source})
    _check_ranges(cfg, source)
    _check_norm_packs(cfg, source)
    return cfg


def _check_norm_packs(cfg: StationConfig, source: str) -> None:
    from kiosk.errors import NormPackError
    from kiosk.norms import find_pack

    for i, name in enumerate(cfg.norm_packs):
        try:
            find_pack(name)
        except NormPackError as e:
            raise ConfigError(str(e).split(": ", 1)[-1] if str(e).startswith(name) else str(e), path=source,
                              key=f"norms.packs[{i}]") from None


def _camera(table: Mapping[str, Any], source: str) -> CameraConfig:
    """[camera] with its optional [camera.course] table, validated."""
    values = dict(table)
    course_raw = values.pop("course", None)
    course = None
    if course_raw is not None:
        course = _build(CameraCourse, _table({"course": course_raw}, "course", source), source, "camera.course")
        problem = course_problem(course)
        if problem is not None:
            raise ConfigError(f"expected {problem[1]}", path=source, key=f"camera.course.{problem[0]}")
    return _build(CameraConfig, values, source, "camera", extra={"course": course})


def _check_ranges(cfg: StationConfig, source: str) -> None:
    checks = [
        (cfg.idle_timeout_s >= 15, "station.idle_timeout_s", "at least 15 seconds"),
        (cfg.storage.retention_days >= 1, "storage.retention_days", "at least 1 day"),
        (set(cfg.languages) <= {"zh", "en"} and cfg.languages, "station.languages", 'some of ["zh", "en"]'),
        (cfg.ui.language in cfg.languages, "ui.language", f"one of the station languages {list(cfg.languages)}"),
        (5 <= cfg.ui.idle_warning_s < cfg.idle_timeout_s, "ui.idle_warning_s",
         "at least 5 seconds and less than station.idle_timeout_s"),
        (not cfg.metrics.listen or _host_port(cfg.metrics.listen), "metrics.listen",
         'HOST:PORT, e.g. "127.0.0.1:9464"'),
        (cfg.metrics.refresh_s >= 1, "metrics.refresh_s", "at least 1 second"),
        (cfg.sync.batch_max_count >= 1, "sync.batch_max_count", "at least 1"),
        (0 <= cfg.camera.evidence_stills_max <= 100, "camera.evidence_stills_max", "0 to 100 stills per test"),
        (not cfg.sync.send_evidence_stills, "sync.send_evidence_stills",
         "false: this station version keeps camera stills on the station only"),
        (cfg.sync.connect_timeout_s > 0 and cfg.sync.read_timeout_s > 0, "sync.*_timeout_s", "positive seconds"),
        (not has_credentials(cfg.sync.endpoint), "sync.endpoint",
         "no user name or password in the URL (credentials belong in client_secret_file or the client certificate)"),
        (not has_credentials(cfg.sync.token_url), "sync.token_url",
         "no user name or password in the URL (the secret belongs in client_secret_file)"),
        (not cfg.sync.endpoint or secure_or_loopback(cfg.sync.endpoint),
         "sync.endpoint", "an https:// URL (plain http only to this machine, for tests)"),
        (not cfg.sync.token_url or secure_or_loopback(cfg.sync.token_url),
         "sync.token_url", "an https:// URL (plain http only to this machine, for tests)"),
        (cfg.sync.auth is not SyncAuth.MTLS or (cfg.sync.client_cert and cfg.sync.client_key),
         "sync.client_cert", "client_cert and client_key when auth = \"mtls\""),
        (cfg.sync.auth is not SyncAuth.OAUTH2 or not cfg.sync.endpoint or (cfg.sync.token_url and cfg.sync.client_id),
         "sync.token_url", "token_url and client_id when auth = \"oauth2\""),
    ]
    for ok, key, expected in checks:
        if not ok:
            raise ConfigError(f"expected {expected}", path=source, key=key)


def _host_port(text: str) -> bool:
    host, sep, port = text.rpartition(":")
    return bool(sep and host and port.isdigit() and 0 < int(port) < 65536)


def _table(raw: Mapping[str, Any], name: str, source: str) -> Mapping[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError("expected a table", path=source, key=name)
    return value


def _build(cls: type, values: Mapping[str, Any], source: str, prefix: str, extra: Mapping[str, Any] | None = None):
    if not isinstance(values, dict):
        raise ConfigError("expected a table", path=source, key=prefix)
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    extra = dict(extra or {})
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in fields or key in extra:
            allowed = sorted(k for k in fields if k not in extra)
            raise ConfigError(f"unknown key; expected one of {', '.join(allowed)}", path=source, key=f"{prefix}.{key}")
        kwargs[key] = _coerce(value, hints[key], source, f"{prefix}.{key}")
    missing = [n for n, f in fields.items()
               if n not in kwargs and n not in extra
               and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    if missing:
        raise ConfigError("missing required key", path=source, key=f"{prefix}.{missing[0]}")
    return cls(**kwargs, **extra)


def _coerce(value: Any, hint: Any, source: str, key: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return _coerce(value, args[0], source, key)
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigError(f"expected a list, got {type(value).__name__}", path=source, key=key)
        item_type = typing.get_args(hint)[0]
        return tuple(_coerce(v, item_type, source, f"{key}[{i}]") for i, v in enumerate(value))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(value)
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in hint)
            raise ConfigError(f"got {value!r}; expected one of {allowed}", path=source, key=key) from None
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if hint in (str, int, float, bool) and (type(value) is not hint):
        raise ConfigError(f"expected {hint.__name__}, got {type(value).__name__} {value!r}", path=source, key=key)
    if hint is float and not math.isfinite(value):
        raise ConfigError(f"expected a finite number, got {value!r}", path=source, key=key)
    if hint in (int, float):
        rule = rule_for(key)
        if not rule.check(value):
            raise ConfigError(f"expected {rule.expected}, got {value!r}", path=source, key=key)
    return value


def config_as_toml_dict(cfg: StationConfig) -> dict[str, Any]:
    """The configuration as plain data, in the file's own layout (for `kiosk config show`)."""

    def plain(obj: Any) -> Any:
        if dataclasses.is_dataclass(obj):
            return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        if isinstance(obj, enum.Enum):
            return obj.value
        if isinstance(obj, tuple):
            return [plain(v) for v in obj]
        return obj

    d = plain(cfg)
    station = {k: d.pop(k) for k in ("station_id", "site", "languages", "idle_timeout_s", "data_dir")}
    station["id"] = station.pop("station_id")
    secret_keys = {"client_secret_file", "pseudonym_key_file", "client_key"}
    sync = {k: ("<set>" if k in secret_keys and v else v) for k, v in d["sync"].items()}
    return {"station": station, "storage": d["storage"], "norms": {"packs": d["norm_packs"]},
            "camera": d["camera"], "sync": sync, "ui": d["ui"],
            "metrics": d["metrics"], "devices": d["devices"], "source": d["source"]}
