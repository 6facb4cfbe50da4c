"""No station command creates the database: on a fresh, empty data folder each one exits 1 naming `kiosk db init`.

Issue 16 item 1: creating a database is an explicit first-run step (`kiosk db init`, or the demo), never a
side effect of a mistyped data folder. Every command below opens the station's store; each must refuse,
say so in the words of `kiosk db check`, and leave the folder exactly as empty as it found it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kiosk.cli import main

SESSION = "0b9c3c3e-4f5a-4d7e-9b1a-2c3d4e5f6a7b"

COMMANDS = [
    ("sync", "status"),
    ("sync", "status", "--json"),
    ("sync", "push"),
    ("sync", "check"),
    ("sync", "run", "--idle-poll", "0.05"),
    ("sync", "resend", "--all"),
    ("sync", "quarantine", "list"),
    ("sync", "quarantine", "show", "no-such-batch"),
    ("sync", "quarantine", "retry", "no-such-batch"),
    ("sync", "bundle", SESSION),
    ("devices", "--wait", "0"),
    ("devices", "probe", "grip"),
    ("devices", "measure", "grip"),
    ("devices", "calibrate", "grip", "--technician", "wang"),
    ("metrics", "show"),
    ("selfcheck", "--no-camera"),
    ("db", "check"),  # the reference: the message every other command must give
]


def station_file(tmp_path: Path, encryption: str) -> tuple[Path, Path]:
    """A station file whose data folder is new and empty, with sync on and one simulated device."""
    data = tmp_path / "typo-var"
    data.mkdir()
    conf = tmp_path / "station.toml"
    conf.write_text(f'[station]\ndata_dir = "{data}"\n\n[storage]\nencryption = "{encryption}"\n\n'
                    '[sync]\nendpoint = "http://127.0.0.1:9/fhir"\nauth = "none"\n\n'
                    '[[devices]]\nname = "grip"\nkind = "grip"\nprotocol = "grip-serial"\nsimulate = true\n')
    return conf, data


def assert_refused_and_nothing_created(code: int, err: str, tmp_path: Path, data: Path) -> None:
    assert code == 1, err
    assert "no database here" in err and "`kiosk db init`" in err and str(data / "station.db") in err, err
    assert "Traceback" not in err
    assert not (data / "station.db").exists()
    assert list(data.iterdir()) == [], "the command left files in the empty data folder"
    assert not (tmp_path / "station.key").exists(), "the command made a key for a database that does not exist"


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("encryption", ["none", "sqlcipher"])
def test_the_command_refuses_an_empty_data_folder_and_creates_nothing(argv, encryption, tmp_path, capsys,
                                                                      monkeypatch) -> None:
    conf, data = station_file(tmp_path, encryption)
    monkeypatch.setattr("sys.stdin", io.StringIO("246813\n\n\n\n\n\n"))  # a PIN and Enters, should any be asked
    try:
        code = main(["--config", str(conf), *argv])
    finally:
        from kiosk.native_stderr import ROUTER

        ROUTER.uninstall()  # selfcheck moves fd 2 for its process; give pytest's capture back
    assert_refused_and_nothing_created(code, capsys.readouterr().err, tmp_path, data)


def test_the_upload_service_refuses_an_empty_data_folder_and_creates_nothing(tmp_path, capsys) -> None:
    from sync.service import main as service_main

    conf, data = station_file(tmp_path, "sqlcipher")
    code = service_main(["--config", str(conf), "--idle-poll", "0.05"])
    assert_refused_and_nothing_created(code, capsys.readouterr().err, tmp_path, data)


def test_after_db_init_the_same_commands_work(tmp_path, capsys) -> None:
    """The refusal is about the missing database only: once `kiosk db init` ran, the commands open it."""
    conf, data = station_file(tmp_path, "none")
    assert main(["--config", str(conf), "db", "init"]) == 0
    assert (data / "station.db").exists()
    for argv in (("sync", "status"), ("sync", "quarantine", "list"), ("metrics", "show")):
        assert main(["--config", str(conf), *argv]) == 0, capsys.readouterr().err
