"""A bad ranges or battery pack is rejected with the file and line of the problem (broken in tmp_path copies)."""

from __future__ import annotations

from pathlib import Path

from tests.kiosk.test_norms_validation import copy_pack, expect_error, line_of, rows_of, set_cell, write_rows


def test_a_reversed_normal_range_is_rejected(tmp_path: Path) -> None:
    pack = copy_pack("sft-normal-range", tmp_path)
    line = line_of(pack / "ranges.csv", item="chair_stand_30s", sex="F", age_min="75")
    set_cell(pack / "ranges.csv", line, "low", "16")
    expect_error(pack, "ranges.csv", line, "low 16 is above high 15")


def test_overlapping_range_age_bands_are_rejected(tmp_path: Path) -> None:
    pack = copy_pack("sft-normal-range", tmp_path)
    line = line_of(pack / "ranges.csv", item="two_minute_step", sex="M", age_min="70")
    set_cell(pack / "ranges.csv", line, "age_min", "69")
    expect_error(pack, "ranges.csv", line, "overlaps")


def test_a_range_finer_than_the_precision_is_rejected(tmp_path: Path) -> None:
    pack = copy_pack("sft-normal-range", tmp_path)
    line = line_of(pack / "ranges.csv", item="eight_foot_up_and_go", sex="F", age_min="60")
    set_cell(pack / "ranges.csv", line, "high", "6.05")
    expect_error(pack, "ranges.csv", line, "finer than the item's precision")


def test_a_band_text_with_an_unknown_field_is_rejected(tmp_path: Path) -> None:
    pack = copy_pack("sft-normal-range", tmp_path)
    toml = pack / "pack.toml"
    text = toml.read_text(encoding="utf-8")
    assert "Your {ability} is below the usual range" in text
    toml.write_text(text.replace("Your {ability} is below", "Your {people} is below", 1), encoding="utf-8")
    expect_error(pack, "pack.toml", None, "{ability} and {group}")


def test_a_battery_band_that_does_not_join_its_neighbour_is_rejected(tmp_path: Path) -> None:
    pack = copy_pack("sppb", tmp_path)
    line = line_of(pack / "bands.csv", measure="gait_4m", points="3")
    set_cell(pack / "bands.csv", line, "low_inclusive", "0")  # 4.82 would then be in no band
    expect_error(pack, "bands.csv", line, "does not join")


def test_a_battery_gap_is_rejected(tmp_path: Path) -> None:
    pack = copy_pack("sppb", tmp_path)
    line = line_of(pack / "bands.csv", measure="chair_stand_5x", points="2")
    set_cell(pack / "bands.csv", line, "low", "13.79")
    expect_error(pack, "bands.csv", line, "does not join")


def test_component_maxima_must_add_up(tmp_path: Path) -> None:
    pack = copy_pack("sppb", tmp_path)
    line = line_of(pack / "bands.csv", measure="tandem", points="2")
    set_cell(pack / "bands.csv", line, "points", "5")
    expect_error(pack, "bands.csv", line, "outside 0–4")
    set_cell(pack / "bands.csv", line, "points", "3")
    expect_error(pack, "bands.csv", None, "maxima add up to 5")


def test_a_category_gap_is_rejected(tmp_path: Path) -> None:
    pack = copy_pack("sppb", tmp_path)
    rows = rows_of(pack / "categories.csv")
    line = line_of(pack / "categories.csv", scheme="three_level", total_min="7")
    rows[line - 1][rows[0].index("total_min")] = "8"
    write_rows(pack / "categories.csv", rows)
    expect_error(pack, "categories.csv", line, "does not follow")


def test_a_category_flag_must_be_declared(tmp_path: Path) -> None:
    pack = copy_pack("sppb", tmp_path)
    line = line_of(pack / "categories.csv", scheme="four_level", total_min="0")
    set_cell(pack / "categories.csv", line, "flag", "frailty")
    expect_error(pack, "categories.csv", line, "'frailty' is not declared")


def test_a_speed_graded_as_time_needs_a_speed_item(tmp_path: Path) -> None:
    pack = copy_pack("sppb", tmp_path)
    toml = pack / "pack.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('station_item = "gait_speed_4m"',
                                                             'station_item = "timed_up_and_go"'), encoding="utf-8")
    expect_error(pack, "pack.toml", None, "time_over_m needs a station item in m/s")


def test_percentiles_whose_p25_is_not_the_range_end_are_rejected(tmp_path: Path) -> None:
    pack = copy_pack("sft-normal-range", tmp_path)
    line = line_of(pack / "percentiles.csv", item="arm_curl_30s", sex="F", age_min="75", percentile="25")
    set_cell(pack / "percentiles.csv", line, "value", "12")
    expect_error(pack, "percentiles.csv", None, "P25/P75 12/17 are not the normal range's ends 11/17")


def test_percentiles_that_do_not_worsen_are_rejected(tmp_path: Path) -> None:
    pack = copy_pack("sft-normal-range", tmp_path)
    line = line_of(pack / "percentiles.csv", item="eight_foot_up_and_go", sex="M", age_min="80", percentile="10")
    set_cell(pack / "percentiles.csv", line, "value", "5.0")
    expect_error(pack, "percentiles.csv", None, "do not get worse")
