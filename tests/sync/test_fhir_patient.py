"""Identity modes: national id, keyed-hash pseudonym, station pseudonym without a key, and guests (no Patient)."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from fhir_mapping_samples import KEY, NAME, NATIONAL_ID, PHONE, PSEUDONYM, resident

from kiosk.config import IdentityMode
from kiosk.domain import Resident
from sync.errors import MappingError
from sync.fhir_common import NATIONAL_ID_SYSTEM, PSEUDONYM_SYSTEM, STATION_RESIDENT_SYSTEM, validate_resource
from sync.fhir_patient import patient_identity, pseudonym


def test_national_id_mode_sends_the_id_number_under_the_national_oid_with_name_and_birth_date():
    p = patient_identity(resident(), IdentityMode.NATIONAL_ID, KEY, "st-1")
    assert p.identifier == {"system": NATIONAL_ID_SYSTEM, "value": NATIONAL_ID}
    assert NATIONAL_ID_SYSTEM == "urn:oid:2.16.156.10011.1.3"
    assert p.resource["name"] == [{"use": "official", "text": NAME}]
    assert (p.resource["gender"], p.resource["birthDate"]) == ("female", "1961-03-02")
    assert p.entry()["request"]["ifNoneExist"] == f"identifier={NATIONAL_ID_SYSTEM}|{NATIONAL_ID}"
    validate_resource(p.resource)


def test_pseudonym_mode_sends_an_hmac_sha256_of_the_id_number_and_only_the_birth_year():
    p = patient_identity(resident(), IdentityMode.PSEUDONYM, KEY, "st-1")
    expected = hmac.new(KEY, f"cn-id:{NATIONAL_ID}".encode(), hashlib.sha256).hexdigest()
    assert p.identifier == {"system": PSEUDONYM_SYSTEM, "value": expected}
    assert p.resource["birthDate"] == "1961"
    assert "name" not in p.resource
    text = str(p.resource) + str(p.entry())
    for secret in (NATIONAL_ID, NAME, PHONE, PSEUDONYM, "1961-03-02"):
        assert secret not in text, f"{secret!r} leaked into a pseudonymous Patient"
    validate_resource(p.resource)


def test_pseudonym_is_stable_and_depends_on_the_key():
    r = resident()
    assert pseudonym(KEY, r) == pseudonym(KEY, r)
    assert pseudonym(KEY, r) != pseudonym(KEY + b"x", r)


def test_pseudonym_normalises_the_id_number_and_phone():
    assert pseudonym(KEY, resident(national_id=" 11010119610302002x ")) == pseudonym(KEY, resident())
    a = resident(national_id=None, phone="138 0000 1234")
    b = resident(national_id=None, phone="13800001234")
    assert pseudonym(KEY, a) == pseudonym(KEY, b)


def test_pseudonym_falls_back_from_id_number_to_phone_to_station_pseudonym():
    by_id = pseudonym(KEY, resident())
    by_phone = pseudonym(KEY, resident(national_id=None))
    by_station = pseudonym(KEY, resident(national_id=None, phone=None))
    assert len({by_id, by_phone, by_station}) == 3
    assert by_station == hmac.new(KEY, f"station:{PSEUDONYM}".encode(), hashlib.sha256).hexdigest()


def test_national_id_mode_without_an_id_number_uses_the_pseudonym():
    p = patient_identity(resident(national_id=None), IdentityMode.NATIONAL_ID, KEY, "st-1")
    assert p.identifier["system"] == PSEUDONYM_SYSTEM
    assert "name" not in p.resource, "without the national id mode's identifier no name is sent"


def test_no_key_sends_the_station_pseudonym_under_a_station_scoped_system():
    p = patient_identity(resident(), IdentityMode.PSEUDONYM, None, "st-1")
    assert p.identifier == {"system": f"{STATION_RESIDENT_SYSTEM}/st-1", "value": PSEUDONYM}
    assert NATIONAL_ID not in str(p.resource)


def test_empty_key_is_refused():
    with pytest.raises(MappingError, match="empty"):
        pseudonym(b"", resident())


def test_guest_gets_no_patient_in_any_mode():
    for mode in IdentityMode:
        assert patient_identity(resident(guest=True), mode, KEY, "st-1") is None


def test_patient_full_url_is_stable_per_identity():
    a = patient_identity(resident(), IdentityMode.PSEUDONYM, KEY, "st-1")
    b = patient_identity(resident(), IdentityMode.PSEUDONYM, KEY, "st-1")
    c = patient_identity(Resident(pseudonym="other"), IdentityMode.PSEUDONYM, KEY, "st-1")
    assert a.full_url == b.full_url != c.full_url
    assert a.full_url.startswith("urn:uuid:")
