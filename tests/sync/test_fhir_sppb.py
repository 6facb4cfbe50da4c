"""The SPPB of a graded report travels as a panel (LOINC 62825-5) whose parts and total hang from it by hasMember."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from fhir_mapping_samples import at, options, resources, session

from kiosk.config import StationConfig
from kiosk.domain import Measurement, Method, Resident, Sex
from kiosk.grading import grade_session
from kiosk.norms import load_norm_set
from sync.codes import code_table
from sync.fhir_common import validate_resource
from sync.fhir_map import map_session

OLDER = Resident(pseudonym="station-pseudonym-older", sex=Sex.FEMALE, birth_date=date(1950, 1, 5))


def _battery(*, with_walk: bool = True) -> tuple[Measurement, ...]:
    rows = [("balance_side_by_side", 10.0, "s"), ("balance_semi_tandem", 10.0, "s"), ("balance_tandem", 5.2, "s"),
            ("five_times_sit_to_stand", 12.6, "s"), ("timed_up_and_go", 10.9, "s")]
    if with_walk:
        rows.append(("gait_speed_4m", 0.78, "m/s"))
    return tuple(Measurement(item, value, unit, 1, at(30 + i), device_id="camera", method=Method.CAMERA,
                             id=uuid.UUID(int=0xB000 + i)) for i, (item, value, unit) in enumerate(rows))


def _mapped(**kw: bool):
    s = replace(session(res=OLDER, items=_battery(**kw)))
    rep = grade_session(s, load_norm_set(StationConfig().norm_packs)).to_dict()
    return rep, map_session(s, rep, [], options())


def _by_code(bundle, code: str) -> list[dict]:
    return [r for r in resources(bundle, "Observation") if r["code"]["coding"][0]["code"] == code]


def test_the_sppb_panel_holds_its_parts_and_total_by_has_member() -> None:
    rep, b = _mapped()
    assert rep["batteries"][0]["total"] == 9
    for r in resources(b):
        validate_resource(r)
    (panel,) = _by_code(b, "62825-5")
    assert panel["code"]["coding"][0]["system"] == "http://loinc.org" and "valueQuantity" not in panel
    urls = {e["fullUrl"]: e["resource"] for e in b["entry"]}
    members = [urls[m["reference"]] for m in panel["hasMember"]]
    got = {m["code"]["coding"][0]["code"]: m["valueQuantity"]["value"] for m in members}
    assert got == {"66253-6": 3, "sppb-gait-score": 3, "sppb-chair-stand-score": 3, "sppb-total-score": 9}
    assert all(m["valueQuantity"]["code"] == "{score}" for m in members)
    for m in members:  # each score points at the graded trials it came from, all in this bundle
        assert m["derivedFrom"] and all(d["reference"] in urls for d in m["derivedFrom"])
    (dr,) = resources(b, "DiagnosticReport")
    assert any(r["reference"] in {e["fullUrl"] for e in b["entry"] if e["resource"] is panel} for r in dr["result"])


def test_an_incomplete_sppb_sends_the_parts_done_and_no_total() -> None:
    rep, b = _mapped(with_walk=False)
    assert rep["batteries"][0]["total"] is None
    (panel,) = _by_code(b, "62825-5")
    urls = {e["fullUrl"]: e["resource"] for e in b["entry"]}
    codes = {urls[m["reference"]]["code"]["coding"][0]["code"] for m in panel["hasMember"]}
    assert codes == {"66253-6", "sppb-chair-stand-score"}
    assert not _by_code(b, "sppb-total-score") and not _by_code(b, "sppb-gait-score")


def test_tug_travels_with_its_checked_loinc_code_and_the_note_says_what_was_checked() -> None:
    _, b = _mapped()
    (tug,) = _by_code(b, "89423-8")
    assert tug["valueQuantity"] == {"value": 10.9, "unit": "s", "system": "http://unitsofmeasure.org", "code": "s"}
    table = code_table()
    for key in ("timed_up_and_go", "eight_foot_up_and_go", "two_minute_step", "gait_speed_4m", "balance_side_by_side",
                "balance_semi_tandem", "balance_tandem", "single_leg_stand_eyes_open", "sppb", "sppb.balance",
                "sppb.gait", "sppb.chair_stands", "sppb.total"):
        assert "checked 2026-12-07" in table[key].note and "not yet checked" not in table[key].note, key
