"""A bad norm pack is rejected with the file and line of the problem (packs are broken in tmp_path copies)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from kiosk.errors import NormPackError
from kiosk.norms import SHIPPED_PACKS, load_norm_set, load_pack
from tests.kiosk.grading_support import repo_path


def copy_pack(name: str, tmp_path: Path) -> Path:
    src = SHIPPED_PACKS / name if (SHIPPED_PACKS / name).is_dir() else repo_path("tests", "kiosk", "norm_packs", name)
    return Path(shutil.copytree(src, tmp_path / name))


def rows_of(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    rows = rows_of(path)
    rows[line - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def line_of(path: Path, **match: str) -> int:
    rows = rows_of(path)
    header = rows[0]
    for i, r in enumerate(rows[1:], start=2):
        if all(r[header.index(k)] == v for k, v in match.items()):
            return i
    raise AssertionError(f"no row {match} in {path}")


def expect_error(folder: Path, file: str, line: int | None, *words: str) -> NormPackError:
    with pytest.raises(NormPackError) as ei:
        load_pack(folder)
    e = ei.value
    assert e.path is not None and e.path.endswith(file), f"error should name {file}, named {e.path}: {e}"
    if line is not None:
        assert e.row == line, f"error should name line {line}, named {e.row}: {e}"
    for w in words:
        assert w in str(e), f"error should mention {w!r}: {e}"
    return e


def test_shipped_packs_load_and_validate() -> None:
    norms = load_norm_set(["cn-2003-adult", "clinical-cutoffs", "older-adult-screening"])
    assert norms.names() == ("cn-2003-adult", "clinical-cutoffs", "older-adult-screening")
    cn = norms.packs[0]
    assert len(cn.points.rows) == 112 and len(cn.points.body_size.rows) == 396
    assert {e["id"] for e in cn.errata} >= {"A-2", "A-16", "A-23", "D1"}, "errata choices are recorded in the pack"


def test_higher_better_thresholds_that_do_not_rise_are_rejected(tmp_path: Path) -> None:
    pack = copy_pack("cn-2003-adult", tmp_path)
    f = pack / "items.csv"
    line = line_of(f, item="grip_kg", sex="M", age_min="25")
    set_cell(f, line, "s3", "20.0")
    expect_error(pack, "items.csv", line, "grip_kg", "do not strictly rise")


def test_lower_better_thresholds_that_rise_are_rejected(tmp_path: Path) -> None:
    pack = copy_pack("cn-2003-adult", tmp_path)
    f = pack / "items.csv"
    line = line_of(f, item="choice_reaction_s", sex="F", age_min="25")
    set_cell(f, line, "s5", "0.90")
    expect_error(pack, "items.csv", line, "choice_reaction_s", "fall")


def test_a_missing_age_band_is_a_gap(tmp_path: Path) -> None:
    pack = copy_pack("cn-2003-adult", tmp_path)
    f = pack / "items.csv"
    rows = rows_of(f)
    drop = line_of(f, item="grip_kg", sex="F", age_min="35")
    write_rows(f, [r for i, r in enumerate(rows, start=1) if i != drop])
    expect_error(pack, "items.csv", None, "grip_kg F", "gap between ages 34 and 40")


def test_overlapping_age_bands_are_rejected(tmp_path: Path) -> None:
    pack = copy_pack("cn-2003-adult", tmp_path)
    f = pack / "items.csv"
    line = line_of(f, item="step_index", sex="M", age_min="30")
    set_cell(f, line, "age_min", "28")
    expect_error(pack, "items.csv", None, "step_index M", "overlaps")


def test_a_cell_that_is_not_a_number_names_its_line_and_column(tmp_path: Path) -> None:
    pack = copy_pack("cn-2003-adult", tmp_path)
    f = pack / "items.csv"
    set_cell(f, 7, "s2", "2,850")
    expect_error(pack, "items.csv", 7, "s2", "not a number")


def test_a_threshold_finer_than_the_item_precision_is_rejected(tmp_path: Path) -> None:
    pack = copy_pack("cn-2003-adult", tmp_path)
    f = pack / "items.csv"
    line = line_of(f, item="grip_kg", sex="M", age_min="20")
    set_cell(f, line, "s1", "29.55")
    expect_error(pack, "items.csv", line, "finer than the item's precision")


def test_a_row_with_too_few_cells_is_rejected(tmp_path: Path) -> None:
    pack = copy_pack("cn-2003-adult", tmp_path)
    f = pack / "items.csv"
    rows = rows_of(f)
    rows[4] = rows[4][:-1]
    write_rows(f, rows)
    expect_error(pack, "items.csv", 5, "cells")


def test_an_unknown_unit_is_rejected(tmp_path: Path) -> None:
    pack = copy_pack("cn-2003-adult", tmp_path)
    toml = pack / "pack.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('unit = "kg"\nprecision = "0.1"', 'unit = "lb"\n'
                                                            'precision = "0.1"', 1), encoding="utf-8")
    expect_error(pack, "pack.toml", None, "'lb'", "not a unit the station knows")


def test_a_unit_other_than_the_station_unit_is_rejected(tmp_path: Path) -> None:
    pack = copy_pack("cn-2003-adult", tmp_path)
    toml = pack / "pack.toml"
    text = toml.read_text(encoding="utf-8").replace('station_item = "vital_capacity"\nunit = "mL"',
                                                    'station_item = "vital_capacity"\nunit = "L"')
    toml.write_text(text, encoding="utf-8")
    expect_error(pack, "pack.toml", None, "differs from the station unit of vital_capacity (mL)")


def test_a_missing_height_row_is_a_gap(tmp_path: Path) -> None:
    pack = copy_pack("cn-2003-adult", tmp_path)
    f = pack / "height_weight.csv"
    drop = line_of(f, sex="F", age_min="40", height_min_cm="160.0")
    rows = rows_of(f)
    write_rows(f, [r for i, r in enumerate(rows, start=1) if i != drop])
    expect_error(pack, "height_weight.csv", drop, "F 40–49", "leaves a gap")


def test_weight_cuts_out_of_order_are_rejected(tmp_path: Path) -> None:
    pack = copy_pack("cn-2003-adult", tmp_path)
    f = pack / "height_weight.csv"
    line = line_of(f, sex="M", age_min="30", height_min_cm="170.0")
    set_cell(f, line, "w5_max", "50.0")
    expect_error(pack, "height_weight.csv", line, "out of order")


def test_grade_bands_with_a_gap_are_rejected(tmp_path: Path) -> None:
    pack = copy_pack("cn-2003-adult", tmp_path)
    f = pack / "grades.csv"
    line = line_of(f, age_min="40", grade_en="good")
    set_cell(f, line, "total_min", "25")
    expect_error(pack, "grades.csv", None, "ages 40–59", "leaves a gap")


def test_clinical_classes_with_a_gap_are_rejected(tmp_path: Path) -> None:
    pack = copy_pack("clinical-cutoffs", tmp_path)
    f = pack / "classes.csv"
    line = line_of(f, measure="bmi", **{"class": "normal"})
    set_cell(f, line, "max", "23.9")
    expect_error(pack, "classes.csv", line + 1, "bmi", "leaves a gap")


def test_blood_pressure_severity_must_rise_with_the_value(tmp_path: Path) -> None:
    pack = copy_pack("clinical-cutoffs", tmp_path)
    f = pack / "classes.csv"
    set_cell(f, line_of(f, measure="systolic", **{"class": "grade_2_hypertension"}), "severity", "1")
    expect_error(pack, "classes.csv", None, "systolic", "severity must rise")


def test_overlapping_screening_age_bands_are_rejected(tmp_path: Path) -> None:
    pack = copy_pack("older-adult-screening", tmp_path)
    f = pack / "screening.csv"
    line = line_of(f, measure="chair_stand_30s", sex="F", age_min="70")
    set_cell(f, line, "age_min", "68")
    expect_error(pack, "screening.csv", line, "fall_risk/chair_stand_30s/F", "overlaps")


def test_a_screening_rule_without_basis_is_rejected(tmp_path: Path) -> None:
    pack = copy_pack("older-adult-screening", tmp_path)
    f = pack / "screening.csv"
    set_cell(f, 2, "basis", "")
    expect_error(pack, "screening.csv", 2, "basis")


def test_weights_that_do_not_sum_to_one_are_rejected(tmp_path: Path) -> None:
    pack = copy_pack("cn-2023-shape-test", tmp_path)
    set_cell(pack / "weights.csv", 2, "weight", "0.5")
    expect_error(pack, "weights.csv", None, "sum to 1.1, not 1")


def test_a_data_file_named_in_the_manifest_must_exist(tmp_path: Path) -> None:
    pack = copy_pack("cn-2003-adult", tmp_path)
    (pack / "grades.csv").unlink()
    expect_error(pack, "grades.csv", None, "does not exist")


def test_invalid_toml_names_the_manifest(tmp_path: Path) -> None:
    pack = copy_pack("clinical-cutoffs", tmp_path)
    (pack / "pack.toml").write_text("[pack\nname = 1", encoding="utf-8")
    expect_error(pack, "pack.toml", None, "not valid TOML")


def test_pack_name_must_match_its_folder(tmp_path: Path) -> None:
    pack = copy_pack("clinical-cutoffs", tmp_path)
    renamed = pack.rename(tmp_path / "something-else")
    expect_error(renamed, "pack.toml", None, "differs from the folder name")


def test_an_unknown_pack_name_lists_the_shipped_packs() -> None:
    with pytest.raises(NormPackError, match="shipped packs: clinical-cutoffs, cn-2003-adult, ewgsop2-sarcopenia, "
                                            "older-adult-screening, sft-fitness-standards, sft-normal-range, sppb"):
        load_norm_set(["cn-2023-adult"])


def test_a_pack_listed_twice_is_rejected() -> None:
    with pytest.raises(NormPackError, match="listed twice"):
        load_norm_set(["clinical-cutoffs", "clinical-cutoffs"])


def test_grade_groups_must_match_the_number_of_applicable_items(tmp_path: Path) -> None:
    pack = copy_pack("cn-2003-adult", tmp_path)
    f = pack / "items.csv"
    rows = rows_of(f)
    drop = line_of(f, item="push_ups", sex="M", age_min="30")
    rows = [r for i, r in enumerate(rows, start=1) if i != drop]
    rows = [r for r in rows if not (r[0] == "push_ups" and r[2] == "35")]  # push-ups then cover men 20–29 only
    write_rows(f, rows)
    expect_error(pack, "grades.csv", None, "n_items=9", "M aged 30 have 8 applicable items")
