"""Sessions and outbox records become FHIR R4 transaction Bundles: the entry points of the mapping.

- ``batch_bundle(store, items, cfg)`` maps outbox rows (measurements, reports, reviews, audit
  entries) into one transaction for the uploader, with Patients and Devices deduplicated and every
  reference a ``urn:uuid`` fullUrl inside the bundle; ``entry_owner[i]`` is the outbox id entry ``i``
  belongs to (``None`` for shared Patients, Devices and re-sent supporting Observations).
- ``session_bundle(store, session_id, cfg)`` maps one whole session (``kiosk sync bundle``).
- ``map_session(...)`` is the pure core both use; ``validate_resource`` (re-exported) is the gate
  every resource passes; a failure raises ``MappingError`` naming the outbox row (a bug: the
  uploader quarantines it and logs loudly).

Decisions (see docs/sync-mapping.md): a report's bundle re-includes the Observations it cites
(conditional creates, so the server keeps one copy), which keeps every bundle self-contained; with
``send_every_trial = false`` a measurement row sends nothing and the graded trials travel with the
report (a session never graded sends none); a test tried without a valid result (``NotMeasured``) is an
Observation with no value, status ``cancelled`` and a ``dataAbsentReason``, sent like a trial; a report
superseded by a newer one of the same session sends nothing (only the newest report is kept retrievable).
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.config import IdentityMode, StationConfig
from kiosk.domain import CalibrationRecord, Measurement, NotMeasured, Session
from kiosk.errors import ConfigError, InputError
from kiosk.logs import log_event
from kiosk.secret_files import SecretFileError, read_private
from sync.errors import MappingError
from sync.fhir_audit import audit_event_entry
from sync.fhir_common import validate_resource
from sync.fhir_device import DeviceEntry, instrument_device, station_device
from sync.fhir_observation import not_measured_entry, observation_entries
from sync.fhir_patient import patient_identity
from sync.fhir_questionnaire import questionnaire_entries
from sync.fhir_report import bmi_entry, graded_measurements, report_entries, review_entries
from sync.fhir_sppb import sppb_entries

__all__ = ["BatchBundle", "MappingOptions", "batch_bundle", "load_pseudonym_key", "map_session", "options_from_config",
           "session_bundle", "validate_resource"]

log = logging.getLogger("sync.fhir_map")


@dataclass(frozen=True)
class BatchBundle:
    """A transaction Bundle and, per entry index, the outbox id that entry belongs to (None: shared)."""

    bundle: dict[str, Any]
    entry_owner: list[str | None]


@dataclass(frozen=True)
class MappingOptions:
    """What the mapping needs from the station's configuration (and the pseudonym key, read by the caller)."""

    station_id: str
    site: str = ""
    identity: IdentityMode = IdentityMode.PSEUDONYM
    pseudonym_key: bytes | None = None
    send_every_trial: bool = True


def load_pseudonym_key(cfg: StationConfig) -> bytes | None:
    """The pseudonym key from ``cfg.sync.pseudonym_key_file`` (relative paths: beside the data directory).

    ``None`` when no file is configured; a configured file that is missing, unreadable or empty is a
    ConfigError naming the key, so a station never silently sends weaker identities than configured.
    """
    name = cfg.sync.pseudonym_key_file
    if not name:
        return None
    path = Path(name) if Path(name).is_absolute() else cfg.data_path.parent / name
    try:
        key = read_private(path, "the pseudonym key").strip()
    except SecretFileError as e:  # exposed to other users, or owned by someone else (kiosk.secret_files)
        raise ConfigError(str(e), path=cfg.source, key="sync.pseudonym_key_file") from None
    except OSError as e:
        raise ConfigError(f"cannot read the pseudonym key {path}: {e.strerror or e}", path=cfg.source,
                          key="sync.pseudonym_key_file") from None
    if len(key) < 16:
        raise ConfigError(f"the pseudonym key {path} is shorter than 16 bytes", path=cfg.source,
                          key="sync.pseudonym_key_file")
    return key


def options_from_config(cfg: StationConfig, pseudonym_key: bytes | None) -> MappingOptions:
    return MappingOptions(station_id=cfg.station_id, site=cfg.site, identity=cfg.sync.identity,
                          pseudonym_key=pseudonym_key, send_every_trial=cfg.sync.send_every_trial)


