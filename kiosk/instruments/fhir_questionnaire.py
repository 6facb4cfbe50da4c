"""An instrument as a FHIR R4 Questionnaire resource (pure JSON; ``kiosk instruments export`` writes these).

English is the primary text; Chinese travels as the standard translation extension on ``_text`` /
``_display`` (lang zh-CN), as LHC-Forms and beda-software's forms do for other languages. Each answer's
score is the ``ordinalValue`` extension (the R4 name LHC-Forms uses). Answer codes without a system of
their own (STEADI's Y/N …) get the station's code system for that instrument.
"""

from __future__ import annotations

from typing import Any

from kiosk.instruments.model import AnswerOption, Instrument, Item, Text

SITE = "https://fhir.health-station.example"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
UNITS = {"d": ("d", "days"), "min": ("min", "minutes")}


def answer_system(inst: Instrument, opt: AnswerOption) -> str:
    return opt.system or f"{SITE}/CodeSystem/{inst.id}-answers"


def _primary(t: Text) -> tuple[str, dict[str, Any] | None]:
    """English as the element, Chinese as its translation extension (or Chinese alone when no English)."""
    if t.en:
        ext = {"extension": [{"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": "zh-CN"},
                                                                 {"url": "content", "valueString": t.zh}]}]}
        return t.en, ext if t.zh else None
    return t.zh or "", None


def _set_text(target: dict[str, Any], key: str, t: Text) -> None:
    text, ext = _primary(t)
    target[key] = text
    if ext:
        target["_" + key] = ext


def coding(inst: Instrument, opt: AnswerOption) -> dict[str, Any]:
    c: dict[str, Any] = {"system": answer_system(inst, opt), "code": opt.code}
    _set_text(c, "display", opt.text)
    return c


def _item(inst: Instrument, it: Item) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if it.preamble is not None:
        intro: dict[str, Any] = {"linkId": f"{it.link_id}-intro", "type": "display"}
        _set_text(intro, "text", it.preamble)
        out.append(intro)
    q: dict[str, Any] = {"linkId": it.link_id, "prefix": f"{it.number}.", "type": it.type, "required": it.required}
    _set_text(q, "text", it.text)
    if it.code:
        q["code"] = [{"system": LOINC, "code": it.code}]
    if it.type == "choice":
        q["answerOption"] = [{"valueCoding": coding(inst, o),
                              "extension": [{"url": ORDINAL, "valueDecimal": o.score}]} for o in it.options]
    else:
        ucum, words = UNITS[it.unit]
        q["extension"] = [{"url": MIN_VALUE, "valueInteger": it.minimum},
                          {"url": MAX_VALUE, "valueInteger": it.maximum},
                          {"url": UNIT, "valueCoding": {"system": UCUM, "code": ucum, "display": words}}]
    if it.enable_when:
        q["enableWhen"] = [{"question": e.question, "operator": e.operator, "answerInteger": e.answer}
                           for e in it.enable_when]
    out.append(q)
    return out


def questionnaire_resource(inst: Instrument) -> dict[str, Any]:
    """The Questionnaire (canonical ``inst.url``, version ``inst.version``) as a JSON-able dict."""
    r: dict[str, Any] = {"resourceType": "Questionnaire", "id": inst.id.replace("_", "-"), "url": inst.url,
                         "version": inst.version, "name": "".join(p.capitalize() for p in inst.id.split("_")),
                         "status": "active", "subjectType": ["Patient"], "publisher": "Community health station"}
    _set_text(r, "title", inst.title)
    langs = "; ".join(f"{k}: {v}" for k, v in inst.language_status.items())
    r["description"] = (f"Self-assessment questionnaire as shipped with the station. Wording: {langs}. "
                        f"Licence: {inst.licence.get('summary', '')}")
    if inst.code:
        r["code"] = [dict(c) for c in inst.code]
    r["copyright"] = inst.copyright
    r["item"] = [q for it in inst.items for q in _item(inst, it)]
    return r
