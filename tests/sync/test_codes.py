"""The observation code table: every item has a code, LOINC codes are the checked ones, units are UCUM."""

from __future__ import annotations

import pytest

from kiosk.domain import ITEMS
from sync.codes import (
    LOINC_SYSTEM,
    STATION_CODE_SYSTEM,
    UCUM_SYSTEM,
    code_table,
    component_code,
    observation_code,
    parse_code_table,
)
from sync.errors import MappingError

# The LOINC codes DESIGN.md lists (checked against public LOINC material before use).
DESIGN_LOINC = {
    "blood_pressure": "85354-9",
    "blood_pressure.systolic": "8480-6",
    "blood_pressure.diastolic": "8462-4",
    "blood_pressure.pulse": "8867-4",
    "height": "8302-2",
    "weight": "29463-7",
    "bmi": "39156-5",
    "waist": "8280-0",
    "glucose_fasting": "15074-8",
    "fev1": "20150-9",
    "fvc": "19870-5",
    "chair_stand_30s": "66247-8",
}
# DESIGN.md: "Where LOINC has no code (reaction time, sit-and-reach, single-leg stand eyes closed, grip max)".
NO_LOINC = ("choice_reaction_time", "sit_and_reach", "single_leg_stand_eyes_closed", "grip", "five_times_sit_to_stand",
            "arm_curl_30s", "squat")
# Rows whose UCUM code relabels the domain's canonical unit without changing the number.
RELABELLED = {"grip": ("kg", "kgf"), "chair_stand_30s": ("{count}", "/(30.s)"),
              "arm_curl_30s": ("{count}", "/(30.s)"), "sit_ups_1min": ("{count}", "/min")}


def test_every_domain_item_has_a_code():
    missing = sorted(set(ITEMS) - set(code_table()))
    assert not missing, f"items without an observation code row: {missing}"


@pytest.mark.parametrize(("key", "loinc"), sorted(DESIGN_LOINC.items()))
def test_design_loinc_codes_are_used(key, loinc):
    code = code_table()[key]
    assert (code.system, code.code) == (LOINC_SYSTEM, loinc), f"{key} should be LOINC {loinc}, got {code}"


@pytest.mark.parametrize("item", NO_LOINC)
def test_items_without_loinc_use_the_station_code_system_and_say_so(item):
    code = observation_code(item)
    assert code.system == STATION_CODE_SYSTEM, f"{item} should use the station code system"
    assert "station code system" in code.note, f"{item}'s note should say why it has no LOINC code: {code.note!r}"


def test_every_row_records_what_was_checked():
    blank = [k for k, c in code_table().items() if not c.note.strip()]
    assert not blank, f"rows without a note on what was checked: {blank}"


def test_canonical_units_travel_as_their_ucum_code_or_a_documented_relabel():
    for item, spec in ITEMS.items():
        code = observation_code(item)
        if item in RELABELLED:
            assert (spec.unit.ucum, code.ucum) == RELABELLED[item], f"{item}: unexpected relabel {code.ucum}"
        elif item == "blood_pressure":
            assert code.ucum == "", "the BP panel has no value of its own"
        else:
            assert code.ucum == spec.unit.ucum, f"{item}: canonical unit {spec.unit.ucum} but wire unit {code.ucum}"


def test_blood_pressure_components_are_mmhg_and_pulse_per_minute():
    for part in ("systolic", "diastolic", "mean"):
        assert component_code("blood_pressure", part).ucum == "mm[Hg]"
    assert component_code("blood_pressure", "pulse").ucum == "/min"


def test_quantity_is_ucum():
    q = observation_code("vital_capacity").quantity(2150.0)
    assert q == {"value": 2150.0, "unit": "mL", "system": UCUM_SYSTEM, "code": "mL"}


def test_panel_has_no_quantity():
    with pytest.raises(MappingError, match="panel"):
        observation_code("blood_pressure").quantity(120.0)


def test_unknown_item_is_a_mapping_error_naming_the_data_file():
    with pytest.raises(MappingError, match=r"observation_codes\.csv"):
        observation_code("telepathy")


HEADER = "key,system,code,display,ucum,unit,category,note\n"


@pytest.mark.parametrize(("row", "message"), [
    ("height,loinc,8302-3,Body height,cm,cm,vital-signs,x\n", "not a LOINC code"),  # wrong check digit
    ("height,snomed,1,Body height,cm,cm,vital-signs,x\n", "system"),
    ("height,loinc,8302-2,Body height,cm,cm,lab,x\n", "category"),
    ("height,loinc,8302-2,Body height,cm,,vital-signs,x\n", "ucum and unit"),
    ("height,loinc,8302-2,,cm,cm,vital-signs,x\n", "display"),
    ("height,loinc,8302-2,Body height,cm\n", "fields"),
])
def test_malformed_rows_are_refused_with_the_row_number(row, message):
    with pytest.raises(MappingError, match=message) as e:
        parse_code_table(HEADER + row, source="t.csv")
    assert "t.csv row 2" in str(e.value)


def test_duplicate_keys_are_refused():
    row = "height,loinc,8302-2,Body height,cm,cm,vital-signs,x\n"
    with pytest.raises(MappingError, match="twice"):
        parse_code_table(HEADER + row + row)


def test_wrong_header_is_refused():
    with pytest.raises(MappingError, match="expected columns"):
        parse_code_table("item,code\nheight,8302-2\n")