class _Assembler:
    """Collects validated entries once each (by fullUrl) with their owners, and builds the Bundle."""

    def __init__(self, options: MappingOptions, calibration_of: Callable[[str], CalibrationRecord | None]) -> None:
        self.options = options
        self._calibration_of = calibration_of
        self._calibrations: dict[str, CalibrationRecord | None] = {}
        self.entries: list[dict[str, Any]] = []
        self.owners: list[str | None] = []
        self._index: dict[str, int] = {}
        self.station: DeviceEntry = station_device(options.station_id, options.site)

    def add(self, entry: dict[str, Any], owner: str | None) -> str:
        url = entry["fullUrl"]
        at = self._index.get(url)
        if at is not None:
            if owner is not None and self.owners[at] is None:
                self.owners[at] = owner
            return url
        validate_resource(entry["resource"])
        self._index[url] = len(self.entries)
        self.entries.append(entry)
        self.owners.append(owner)
        return url

    def subject(self, session: Session) -> tuple[dict[str, str] | None, bool]:
        identity = patient_identity(session.resident, self.options.identity, self.options.pseudonym_key,
                                    self.options.station_id)
        if identity is None:
            return None, True
        self.add(identity.entry(), None)
        return identity.subject(), False

    def device(self, m: Measurement | NotMeasured) -> dict[str, str] | None:
        if not m.device_id:
            return None
        if m.device_id not in self._calibrations:
            self._calibrations[m.device_id] = self._calibration_of(m.device_id)
        self.add(self.station.entry(), None)
        instrument = instrument_device(self.station, m.device_id, m.method, self._calibrations[m.device_id],
                                       m.taken_at)
        self.add(instrument.entry(), None)
        return instrument.reference()

    def measurement(self, session: Session, m: Measurement, owner: str | None) -> list[str]:
        subject, guest = self.subject(session)
        device = self.device(m)
        return [self.add(e, owner) for e in observation_entries(m, subject=subject, device=device, guest=guest)]

    def not_measured(self, session: Session, nm: NotMeasured, owner: str | None) -> str:
        """A test tried without a valid result: an Observation without a value (never a 0)."""
        subject, guest = self.subject(session)
        device = self.device(nm)
        return self.add(not_measured_entry(nm, subject=subject, device=device, guest=guest), owner)

    def report(self, session: Session, report: Mapping[str, Any], owner: str | None,
               measurement_owner: Mapping[str, str]) -> None:
        graded = graded_measurements(session, report)
        graded_ids = {m.id for m in graded.values()}
        cited = [m for m in session.measurements if self.options.send_every_trial or m.id in graded_ids]
        results: list[str] = []
        for m in cited:
            m_owner = measurement_owner.get(str(m.id)) or (None if self.options.send_every_trial else owner)
            results += self.measurement(session, m, m_owner)
        listed = {str(n.get("record_id")) for n in report.get("not_measured") or [] if isinstance(n, Mapping)}
        for nm in session.not_measured:  # the tries the report lists travel with it, like its graded trials
            if self.options.send_every_trial or str(nm.id) in listed:
                self.not_measured(session, nm, measurement_owner.get(str(nm.id))
                                  or (None if self.options.send_every_trial else owner))
        subject, guest = self.subject(session)
        if "height" in graded and "weight" in graded:
            results.append(self.add(bmi_entry(str(report.get("report_id")), graded["height"], graded["weight"],
                                              subject=subject, guest=guest), owner))
        panel = [self.add(e, owner) for e in sppb_entries(report, graded, subject=subject, guest=guest)]
        results += panel[-1:]  # the SPPB panel; its parts hang from it by hasMember
        for e in report_entries(report, session, subject=subject, guest=guest, results=results):
            self.add(e, owner)

    def review(self, session: Session, review: Mapping[str, Any], report_id: str | None, owner: str | None) -> None:
        subject, guest = self.subject(session)
        for e in review_entries(review, session, report_id, self.options.station_id, subject=subject, guest=guest):
            self.add(e, owner)

    def questionnaire(self, session: Session, resp: Any, owner: str | None) -> None:
        """A QuestionnaireResponse, and its total-score Observation when it has one."""
        subject, guest = self.subject(session)
        for e in questionnaire_entries(resp, subject=subject, guest=guest):
            self.add(e, owner)

    def audit(self, audit: Mapping[str, Any], owner: str | None) -> None:
        self.add(self.station.entry(), None)
        self.add(audit_event_entry(audit, self.station), owner)

    def bundle(self) -> dict[str, Any]:
        """The transaction. Every resource was validated as it was added; the envelope is checked here:
        each fullUrl is a urn:uuid, and one entry per request shape (method, type) goes through the
        R4B Bundle model (the entries of one shape differ only in their uuid and identifier strings)."""
        shapes: dict[tuple[str, str], dict[str, Any]] = {}
        for e in self.entries:
            try:
                ok = e["fullUrl"] == f"urn:uuid:{uuid.UUID(e['fullUrl'].removeprefix('urn:uuid:'))}"
            except ValueError:
                ok = False
            if not ok:
                raise MappingError(f"fullUrl {e['fullUrl']!r} is not a urn:uuid", resource_type="Bundle")
            shape = (e["request"]["method"], e["resource"]["resourceType"])
            shapes.setdefault(shape, {"fullUrl": e["fullUrl"], "request": e["request"]})
        validate_resource({"resourceType": "Bundle", "type": "transaction", "entry": list(shapes.values())})
        return {"resourceType": "Bundle", "type": "transaction", "entry": self.entries}


