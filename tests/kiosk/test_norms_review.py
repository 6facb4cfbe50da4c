"""Reviewer's norm-pack checks: packs saved by spreadsheets, non-UTF-8 files, and declared ages the tables miss."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.errors import NormPackError
from kiosk.norms import SHIPPED_PACKS, load_pack
from tests.kiosk.test_norms_validation import copy_pack


def test_a_csv_with_a_byte_order_mark_loads_like_the_original(tmp_path: Path) -> None:
    folder = copy_pack("cn-2003-adult", tmp_path)
    for name in ("items.csv", "height_weight.csv", "grades.csv"):
        f = folder / name
        f.write_bytes(b"\xef\xbb\xbf" + f.read_bytes().replace(b"\n", b"\r\n"))  # "CSV UTF-8" from a spreadsheet
    pack = load_pack(folder)
    assert pack.points is not None and len(pack.points.rows) == 112


def test_a_csv_that_is_not_utf8_is_a_pack_error_naming_the_file(tmp_path: Path) -> None:
    folder = copy_pack("cn-2003-adult", tmp_path)
    (folder / "items.csv").write_bytes("item,sex\n握力,M\n".encode("gb18030"))
    with pytest.raises(NormPackError, match=r"items\.csv.*not UTF-8"):
        load_pack(folder)


def test_a_pack_declaring_ages_its_grade_bands_do_not_cover_is_rejected(tmp_path: Path) -> None:
    """Declared 20–79 with tables to 59: a 72-year-old would be 'not rated' instead of 'no standard covers 72'."""
    folder = copy_pack("cn-2003-adult", tmp_path)
    toml = folder / "pack.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("age_max = 59", "age_max = 79", 1), encoding="utf-8")
    with pytest.raises(NormPackError, match=r"grades\.csv.*cover ages 20–59.*declares.*20–79"):
        load_pack(folder)


def test_every_printed_table_problem_of_errata_section_a_is_recorded_in_the_pack() -> None:
    """ERRATA.md §A lists A-1 … A-24; each choice (even "kept, agree") is recorded in pack.toml [[errata]]."""
    pack = load_pack(SHIPPED_PACKS / "cn-2003-adult")
    covered: set[int] = set()
    for e in pack.errata:
        for lo, hi in re.findall(r"A-(\d+)(?:\.\.(\d+))?", e["id"]):
            covered |= set(range(int(lo), int(hi or lo) + 1))
    assert covered >= set(range(1, 25)), f"errata A-items not recorded: {sorted(set(range(1, 25)) - covered)}"


@pytest.mark.parametrize("line, column, value", [(2, "height_min_cm", "144.05"), (2, "w1_light_below", "36.65")])
def test_a_height_weight_cell_finer_than_the_table_precision_is_rejected(tmp_path: Path, line, column, value) -> None:
    """Heights and weights are rounded to 0.1 before the lookup: a row starting at 144.05 would leave 144.0 unscored."""
    from tests.kiosk.test_norms_validation import set_cell

    folder = copy_pack("cn-2003-adult", tmp_path)
    set_cell(folder / "height_weight.csv", line, column, value)
    with pytest.raises(NormPackError, match=rf"height_weight\.csv, row {line}: {value} is finer"):
        load_pack(folder)
