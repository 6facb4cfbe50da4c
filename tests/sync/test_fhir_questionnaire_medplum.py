"""Questionnaires through a real FHIR engine: Medplum's @medplum/fhir-router on its in-memory repository.

Medplum's validator accepts every exported Questionnaire; a bundle of QuestionnaireResponses and
total-score Observations is created, and sent again creates nothing new (ifNoneExist on the identifier
still matches after the server rewrites the bundle-local references). Runs on the engine `make setup`
installs from its lock file in sync/testing/medplum (KIOSK_MEDPLUM_NODE_MODULES may point at another
node_modules with @medplum/core, definitions and fhir-router); without it the test is skipped, saying why.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fhir_mapping_samples import options, session

from kiosk.domain import QuestionnaireResponse, QuestionnaireStatus
from kiosk.instruments.fhir_questionnaire import questionnaire_resource
from kiosk.instruments.model import instrument, load_instruments
from sync.fhir_map import map_session
from sync.testing.medplum_engine import ENGINE_DIR, unavailable_reason

HERE = Path(__file__).parent / "medplum"
MODULES = Path(os.environ.get("KIOSK_MEDPLUM_NODE_MODULES", ENGINE_DIR / "node_modules"))
T0 = datetime(2026, 11, 23, 9, 40, tzinfo=UTC)

pytestmark = pytest.mark.skipif(unavailable_reason() is not None and "KIOSK_MEDPLUM_NODE_MODULES" not in os.environ,
                                reason=str(unavailable_reason()))


def resp(iid: str, answers: dict, status=QuestionnaireStatus.COMPLETED, lang="zh") -> QuestionnaireResponse:
    return QuestionnaireResponse(iid, instrument(iid).version, status, answers, lang, T0, T0, uuid.uuid4())


def test_medplum_stores_questionnaire_responses_once_and_accepts_every_questionnaire(tmp_path):
    responses = (resp("phq9", {it.link_id: "LA6569-3" for it in instrument("phq9").items}),
                 resp("ipaq_sf", {"ipaq-1": 3, "ipaq-2": 30, "ipaq-3": 0, "ipaq-5": 7, "ipaq-6": 30,
                                  "ipaq-7": "dont_know"}, lang="en"),
                 resp("gad7", {"/69725-0": "LA6568-5"}, QuestionnaireStatus.STOPPED),
                 resp("tcm_constitution_elderly_33", {f"tcm-{n}": "2" for n in range(1, 34)}))
    bundle = map_session(replace(session(), questionnaires=responses, measurements=()), None, [], options())
    data = tmp_path / "input.json"
    data.write_text(json.dumps({"bundle": bundle, "extra": [questionnaire_resource(i)
                                                            for i in load_instruments().values()]}), "utf-8")
    run = subprocess.run(["node", str(HERE / "transaction.js"), str(data)], capture_output=True, text=True,
                         timeout=240, env={**os.environ, "NODE_PATH": str(MODULES)})
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout)
    assert out["invalid"] == [], "Medplum's validator refused an exported Questionnaire"
    first, again = out["rounds"]
    assert first["outcome"] == again["outcome"] == "informational"
    assert {s for t, s in first["statuses"]} == {"201"}
    assert {s for t, s in again["statuses"]} == {"200"}, f"a resend must create nothing: {again['statuses']}"
    qrs, observations = out["stored"]["QuestionnaireResponse"], out["stored"]["Observation"]
    assert len(qrs) == 4 and sorted(q["status"] for q in qrs) == ["completed", "completed", "completed", "stopped"]
    ids = {f"QuestionnaireResponse/{q['id']}" for q in qrs}
    assert len(observations) == 2 and all(o["derivedFrom"][0]["reference"] in ids for o in observations)
    phq9 = next(o for o in observations if o["code"]["coding"][0]["code"] == "44261-6")
    assert phq9["valueQuantity"]["value"] == 9
