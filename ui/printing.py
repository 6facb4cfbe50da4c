"""Printing the resident's report through the system printer (QPrinter → CUPS), or saving it for staff.

``cfg.ui.printer``: "" = the system default, a CUPS name = that printer, "none" = never print. When
printing is off or no usable printer exists, the PDF is saved under ``data_path / reports_dir`` and the
resident is told plainly that staff can print it. Nothing here blocks with a dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.config import StationConfig
from kiosk.logs import log_event
from ui.i18n import translate

log = logging.getLogger("ui.printing")


@dataclass(frozen=True)
class PrintOutcome:
    printed: bool
    saved_to: Path | None
    message: str  # what the resident reads (already translated)


def reports_dir(cfg: StationConfig) -> Path:
    d = Path(cfg.ui.reports_dir)
    return d if d.is_absolute() else cfg.data_path / d


def choose_printer(cfg: StationConfig) -> QPrinterInfo | None:
    """The configured printer if it is installed, the system default for "", None for "none" or no printer."""
    if cfg.ui.printer == "none":
        return None
    printers = QPrinterInfo.availablePrinters()
    if not printers:
        return None
    if cfg.ui.printer:
        return next((p for p in printers if p.printerName() == cfg.ui.printer), None)
    default = QPrinterInfo.defaultPrinter()
    return default if not default.isNull() else printers[0]


def print_or_save(cfg: StationConfig, file_name: str, write_pdf: Callable[[Path], Path],
                  paint: Callable[[QPrinter], None]) -> PrintOutcome:
    """Print on the chosen printer (``paint`` draws the pages), else save the PDF (``write_pdf``) for staff."""
    info = choose_printer(cfg)
    if info is not None:
        try:
            printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
            printer.setDocName(file_name)
            paint(printer)
            if printer.printerState() == QPrinter.PrinterState.Error:
                raise OSError("the printer reported an error")
            log_event(log, logging.INFO, "report printed", printer=info.printerName())
            return PrintOutcome(True, None, translate("Report", "Your report is printing. Please take it from the "
                                                                "printer."))
        except Exception as e:  # a printer fault must not lose the report: save it instead
            log_event(log, logging.ERROR, "printing failed; saving the report", printer=info.printerName(),
                      error=str(e))
    elif cfg.ui.printer not in ("", "none"):
        log_event(log, logging.WARNING, "configured printer not found; saving the report", printer=cfg.ui.printer)
    try:
        path = write_pdf(reports_dir(cfg) / file_name)
    except OSError as e:
        log_event(log, logging.ERROR, "could not save the report PDF", error=str(e))
        return PrintOutcome(False, None, translate("Report", "The report could not be printed or saved. "
                                                             "Please ask a member of staff."))
    log_event(log, logging.INFO, "report saved for staff to print", file=path.name)
    return PrintOutcome(False, path, translate("Report", "Your report has been saved. A member of staff can "
                                                         "print it for you."))
