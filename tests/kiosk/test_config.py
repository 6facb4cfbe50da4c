"""The station file: defaults, validation errors that name file, key and expectation."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import (
    IdentityMode,
    StorageEncryption,
    SyncAuth,
    Transport,
    config_as_toml_dict,
    demo_config,
    load_config,
    parse_config,
)
from kiosk.errors import ConfigError

GOOD = """
[station]
id = "sh-pudong-017"
site = "Huamu community centre"
languages = ["zh", "en"]
idle_timeout_s = 120
data_dir = "/var/lib/kiosk"

[storage]
encryption = "sqlcipher"
key_file = "/etc/kiosk/station.key"
retention_days = 14

[norms]
packs = ["cn-2003-adult", "clinical-cutoffs"]

[[devices]]
name = "bp"
kind = "blood_pressure"
protocol = "oem-bp-serial"
port = "/dev/ttyUSB0"

[[devices]]
name = "scale"
kind = "scale"
protocol = "ble-weight"
transport = "ble"
address = "C4:7C:8D:6A:12:34"

[camera]
source = "0"
fps = 30

[sync]
endpoint = "https://fhir.example.org/r4"
auth = "oauth2"
token_url = "https://auth.example.org/token"
client_id = "station-017"
client_secret_file = "/etc/kiosk/client.secret"
identity = "national_id"
batch_max_age_s = 10
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "station.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_a_complete_station_file_loads_into_typed_values(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, GOOD))
    assert cfg.station_id == "sh-pudong-017"
    assert cfg.idle_timeout_s == 120
    assert cfg.storage.encryption is StorageEncryption.SQLCIPHER
    assert cfg.storage.retention_days == 14
    assert cfg.norm_packs == ("cn-2003-adult", "clinical-cutoffs")
    assert [d.name for d in cfg.devices] == ["bp", "scale"]
    assert cfg.device("scale").transport is Transport.BLE
    assert cfg.sync.auth is SyncAuth.OAUTH2 and cfg.sync.identity is IdentityMode.NATIONAL_ID
    assert cfg.sync.batch_max_age_s == 10.0 and isinstance(cfg.sync.batch_max_age_s, float)


def test_no_file_gives_the_demo_station_on_simulators() -> None:
    cfg = load_config(None)
    assert cfg.devices, "the demo station should have simulated devices"
    assert all(d.simulate for d in cfg.devices)
    assert cfg.storage.encryption is StorageEncryption.NONE
    assert cfg.sync.endpoint == ""


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        ("[station]\nidle_timeout_s = 'soon'\n", "station.idle_timeout_s", "expected int"),
        ("[station]\nidle_timeout_s = 5\n", "station.idle_timeout_s", "at least 15"),
        ("[station]\nlanguages = ['fr']\n", "station.languages", "zh"),
        ("[station]\ncolour = 'red'\n", "station.colour", "unknown key"),
        ("[stations]\n", "stations", "unknown section"),
        ("[storage]\nencryption = 'rot13'\n", "storage.encryption", "'sqlcipher'"),
        ("[[devices]]\nname='x'\nkind='toaster'\nprotocol='p'\nport='/dev/x'\n", "devices[0].kind", "toaster"),
        ("[[devices]]\nname='x'\nkind='grip'\nprotocol='grip-serial'\n", "devices[0].port", "needs a port"),
        ("[[devices]]\nname='x'\nkind='scale'\nprotocol='ble-weight'\ntransport='ble'\n", "devices[0].address",
         "needs an address"),
        ("[[devices]]\nkind='grip'\nprotocol='grip-serial'\nport='/dev/x'\n", "devices[0].name", "missing"),
        ("[[devices]]\nname='a'\nkind='grip'\nprotocol='g'\nsimulate=true\n"
         "[[devices]]\nname='a'\nkind='grip'\nprotocol='g'\nsimulate=true\n", "devices[1].name", "used twice"),
        ("[sync]\nendpoint = 'http://cloud.example.org'\n", "sync.endpoint", "https://"),
        ("[sync]\nendpoint = 'http://localhost.evil.example/fhir'\nauth='none'\n", "sync.endpoint", "https://"),
        ("[sync]\nendpoint = 'http://127.0.0.1.nip.io/fhir'\nauth='none'\n", "sync.endpoint", "https://"),
        ("[sync]\nendpoint = 'https://x.example'\ntoken_url = 'http://auth.example/t'\nclient_id = 'c'\n",
         "sync.token_url", "https://"),
        ("[sync]\nendpoint = 'https://x.example'\nauth='mtls'\n", "sync.client_cert", "client_key"),
        ("[sync]\nendpoint = 'https://x.example'\n", "sync.token_url", "token_url"),
        ("devices = 3\n", "devices", "array of tables"),
    ],
)
def test_a_bad_value_is_rejected_naming_file_key_and_expectation(
    tmp_path: Path, text: str, key: str, fragment: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert str(path) in message, f"the error should name the file: {message}"
    assert key in message, f"the error should name the key {key}: {message}"
    assert fragment in message, f"the error should say {fragment!r}: {message}"


def test_broken_toml_and_a_missing_file_are_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[station\n"))
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


def test_plain_http_is_allowed_only_to_this_machine() -> None:
    cfg = parse_config({"sync": {"endpoint": "http://127.0.0.1:8080/fhir", "auth": "none"}})
    assert cfg.sync.endpoint.startswith("http://127.0.0.1")
    for url in ("http://localhost:8089/fhir", "http://[::1]:8089/fhir", "http://127.5.5.5/fhir"):
        assert parse_config({"sync": {"endpoint": url, "auth": "none"}}).sync.endpoint == url


def test_show_hides_secret_file_names_and_round_trips_the_layout() -> None:
    cfg = parse_config({"sync": {"endpoint": "https://x.example", "token_url": "https://x.example/t",
                                 "client_id": "c", "client_secret_file": "/etc/secret"}})
    shown = config_as_toml_dict(cfg)
    assert shown["sync"]["client_secret_file"] == "<set>"
    assert shown["station"]["id"] == cfg.station_id
    assert set(shown) >= {"station", "storage", "norms", "camera", "sync", "devices"}


def test_unknown_device_name_lists_the_configured_ones() -> None:
    with pytest.raises(ConfigError, match="bp, scale, grip"):
        demo_config().device("glucometer")  # not on the demo station


def test_config_check_command_reports_ok_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check", str(write(tmp_path, GOOD))]) == 0
    assert "ok" in capsys.readouterr().out
    assert main(["config", "check", str(write(tmp_path, "[station]\nidle_timeout_s = 1\n"))]) == 1
    err = capsys.readouterr().err
    assert "station.idle_timeout_s" in err and "Traceback" not in err


def test_the_documented_example_station_file_is_valid() -> None:
    cfg = load_config(Path(__file__).resolve().parents[2] / "docs" / "station.example.toml")
    assert cfg.storage.encryption is StorageEncryption.SQLCIPHER
    assert {d.kind for d in cfg.devices} >= {"blood_pressure", "grip", "spirometer", "balance", "scale"}


def test_ui_section_is_read_and_checked(tmp_path: Path) -> None:
    from kiosk.config import load_config

    p = tmp_path / "s.toml"
    p.write_text('[ui]\nlanguage = "en"\nprinter = "none"\nidle_warning_s = 30\n', encoding="utf-8")
    cfg = load_config(p)
    assert (cfg.ui.language, cfg.ui.printer, cfg.ui.idle_warning_s) == ("en", "none", 30)
    p.write_text('[station]\nidle_timeout_s = 20\n[ui]\nidle_warning_s = 30\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"ui\.idle_warning_s"):
        load_config(p)
