"""Copy the shipped self-assessment instruments from ../shared/instruments into kiosk/instruments/data.

Run once per research update: ``python scripts/import_instruments.py [SHARED_DIR]``. It reads the
researched JSON files (item wordings, options, scores, cut-offs, LOINC codes, licence, sources), keeps
the wording exactly, and writes one project file per instrument in the station's form (close to a FHIR
Questionnaire, see kiosk/instruments/model.py). The project's own decisions and translations live in
scripts/instrument_overlay.py, each marked as such; nothing from ``not-shipped/`` is read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import instrument_overlay as ov

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "kiosk" / "instruments" / "data"
SHIPPED = ("phq9", "phq2", "gad7", "gad2", "steadi_stay_independent", "sarc_f", "frail", "ipaq_sf",
           "tcm_constitution_elderly_33", "elderly_self_care_adl")
CANONICAL = "https://fhir.health-station.example/Questionnaire/"
VERSION = "1.0.0"
LOINC = "http://loinc.org"
# Plain short names for the screen header, the chooser and the doctor's badges (the project's words).
SHORT = {"phq9": ("Mood (PHQ-9)", "情绪（PHQ-9）"), "phq2": ("Mood, short (PHQ-2)", "情绪简表（PHQ-2）"),
         "gad7": ("Anxiety (GAD-7)", "焦虑（GAD-7）"),
         "gad2": ("Anxiety, short (GAD-2)", "焦虑简表（GAD-2）"),
         "steadi_stay_independent": ("Falls check (STEADI)", "跌倒风险自查（STEADI）"),
         "sarc_f": ("Muscles (SARC-F)", "肌少症筛查（SARC-F）"),
         "frail": ("Frailty check (FRAIL)", "衰弱筛查（FRAIL）"),
         "ipaq_sf": ("Activity (IPAQ-SF)", "体力活动（IPAQ短卷）"),
         "tcm_constitution_elderly_33": ("TCM body constitution", "中医体质辨识"),
         "elderly_self_care_adl": ("Self-care in daily life", "生活自理能力评估")}


def _t(en: str | None, zh: str | None) -> dict[str, str | None]:
    return {"en": en, "zh": zh}


def _bands(src: dict[str, Any], advice: dict[str, tuple[str, str]], codes: list[str]) -> list[dict[str, Any]]:
    out = []
    for code, c in zip(codes, src["cutoffs"], strict=True):
        en, zh = advice[code]
        out.append({"code": code, "min": c["min"], "max": c["max"], "label": _t(c["label_en"], c["label_zh"]),
                    "advice": _t(en, zh), "doctor_flag": c["doctor_flag"]})
    return out


def _common(src: dict[str, Any]) -> dict[str, Any]:
    lic = src["licence"]
    return {
        "format": "kiosk.instrument/1",
        "resourceType": "Questionnaire",
        "id": src["id"],
        "url": CANONICAL + src["id"],
        "version": VERSION,
        "status": "active",
        "title": _t(src.get("title_en"), src.get("title_zh")),
        "licence": {"status": lic["status"], "summary": lic["summary"], "caveat": lic.get("caveat", "")},
        "copyright": lic.get("footer_en") or lic["summary"],
        "sources": src["sources"],
        "provenance": f"Copied from ../shared/instruments/{src['id']}.json (sources in its PROVENANCE.md) by "
                      "scripts/import_instruments.py; item wording unchanged. Project decisions and translations "
                      "come from scripts/instrument_overlay.py and are marked in this file.",
        "readiness": src["readiness"],
        "open_issues": src.get("open_issues", []),
        "disagreements": src.get("disagreements", []),
    }


def _phq_gad(src: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    opts = [{"code": o["code"], "system": LOINC, "score": o["score"], "text": _t(o["text_en"], o["text_zh"])}
            for o in src["answer_options"]]
    items = [{"linkId": it["linkId"], "number": it["number"], "code": it["loinc"], "type": "choice",
              "required": True, "text": _t(it["text_en"], it["text_zh"]), "answerOption": opts}
             for it in src["items"]]
    d = _common(src)
    code = src.get("fhir", {}).get("Questionnaire.code")
    total = src["scoring"].get("loinc_total")
    d.update(code=[code] if code else [], instructions=_t(src["instructions"]["en"], src["instructions"]["zh"]),
             language_status={"en": "official", "zh": "reproduced official Chinese (see disagreements)"},
             items=items,
             scoring={"method": "sum", "range": src["scoring"]["range"],
                      "total_code": {"system": LOINC, "code": total, "display": extra["total_display"]}
                      if total else None,
                      "bands": _bands(src, extra["advice"], extra["band_codes"]),
                      "basis": " ".join(src.get("cutoff_notes", [])), "decisions": extra.get("decisions", [])})
    d.update({k: v for k, v in extra.items() if k in ("safety_rules", "worked_examples", "station_flags",
                                                       "watch", "ages", "notes")})
    return d


def build(shared: Path) -> dict[str, dict[str, Any]]:
    src = {name: json.loads((shared / f"{name}.json").read_text("utf-8")) for name in SHIPPED}
    out = {name: _phq_gad(src[name], ov.PHQ_GAD[name]) for name in ("phq9", "phq2", "gad7", "gad2")}
    out["steadi_stay_independent"] = ov.steadi(src["steadi_stay_independent"], _common, _bands)
    out["sarc_f"] = ov.sarc_f(src["sarc_f"], _common, _bands)
    out["frail"] = ov.frail(src["frail"], _common, _bands)
    out["ipaq_sf"] = ov.ipaq(src["ipaq_sf"], _common)
    out["tcm_constitution_elderly_33"] = ov.tcm(src["tcm_constitution_elderly_33"], _common)
    out["elderly_self_care_adl"] = ov.adl(src["elderly_self_care_adl"], _common, _bands)
    for name, d in out.items():
        d["short_title"] = _t(*SHORT[name])
        d["worked_examples"] = [_expand(ex, d["items"]) for ex in d.get("worked_examples", [])]
    return out


def _expand(ex: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    """A worked example with every answer spelled out ("all:CODE", "default" and "overrides" resolved)."""
    spec = ex["answers"]
    if isinstance(spec, str):
        code = spec.removeprefix("all:")
        answers = {it["linkId"]: code for it in items}
    else:
        answers = dict(spec)
        if "default" in ex:
            answers = {it["linkId"]: answers.get(it["linkId"], ex["default"]) for it in items}
    answers.update(ex.get("overrides", {}))
    out = {"name": ex["name"], "answers": answers, "expected": ex["expected"]}
    out["source"] = ex.get("source", "project example, worked by hand from the scoring rule")
    return out


def main(argv: list[str]) -> int:
    shared = Path(argv[0]) if argv else ROOT.parent / "shared" / "instruments"
    if not shared.is_dir():
        shared = Path("/work/shared/instruments")
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in build(shared).items():
        (OUT / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
        print(f"wrote {OUT / name}.json ({len(data['items'])} items)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
