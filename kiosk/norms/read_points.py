"""Reading the parts of a points pack: item thresholds, the body-size table, total rule and grade bands."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kiosk.domain import ITEMS
from kiosk.norms import model as m

ROW_COLUMNS = ("item", "sex", "age_min", "age_max", "direction")
GRADE_COLUMNS = ("age_min", "age_max", "grade_level", "grade_cn", "grade_en", "total_min", "total_max",
                 "n_items", "max_total")


def _sex(ctx: Any, text: str, path: Any, line: int) -> str:
    if text not in ("M", "F"):
        raise ctx.err(f"sex {text!r} is not 'M' or 'F'", file=path, row=line)
    return text


def _thresholds(ctx: Any, scoring: Mapping[str, Any], items: Mapping[str, m.MeasureSpec]) -> tuple:
    columns = ctx.get(scoring, "threshold_columns", list, "scoring")
    points = tuple(ctx.get(scoring, "points", list, "scoring"))
    if len(columns) != len(points) or not columns:
        raise ctx.err("scoring.threshold_columns and scoring.points must have the same, non-zero length")
    if any(not isinstance(p, int) for p in points) or list(points) != sorted(set(points)):
        raise ctx.err("scoring.points must be whole numbers in strictly increasing order")
    path, rows = ctx.csv(ctx.get(scoring, "file", str, "scoring"), (*ROW_COLUMNS, *columns))
    out = []
    for line, r in rows:
        if r["item"] not in items:
            raise ctx.err(f"item {r['item']!r} is not declared under [items] in pack.toml", file=path, row=line)
        try:
            direction = m.Direction(r["direction"])
        except ValueError:
            raise ctx.err(f"direction {r['direction']!r} is not one of {[d.value for d in m.Direction]}",
                          file=path, row=line) from None
        out.append(m.ThresholdRow(
            r["item"], _sex(ctx, r["sex"], path, line),
            ctx.int_(r["age_min"], "age_min", file=path, row=line),
            ctx.int_(r["age_max"], "age_max", file=path, row=line),
            direction, tuple(ctx.dec(r[c], c, file=path, row=line) for c in columns), line))
    return points, tuple(out), path.name


def _body_size(ctx: Any, t: Mapping[str, Any]) -> m.BodySizeTable:
    g = lambda k, kind=str: ctx.get(t, k, kind, "body_size")  # noqa: E731
    key_columns, cut_columns = g("key_columns", list), g("cut_columns", list)
    cut_kinds, points = tuple(g("cut_kinds", list)), tuple(g("points", list))
    if len(key_columns) != 2:
        raise ctx.err("body_size.key_columns must name the row's low and high key columns")
    if len(cut_kinds) != len(cut_columns) or len(points) != len(cut_columns) + 1:
        raise ctx.err("body_size needs one cut_kind per cut column and one more points entry than cuts")
    if not set(cut_kinds) <= {"min", "max"}:
        raise ctx.err("body_size.cut_kinds must each be 'min' or 'max'")
    labels_en, labels_zh = tuple(t.get("band_labels_en", ())), tuple(t.get("band_labels_zh", ()))
    if (labels_en and len(labels_en) != len(points)) or (labels_zh and len(labels_zh) != len(points)):
        raise ctx.err("body_size.band_labels_* must have one label per points band")
    path, rows = ctx.csv(g("file"), ("sex", "age_min", "age_max", *key_columns, *cut_columns))
    out = []
    for line, r in rows:
        d = lambda c, r=r, line=line: ctx.dec(r[c], c, file=path, row=line)  # noqa: E731
        out.append(m.BodySizeRow(_sex(ctx, r["sex"], path, line),
                                 ctx.int_(r["age_min"], "age_min", file=path, row=line),
                                 ctx.int_(r["age_max"], "age_max", file=path, row=line), d(key_columns[0]),
                                 d(key_columns[1]), tuple(d(c) for c in cut_columns), line))
    for k in ("key_item", "value_item"):
        if g(k) not in ITEMS:
            raise ctx.err(f"body_size.{k} {g(k)!r} is not a station item")
    return m.BodySizeTable(
        g("name"), g("label_en"), g("label_zh"), g("key_item"), g("key_unit"),
        ctx.dec(g("key_precision"), "body_size.key_precision"), g("value_item"), g("value_unit"),
        ctx.dec(g("value_precision"), "body_size.value_precision"), cut_kinds, points, labels_en, labels_zh, tuple(out),
        path.name)


def _total(ctx: Any, t: Mapping[str, Any]) -> m.TotalRule:
    method = ctx.get(t, "method", str, "total")
    if method not in ("sum", "weighted"):
        raise ctx.err(f"total.method {method!r} is not 'sum' or 'weighted'")
    path, rows = ctx.csv(ctx.get(t, "file", str, "total"), GRADE_COLUMNS)
    bands = []
    for line, r in rows:
        i = lambda c, r=r, line=line: ctx.int_(r[c], c, file=path, row=line)  # noqa: E731
        opt = lambda c, r=r, line=line: ctx.dec(r[c], c, file=path, row=line) if r[c] else None  # noqa: E731
        level = i("grade_level") if r["grade_level"] else None
        if level is not None and (opt("total_min") is None or opt("total_max") is None):
            raise ctx.err("a grade row needs total_min and total_max", file=path, row=line)
        bands.append(m.GradeBand(i("age_min"), i("age_max"), level, r["grade_cn"], r["grade_en"], opt("total_min"),
                                 opt("total_max"), i("n_items"), ctx.dec(r["max_total"], "max_total", file=path,
                                                                         row=line), line))
    weights: dict[tuple[str, int, int], Any] = {}
    wpath = None
    if method == "weighted":
        wpath, wrows = ctx.csv(ctx.get(t, "weights_file", str, "total"), ("item", "age_min", "age_max", "weight"))
        for line, r in wrows:
            key = (r["item"], ctx.int_(r["age_min"], "age_min", file=wpath, row=line),
                   ctx.int_(r["age_max"], "age_max", file=wpath, row=line))
            if key in weights:
                raise ctx.err(f"weight for {key[0]} ages {key[1]}–{key[2]} given twice", file=wpath, row=line)
            weights[key] = ctx.dec(r["weight"], "weight", file=wpath, row=line)
    any_points = t.get("no_grade_if_any_item_points")
    return m.TotalRule(method, ctx.dec(ctx.get(t, "precision", (str, int), "total"), "total.precision"), tuple(bands),
                       m.frozen_map(weights), any_points if isinstance(any_points, int) else None,
                       bool(t.get("no_grade_if_item_missing", False)),
                       bool(t.get("no_grade_if_body_size_unscored", False)), path.name,
                       wpath.name if wpath else "")


def read(ctx: Any, raw: Mapping[str, Any], measures: Callable[..., Mapping[str, m.MeasureSpec]]) -> m.PointsScheme:
    items = measures(ctx, raw, "items")
    scoring = ctx.get(raw, "scoring", dict, "")
    points, rows, file = _thresholds(ctx, scoring, items)
    below = ctx.get(scoring, "below_first_points", int, "scoring")
    points_max = ctx.get(scoring, "points_max", int, "scoring")
    if not below < points[0] or points_max != points[-1]:
        raise ctx.err("scoring.below_first_points must be below the first points level and points_max the last")
    body = _body_size(ctx, raw["body_size"]) if "body_size" in raw else None
    levels = tuple(m.Level(ctx.get(lv, "min_points", int, "levels"), ctx.get(lv, "label_en", str, "levels"),
                           ctx.get(lv, "label_zh", str, "levels")) for lv in raw.get("levels", []))
    suspects = tuple(m.SuspectRow(str(s["item"]), str(s["sex"]), int(s["age_min"]), str(s.get("note_en", "")),
                                  str(s.get("note_zh", ""))) for s in raw.get("suspect_rows", []))
    return m.PointsScheme(items, rows, points, below, points_max, body, _total(ctx, ctx.get(raw, "total", dict, "")),
                          levels, suspects, file)
