"""`kiosk station --config` refuses a missing database before any screen opens (issue 16 item 1)."""

from __future__ import annotations

from kiosk.cli import main


def test_the_station_does_not_start_on_a_missing_database(tmp_path, capsys):
    conf = tmp_path / "station.toml"
    conf.write_text(f'[station]\ndata_dir = "{tmp_path / "vra"}"\n[storage]\nencryption = "none"\n', encoding="utf-8")
    assert main(["--config", str(conf), "station"]) == 1
    assert "kiosk db init" in capsys.readouterr().err
    assert not (tmp_path / "vra" / "station.db").exists()
