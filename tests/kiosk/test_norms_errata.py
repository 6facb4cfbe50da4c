"""The 2003 pack holds the newest transcription's numbers as they stand, and records its errata choices."""

from __future__ import annotations

from kiosk.norms import load_norm_set
from tests.kiosk.grading_support import grade, meas, pack_csv

CN = "cn-2003-adult"


def _cell(row: dict[str, str]) -> str:
    if row["table"] == "height_weight":
        rows = [r for r in pack_csv(CN, "height_weight.csv")
                if (r["sex"], r["age_min"], r["height_min_cm"]) == (row["sex"], row["age_min"], row["key"])]
    else:
        rows = [r for r in pack_csv(CN, "items.csv")
                if (r["item"], r["sex"], r["age_min"]) == (row["key"], row["sex"], row["age_min"])]
    assert len(rows) == 1, f"exactly one row for {row}"
    return rows[0][row["column"]]


def test_every_revised_cell_holds_the_newest_revisions_value_as_written() -> None:
    diffs = pack_csv(CN, "version_diffs.csv")
    assert len(diffs) == 70
    wrong = [f"{d['table']} {d['sex']} {d['age_min']} {d['key']} {d['column']}: {_cell(d)} != {d['value_primary']}"
             for d in diffs if _cell(d) != d["value_primary"]]
    assert not wrong, wrong


def test_errata_choices_are_recorded_in_the_manifest() -> None:
    pack = load_norm_set([CN]).packs[0]
    by_id = {e["id"]: e for e in pack.errata}
    assert by_id["A-16"]["value"] == "30.1" and "unresolved" in by_id["A-16"]["choice"]
    assert by_id["A-21"]["value"] == "0.68"
    assert by_id["A-3"]["value"] == "70.6" and "kept" in by_id["A-3"]["choice"]


def test_errata_a21_reaction_time_069_scores_one_point_for_women_25_29() -> None:
    assert grade("F", 27, meas("choice_reaction_time", 0.69)).item("choice_reaction_time").score.points == 1


def test_errata_a3_men_30_39_167cm_weight_71_scores_3_with_the_value_as_transcribed() -> None:
    rep = grade("M", 35, meas("height", 167.5), meas("weight", 71.0))
    assert rep.item("height_standard_weight").score.points == 3


def test_height_is_rounded_to_01_cm_before_the_row_lookup() -> None:
    rep = grade("M", 25, meas("height", 144.95), meas("weight", 45.0))
    score = rep.item("height_standard_weight").score
    assert score.points is not None, "144.95 cm rounds to 145.0 and falls in the 145 cm row, not between rows"
