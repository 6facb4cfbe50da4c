"""Self-assessment instruments as data: the frozen model and the loader that validates each file.

One JSON file per instrument in ``kiosk/instruments/data`` (written by scripts/import_instruments.py
from the researched files, wording unchanged), in a form close to a FHIR Questionnaire: linkId,
type, text, answerOption, enableWhen, plus the scoring rule, bands with advice, safety rules and
worked examples. A file that breaks a rule is refused with an InstrumentError naming file and field.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kiosk.errors import KioskError

FORMAT = "kiosk.instrument/1"
METHODS = ("sum", "ipaq_sf", "tcm_constitution")
LANGS = ("en", "zh")


class InstrumentError(KioskError):
    """An instrument file is malformed; the message names the file and the field."""

    def __init__(self, message: str, *, path: str = "", where: str = "") -> None:
        loc = ":".join(p for p in (path, where) if p)
        super().__init__(f"{loc}: {message}" if loc else message)


@dataclass(frozen=True)
class Text:
    en: str | None
    zh: str | None

    def get(self, lang: str) -> str:
        """The text in ``lang``, falling back to the other language (a form that exists in one only)."""
        primary = self.zh if lang == "zh" else self.en
        return primary or self.en or self.zh or ""


@dataclass(frozen=True)
class AnswerOption:
    code: str
    score: float
    text: Text
    system: str | None = None


@dataclass(frozen=True)
class EnableWhen:
    question: str
    operator: str  # ">" | "=" (answerInteger) — all the shipped files need
    answer: int


@dataclass(frozen=True)
class Item:
    link_id: str
    number: int
    type: str  # "choice" | "integer"
    text: Text
    options: tuple[AnswerOption, ...] = ()
    code: str | None = None  # LOINC code of the item, where one exists
    required: bool = True
    text_status: Mapping[str, str] = field(default_factory=dict)
    preamble: Text | None = None
    unit: str = ""  # integer items: "d" (days) or "min"
    minimum: int = 0
    maximum: int = 0
    dont_know: bool = False  # integer items that accept "don't know"
    enable_when: tuple[EnableWhen, ...] = ()

    def option(self, code: str) -> AnswerOption | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Band:
    code: str
    minimum: float
    maximum: float
    label: Text
    advice: Text
    doctor_flag: bool


@dataclass(frozen=True)
class SafetyRule:
    id: str
    item: str
    min_score: float
    code: str
    message: Text
    basis: str
    doctor_message: Text | None = None  # what the doctor's queue says (the message is the resident's)


@dataclass(frozen=True)
class FlagRule:
    """A station screening flag an instrument's result raises (fall_risk, sarcopenia_risk, low_activity)."""

    flag: str
    when: Mapping[str, Any]  # {"total_at_least": n} | {"item": linkId, "answer": code} | {"band": code}
    basis: str


@dataclass(frozen=True)
class Instrument:
    id: str
    url: str
    version: str
    title: Text
    instructions: Text
    items: tuple[Item, ...]
    method: str
    scoring: Mapping[str, Any]  # the whole scoring block, for the method-specific rules
    bands: tuple[Band, ...]
    safety_rules: tuple[SafetyRule, ...]
    flag_rules: tuple[FlagRule, ...]
    code: tuple[Mapping[str, str], ...]
    total_code: Mapping[str, str] | None
    language_status: Mapping[str, str]
    copyright: str
    licence: Mapping[str, str]
    age_min: int | None
    age_max: int | None
    raw: Mapping[str, Any]  # the file as loaded (export, show)
    short_title: Text | None = None  # plain words for the screen header and badges

    @property
    def short(self) -> Text:
        return self.short_title or self.title

    def item(self, link_id: str) -> Item | None:
        return next((i for i in self.items if i.link_id == link_id), None)

    def band_for(self, total: float) -> Band | None:
        return next((b for b in self.bands if b.minimum <= total <= b.maximum), None)

    def offered_at(self, age: int | None) -> bool:
        """Whether the instrument suits a resident of this age (unknown age: only unrestricted ones)."""
        if age is None:
            return self.age_min is None and self.age_max is None
        return (self.age_min is None or age >= self.age_min) and (self.age_max is None or age <= self.age_max)


