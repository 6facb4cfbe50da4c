"""A test tried without a valid result is never sent as a value: an Observation with no value[x], status
cancelled and a dataAbsentReason (HL7 data-absent-reason), validated with the R4B models."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir_mapping_samples import KEY, T0, report, resources, session

from kiosk.config import IdentityMode
from kiosk.domain import Method, NotMeasured, NotMeasuredReason
from kiosk.storage import open_store
from kiosk.storage.testing import store_config
from sync.fhir_common import validate_resource
from sync.fhir_map import MappingOptions, batch_bundle, map_session
from sync.fhir_observation import DATA_ABSENT_SYSTEM, not_measured_entry

SUBJECT = {"reference": "urn:uuid:00000000-0000-0000-0000-0000000000aa"}
DEVICE = {"reference": "urn:uuid:00000000-0000-0000-0000-0000000000dd"}
VALUE_KEYS = {"valueQuantity", "valueInteger", "valueString", "valueCodeableConcept", "valueBoolean", "component"}


def _chair(reason: NotMeasuredReason = NotMeasuredReason.NO_START_POSTURE) -> NotMeasured:
    return NotMeasured("chair_stand_30s", reason, taken_at=T0, device_id="camera", method=Method.CAMERA,
                       id=uuid.UUID(int=0xC0FFEE))


@pytest.mark.parametrize("reason", list(NotMeasuredReason))
def test_a_not_measured_test_is_a_cancelled_observation_with_no_value_and_a_data_absent_reason(reason):
    entry = not_measured_entry(_chair(reason), subject=SUBJECT, device=DEVICE, guest=False)
    obs = entry["resource"]
    validate_resource(obs)
    get_fhir_model_class("Observation").model_validate(obs)  # the R4B model directly
    # obs-6 (dataAbsentReason only without a value), which the R4B models do not enforce, checked here
    assert not VALUE_KEYS & set(obs), "a test that did not run validly must carry no value at all"
    assert obs["status"] == "cancelled"
    coding = obs["dataAbsentReason"]["coding"]
    assert coding[0]["system"] == DATA_ABSENT_SYSTEM
    assert coding[0]["code"] == ("error" if reason is NotMeasuredReason.FAILED else "not-performed")
    assert coding[1]["code"] == reason.value and obs["dataAbsentReason"]["text"].startswith("not measured — ")
    assert obs["code"]["coding"][0]["code"] == "66247-8" and obs["method"]["coding"][0]["code"] == "camera"
    assert obs["identifier"][0]["value"] == f"urn:uuid:{uuid.UUID(int=0xC0FFEE)}"
    assert entry["request"]["ifNoneExist"], "a resend must not duplicate it"


def _options(every_trial: bool) -> MappingOptions:
    return MappingOptions(station_id="test-station", identity=IdentityMode.PSEUDONYM, pseudonym_key=KEY,
                          send_every_trial=every_trial)


@pytest.mark.parametrize("every_trial", [True, False])
def test_a_session_bundle_carries_the_not_measured_try_without_a_value(every_trial):
    s = replace(session(), not_measured=(_chair(),))
    rep = report(s)
    rep["not_measured"] = [{"item": "chair_stand_30s", "record_id": str(_chair().id), "reason": "no_start_posture"}]
    s = replace(s, measurements=tuple(m for m in s.measurements if m.item != "chair_stand_30s"))
    rep["items"] = [i for i in rep["items"] if i["item"] != "chair_stand_30s"]
    b = map_session(s, rep, [], _options(every_trial))
    chair = [o for o in resources(b, "Observation") if o["code"]["coding"][0]["code"] == "66247-8"]
    assert len(chair) == 1 and chair[0]["status"] == "cancelled" and "valueQuantity" not in chair[0]


def test_a_not_measured_outbox_row_is_sent_and_owned_by_its_row(tmp_path: Path):
    key_file = tmp_path / "pseudonym.key"
    key_file.write_bytes(KEY + b"\n")
    key_file.chmod(0o600)  # a secret file: private to the station user (kiosk.secret_files)
    cfg = store_config(tmp_path)
    cfg = replace(cfg, sync=replace(cfg.sync, pseudonym_key_file=str(key_file)))
    with open_store(cfg) as store:
        s = session()
        store.create_session(replace(s, measurements=()))
        nm = _chair(NotMeasuredReason.NEVER_SEEN)
        store.add_not_measured(s.id, nm)
        items = store.outbox_pending(10)
        assert [i.kind for i in items] == ["not_measured"]
        built = batch_bundle(store, items, cfg)
        owned = [e["resource"] for e, o in zip(built.bundle["entry"], built.entry_owner, strict=True)
                 if o == str(nm.id)]
        assert [r["resourceType"] for r in owned] == ["Observation"]
        assert owned[0]["status"] == "cancelled" and not VALUE_KEYS & set(owned[0])
