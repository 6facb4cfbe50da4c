"""Parsing the `kiosk grade FILE.json` input into a Session; every problem is an InputError naming its field.

The shape is documented in docs/grade-format.md. Values are converted to each item's canonical unit
and checked against its physical limits; nothing here raises anything but InputError.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from kiosk.domain import (
    BP_COMPONENT_LIMITS,
    COUNT,
    ITEMS,
    Measurement,
    Method,
    Resident,
    SafetyScreen,
    Session,
    Sex,
    Side,
    item_spec,
)
from kiosk.errors import InputError
from kiosk.instruments.grade_input import parse_questionnaires
from kiosk.norms.model import NormSet

TOP_KEYS = {"resident", "test_date", "measurements", "safety", "previous", "station_id", "session_id",
            "questionnaires"}
RESIDENT_KEYS = {"sex", "birth_date", "pseudonym"}
MEASUREMENT_KEYS = {"item", "unit", "trials", "method", "device_id"}
TRIAL_KEYS = {"value", "hand", "taken_at", "systolic", "diastolic", "pulse", "mean"}
BP_TRIAL_KEYS = {"systolic", "diastolic", "pulse", "mean", "taken_at"}
DEFAULT_STATION = "grade-cli"
MAX_FILE_BYTES = 1024 * 1024  # a session with a previous report is a few tens of kB; refuse anything far larger
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CLOCK_SKEW = timedelta(days=1)  # a date or time up to a day ahead of this machine's clock is accepted


@dataclass(frozen=True)
class GradeRequest:
    """A parsed input file: the session to grade and, optionally, the previous report for the trend."""

    session: Session
    previous: Mapping[str, Any] | None = None


def _obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(f"expected an object, got {type(value).__name__}", field=where)
    return value


def _no_unknown(obj: Mapping[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(obj) - allowed)
    if extra:
        raise InputError(f"unknown key {extra[0]!r}; allowed: {', '.join(sorted(allowed))}",
                         field=f"{where}.{extra[0]}" if where else extra[0])


def _date(value: Any, where: str) -> date:
    if not isinstance(value, str):
        raise InputError("expected a date as text, YYYY-MM-DD", field=where)
    if not ISO_DATE.fullmatch(value):  # date.fromisoformat also takes 19610302 and week dates like 1961-W09-4
        raise InputError(f"{value!r} is not a date (YYYY-MM-DD)", field=where)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value!r} is not a date (YYYY-MM-DD)", field=where) from None


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"expected a number, got {json.dumps(value, ensure_ascii=False)[:40]}", field=where)
    try:
        number = float(value)
    except OverflowError:  # an integer literal of hundreds of digits
        raise InputError("expected a finite number, got an integer too large", field=where) from None
    if not math.isfinite(number):
        raise InputError("expected a finite number", field=where)
    return number


def _within(value: float, lo: float, hi: float, unit: str, what: str, where: str) -> None:
    if not lo <= value <= hi:
        raise InputError(f"{value:g} {unit} is outside the physical limits of {what} ({lo:g}–{hi:g} {unit})",
                         field=where)


def _taken_at(trial: Mapping[str, Any], default: datetime, where: str, now: datetime) -> datetime:
    raw = trial.get("taken_at")
    if raw is None:
        return default
    try:
        at = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        at = None
    if at is None:
        raise InputError(f"{raw!r} is not a date-time (ISO 8601)", field=f"{where}.taken_at")
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    if at > now + CLOCK_SKEW:
        raise InputError(f"{raw} is in the future (this machine's clock says {now:%Y-%m-%d %H:%M} UTC)",
                         field=f"{where}.taken_at")
    return at


def _text_paths(data: Any) -> Any:
    """(path, text) for every string in decoded JSON, keys included; iterative, so depth costs no recursion."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, Mapping):
            for k, v in value.items():
                sub = f"{path}.{k}" if path else str(k)
                yield sub, str(k)
                stack.append((sub, v))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(value))


