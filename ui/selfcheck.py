"""The whole station self-check, assembled: core, devices, camera, sync, and the screen's own printer, speech
engine and CJK fonts (asked through Qt, as the station itself prints, speaks and draws).

``station_lines`` runs every check for ``kiosk selfcheck``; the technician screen runs the same
checks against the live station (``live_lines``). Qt checks need a Q(Gui)Application.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from kiosk.config import StationConfig
from kiosk.domain import utcnow
from kiosk.selfcheck import Check, CheckLine, Status, run_checks
from kiosk.selfcheck.core import clock_line, database_lines, disk_figures, disk_line, queue_lines, read_time_sync

PREFERRED_CJK = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei")


def printer_line(cfg: StationConfig) -> CheckLine:
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    if cfg.ui.printer == "none":
        return CheckLine("printer", "printer", Status.PASS, "printing off: reports saved as PDF (ui.printer = none)")
    printers = QPrinterInfo.availablePrinters()
    if cfg.ui.printer:
        chosen = next((p for p in printers if p.printerName() == cfg.ui.printer), None)
        if chosen is None:
            names = ", ".join(p.printerName() for p in printers) or "none"
            return CheckLine("printer", "printer", Status.FAIL, f"{cfg.ui.printer!r} is not installed (found: {names})",
                             "add it in CUPS (http://localhost:631) or fix ui.printer in the station file")
    elif not printers:
        return CheckLine("printer", "printer", Status.WARN, "no printer installed: reports are saved as PDF only",
                         "install the printer in CUPS, or set ui.printer = \"none\" if the station has none")
    else:
        default = QPrinterInfo.defaultPrinter()
        chosen = default if not default.isNull() else printers[0]
    if chosen.state() == QPrinter.PrinterState.Error:
        return CheckLine("printer", "printer", Status.FAIL, f"{chosen.printerName()} reports an error",
                         "check paper, cover and cable; `lpstat -p` shows CUPS's reason")
    return CheckLine("printer", "printer", Status.PASS, f"{chosen.printerName()} ready")


def speech_line(cfg: StationConfig) -> CheckLine:
    from PySide6.QtTextToSpeech import QTextToSpeech

    tts = QTextToSpeech(cfg.ui.tts_engine) if cfg.ui.tts_engine else QTextToSpeech()
    try:
        engine = tts.engine() or cfg.ui.tts_engine or "default"
        if tts.state() == QTextToSpeech.State.Error:
            status = Status.FAIL if cfg.ui.voice else Status.WARN
            return CheckLine("speech", "engine", status, f"{engine}: {tts.errorString() or 'not available'}",
                             "start speech-dispatcher (`systemctl --user start speech-dispatcher`) and check audio")
        if engine == "mock":
            return CheckLine("speech", "engine", Status.PASS, "mock engine (tests and the demo; nothing is heard)")
        locales = {loc.name().split("_")[0] for loc in tts.availableLocales()}
        missing = [lang for lang in cfg.languages if lang not in locales]
        if missing:
            return CheckLine("speech", "engine", Status.WARN, f"{engine} has no voice for {', '.join(missing)}",
                             "install a voice for it (e.g. espeak-ng's Mandarin voice, or a speech-dispatcher module)")
        return CheckLine("speech", "engine", Status.PASS, f"{engine} ready, voices for {', '.join(cfg.languages)}")
    finally:
        tts.deleteLater()


def fonts_line(cfg: StationConfig) -> CheckLine:
    from PySide6.QtGui import QFontDatabase

    if "zh" not in cfg.languages:
        return CheckLine("fonts", "CJK fonts", Status.PASS, "not needed (no Chinese on this station)")
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if not families:
        return CheckLine("fonts", "CJK fonts", Status.FAIL, "no font can draw Simplified Chinese",
                         "install fonts-noto-cjk (`apt-get install fonts-noto-cjk`) and restart the station")
    best = next((f for f in PREFERRED_CJK if f in families), families[0])
    return CheckLine("fonts", "CJK fonts", Status.PASS, f"{best} ({len(families)} families)")


def qt_checks(cfg: StationConfig) -> list[tuple[str, Check]]:
    return [("printer", lambda: printer_line(cfg)), ("speech", lambda: speech_line(cfg)),
            ("fonts", lambda: fonts_line(cfg))]


def sync_and_clock_checks(cfg: StationConfig, store: Any,
                          read_capabilities: Callable[..., Any] | None = None) -> list[tuple[str, Check]]:
    """Endpoint, capabilities, queue, and the clock compared with the server's Date header."""
    from sync import selfcheck as sync_check

    reader = read_capabilities or sync_check.read_capabilities
    caps: list[Any] = [None]

    def endpoint() -> list[CheckLine]:
        caps[0] = reader(cfg.sync) if cfg.sync.endpoint else None
        return sync_check.endpoint_lines(cfg.sync, caps[0])

    def clock() -> CheckLine:
        return clock_line(read_time_sync(), sync_check.server_clock(caps[0]), "the sync server")

    return [("sync", endpoint),
            ("sync", lambda: queue_lines(store.outbox_stats(), utcnow(), sync_on=bool(cfg.sync.endpoint))),
            ("clock", clock)]


def core_checks(cfg: StationConfig, store: Any) -> list[tuple[str, Check]]:
    return [("database", lambda: database_lines(store)),
            ("disk", lambda: disk_line(disk_figures(store, cfg.data_path, utcnow())))]


def station_lines(cfg: StationConfig, store: Any, *, camera_s: float = 2.0, with_camera: bool = True,
                  read_capabilities: Callable[..., Any] | None = None) -> list[CheckLine]:
    """Every check, for the command line: devices are started here and closed after."""
    from drivers.selfcheck import started_device_lines
    from vision.selfcheck import camera_lines

    checks: list[tuple[str, Check]] = [("device", lambda: asyncio.run(started_device_lines(cfg, store)))]
    if with_camera:
        checks.append(("camera", lambda: camera_lines(cfg.camera, seconds=camera_s)))
    checks += core_checks(cfg, store) + sync_and_clock_checks(cfg, store, read_capabilities) + qt_checks(cfg)
    return run_checks(checks)