def _text(d: Any, where: str, path: str, *, required: bool = True) -> Text:
    if not isinstance(d, Mapping) or not any(isinstance(d.get(k), str) and d.get(k) for k in LANGS):
        if not required and d is None:
            return Text(None, None)
        raise InstrumentError("expected {\"en\": …, \"zh\": …} with at least one text", path=path, where=where)
    return Text(d.get("en") or None, d.get("zh") or None)


def _need(d: Mapping[str, Any], key: str, kind: type | tuple[type, ...], path: str, where: str) -> Any:
    v = d.get(key)
    if not isinstance(v, kind) or (isinstance(v, bool) and kind is not bool):
        raise InstrumentError(f"{key!r} missing or not {getattr(kind, '__name__', kind)}", path=path, where=where)
    return v


def _item(d: Mapping[str, Any], i: int, path: str) -> Item:
    w = f"items[{i}]"
    link = _need(d, "linkId", str, path, w)
    typ = _need(d, "type", str, path, w)
    opts: list[AnswerOption] = []
    if typ == "choice":
        raw = _need(d, "answerOption", list, path, w)
        if len(raw) < 2:
            raise InstrumentError("a choice item needs at least two options", path=path, where=w)
        for j, o in enumerate(raw):
            ow = f"{w}.answerOption[{j}]"
            opts.append(AnswerOption(_need(o, "code", str, path, ow), float(_need(o, "score", (int, float), path, ow)),
                                     _text(o.get("text"), ow + ".text", path), o.get("system")))
        if len({o.code for o in opts}) != len(opts):
            raise InstrumentError("answer codes repeat", path=path, where=w)
    elif typ == "integer":
        if d.get("unit") not in ("d", "min"):
            raise InstrumentError("an integer item needs unit 'd' or 'min'", path=path, where=w)
        if not 0 <= int(d.get("min", 0)) < int(d.get("max", 0)):
            raise InstrumentError("an integer item needs 0 <= min < max", path=path, where=w)
    else:
        raise InstrumentError(f"unknown item type {typ!r} (choice, integer)", path=path, where=w)
    ew = tuple(EnableWhen(e["question"], e["operator"], int(e["answerInteger"])) for e in d.get("enableWhen", []))
    return Item(link, int(_need(d, "number", int, path, w)), typ, _text(d.get("text"), w + ".text", path), tuple(opts),
                d.get("code"), bool(d.get("required", True)), MappingProxyType(dict(d.get("text_status", {}))),
                _text(d["preamble"], w + ".preamble", path) if "preamble" in d else None, d.get("unit", ""),
                int(d.get("min", 0)), int(d.get("max", 0)), bool(d.get("dont_know", False)), ew)


def parse_instrument(d: Mapping[str, Any], path: str = "") -> Instrument:
    """Validate one instrument file's content and build the frozen model (InstrumentError on any fault)."""
    try:
        return _parse(d, path)
    except InstrumentError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:  # a field of the wrong shape
        raise InstrumentError(f"malformed ({type(e).__name__}: {e})", path=path) from None