def _no_surrogates(data: Any) -> None:
    """Refuse a lone UTF-16 surrogate anywhere (JSON allows "\\udc80"; no UTF-8 output can carry it)."""
    for path, text in _text_paths(data):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            clean = path.encode("utf-8", "backslashreplace").decode("ascii", "replace")
            raise InputError("contains a lone surrogate (\\ud800-\\udfff), which is not text", field=clean) \
                from None


def _previous_report(raw: Any, test_date: date) -> Mapping[str, Any]:
    """The previous report, checked where the trend reads it (items' names and graded values, classes, date)."""
    prev = _obj(raw, "previous")
    items = prev.get("items", [])
    if not isinstance(items, list):
        raise InputError("expected the previous report's items as a list", field="previous.items")
    for i, item in enumerate(items):
        where = f"previous.items[{i}]"
        _obj(item, where)
        if not isinstance(item.get("item"), str):
            raise InputError("expected the item name as text", field=f"{where}.item")
        if item.get("graded_value") is not None:
            _number(item["graded_value"], f"{where}.graded_value")
    if "classes" in prev and prev["classes"] is not None:
        _obj(prev["classes"], "previous.classes")
    if prev.get("test_date") is not None:
        before = _date(prev["test_date"], "previous.test_date")
        if before > test_date:
            raise InputError(f"the previous report's date {before} is after this session's {test_date}",
                             field="previous.test_date")
    return prev


def _blood_pressure(trial: Any, unit: str, where: str) -> tuple[float, dict[str, float]]:
    spec = ITEMS["blood_pressure"]
    t = _obj(trial, where)
    _no_unknown(t, BP_TRIAL_KEYS, where)
    comps: dict[str, float] = {}
    for name in ("systolic", "diastolic", "mean", "pulse"):
        if name not in t:
            if name in ("systolic", "diastolic"):
                raise InputError(f"a blood-pressure trial needs {name}", field=f"{where}.{name}")
            continue
        v = _number(t[name], f"{where}.{name}")
        if name != "pulse":
            v = spec.to_canonical(v, unit, field=f"{where}.{name}")  # unrounded: classes round once, to 1 mmHg
        lo, hi = BP_COMPONENT_LIMITS[name]
        _within(v, lo, hi, "/min" if name == "pulse" else "mmHg", name, f"{where}.{name}")
        comps[name] = v
    if comps["systolic"] <= comps["diastolic"]:
        raise InputError(f"systolic {comps['systolic']:g} must be above diastolic {comps['diastolic']:g}",
                         field=f"{where}.systolic")
    return comps["systolic"], comps


