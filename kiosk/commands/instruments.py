"""`kiosk instruments list|show ID|score ID ANSWERS.json|export`: the self-assessment questionnaires."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("instruments", help="self-assessment questionnaires: list, show, score answers, export FHIR",
                       description="The questionnaires the station ships (kiosk/instruments/data), their scoring "
                                   "and their FHIR Questionnaire resources.")
    isub = p.add_subparsers(dest="instruments_command", metavar="ACTION", required=True)
    isub.add_parser("list", help="every shipped questionnaire: id, title, questions, ages, wording status") \
        .set_defaults(func=_list)
    show = isub.add_parser("show", help="one questionnaire's questions, answers and scores, bands and safety rules")
    show.add_argument("id")
    show.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the texts (default en)")
    show.add_argument("--json", action="store_true", help="print the data file as stored")
    show.set_defaults(func=_show)
    score = isub.add_parser("score", help="score a file of answers and print the result as JSON",
                            description="ANSWERS.json is an object of question linkId -> answer code (choice "
                                        "questions) or whole number (days, minutes); \"dont_know\" where allowed. "
                                        "`kiosk instruments show ID` lists the linkIds and codes.")
    score.add_argument("id")
    score.add_argument("answers", metavar="ANSWERS.json")
    score.set_defaults(func=_score)
    export = isub.add_parser("export", help="write the FHIR R4 Questionnaire resources",
                             description="Without --out: one collection Bundle on standard output.")
    export.add_argument("--out", metavar="DIR", help="write Questionnaire-<id>.json files into DIR")
    export.set_defaults(func=_export)


def _list(args: argparse.Namespace) -> int:
    from kiosk.instruments.model import load_instruments

    for inst in load_instruments().values():
        ages = f"{inst.age_min or ''}-{inst.age_max or ''}" if (inst.age_min or inst.age_max) else "any"
        print(f"{inst.id:30} {len(inst.items):3} questions  ages {ages:7}  {inst.title.en}")
        print(f"{'':30} {inst.title.zh or ''}")
        for lang, status in inst.language_status.items():
            print(f"{'':34} {lang}: {status}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from kiosk.instruments.model import instrument

    inst = instrument(args.id)
    if args.json:
        print(json.dumps(dict(inst.raw), ensure_ascii=False, indent=1))
        return 0
    lang = args.lang
    print(f"{inst.title.get(lang)}  ({inst.id} {inst.version}, {inst.url})")
    print(f"licence: {inst.licence.get('status')} - {inst.licence.get('summary')}")
    if inst.instructions.get(lang):
        print(inst.instructions.get(lang))
    for it in inst.items:
        cond = "".join(f"  [asked if {e.question} {e.operator} {e.answer}]" for e in it.enable_when)
        print(f"\n{it.number}. {it.link_id}{cond}\n   {it.text.get(lang)}")
        for o in it.options:
            print(f"   {o.code:>10} = {o.score:g}  {o.text.get(lang)}")
        if it.type == "integer":
            unit = "days" if it.unit == "d" else "minutes"
            dk = ', or "dont_know"' if it.dont_know else ""
            print(f"   whole number of {unit}, {it.minimum}-{it.maximum}{dk}")
    print()
    for b in inst.bands:
        doctor = " [doctor]" if b.doctor_flag else ""
        print(f"band {b.code}: {b.minimum:g}-{b.maximum:g} {b.label.get(lang)}{doctor}")
    for r in inst.safety_rules:
        print(f"safety {r.id}: {r.item} score >= {r.min_score:g} -> urgent ({r.basis})")
    return 0


def _score(args: argparse.Namespace) -> int:
    from kiosk.instruments.model import instrument
    from kiosk.instruments.results import score_dict
    from kiosk.instruments.scoring import IncompleteAnswers, safety_hits, score

    inst = instrument(args.id)
    try:
        raw: Any = json.loads(Path(args.answers).read_text("utf-8"))
    except OSError as e:
        print(f"kiosk instruments score: cannot read {args.answers}: {e.strerror or e}", file=sys.stderr)
        return 1
    except ValueError as e:
        print(f"kiosk instruments score: {args.answers} is not JSON: {e}", file=sys.stderr)
        return 1
    if isinstance(raw, dict) and isinstance(raw.get("answers"), dict):
        raw = raw["answers"]
    try:
        result = score(inst, raw)
    except IncompleteAnswers as e:
        print(f"kiosk instruments score: {args.answers}: {e}", file=sys.stderr)
        for r in safety_hits(inst, {k: v for k, v in raw.items() if isinstance(v, str | int)}):
            print(f"kiosk instruments score: URGENT even though not scored: {r.message.en}", file=sys.stderr)
        return 1
    except InputError as e:
        item = inst.item(e.field or "")
        where = f"question {item.number} ({item.link_id})" if item else (e.field or "answers")
        message = str(e).split(": ", 1)[1] if ": " in str(e) else str(e)
        print(f"kiosk instruments score: {args.answers}: {where}: {message}", file=sys.stderr)
        return 1
    out = {"instrument": inst.id, "version": inst.version, **score_dict(inst, result),
           "urgent": [{"code": r.code, "message": {"en": r.message.en, "zh": r.message.zh}} for r in
                      safety_hits(inst, raw)]}
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


def _export(args: argparse.Namespace) -> int:
    from kiosk.instruments.fhir_questionnaire import questionnaire_resource
    from kiosk.instruments.model import load_instruments

    resources = [questionnaire_resource(i) for i in load_instruments().values()]
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for r in resources:
            path = out / f"Questionnaire-{r['id']}.json"
            path.write_text(json.dumps(r, ensure_ascii=False, indent=1) + "\n", "utf-8")
            print(path)
        return 0
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"fullUrl": r["url"], "resource": r} for r in resources]}
    print(json.dumps(bundle, ensure_ascii=False, indent=1))
    return 0