def _parse(d: Mapping[str, Any], path: str) -> Instrument:
    if not isinstance(d, Mapping) or d.get("format") != FORMAT:
        raise InstrumentError(f"not an instrument file (format must be {FORMAT!r})", path=path)
    iid = _need(d, "id", str, path, "id")
    items = tuple(_item(it, i, path) for i, it in enumerate(_need(d, "items", list, path, "items")))
    links = [i.link_id for i in items]
    if not items or len(set(links)) != len(links):
        raise InstrumentError("items must be present and their linkIds unique", path=path, where="items")
    for it in items:
        for e in it.enable_when:
            if e.question not in links[:links.index(it.link_id)]:
                raise InstrumentError(f"enableWhen refers to {e.question!r}, not an earlier item", path=path,
                                      where=it.link_id)
    s = _need(d, "scoring", Mapping, path, "scoring")
    method = s.get("method")
    if method not in METHODS:
        raise InstrumentError(f"unknown scoring method {method!r} ({', '.join(METHODS)})", path=path,
                              where="scoring.method")
    bands = tuple(Band(b["code"], b.get("min", float("-inf")), b.get("max", float("inf")),
                       _text(b.get("label"), f"scoring.bands[{i}].label", path),
                       _text(b.get("advice"), f"scoring.bands[{i}].advice", path), bool(b.get("doctor_flag")))
                  for i, b in enumerate(s.get("bands", [])))
    if method == "sum":
        _check_sum(items, bands, s, path)
    safety = tuple(SafetyRule(r["id"], r["item"], float(r["min_score"]), r["code"],
                              _text(r["message"], f"safety_rules[{i}].message", path), r["basis"],
                              _text(r["doctor_message"], f"safety_rules[{i}].doctor_message", path)
                              if "doctor_message" in r else None)
                   for i, r in enumerate(d.get("safety_rules", [])))
    for r in safety:
        if r.item not in links:
            raise InstrumentError(f"safety rule {r.id} names no item of this instrument", path=path, where=r.id)
    flags = tuple(FlagRule(f["flag"], MappingProxyType(dict(f["when"])), f["basis"])
                  for f in d.get("station_flags", []))
    ages = d.get("ages") or {}
    return Instrument(iid, _need(d, "url", str, path, "url"), _need(d, "version", str, path, "version"),
                      _text(d.get("title"), "title", path), _text(d.get("instructions"), "instructions", path,
                                                                     required=False),
                      items, method, MappingProxyType(dict(s)), bands, safety, flags, tuple(d.get("code", [])),
                      s.get("total_code"), MappingProxyType(dict(d.get("language_status", {}))),
                      d.get("copyright", ""), MappingProxyType(dict(d.get("licence", {}))),
                      ages.get("min"), ages.get("max"), MappingProxyType(dict(d)),
                      _text(d["short_title"], "short_title", path) if "short_title" in d else None)


def _check_sum(items: tuple[Item, ...], bands: tuple[Band, ...], s: Mapping[str, Any], path: str) -> None:
    """The bands must tile the possible totals exactly: no gap, no overlap, ends at the range."""
    lo = sum(min(o.score for o in i.options) for i in items)
    hi = sum(max(o.score for o in i.options) for i in items)
    rng = s.get("range")
    if list(rng or []) != [lo, hi]:
        raise InstrumentError(f"range {rng} does not match the items' possible totals [{lo:g}, {hi:g}]", path=path,
                              where="scoring.range")
    if not bands or bands[0].minimum != lo or bands[-1].maximum != hi:
        raise InstrumentError(f"the bands must start at {lo:g} and end at {hi:g}", path=path, where="scoring.bands")
    for a, b in itertools.pairwise(bands):
        if b.minimum != a.maximum + 1:
            raise InstrumentError(f"band {b.code} must start at {a.maximum + 1:g} (after {a.code})", path=path,
                                  where="scoring.bands")


DATA = "data"


@functools.cache
def load_instruments() -> Mapping[str, Instrument]:
    """Every shipped instrument, validated, by id (read once per process)."""
    folder = resources.files("kiosk.instruments").joinpath(DATA)
    out: dict[str, Instrument] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            out_i = load_instrument_file(Path(str(entry)))
            out[out_i.id] = out_i
    return MappingProxyType(out)


def load_instrument_file(path: Path) -> Instrument:
    try:
        d = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as e:
        raise InstrumentError(f"cannot read: {e}", path=str(path)) from None
    inst = parse_instrument(d, str(path))
    if inst.id != path.stem:
        raise InstrumentError(f"id {inst.id!r} differs from the file name", path=str(path), where="id")
    return inst


def instrument(iid: str) -> Instrument:
    """One shipped instrument by id; InstrumentError listing the ids when unknown."""
    found = load_instruments().get(iid)
    if found is None:
        raise InstrumentError(f"no instrument {iid!r}; shipped: {', '.join(load_instruments())}")
    return found