def _measurements(raw: Any, session_id: uuid.UUID, test_date: date, now: datetime) -> tuple[Measurement, ...]:
    if not isinstance(raw, list) or not raw:
        raise InputError("expected a non-empty list of measurements", field="measurements")
    out: list[Measurement] = []
    next_trial: dict[str, int] = {}
    last_explicit_at: dict[str, datetime] = {}
    start = datetime.combine(test_date, time(9, 0), UTC)
    for i, m_raw in enumerate(raw):
        where = f"measurements[{i}]"
        m = _obj(m_raw, where)
        _no_unknown(m, MEASUREMENT_KEYS, where)
        if "item" not in m:
            raise InputError("missing item", field=f"{where}.item")
        if not isinstance(m["item"], str):
            raise InputError("expected the item name as text", field=f"{where}.item")
        spec = item_spec(m["item"], field=f"{where}.item")
        unit = m.get("unit")
        if not isinstance(unit, str) or not unit:
            raise InputError(f"missing unit (the station unit of {spec.name} is {spec.unit.symbol})",
                             field=f"{where}.unit")
        spec.to_canonical(0.0, unit, field=f"{where}.unit")
        try:
            method = Method(m.get("method", "device"))
        except ValueError:
            raise InputError(f"method must be one of {', '.join(x.value for x in Method)}",
                             field=f"{where}.method") from None
        trials = m.get("trials")
        if not isinstance(trials, list) or not trials:
            raise InputError("expected a non-empty list of trials", field=f"{where}.trials")
        for j, trial in enumerate(trials):
            tw = f"{where}.trials[{j}]"
            n = next_trial.get(spec.name, 0) + 1
            next_trial[spec.name] = n
            comps: dict[str, float] = {}
            side = None
            default_at = start + timedelta(minutes=len(out))
            if spec.name == "blood_pressure":
                value, comps = _blood_pressure(trial, unit, tw)
                at = _taken_at(trial, default_at, tw, now)
            else:
                if isinstance(trial, Mapping):
                    _no_unknown(trial, {"value", "hand", "taken_at"}, tw)
                    if "value" not in trial:
                        raise InputError("a trial object needs a value", field=f"{tw}.value")
                    value_raw, at = trial["value"], _taken_at(trial, default_at, tw, now)
                    hand = trial.get("hand")
                    if hand is None and spec.name == "grip":
                        raise InputError("a grip trial names the hand: {\"hand\": \"left\"|\"right\", \"value\": n}",
                                         field=f"{tw}.hand")
                    if hand is not None:
                        if spec.name != "grip":
                            raise InputError("only grip trials name a hand", field=f"{tw}.hand")
                        if hand not in ("left", "right"):
                            raise InputError(f"hand must be 'left' or 'right', not {hand!r}", field=f"{tw}.hand")
                        side = Side(hand)
                    vw = f"{tw}.value"
                else:
                    if spec.name == "grip":
                        raise InputError("a grip trial is an object naming the hand: {\"hand\": \"left\"|\"right\", "
                                         "\"value\": n}", field=tw)
                    value_raw, at, vw = trial, default_at, tw
                value = spec.to_canonical(_number(value_raw, vw), unit, field=f"{where}.unit")
                if spec.unit is COUNT and value != int(value):
                    raise InputError(f"{value:g} is not a whole number of {spec.name.replace('_', ' ')}", field=vw)
                _within(value, spec.minimum, spec.maximum, spec.unit.symbol, spec.name, vw)
            if isinstance(trial, Mapping) and trial.get("taken_at") is not None:
                # trials are graded in listed order ("last" = the re-measurement); a listed time going backwards
                # would make the earlier reading stand and hide, e.g., a grade-3 blood pressure taken last
                if spec.name in last_explicit_at and at < last_explicit_at[spec.name]:
                    raise InputError(f"taken earlier than the previous trial of {spec.name}; list trials in the "
                                     "order they were taken", field=f"{tw}.taken_at")
                last_explicit_at[spec.name] = at
            device_id = m.get("device_id")
            if device_id is not None and (not isinstance(device_id, str) or not device_id):
                raise InputError("device_id must be non-empty text", field=f"{where}.device_id")
            out.append(Measurement(
                spec.name, value, spec.unit.symbol, n, at, comps, side, device_id, method,
                id=uuid.uuid5(session_id, f"{i}.{j}")))
    return tuple(out)


def _safety(raw: Any) -> SafetyScreen | None:
    if raw is None:
        return None
    answers = _obj(raw, "safety")
    for k, v in answers.items():
        if not isinstance(v, bool):
            raise InputError("a safety answer is true (yes) or false (no)", field=f"safety.{k}")
    return SafetyScreen(dict(answers))


