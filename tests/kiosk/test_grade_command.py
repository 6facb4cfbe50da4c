"""`kiosk grade FILE.json …`: prints the report JSON; bad input exits 1 with one specific line, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from tests.kiosk.grading_support import repo_path

EXAMPLES = [repo_path("docs", "examples", n) for n in ("man-25.json", "woman-45.json", "woman-72.json")]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["grade", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_one_file_prints_one_report_object(capsys) -> None:
    code, out, _ = run(capsys, str(EXAMPLES[0]))
    report = json.loads(out)
    assert code == 0 and report["age_years"] == 25 and report["sex"] == "M"
    assert report["national_grade"]["level"] is not None, "the 25-year-old example is a complete, graded session"
    assert "国民体质" in out, "printed with ensure_ascii=False"


def test_the_three_examples_give_sensible_reports(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, *map(str, EXAMPLES), "--html", str(tmp_path / "html"))
    man, woman45, woman72 = json.loads(out)
    assert code == 0
    assert man["flags"] == [] and man["prescription"]["rules_fired"][0]["rule"] == "aerobic_adult"
    assert woman45["classes"]["blood_pressure"]["class"] == "grade_1_hypertension"
    assert woman45["standards"][0]["age_group"] == "40–59" and woman45["trend"]["items"]
    names72 = {f["name"] for f in woman72["flags"]}
    assert {"possible_sarcopenia", "fall_risk"} <= names72 and woman72["national_grade"] is None
    grip72 = next(i for i in woman72["items"] if i["item"] == "grip")
    assert grip72["score"] is None and "20–59" in grip72["score_reason"]
    assert sorted(p.name for p in (tmp_path / "html").iterdir()) == ["man-25.html", "woman-45.html", "woman-72.html"]


def test_the_76_year_old_example_is_graded_by_named_older_adult_packs(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, str(repo_path("docs", "examples", "woman-76.json")), "--html", str(tmp_path / "r.html"))
    report = json.loads(out)
    assert code == 0 and report["age_years"] == 76
    assert all(i["graded_by"] for i in report["items"]), [i["item"] for i in report["items"] if not i["graded_by"]]
    ranges = {i["item"]: i["norm_range"]["band"] for i in report["items"] if "norm_range" in i}
    assert ranges == {"chair_stand_30s": "within", "arm_curl_30s": "within", "two_minute_step": "within",
                      "eight_foot_up_and_go": "within"}
    assert report["batteries"][0]["total"] == 9, "balance 3 (tandem 5.2 s) + walk 3 (4 m in 5.13 s) + chairs 3"
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "功能性体适能小结" in html and "Short Physical Performance Battery" in html


def test_html_for_one_file_is_written_to_the_named_path(capsys, tmp_path: Path) -> None:
    code, _, _ = run(capsys, str(EXAMPLES[2]), "--html", str(tmp_path / "r.html"))
    assert code == 0 and "肌少症" in (tmp_path / "r.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d["measurements"][7]["trials"].__setitem__(0, {"hand": "right", "value": 400}),
     "measurements[7].trials[0].value: 400 kg is outside the physical limits of grip"),
    (lambda d: d["measurements"][0]["trials"][0].__setitem__("systolic", 20),
     "measurements[0].trials[0].systolic: 20 mmHg is outside the physical limits"),
    (lambda d: d["measurements"][1].pop("unit"), "measurements[1].unit: missing unit"),
    (lambda d: d["measurements"][1].__setitem__("item", "iq"), "measurements[1].item: unknown item 'iq'"),
    (lambda d: d["resident"].__setitem__("birth_date", "2020-01-01"), "resident.birth_date: age 6 on 2026-11-23"),
])
def test_bad_input_exits_1_with_one_specific_line(capsys, tmp_path: Path, mutate, expected) -> None:
    data = json.loads(EXAMPLES[0].read_text(encoding="utf-8"))
    mutate(data)
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run(capsys, str(f))
    lines = [ln for ln in err.splitlines() if ln.startswith("kiosk grade:")]
    assert code == 1 and out == ""
    assert len(lines) == 1 and expected in lines[0], f"expected {expected!r} in {err!r}"
    assert "Traceback" not in err


def test_a_missing_file_is_a_clear_error(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, str(tmp_path / "nope.json"))
    assert code == 1 and "nope.json: cannot read the file" in err


def test_an_external_pack_folder_can_be_chosen(capsys) -> None:
    pack = repo_path("tests", "kiosk", "norm_packs", "cn-2023-shape-test")
    code, out, _ = run(capsys, str(EXAMPLES[0]), "--pack", str(pack), "--pack", "clinical-cutoffs")
    report = json.loads(out)
    assert code == 0 and report["standards"][0]["pack"] == "cn-2023-shape-test"
