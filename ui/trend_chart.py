"""A trend chart of one item over the resident's visits, drawn with QPainter for the screen and the PDF.

``chart_points`` is the geometry (pure numbers, also what the screen's view-model exposes);
``draw_trend`` paints it into any rectangle of any paint device; ``trend_image`` makes a QImage of it
(the report screen shows it through the report image provider, the PDF embeds it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

FONT = "Noto Sans CJK SC"
INK, MUTED, LINE, PRIMARY = QColor("#14181F"), QColor("#4A5563"), QColor("#8794A6"), QColor("#0B4F9C")


@dataclass(frozen=True)
class ChartPoint:
    """One visit: its date, its value, and where it sits in a unit square (x, y in 0..1, y up)."""

    date: str
    value: float
    x: float
    y: float


def chart_points(series: Sequence[tuple[str, float]]) -> list[ChartPoint]:
    """Visits spread evenly left to right; values scaled into 10–90 % of the height (flat series in the middle)."""
    if not series:
        return []
    values = [v for _, v in series]
    lo, hi = min(values), max(values)
    n = len(series)
    out = []
    for i, (day, v) in enumerate(series):
        x = 0.5 if n == 1 else 0.06 + 0.88 * i / (n - 1)
        y = 0.5 if hi == lo else 0.1 + 0.8 * (v - lo) / (hi - lo)
        out.append(ChartPoint(day, v, x, y))
    return out


def draw_trend(p: QPainter, rect: QRectF, series: Sequence[tuple[str, float]], title: str, unit: str,
               font_px: float) -> None:
    """Title, a baseline, the line through the visits, each point with its value above and its date below."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.fillRect(rect, QColor("#FFFFFF"))
    font = QFont(FONT)
    font.setPixelSize(max(1, round(font_px)))
    p.setFont(font)
    line_h = font_px * 1.5
    p.setPen(INK)
    p.drawText(QRectF(rect.left(), rect.top(), rect.width(), line_h),
               Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{title} ({unit})" if unit else title)
    plot = QRectF(rect.left() + font_px * 2, rect.top() + line_h * 2, rect.width() - font_px * 4,
                  rect.height() - line_h * 4)
    p.setPen(QPen(LINE, max(1.0, font_px / 10)))
    p.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
    pts = chart_points(series)
    where = [QPointF(plot.left() + c.x * plot.width(), plot.bottom() - c.y * plot.height()) for c in pts]
    p.setPen(QPen(PRIMARY, max(2.0, font_px / 5)))
    for a, b in pairwise(where):
        p.drawLine(a, b)
    p.setBrush(PRIMARY)
    r = font_px / 3
    for c, at in zip(pts, where, strict=True):
        p.setPen(QPen(PRIMARY, 1))
        p.drawEllipse(at, r, r)
        p.setPen(INK)
        p.drawText(QRectF(at.x() - font_px * 4, at.y() - line_h - r, font_px * 8, line_h),
                   Qt.AlignmentFlag.AlignCenter, f"{c.value:g}")
        p.setPen(MUTED)
        p.drawText(QRectF(at.x() - font_px * 4, plot.bottom() + r, font_px * 8, line_h),
                   Qt.AlignmentFlag.AlignCenter, c.date)
    p.restore()


def trend_image(series: Sequence[tuple[str, float]], title: str, unit: str, width: int = 720,
                height: int = 300, font_px: float = 24) -> QImage:
    """The chart as an image (screen: 1 image pixel per screen pixel; PDF: drawn larger and scaled down)."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#FFFFFF"))
    p = QPainter(image)
    try:
        draw_trend(p, QRectF(0, 0, width, height), series, title, unit, font_px)
    finally:
        p.end()
    return image
