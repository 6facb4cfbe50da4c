"""`kiosk decode` for the blood-oxygen, temperature and body-composition protocols, on the public vectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main

MC780 = (Path(__file__).parent / "data" / "tanita_mc780_code4fukui.txt").read_text(encoding="ascii").strip()


def decode(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict]]:
    code = main(["decode", *argv])
    return code, json.loads(capsys.readouterr().out)["frames"]


def test_decode_plx_continuous_spezi_vector(capsys: pytest.CaptureFixture[str]) -> None:
    code, (frame,) = decode(capsys, "ble-plx", "1C 5F00 5A00 2000 000000 57F0")
    assert code == 0 and (frame["spo2_pct"], frame["pulse_rate_bpm"]) == (95, 90)
    assert frame["pulse_amplitude_index_pct"] == 8.7


def test_decode_hts_nordic_vector(capsys: pytest.CaptureFixture[str]) -> None:
    code, (frame,) = decode(capsys, "ble-hts", "06 B00E00FE DC070C050B321B 04")
    assert code == 0 and frame["temperature_c"] == 37.6 and frame["site"] == "finger"


def test_decode_berrymed_stream(capsys: pytest.CaptureFixture[str]) -> None:
    code, frames = decode(capsys, "berrymed-bci-serial", "C5 39 46 16 61", "80 00 50 7F 7F")
    assert code == 0 and [f["spo2_pct"] for f in frames] == [97, None]


def test_decode_mibfs_capture_says_weight_and_impedance(capsys: pytest.CaptureFixture[str]) -> None:
    code, (frame,) = decode(capsys, "xiaomi-mibcs", "0226b20705040f0201ac018642")
    assert code == 0 and (frame["weight_kg"], frame["impedance_ohm"]) == (85.15, 428)


def test_decode_bcs_consent_exchange(capsys: pytest.CaptureFixture[str]) -> None:
    code, frames = decode(capsys, "ble-bcs", "--char", "2a9f", "01 D204", "20 01 01 00", "02 00 D204", "20 02 01")
    assert code == 0
    assert [f["type"] for f in frames] == ["UcpRequest", "UcpResponse", "UcpRequest", "UcpResponse"]
    assert frames[1]["user_index"] == 0 and frames[3]["result"] == "success"


def test_decode_tanita_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, (frame,) = decode(capsys, "tanita-serial", (MC780 + "\r\n").encode("ascii").hex())
    assert code == 0 and frame["body_fat_pct"] == 18.3 and frame["weight_kg"] == 67.6


def test_decode_garbage_is_a_codec_error_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["decode", "ble-hts", "06 B0"]) == 1
    assert "codec error" in capsys.readouterr().err


def test_new_protocols_are_registered_for_their_kinds() -> None:
    from drivers.registry import protocol

    kinds = {name: protocol(name).kind for name in ("berrymed-bci-serial", "ble-plx", "ble-hts", "ble-bcs",
                                                      "tanita-serial", "xiaomi-mibcs")}
    assert kinds == {"berrymed-bci-serial": "pulse_oximeter", "ble-plx": "pulse_oximeter", "ble-hts": "thermometer",
                     "ble-bcs": "body_composition", "tanita-serial": "body_composition",
                     "xiaomi-mibcs": "scale"}  # weight and impedance, no body fat: the weight test's device


def test_the_xiaomi_scale_has_a_driver_listening_to_advertisements() -> None:
    from drivers.ble.advertisement import BleakAdvertisementSource
    from drivers.devices.xiaomi_scale import XiaomiBodyCompositionScale
    from drivers.registry import protocol
    from kiosk.config import DeviceConfig, Transport

    info = protocol("xiaomi-mibcs")
    cfg = DeviceConfig("mi", "scale", "xiaomi-mibcs", transport=Transport.BLE, address="5C:CA:D3:11:22:33")
    driver = info.driver(cfg, BleakAdvertisementSource(str(cfg.address), str(info.advertised_uuid)), None)
    assert isinstance(driver, XiaomiBodyCompositionScale) and driver.kind == "scale"