def parse_grade_request(data: Any, norms: NormSet | None = None, *, now: datetime | None = None) -> GradeRequest:
    """The session (and previous report) in ``data``; with ``norms``, an age outside every pack is an error.

    ``now`` (default: this machine's clock) bounds the test date and trial times: up to a day ahead is clock
    skew, later is an error.
    """
    now = now or datetime.now(UTC)
    _no_surrogates(data)
    top = _obj(data, "(top level)")
    _no_unknown(top, TOP_KEYS, "")
    for key in ("resident", "test_date", "measurements"):
        if key not in top:
            raise InputError(f"missing {key}", field=key)
    res = _obj(top["resident"], "resident")
    _no_unknown(res, RESIDENT_KEYS, "resident")
    if res.get("sex") not in ("M", "F"):
        raise InputError(f"sex must be 'M' or 'F', not {res.get('sex')!r}", field="resident.sex")
    if "birth_date" not in res:
        raise InputError("missing birth_date", field="resident.birth_date")
    birth, test_date = _date(res["birth_date"], "resident.birth_date"), _date(top["test_date"], "test_date")
    if birth >= test_date:
        raise InputError(f"birth date {birth} is not before the test date {test_date}", field="resident.birth_date")
    if test_date > (now + CLOCK_SKEW).date():
        raise InputError(f"{test_date} is in the future (this machine's date is {now:%Y-%m-%d})", field="test_date")
    canonical = json.dumps({k: top[k] for k in ("resident", "test_date", "measurements")}, sort_keys=True,
                           ensure_ascii=False, default=str)
    try:
        session_id = uuid.UUID(top["session_id"]) if "session_id" in top else uuid.uuid5(uuid.NAMESPACE_URL,
                                                                                           canonical)
    except (ValueError, TypeError, AttributeError):
        raise InputError("session_id must be a UUID", field="session_id") from None
    pseudonym = res.get("pseudonym")
    if pseudonym is not None and (not isinstance(pseudonym, str) or not pseudonym):
        raise InputError("pseudonym must be non-empty text", field="resident.pseudonym")
    resident = Resident(pseudonym or f"anon-{session_id.hex[:12]}", Sex(res["sex"]), birth)
    station = top.get("station_id", DEFAULT_STATION)
    if not isinstance(station, str) or not station:
        raise InputError("station_id must be non-empty text", field="station_id")
    session = Session(session_id, station, resident, datetime.combine(test_date, time(9, 0), UTC), test_date,
                      safety=_safety(top.get("safety")),
                      measurements=_measurements(top["measurements"], session_id, test_date, now),
                      questionnaires=parse_questionnaires(top.get("questionnaires"), session_id,
                                                          datetime.combine(test_date, time(9, 30), UTC)))
    if norms is not None:
        from kiosk.grading import resident_age

        resident_age(session, norms)
    previous = top.get("previous")
    return GradeRequest(session, None if previous is None else _previous_report(previous, test_date))


def parse_grade_input(data: Any, norms: NormSet | None = None) -> Session:
    """The Session described by ``data`` (the decoded JSON of a `kiosk grade` input file)."""
    return parse_grade_request(data, norms).session


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's keys, refusing a repeated one (JSON would silently keep the last: {"sex": "M", "sex": "F"})."""
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out


def read_grade_file(path: Path | str, norms: NormSet | None = None) -> GradeRequest:
    """Read and parse one input file; an unreadable file or invalid JSON is an InputError too."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)  # bounded: a huge file (or /dev/zero) must not exhaust memory
        if len(raw) > MAX_FILE_BYTES:
            raise InputError(f"the file is too large (over {MAX_FILE_BYTES // 1024} kB); one session is expected",
                             field=str(path))
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read the file: {e.strerror if isinstance(e, OSError) else e}", field=str(path)) \
            from None
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except _DuplicateKey as e:
        raise InputError(f"the key {e.args[0]!r} appears twice in one object", field=str(path)) from None
    except json.JSONDecodeError as e:
        raise InputError(f"not valid JSON: {e.msg} at line {e.lineno} column {e.colno}", field=str(path)) from None
    except ValueError as e:  # an integer literal longer than Python's int_max_str_digits
        raise InputError(f"not usable JSON: {e}".split(";")[0], field=str(path)) from None
    except RecursionError:
        raise InputError("not usable JSON: nested too deeply", field=str(path)) from None
    return parse_grade_request(data, norms)
