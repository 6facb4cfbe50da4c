"""Configuration that parses but cannot work is refused at load, naming the key (issue 16 item 6).

Before, `kiosk config check` said "ok" for every case below, and arrays nested 1,000 deep raised a
RecursionError traceback.
"""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import (
    KNOWN_PROTOCOLS,
    CameraConfig,
    DeviceConfig,
    StationConfig,
    StorageConfig,
    SyncConfig,
    UiConfig,
    load_config,
    parse_config,
)
from kiosk.config_rules import RULES, config_warnings
from kiosk.errors import ConfigError

DEVICE = '[[devices]]\nname = "grip"\nkind = "grip"\nprotocol = "{protocol}"\nsimulate = true\n{extra}\n'

BAD = [
    ('[norms]\npacks = ["cn-2003-adlut"]\n', "norms.packs[0]", "no norm pack named 'cn-2003-adlut'"),
    ('[norms]\npakcs = ["cn-2003-adult"]\n', "norms.pakcs", "unknown key"),
    (DEVICE.format(protocol="grip-serail", extra=""), "devices[0].protocol", "unknown protocol 'grip-serail'"),
    (DEVICE.format(protocol="grip-serial", extra="calibration_days = -3"), "devices[0].calibration_days",
     "at least 1"),
    (DEVICE.format(protocol="grip-serial", extra="baud = 0"), "devices[0].baud", "at least 1"),
    ("[sync]\nbatch_max_age_s = nan\n", "sync.batch_max_age_s", "a finite number"),
    ("[sync]\nread_timeout_s = inf\n", "sync.read_timeout_s", "a finite number"),
    ("[sync]\nretry_base_delay_s = -1.0\n", "sync.retry_base_delay_s", "more than 0"),
    ("[sync]\nretry_max_delay_s = -5\n", "sync.retry_max_delay_s", "more than 0"),
    ("[sync]\nretry_after_max_s = -1\n", "sync.retry_after_max_s", "at least 0"),
    ("[sync]\nquarantine_after_5xx = -1\n", "sync.quarantine_after_5xx", "at least 1"),
    ("[sync]\nbatch_max_bytes = 0\n", "sync.batch_max_bytes", "at least 1024"),
    ("[camera]\nwidth = -640\n", "camera.width", "16 to 7680"),
    ("[camera]\nheight = 0\n", "camera.height", "16 to 4320"),
    ("[camera]\nfps = 0\n", "camera.fps", "1 to 240"),
    ('[sync]\nendpoint = "https://user:pw@fhir.example.org/r4"\nauth = "none"\n', "sync.endpoint",
     "no user name or password in the URL"),
    ('[sync]\nendpoint = "https://fhir.example.org/r4"\nauth = "oauth2"\nclient_id = "c"\n'
     'token_url = "https://station:hunter2@auth.example.org/token"\n', "sync.token_url",
     "no user name or password in the URL"),
    ("[station]\nsite = " + "[" * 1000 + "]" * 1000 + "\n", "", "nested too deeply"),
]


@pytest.mark.parametrize(("text", "key", "fragment"), BAD, ids=[b[1] or "deep" for b in BAD])
def test_config_that_cannot_work_is_refused_naming_the_key(tmp_path: Path, capsys, text: str, key: str,
                                                           fragment: str) -> None:
    path = tmp_path / "station.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert key in str(err.value) and fragment in str(err.value), str(err.value)
    assert main(["config", "check", str(path)]) == 1
    captured = capsys.readouterr()
    assert "ok" not in captured.out and "Traceback" not in captured.err and fragment in captured.err


def test_deep_nesting_in_parsed_data_is_a_config_error() -> None:
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ConfigError, match="nested too deeply"):
        parse_config({"station": {"languages": deep}})


def test_auth_none_to_another_machine_is_warned_about(tmp_path: Path, capsys) -> None:
    path = tmp_path / "station.toml"
    path.write_text('[sync]\nendpoint = "https://fhir.example.org/r4"\nauth = "none"\n', encoding="utf-8")
    cfg = load_config(path)
    assert any("sync.auth" in w and "fhir.example.org" in w for w in config_warnings(cfg))
    assert main(["config", "check", str(path)]) == 0
    assert "warning: " in capsys.readouterr().out
    loopback = parse_config({"sync": {"endpoint": "http://127.0.0.1:8080/fhir", "auth": "none"}})
    assert config_warnings(loopback) == []


def test_every_rule_names_a_real_key() -> None:
    sections = {"station": StationConfig, "devices": DeviceConfig, "camera": CameraConfig, "storage": StorageConfig,
                "sync": SyncConfig, "ui": UiConfig}
    for dotted in RULES:
        section, key = dotted.split(".", 1)
        assert key in {f.name for f in dataclasses.fields(sections[section])}, f"rule for unknown key {dotted}"


def test_numbers_without_a_rule_must_still_be_finite_and_not_negative() -> None:
    numeric = [(s, f.name) for s, cls in (("sync", SyncConfig), ("camera", CameraConfig), ("ui", UiConfig))
               for f in dataclasses.fields(cls) if typing.get_type_hints(cls)[f.name] in (int, float)]
    unruled = [(s, k) for s, k in numeric if f"{s}.{k}" not in RULES]
    for section, key in unruled:
        with pytest.raises(ConfigError, match="at least 0"):
            parse_config({section: {key: -1}})


def test_known_protocols_are_the_drivers_protocols() -> None:
    from drivers.registry import PROTOCOLS

    assert set(KNOWN_PROTOCOLS) == set(PROTOCOLS), "kiosk.config.KNOWN_PROTOCOLS must list drivers.registry's names"


def test_the_documented_example_and_the_demo_still_load() -> None:
    load_config(Path(__file__).resolve().parents[2] / "docs" / "station.example.toml")
    load_config(None)