def map_session(session: Session, report: Mapping[str, Any] | None, reviews: Sequence[Mapping[str, Any]],
                options: MappingOptions,
                calibration_of: Callable[[str], CalibrationRecord | None] = lambda _device: None) -> dict[str, Any]:
    """The whole session as one transaction Bundle (pure): Patient, Devices, Observations, report, reviews."""
    asm = _Assembler(options, calibration_of)
    if report is not None:
        asm.report(session, report, None, {})
    elif options.send_every_trial:
        for m in session.measurements:
            asm.measurement(session, m, None)
        for nm in session.not_measured:
            asm.not_measured(session, nm, None)
    for resp in session.questionnaires:
        asm.questionnaire(session, resp, None)
    report_id = str(report.get("report_id")) if report else None
    for review in reviews:
        asm.review(session, review, str(review.get("report_id") or report_id or "") or None, None)
    return asm.bundle()


def session_bundle(store: Any, session_id: uuid.UUID | str, cfg: StationConfig) -> dict[str, Any]:
    """The FHIR transaction Bundle one session produces (for ``kiosk sync bundle SESSION_ID``)."""
    try:
        sid = session_id if isinstance(session_id, uuid.UUID) else uuid.UUID(str(session_id))
    except ValueError:
        raise InputError(f"{session_id!r} is not a session id (a UUID)", field="session_id") from None
    options = options_from_config(cfg, load_pseudonym_key(cfg))
    session = store.load_session(sid)
    return map_session(session, store.load_report(sid), store.load_reviews(sid), options,
                       store.latest_calibration)


def batch_bundle(store: Any, items: Sequence[Any], cfg: StationConfig) -> BatchBundle:
    """One transaction Bundle for the outbox rows ``items`` (kinds measurement, not_measured, report, review, audit).

    Raises MappingError whose ``record_id`` is the outbox id of the row that could not be mapped.
    Rows that have nothing to send by design get no entry (they are acknowledged with the batch).
    """
    options = options_from_config(cfg, load_pseudonym_key(cfg))
    asm = _Assembler(options, store.latest_calibration)
    batch_ids = {str(i.id) for i in items if i.kind in ("measurement", "not_measured")}
    sessions: dict[str, Session] = {}
    for item in items:
        try:
            _map_item(store, item, asm, sessions, batch_ids)
        except MappingError as e:
            log_event(log, logging.ERROR, "outbox row cannot be mapped to FHIR", outbox_id=item.id, kind=item.kind,
                      resource_type=e.resource_type, detail=str(e))
            raise MappingError(f"outbox {item.kind} {item.id}: {e}", resource_type=e.resource_type,
                               record_id=str(item.id), problems=e.problems) from e
        except _RECORD_BUGS as e:
            # a record the mapping did not foresee (a non-UUID report_id, a list that is a number ...): the same
            # row would fail every time, so it is a mapping bug of this row, quarantined, not a crash that
            # blocks the whole queue behind it. Storage trouble (StorageError) and config errors still escape.
            where = traceback.extract_tb(e.__traceback__)[-1] if e.__traceback__ else None
            at = f"{Path(where.filename).name}:{where.lineno}" if where else "?"
            # the exception's text may quote record values: only its type and place are logged and kept
            log_event(log, logging.ERROR, "BUG: outbox row crashed the FHIR mapping", outbox_id=item.id,
                      kind=item.kind, error=type(e).__name__, at=at)
            raise MappingError(f"outbox {item.kind} {item.id}: mapping crashed: {type(e).__name__} at {at}",
                               record_id=str(item.id)) from e
    return BatchBundle(asm.bundle(), list(asm.owners))


