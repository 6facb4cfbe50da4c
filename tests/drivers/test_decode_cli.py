"""`kiosk decode`, `kiosk devices [probe]` and `kiosk simulate` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drivers.cli import as_json, parse_hex
from kiosk.cli import main
from kiosk.errors import KioskError


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_decode_ble_bpm_names_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "decode", "ble-bpm", "1E 7800 5000 5D00 E807 05 01 08 1E 00 4600 01 0400")
    assert code == 0
    frame = json.loads(out)["frames"][0]
    assert frame["type"] == "BloodPressureMeasurement"
    assert (frame["systolic"], frame["diastolic"], frame["mean_arterial"], frame["pulse_rate_bpm"]) == (120, 80, 93, 70)
    assert frame["unit"] == "mmHg" and frame["time_stamp"] == "2024-05-01T08:30:00" and frame["user_id"] == 1
    assert frame["status"]["irregular_pulse"] is True and frame["status"]["pulse_rate_range"] == "within_range"


def test_decode_intermediate_cuff_pressure_by_characteristic(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "decode", "ble-bps", "--char", "0x2A36", "00 9600 FF07 FF07", "00 8C00 FF07 FF07")
    assert code == 0
    assert [f["cuff_pressure"] for f in json.loads(out)["frames"]] == [150, 140]


def test_decode_oem_stream_with_error_frame_names_the_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "decode", "oem-bp-serial", "AA80 06 0202 F305 02 01 F3", "AA80 03 0205 01 05")
    assert code == 0
    pressure, error = json.loads(out)["frames"]
    assert pressure == {"type": "CuffPressure", "cuff_pressure_mmhg": 152.3, "phase": "deflating",
                        "pulse_detected": True}
    assert error["error"]["name"] == "cuff_loose"
    assert error["error"]["resident_message"] == "The cuff seems loose. Please wrap it again, snugly."


def test_decode_glucose_and_racp(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "decode", "ble-glucose", "06 0100 E807 05 01 07 00 00 38C0 12")
    assert code == 0 and json.loads(out)["frames"][0]["concentration_mmol_l"] == pytest.approx(5.6)
    code, out, _ = run(capsys, "decode", "ble-glucose", "--char", "2a52", "06 00 01 06")
    assert code == 0 and json.loads(out)["frames"][0]["code"] == "no_records_found"


@pytest.mark.parametrize(("argv", "why"), [
    (("decode", "ble-bps", "1E7800"), "promise at least 19 bytes"),
    (("decode", "oem-bp-serial", "AA80 03 0201 01 00"), "bad checksum"),
    (("decode", "oem-bp-serial", "AA80 03 02"), "complete frame"),
    (("decode", "ble-weight", "--char", "2a35", "00 A438"), "unknown characteristic"),
])
def test_decode_bad_frame_prints_the_codec_error_and_fails(capsys: pytest.CaptureFixture[str], argv, why) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 1, "a bad frame must exit non-zero"
    assert why in err and why in out


def test_decode_rejects_non_hex_and_unknown_protocols(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "decode", "ble-bps", "zz")
    assert code == 1 and "not hexadecimal" in err
    code, _, err = run(capsys, "decode", "telepathy", "00")
    assert code == 1 and "unknown device protocol" in err and "ble-bps" in err


def test_parse_hex_accepts_the_usual_spellings() -> None:
    assert parse_hex("1E:78:00") == parse_hex("0x1E 0x78 0x00") == parse_hex("1e7800") == b"\x1e\x78\x00"
    with pytest.raises(KioskError):
        parse_hex("1E7")


def test_as_json_handles_enums_dates_and_sets() -> None:
    from drivers.base import FinalReading

    reading = FinalReading("bp", "blood_pressure", {"systolic": 120.0}, "mmHg", quality_flags=frozenset({"b", "a"}))
    data = as_json(reading)
    assert data["quality_flags"] == ["a", "b"] and isinstance(data["taken_at"], str)


# ---- devices / simulate ------------------------------------------------------------------------------------

STATION = """
[station]
data_dir = "{data}"
[storage]
encryption = "none"
[[devices]]
name = "bp"
kind = "blood_pressure"
protocol = "oem-bp-serial"
simulate = true
[[devices]]
name = "bpm"
kind = "blood_pressure"
protocol = "ble-bps"
transport = "ble"
simulate = true
"""


@pytest.fixture
def station(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(STATION.format(data=tmp_path / "var"))
    assert main(["--config", str(path), "db", "init"]) == 0  # only init creates a database; the commands refuse
    capsys.readouterr()
    return path


def test_devices_lists_states_and_why_they_are_locked(capsys: pytest.CaptureFixture[str], station: Path) -> None:
    code, out, _ = run(capsys, "--config", str(station), "devices", "--json")
    assert code == 0
    rows = {r["name"]: r for r in json.loads(out)}
    assert set(rows) == {"bp", "bpm"}
    assert rows["bp"]["state"] == "locked" and "no calibration" in rows["bp"]["detail"], \
        "an uncalibrated device is listed as locked with the reason"
    assert "in-process" in rows["bpm"]["where"]


def test_devices_probe_reports_the_module(capsys: pytest.CaptureFixture[str], station: Path) -> None:
    code, out, _ = run(capsys, "--config", str(station), "devices", "probe", "bp")
    assert code == 0
    report = json.loads(out)
    assert report["found"]["module_state"] == "idle" and report["simulated"] is True


def test_devices_probe_unknown_name(capsys: pytest.CaptureFixture[str], station: Path) -> None:
    code, _, err = run(capsys, "--config", str(station), "devices", "probe", "nope")
    assert code == 1 and "no device named 'nope'" in err


def test_simulate_prints_where_each_simulator_listens(capsys: pytest.CaptureFixture[str], station: Path) -> None:
    code, out, _ = run(capsys, "--config", str(station), "simulate", "--duration", "0.2")
    assert code == 0
    assert "bp.tty -> /dev/pts/" in out
    assert "in-process fake GATT peer" in out


def test_devices_measure_is_refused_while_locked_then_runs_once_calibrated(
        capsys: pytest.CaptureFixture[str], station: Path) -> None:
    code, out, _ = run(capsys, "--config", str(station), "devices", "measure", "bp", "--speed", "30")
    assert code == 1
    refusal = json.loads(out.splitlines()[-1])
    assert refusal["error"] == "DeviceLocked" and refusal["resident_message"].startswith("This device is waiting")

    from datetime import timedelta

    from kiosk.config import load_config
    from kiosk.domain import CalibrationRecord, CalibrationResult, utcnow
    from kiosk.storage import open_store

    store = open_store(load_config(station))
    try:
        now = utcnow()
        store.save_calibration(CalibrationRecord("bp", "bp-static-pressure", "tech-1", now, CalibrationResult.PASSED,
                                                 now + timedelta(days=365)))
    finally:
        store.close()
    code, out, _ = run(capsys, "--config", str(station), "devices", "measure", "bp", "--speed", "30")
    assert code == 0, out
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[0]["type"] == "Progress" and lines[0]["quantity"] == "cuff_pressure_mmhg"
    final = lines[-1]
    assert final["type"] == "FinalReading" and final["item"] == "blood_pressure"
    assert set(final["values"]) == {"systolic", "diastolic", "pulse", "mean"} and final["calibration_id"]


@pytest.mark.parametrize("speed", ["0", "-2", "fast", "inf"])
def test_simulator_speed_must_be_a_positive_number(capsys: pytest.CaptureFixture[str], speed: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["simulate", "--speed", speed])
    assert caught.value.code == 2
    assert "--speed" in capsys.readouterr().err
