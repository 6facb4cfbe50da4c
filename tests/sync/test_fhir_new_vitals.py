"""Blood oxygen, pulse rate, temperature and body fat travel as LOINC-coded Observations that validate as R4B."""

from __future__ import annotations

import pytest
from fhir_mapping_samples import T0

from kiosk.domain import Measurement
from sync.codes import LOINC_SYSTEM, UCUM_SYSTEM
from sync.fhir_common import validate_resource
from sync.fhir_observation import observation_entries

SUBJECT = {"reference": "urn:uuid:00000000-0000-0000-0000-0000000000aa"}
DEVICE = {"reference": "urn:uuid:00000000-0000-0000-0000-0000000000dd"}


@pytest.mark.parametrize(("item", "value", "unit", "loinc", "ucum", "category"), [
    ("spo2", 97.0, "%", "59408-5", "%", "vital-signs"),
    ("pulse_rate", 72.0, "/min", "8889-8", "/min", "vital-signs"),
    ("body_temperature", 36.6, "°C", "8310-5", "Cel", "vital-signs"),
    ("body_fat", 31.4, "%", "41982-0", "%", "exam"),
])
def test_new_vital_is_a_valid_loinc_observation(item: str, value: float, unit: str, loinc: str, ucum: str,
                                                category: str) -> None:
    (entry,) = observation_entries(Measurement(item, value, unit, 1, T0, device_id="dev"), subject=SUBJECT,
                                   device=DEVICE, guest=False)
    obs = entry["resource"]
    assert obs["code"]["coding"][0] == {"system": LOINC_SYSTEM, "code": loinc,
                                        "display": obs["code"]["coding"][0]["display"]}
    assert obs["valueQuantity"] == {"value": value, "unit": unit if ucum != "/min" else "beats/min",
                                    "system": UCUM_SYSTEM, "code": ucum}
    assert obs["category"][0]["coding"][0]["code"] == category
    validate_resource(obs)
