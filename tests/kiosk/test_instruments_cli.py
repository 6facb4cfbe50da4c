"""`kiosk instruments list|show|score|export`: the answers a person gets, and clear errors for bad answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.instruments.model import instrument, load_instruments


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["instruments", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def answers_file(tmp_path: Path, answers: object) -> str:
    p = tmp_path / "answers.json"
    p.write_text(json.dumps(answers), "utf-8")
    return str(p)


def test_list_names_every_shipped_questionnaire_and_its_wording_status(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    for iid in load_instruments():
        assert iid in out
    assert "unvalidated project translation" in out and "gloss only" in out


def test_show_prints_the_codes_to_answer_with_in_chinese(capsys):
    code, out, _ = run(capsys, "show", "phq9", "--lang", "zh")
    assert code == 0 and "LA6569-3 = 1  好几天" in out and "有不如死掉或用某种方式伤害自己的念头" in out
    assert "safety phq9-item9" in out


def test_score_prints_total_band_advice_and_urgency(capsys, tmp_path):
    answers = {it.link_id: "LA6570-1" for it in instrument("phq9").items}
    code, out, _ = run(capsys, "score", "phq9", answers_file(tmp_path, {"answers": answers}))
    result = json.loads(out)
    assert code == 0 and result["total"] == 18 and result["band"]["code"] == "moderately_severe"
    assert result["urgent"][0]["code"] == "self_harm_thoughts"


@pytest.mark.parametrize(("answers", "words"), [
    ({"/44250-9": "3"}, "question 1 (/44250-9): '3' is not an answer to question 1; allowed codes: 'LA6568-5'"),
    ({"/44250-9": "LA6568-5"}, "not scored, 8 required question(s) unanswered"),
    ({"/44299-9": "LA6568-5"}, "phq9 has no question '/44299-9'"),
    (["LA6568-5"], "answers must be an object"),
])
def test_bad_answers_get_a_clear_error_and_exit_1(capsys, tmp_path, answers, words):
    code, out, err = run(capsys, "score", "phq9", answers_file(tmp_path, answers))
    assert code == 1 and out == "" and words in err, err


def test_an_unanswered_questionnaire_with_item9_still_says_urgent(capsys, tmp_path):
    code, _, err = run(capsys, "score", "phq9", answers_file(tmp_path, {"/44260-8": "LA6571-9"}))
    assert code == 1 and "URGENT even though not scored" in err


def test_a_file_that_is_not_json_or_missing_is_named(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", "utf-8")
    assert run(capsys, "score", "phq9", str(bad))[2].startswith(f"kiosk instruments score: {bad} is not JSON")
    assert "cannot read" in run(capsys, "score", "phq9", str(tmp_path / "missing.json"))[2]


def test_an_unknown_questionnaire_lists_the_shipped_ones(capsys, tmp_path):
    code, _, err = run(capsys, "score", "ad8", answers_file(tmp_path, {}))
    assert code == 1 and "no instrument 'ad8'" in err and "phq9" in err


def test_export_writes_one_questionnaire_per_instrument(capsys, tmp_path):
    code, out, _ = run(capsys, "export", "--out", str(tmp_path / "q"))
    files = sorted((tmp_path / "q").glob("Questionnaire-*.json"))
    assert code == 0 and len(files) == len(load_instruments())
    q = json.loads(files[0].read_text("utf-8"))
    assert q["resourceType"] == "Questionnaire" and q["url"].startswith("https://fhir.health-station.example/")
    code, out, _ = run(capsys, "export")
    assert json.loads(out)["type"] == "collection"


EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "woman-72-questionnaires.json"


def test_kiosk_grade_reads_questionnaires_and_reports_them(capsys):
    code = main(["grade", str(EXAMPLE)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    q = {x["instrument"]: x for x in report["questionnaires"]}
    assert q["steadi_stay_independent"]["total"] == 5 and q["sarc_f"]["band"]["code"] == "positive"
    assert q["phq9"]["scored"] is False and "total" not in q["phq9"]
    assert {"fall_risk", "sarcopenia_risk"} <= {f["name"] for f in report["flags"]}
    fired = [r["rule"] for r in report["prescription"]["rules_fired"]]
    assert "balance_for_fall_risk" in fired and "resistance_for_low_strength" in fired


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"status": "completed"}, "questionnaires[2].answers", "7 question(s) unanswered"),
    ({"answers": {"/44250-9": "yes"}}, "questionnaires[2].answers./44250-9", "allowed codes"),
    ({"instrument": "ad8"}, "questionnaires[2].instrument", "no instrument 'ad8'"),
    ({"status": "paused"}, "questionnaires[2].status", "'completed' or 'stopped'"),
])
def test_a_bad_questionnaire_in_a_grade_file_names_the_field(capsys, tmp_path, change, field, words):
    data = json.loads(EXAMPLE.read_text("utf-8"))
    data["questionnaires"][2].update(change)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), "utf-8")
    code = main(["grade", str(path)])
    err = capsys.readouterr().err
    assert code == 1 and field in err and words in err, err
