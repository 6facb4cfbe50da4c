"""The resident's report as an A4 PDF (Qt's PDF writer, the CJK font embedded) or on a printer.

The page says what the screen says (``ui.report_view.report_sections``) in the resident's language,
with the report QR code (a token, no personal data) and a trend chart per item measured before.
Layout is a ``QTextDocument`` (simple HTML it understands), so pages break by themselves;
``render_report`` paints onto any paged device, which is how ``ui.printing`` prints the same pages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from ui.report_qr import qr_image
from ui.report_view import header_line, pick, report_sections, trend_items, trend_series, unit_word
from ui.trend_chart import FONT, trend_image

TONE_COLOURS = {"urgent": "#A3161D", "warn": "#7A4100", "good": "#17692A", "normal": "#14181F"}
MAX_CHARTS = 6
LAYOUT_DPI = 96.0


def _e(text: Any) -> str:
    return escape("" if text is None else str(text), quote=True)


def report_document(report: Mapping[str, Any], lang: str, qr: str,
                    previous: Sequence[Mapping[str, Any]] = ()) -> QTextDocument:
    """The report laid out as a text document with its QR and chart images attached as resources."""
    doc = QTextDocument()
    font = QFont(FONT)
    font.setPointSizeF(10.5)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("report-qr.png"), qr_image(qr, scale=8))
    title = pick(("健康检测报告", "Health station report"), lang)
    scan = pick(("用手机扫码查看报告", "Scan to open this report on a phone"), lang)
    html = [f"<table width='100%' cellpadding='0' cellspacing='0'><tr><td valign='top'>"
            f"<h1 style='font-size:20pt'>{_e(title)}</h1><p style='font-size:12pt'>{_e(header_line(report, lang))}</p>"
            f"<p style='color:#4A5563'>{_e(report.get('station_id'))}</p></td>"
            f"<td width='130' align='center' valign='top'><img src='report-qr.png' width='120' height='120'><br>"
            f"<span style='font-size:8pt;color:#4A5563'>{_e(scan)}</span></td></tr></table>"]
    for section in report_sections(report, lang):
        colour = TONE_COLOURS[section["tone"]]
        html.append(f"<h2 style='font-size:14pt;color:{colour}'>{_e(section['title'])}</h2>")
        border = "2" if section["key"] == "urgent" else "1"
        html.append(f"<table width='100%' border='{border}' cellspacing='0' cellpadding='4' "
                    f"style='border-color:#8794A6;border-style:solid'>")
        for row in section["rows"]:
            c = TONE_COLOURS[row["tone"]]
            weight = "bold" if row["tone"] == "urgent" or section["key"] == "grade" else "normal"
            label = f"<span style='color:{c};font-weight:{weight}'>{_e(row['label'])}</span>"
            if row["value"]:
                html.append(f"<tr><td width='28%'>{label}</td><td width='24%'><b>{_e(row['value'])}</b></td>"
                            f"<td>{_e(row['detail'])}</td></tr>")
            elif row["detail"]:
                html.append(f"<tr><td width='28%'>{label}</td><td colspan='2'>{_e(row['detail'])}</td></tr>")
            else:
                html.append(f"<tr><td colspan='3'>{label}</td></tr>")
        html.append("</table>")
        if section["key"] == "trend":
            html.append(_charts(doc, report, previous, lang))
    html.append(f"<p style='font-size:8pt;color:#4A5563'>{_e(pick(('报告编号 ', 'Report '), lang))}"
                f"{_e(report.get('report_id'))} · {_e(report.get('generated_at'))}</p>")
    doc.setHtml("".join(html))
    return doc


def _charts(doc: QTextDocument, report: Mapping[str, Any], previous: Sequence[Mapping[str, Any]], lang: str) -> str:
    """Two charts a row, drawn at 3× and shown at PDF size so they stay sharp."""
    items = {it["item"]: it for it in report["items"]}
    cells = []
    names = trend_items(report, previous)
    changed = [n for n in names if len({v for _, v in trend_series(report, previous, n)}) > 1]
    for name in (changed + [n for n in names if n not in changed])[:MAX_CHARTS]:  # items that moved first
        it = items[name]
        image = trend_image(trend_series(report, previous, name), pick(it["label"], lang),
                            unit_word(it["unit"], lang), width=960, height=420, font_px=40)
        url = f"trend-{name}.png"
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), image)
        cells.append(f"<td><img src='{url}' width='320' height='140'></td>")
    rows = ["<tr>" + "".join(cells[i:i + 2]) + "</tr>" for i in range(0, len(cells), 2)]
    return "<table cellpadding='4'>" + "".join(rows) + "</table>" if rows else ""


def render_report(device: QPagedPaintDevice, report: Mapping[str, Any], lang: str, qr: str,
                  previous: Sequence[Mapping[str, Any]] = ()) -> None:
    """Paint the report onto ``device`` (a PDF writer or a printer), A4 with 15-mm margins."""
    device.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    doc = report_document(report, lang, qr, previous)
    # Lay out at 96 dpi (a fixed reference, so the pages do not depend on the screen), paint scaled to the device.
    ref = QImage(1, 1, QImage.Format.Format_RGB32)
    ref.setDotsPerMeterX(round(LAYOUT_DPI / 0.0254))
    ref.setDotsPerMeterY(round(LAYOUT_DPI / 0.0254))
    doc.documentLayout().setPaintDevice(ref)
    scale = device.resolution() / LAYOUT_DPI
    paint = device.pageLayout().paintRectPixels(device.resolution())
    footer_h = 24.0
    page = QSizeF(paint.width() / scale, paint.height() / scale - footer_h)
    doc.setPageSize(page)
    pages = doc.pageCount()
    p = QPainter(device)
    try:
        for n in range(pages):
            if n:
                device.newPage()
            p.save()
            p.scale(scale, scale)
            p.translate(0, -n * page.height())
            doc.drawContents(p, QRectF(0, n * page.height(), page.width(), page.height()))
            p.restore()
            p.save()
            p.scale(scale, scale)
            font = QFont(FONT)
            font.setPixelSize(11)  # layout pixels (96 dpi): 8 pt
            p.setFont(font)
            p.setPen(QColor("#4A5563"))
            p.drawText(QRectF(0, page.height(), page.width(), footer_h),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom, f"{n + 1} / {pages}")
            p.restore()
    finally:
        p.end()


def write_report_pdf(path: Path, report: Mapping[str, Any], lang: str, qr: str,
                     previous: Sequence[Mapping[str, Any]] = ()) -> Path:
    """Write the PDF to ``path`` (parents created); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(path))
    writer.setResolution(300)
    writer.setTitle(pick(("健康检测报告", "Health station report"), lang))
    writer.setCreator("community health station")
    render_report(writer, report, lang, qr, previous)
    del writer  # the file is complete once the writer is gone
    if not path.exists() or path.stat().st_size == 0:
        raise OSError(f"the PDF was not written: {path}")
    return path
