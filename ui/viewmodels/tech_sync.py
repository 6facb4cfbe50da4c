"""Sync status, the quarantine list with retry, and the log export (QML ``techSync``).

The figures are exactly what ``kiosk sync status`` prints (``sync.cli.status_figures``); a retry is
what ``kiosk sync quarantine retry`` does, audited as the signed-in technician.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.audit import AuditLog
from kiosk.errors import KioskError
from kiosk.logs import log_event
from sync.cli import status_figures
from ui.i18n import translate
from ui.viewmodels.tech_export import RecentLog, write_export

if TYPE_CHECKING:
    from ui.app import StationApp
    from ui.viewmodels.technician import TechnicianModel

log = logging.getLogger("ui.tech_sync")


def _short(when: Any) -> str:
    text = str(when or "")
    return text.replace("T", " ")[:16] if text and text != "never" else text


class SyncModel(QObject):
    changed = Signal()

    def __init__(self, app: StationApp, tech: TechnicianModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app, self.tech = app, tech
        self._figures: dict[str, Any] = {}
        self._batches: list[dict[str, Any]] = []
        self._message = ""
        self._export_path = ""
        self.recent_log = RecentLog()
        logging.getLogger().addHandler(self.recent_log)

    @Property("QVariantMap", notify=changed)
    def figures(self) -> dict[str, Any]:
        f = self._figures
        if not f:
            return {}
        backoff = f["backoff"]
        return {"endpoint": f["endpoint"], "queueDepth": f["queue_depth"],
                "oldestUnsent": _short(f["oldest_unsent_at"]) or "-",
                "lastSuccess": _short(f["last_success_at"]), "lastError": backoff["last_error"] or "",
                "failures": backoff["failures"], "nextAttempt": _short(backoff["next_attempt_at"]) or "",
                "quarantinedBatches": f["quarantined_batches"], "quarantinedRows": f["quarantined_rows"]}

    @Property("QVariantList", notify=changed)
    def batches(self) -> list[dict[str, Any]]:
        return list(self._batches)

    @Property(str, notify=changed)
    def message(self) -> str:
        return self._message

    @Property(str, notify=changed)
    def exportPath(self) -> str:
        return self._export_path

    @Slot()
    def open(self) -> None:
        self.app.station.audit_view("technician.sync_status", "sync")
        self._message = self._export_path = ""
        self.refresh()
        self.app.station.go("TechSync")

    @Slot()
    def refresh(self) -> None:
        self._figures = status_figures(self.app.cfg, self.app.store)
        self._batches = [{"batch": q["batch_id"], "since": _short(q["created_at"].isoformat()
                                                                   if hasattr(q["created_at"], "isoformat")
                                                                   else q["created_at"]),
                          "rows": q["count"], "http": str(q["http_status"] or "-"), "reason": q["reason"]}
                         for q in self.app.store.quarantine_list()]
        self.changed.emit()

    @Slot(str)
    def retry(self, batch_id: str) -> None:
        """Put a quarantined batch back in the queue (``kiosk sync quarantine retry``), audited."""
        try:
            n = self.app.store.quarantine_requeue(batch_id)
        except KioskError as e:
            self._message = translate("Technician", "Could not retry: %1").replace("%1", str(e))
        else:
            self.app.station.audit_view("sync.quarantine_retry", batch_id, rows=n)
            self._message = translate("Technician", "%1 rows are back in the queue.").replace("%1", str(n))
        self.refresh()

    @Slot()
    def exportLogs(self) -> None:
        """Write the station log, the audit log (chain checked) and device states into ``exports/``."""
        audit = AuditLog(self.app.store)
        check = audit.verify()
        try:
            path, removed = write_export(
                self.app.cfg.data_path / "exports", self.app.cfg.station_id, self.recent_log.lines(),
                (e.to_dict() for e in audit.entries()),
                {"ok": check.ok, "checked": check.checked, "first_bad_seq": check.first_bad_seq,
                 "problem": check.problem},
                (self.tech.row(name) for name in self.app.manager.devices),
                status_figures(self.app.cfg, self.app.store))
        except OSError as e:
            log_event(log, logging.ERROR, "log export failed", error=str(e))
            self._message = translate("Technician", "The export could not be written: %1").replace("%1", str(e))
            self.changed.emit()
            return
        self.app.station.audit_view("technician.export_logs", path.name, audit_chain_ok=check.ok,
                                    redacted=removed)
        self._export_path = str(path)
        self._message = (translate("Technician", "Logs exported. Audit chain verified.") if check.ok else
                         translate("Technician", "Logs exported. WARNING: the audit chain is broken: %1")
                         .replace("%1", check.problem or ""))
        self.refresh()

    async def aclose(self) -> None:
        logging.getLogger().removeHandler(self.recent_log)
