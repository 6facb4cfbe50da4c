"""The resident's report screen: the graded report in the resident's language, its QR, trend charts, print.

``install(app)`` makes ``report`` (QML) and the ``image://report/...`` provider (QR and charts).
The model loads ``app.session.report`` when the session finishes, re-words itself when the language
changes, and forgets everything when the session ends (it holds health data).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, QSize, QTimer, Signal, Slot
from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickImageProvider

from kiosk.logs import log_event
from ui.i18n import translate
from ui.printing import PrintOutcome, print_or_save
from ui.report_pdf import render_report, write_report_pdf
from ui.report_qr import qr_image, qr_text, report_token
from ui.report_view import header_line, pick, report_sections, spoken_summary, trend_items, trend_series, unit_word
from ui.trend_chart import chart_points, trend_image

if TYPE_CHECKING:
    from ui.app import StationApp

log = logging.getLogger("ui.report")
DOUBLE_TAP_S = 1.0  # the report's Finish ignores taps this soon after the report appeared


class ReportImages(QQuickImageProvider):
    """``image://report/qr/<rev>`` and ``image://report/trend/<item>/<rev>``: drawn on request, nothing cached."""

    def __init__(self, model: ReportModel) -> None:
        super().__init__(QQuickImageProvider.ImageType.Image)
        self.model = model

    def requestImage(self, image_id: str, size: QSize, requested: QSize) -> QImage:
        parts = image_id.split("/")
        picture = self.model.image(parts[0], parts[1] if len(parts) > 2 else "")
        if size is not None:
            size.setWidth(picture.width())
            size.setHeight(picture.height())
        return picture


class ReportModel(QObject):
    changed = Signal()
    printChanged = Signal()

    def __init__(self, app: StationApp, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.report: dict[str, Any] | None = None
        self.previous: list[dict[str, Any]] = []
        self.token = ""
        self.qr = ""
        self.last_print: PrintOutcome | None = None
        self._revision = 0
        self._printing = False
        self._print_message = ""
        self._loaded_at = 0.0
        app.session.reportReady.connect(self.load)
        app.station.languageChanged.connect(self.changed)

    # ---- state -----------------------------------------------------------------------------
    @Slot()
    def load(self) -> None:
        """Take the session's finished report (and the earlier ones, for the trend)."""
        report = self.app.session.report
        if report is None:
            return
        self.report, self.previous = report, list(self.app.session.previous_reports)
        self.token = report_token(report)  # the random report_id, or a random token kept here with the report
        self.qr = qr_text(self.app.cfg.ui.report_url, self.token)
        self._revision += 1
        self._loaded_at = time.monotonic()
        self._set_print(False, "")
        self.changed.emit()

    def clear(self) -> None:
        self.report, self.previous, self.token, self.qr, self.last_print = None, [], "", "", None
        self._revision += 1
        self._set_print(False, "")
        self.changed.emit()

    @property
    def lang(self) -> str:
        return self.app.station.language

    # ---- what QML reads --------------------------------------------------------------------
    @Property(bool, notify=changed)
    def hasReport(self) -> bool:
        return self.report is not None

    @Property(int, notify=changed)
    def revision(self) -> int:
        return self._revision

    @Property(str, notify=changed)
    def header(self) -> str:
        return header_line(self.report, self.lang) if self.report else ""

    @Property("QVariantList", notify=changed)
    def sections(self) -> list[dict[str, Any]]:
        return report_sections(self.report, self.lang) if self.report else []

    @Property(str, notify=changed)
    def spokenSummary(self) -> str:
        return spoken_summary(self.report, self.lang) if self.report else ""

    @Property(str, notify=changed)
    def qrSource(self) -> str:
        return f"image://report/qr/{self._revision}" if self.report else ""

    @Property("QVariantList", notify=changed)
    def trends(self) -> list[dict[str, Any]]:
        """Each item measured before: its label, chart image and points (x, y in 0..1, y up)."""
        if not self.report:
            return []
        labels = {it["item"]: it["label"] for it in self.report["items"]}
        return [{"item": name, "label": pick(labels[name], self.lang),
                 "source": f"image://report/trend/{name}/{self._revision}-{self.lang}",
                 "points": [{"date": c.date, "value": c.value, "x": c.x, "y": c.y}
                            for c in chart_points(trend_series(self.report, self.previous, name))]}
                for name in trend_items(self.report, self.previous)]

    def image(self, kind: str, item: str) -> QImage:
        if self.report is not None and kind == "qr":
            return qr_image(self.qr, scale=8)
        if self.report is not None and kind == "trend":
            it = next((i for i in self.report["items"] if i["item"] == item), None)
            if it is not None:
                return trend_image(trend_series(self.report, self.previous, item), pick(it["label"], self.lang),
                                   unit_word(it["unit"], self.lang), width=720, height=280, font_px=24)
        blank = QImage(4, 4, QImage.Format.Format_RGB32)
        blank.fill(0xFFFFFF)
        return blank

    @Property(bool, notify=printChanged)
    def printing(self) -> bool:
        return self._printing

    @Property(str, notify=printChanged)
    def printMessage(self) -> str:
        return self._print_message

    def _set_print(self, busy: bool, message: str) -> None:
        self._printing, self._print_message = busy, message
        self.printChanged.emit()

    # ---- actions ---------------------------------------------------------------------------
    @Slot(str, result=str)
    def exportPdf(self, path: str) -> str:
        """Write the report PDF (in the current language) to ``path``; returns the path, or "" if there is none."""
        if self.report is None:
            return ""
        return str(write_report_pdf(Path(path), self.report, self.lang, self.qr, self.previous))

    def file_name(self) -> str:
        """No personal data in the name: the test date and the start of the session id."""
        assert self.report is not None
        return f"report-{self.report['test_date']}-{str(self.report['session_id'])[:8]}.pdf"

    @Slot()
    def printReport(self) -> None:
        """Say "preparing", then print or save on the next turn of the loop (the screen never freezes first)."""
        if self.report is None or self._printing:
            return
        self._set_print(True, translate("Report", "Preparing your report…"))
        QTimer.singleShot(30, self._print_now)

    def _print_now(self) -> None:
        report, lang, qr, previous = self.report, self.lang, self.qr, self.previous
        if report is None:  # the session ended meanwhile
            return
        outcome = print_or_save(self.app.cfg, self.file_name(),
                                lambda p: write_report_pdf(p, report, lang, qr, previous),
                                lambda printer: render_report(printer, report, lang, qr, previous))
        self.last_print = outcome
        log_event(log, logging.INFO, "report print finished", printed=outcome.printed, saved=bool(outcome.saved_to))
        self._set_print(False, outcome.message)
        self.app.station.say(outcome.message)

    @Slot()
    def finish(self) -> None:
        """End the session; a tap right after the report appeared is the menu Finish's double tap (same corner)."""
        if time.monotonic() - self._loaded_at < DOUBLE_TAP_S:
            return
        self.app.station.endSession()


def install(app: StationApp) -> None:
    model = ReportModel(app)
    app.report_images = ReportImages(model)  # type: ignore[attr-defined]
    app.engine.addImageProvider("report", app.report_images)  # type: ignore[attr-defined]
    app.station.on_session_end.append(model.clear)
    app.add_viewmodel("report", model)