# Exceptions that mean "this record cannot be mapped" (its data, or a mapping bug it triggers): deterministic,
# so retrying cannot help. InputError: e.g. a stored measurement whose item or unit the domain no longer knows.
_RECORD_BUGS = (InputError, TypeError, ValueError, KeyError, AttributeError, IndexError, ArithmeticError)


def _map_item(store: Any, item: Any, asm: _Assembler, sessions: dict[str, Session], batch_ids: set[str]) -> None:
    if item.kind == "audit":
        audit = _load_audit(store, item)
        asm.audit(audit, item.id)
        return
    if item.kind not in ("measurement", "not_measured", "report", "review", "questionnaire"):
        raise MappingError(f"unknown outbox kind {item.kind!r}")
    session = _session(store, item, sessions)
    sid = session.id
    if item.kind == "questionnaire":
        resp = next((q for q in session.questionnaires if str(q.id) == str(item.id)), None)
        if resp is None:
            raise MappingError(f"questionnaire response is not in session {sid}", resource_type="QuestionnaireResponse")
        asm.questionnaire(session, resp, item.id)
        return
    if item.kind == "not_measured":  # like a measurement row: sent alone only when every trial is sent
        nm = next((n for n in session.not_measured if str(n.id) == str(item.id)), None)
        if nm is None:
            raise MappingError(f"not-measured record is not in session {sid}", resource_type="Observation")
        if asm.options.send_every_trial:
            asm.not_measured(session, nm, item.id)
        return
    if item.kind == "measurement":
        m = next((m for m in session.measurements if str(m.id) == str(item.id)), None)
        if m is None:
            raise MappingError(f"measurement is not in session {sid}", resource_type="Observation")
        if asm.options.send_every_trial:
            asm.measurement(session, m, item.id)
        return
    report = store.load_report(sid)
    if item.kind == "report":
        if report is None:
            raise MappingError(f"session {sid} has no report", resource_type="DiagnosticReport")
        if str(report.get("report_id")) != str(item.id):
            log_event(log, logging.INFO, "superseded report not sent; the newer one is", outbox_id=item.id,
                      newer=str(report.get("report_id")))
            return
        asm.report(session, report, item.id, {i: i for i in batch_ids})
        return
    review = next((r for r in store.load_reviews(sid) if str(r.get("review_id")) == str(item.id)), None)
    if review is None:
        raise MappingError(f"review is not in session {sid}", resource_type="DiagnosticReport")
    report_id = str(review.get("report_id") or (report or {}).get("report_id") or "") or None
    asm.review(session, review, report_id, item.id)


def _session(store: Any, item: Any, sessions: dict[str, Session]) -> Session:
    from kiosk.storage import UnknownRecord

    if not item.session_id:
        raise MappingError(f"{item.kind} row has no session")
    if item.session_id not in sessions:
        try:
            sessions[item.session_id] = store.load_session(uuid.UUID(str(item.session_id)))
        except (UnknownRecord, ValueError) as e:
            raise MappingError(f"session {item.session_id} cannot be loaded: {e}") from None
    return sessions[item.session_id]


def _load_audit(store: Any, item: Any) -> Mapping[str, Any]:
    audit = store.load_audit_entry(item.id)
    if audit is None:
        raise MappingError("audit entry not found", resource_type="AuditEvent")
    return audit
