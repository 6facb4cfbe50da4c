"""Reading a norm-pack folder (pack.toml + CSV files) into validated frozen values.

Every problem is a ``NormPackError`` naming the file and, for CSV data, the line (header = line 1).
The pack format is described in docs/grade-format.md ("Norm packs").
"""

from __future__ import annotations

import csv
import io
import logging
import tomllib
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kiosk.domain import ITEMS
from kiosk.errors import NormPackError
from kiosk.logs import log_event
from kiosk.norms import model as m
from kiosk.norms import read_battery, read_classes, read_points, read_ranges, read_screening
from kiosk.norms.validate import validate_pack

log = logging.getLogger("kiosk.norms")

SHIPPED_PACKS = Path(__file__).with_name("packs")
MANIFEST = "pack.toml"
DERIVED_UNITS = {"bmi": "kg/m2"}
KNOWN_UNITS = {u.symbol for spec in ITEMS.values() for u in spec.units()} | set(DERIVED_UNITS.values())


class _Ctx:
    """Where we are reading, so every error can name the file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / MANIFEST

    def err(self, message: str, *, file: Path | None = None, row: int | None = None) -> NormPackError:
        return NormPackError(message, path=str(file or self.file), row=row)

    def get(self, table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
        if key not in table:
            raise self.err(f"missing key {where}.{key}")
        value = table[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.err(f"{where}.{key} has the wrong type ({type(value).__name__})")
        return value

    def dec(self, text: Any, what: str, *, file: Path | None = None, row: int | None = None) -> Decimal:
        try:
            value = Decimal(str(text).strip())
        except InvalidOperation:
            raise self.err(f"{what}: {text!r} is not a number", file=file, row=row) from None
        if not value.is_finite():
            raise self.err(f"{what}: {text!r} is not a finite number", file=file, row=row)
        return value

    def int_(self, text: Any, what: str, *, file: Path | None = None, row: int | None = None) -> int:
        value = self.dec(text, what, file=file, row=row)
        if value != value.to_integral_value():
            raise self.err(f"{what}: {text!r} is not a whole number", file=file, row=row)
        return int(value)

    def csv(self, name: str, required: Sequence[str]) -> tuple[Path, list[tuple[int, dict[str, str]]]]:
        path = self.folder / name
        if not path.is_file():
            raise self.err(f"data file {name!r} named in the manifest does not exist", file=path)
        try:  # utf-8-sig: a CSV saved from a spreadsheet often starts with a byte-order mark
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise self.err(f"is not UTF-8 text (byte {e.start}: {e.reason})", file=path) from None
        with io.StringIO(text, newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if not header:
                raise self.err("the file is empty (a header row is needed)", file=path, row=1)
            header = [h.strip() for h in header]
            missing = [c for c in required if c not in header]
            if missing:
                raise self.err(f"header lacks column(s) {', '.join(missing)}", file=path, row=1)
            rows = []
            for line, cells in enumerate(reader, start=2):
                if not cells or all(not c.strip() for c in cells):
                    continue
                if len(cells) != len(header):
                    raise self.err(f"{len(cells)} cells where the header has {len(header)}", file=path, row=line)
                rows.append((line, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
        if not rows:
            raise self.err("the file has no data rows", file=path)
        return path, rows


def _measure(ctx: _Ctx, name: str, t: Mapping[str, Any], where: str) -> m.MeasureSpec:
    unit = ctx.get(t, "unit", str, where)
    if unit not in KNOWN_UNITS:
        raise ctx.err(f"{where}.unit {unit!r} is not a unit the station knows ({', '.join(sorted(KNOWN_UNITS))})")
    station_item = str(t.get("station_item", ""))
    derived = t.get("derived")
    if derived is not None:
        if derived not in DERIVED_UNITS:
            raise ctx.err(f"{where}.derived {derived!r} is not one of {sorted(DERIVED_UNITS)}")
        if unit != DERIVED_UNITS[derived]:
            raise ctx.err(f"{where}.unit {unit!r} is wrong for derived {derived!r} (expected {DERIVED_UNITS[derived]})")
    elif station_item:
        spec = ITEMS.get(station_item)
        if spec is None:
            raise ctx.err(f"{where}.station_item {station_item!r} is not a station item ({', '.join(sorted(ITEMS))})")
        component = t.get("component")
        if component is not None and component not in spec.components:
            raise ctx.err(f"{where}.component {component!r} is not a component of {station_item}")
        course = t.get("time_over_m")
        if course is not None:  # a speed graded as the time over a course: the table is in seconds
            if spec.unit.symbol != "m/s" or unit != "s":
                raise ctx.err(f"{where}.time_over_m needs a station item in m/s and unit 's' "
                              f"({station_item} is in {spec.unit.symbol}, unit {unit!r})")
        elif unit != spec.unit.symbol:
            raise ctx.err(f"{where}.unit {unit!r} differs from the station unit of {station_item} ({spec.unit.symbol})")
    precision = ctx.dec(ctx.get(t, "precision", (str, int, float), where), f"{where}.precision")
    if precision <= 0:
        raise ctx.err(f"{where}.precision must be positive")
    try:
        rounding = m.Rounding(t.get("rounding", "half_up"))
    except ValueError:
        raise ctx.err(f"{where}.rounding must be one of {[r.value for r in m.Rounding]}") from None
    course = None
    if "time_over_m" in t:
        course = ctx.dec(t["time_over_m"], f"{where}.time_over_m")
        if course <= 0 or not station_item:
            raise ctx.err(f"{where}.time_over_m must be a positive course length for a measured station item")
    return m.MeasureSpec(name, station_item, unit, precision, rounding, t.get("component"), derived, course)


def _measures(ctx: _Ctx, raw: Mapping[str, Any], key: str) -> Mapping[str, m.MeasureSpec]:
    table = ctx.get(raw, key, dict, "")
    if not table:
        raise ctx.err(f"[{key}] lists no measures")
    return m.frozen_map({n: _measure(ctx, n, ctx.get(table, n, dict, key), f"{key}.{n}") for n in table})


def _info(ctx: _Ctx, raw: Mapping[str, Any]) -> m.PackInfo:
    t = ctx.get(raw, "pack", dict, "")
    s = {k: ctx.get(t, k, str, "pack") for k in ("name", "kind", "title_en", "title_zh", "edition", "source",
                                                 "validity", "licence", "provenance")}
    if s["name"] != ctx.folder.name:
        raise ctx.err(f"pack.name {s['name']!r} differs from the folder name {ctx.folder.name!r}")
    try:
        kind = m.PackKind(s["kind"])
    except ValueError:
        raise ctx.err(f"pack.kind {s['kind']!r} is not one of {[k.value for k in m.PackKind]}") from None
    age_min, age_max = ctx.get(t, "age_min", int, "pack"), ctx.get(t, "age_max", int, "pack")
    if not 0 <= age_min <= age_max <= 130:
        raise ctx.err(f"pack ages {age_min}–{age_max} are not a valid range")
    sexes = tuple(ctx.get(t, "sexes", list, "pack"))
    if not sexes or not set(sexes) <= {"M", "F"}:
        raise ctx.err("pack.sexes must list some of 'M', 'F'")
    notes = {k: v for k, v in t.items() if k.endswith(("_note", "_rule")) and isinstance(v, str)}
    return m.PackInfo(s["name"], kind, s["title_en"], s["title_zh"], s["edition"], s["source"], s["validity"],
                      s["licence"], s["provenance"], age_min, age_max, sexes, m.frozen_map(notes))


def load_pack(folder: Path | str) -> m.NormPack:
    """Read and validate the pack in ``folder``; a bad pack raises NormPackError naming file and row."""
    folder = Path(folder)
    ctx = _Ctx(folder)
    if not ctx.file.is_file():
        raise ctx.err("no pack manifest here (a norm pack is a folder with pack.toml and CSV files)")
    try:
        raw = tomllib.loads(ctx.file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ctx.err(f"not valid TOML: {e}") from None
    info = _info(ctx, raw)
    errata = tuple(m.frozen_map({k: str(v) for k, v in e.items()}) for e in raw.get("errata", []))
    if info.kind is m.PackKind.POINTS:
        pack = m.NormPack(info, points=read_points.read(ctx, raw, _measures), errata=errata)
    elif info.kind is m.PackKind.CLASSES:
        pack = m.NormPack(info, classes=read_classes.read(ctx, raw, _measures), errata=errata)
    elif info.kind is m.PackKind.RANGES:
        pack = m.NormPack(info, ranges=read_ranges.read(ctx, raw, _measures), errata=errata)
    elif info.kind is m.PackKind.BATTERY:
        pack = m.NormPack(info, battery=read_battery.read(ctx, raw, _measures), errata=errata)
    else:
        pack = m.NormPack(info, screening=read_screening.read(ctx, raw, _measures), errata=errata)
    validate_pack(pack, folder)
    log_event(log, logging.DEBUG, "norm pack loaded", pack=info.name, edition=info.edition)
    return pack


def find_pack(name: str, search_dirs: Sequence[Path | str] = ()) -> Path:
    """The folder of pack ``name``: a path to a pack folder, or a name looked up in search_dirs then shipped packs."""
    as_path = Path(name)
    if (as_path / MANIFEST).is_file():
        return as_path
    for d in (*map(Path, search_dirs), SHIPPED_PACKS):
        if (d / name / MANIFEST).is_file():
            return d / name
    shipped = sorted(p.name for p in SHIPPED_PACKS.iterdir() if (p / MANIFEST).is_file())
    raise NormPackError(f"no norm pack named {name!r}; shipped packs: {', '.join(shipped)}", path=name)


def load_norm_set(names: Sequence[str], search_dirs: Sequence[Path | str] = ()) -> m.NormSet:
    """Load and validate the named packs (shipped ones by name, others by folder path or from search_dirs)."""
    if not names:
        raise NormPackError("no norm packs configured")
    packs = tuple(load_pack(find_pack(n, search_dirs)) for n in names)
    seen: set[str] = set()
    for p in packs:
        if p.info.name in seen:
            raise NormPackError(f"pack {p.info.name!r} is listed twice", path=p.info.name)
        seen.add(p.info.name)
    return m.NormSet(packs)
