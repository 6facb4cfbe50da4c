from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain import Sex
from kiosk.errors import InputError
from kiosk.identity import check_character, local_pseudonym, parse_phone, parse_resident_id, resident_secret

# The GB 11643-1999 worked example: 11010519491231002X (born 1949-12-31, female).
EXAMPLE = "11010519491231002X"


def test_the_standard_worked_example_parses_to_birth_date_and_sex() -> None:
    rid = parse_resident_id(EXAMPLE.lower(), today=date(2026, 1, 1))
    assert (rid.number, rid.birth_date, rid.sex) == (EXAMPLE, date(1949, 12, 31), Sex.FEMALE)


@pytest.mark.parametrize("text, rule", [("1101051949123100", "18 characters"), ("11010519491231002Y", "digit or X"),
                                        ("110105194902300021", "not a real date"),
                                        ("110105194912310021", "check character")])
def test_a_bad_id_number_says_which_rule_failed(text: str, rule: str) -> None:
    with pytest.raises(InputError, match=rule):
        parse_resident_id(text, today=date(2026, 1, 1))


@given(st.text(max_size=30))
def test_any_text_either_parses_or_is_an_input_error(text: str) -> None:
    with contextlib.suppress(InputError):
        parse_resident_id(text, today=date(2026, 1, 1))


@given(st.from_regex(r"\A[1-6]\d{5}(19[3-9]\d|200\d)(0[1-9]|1[0-2])(0[1-9]|1\d|2[0-8])\d{3}\Z"))
def test_every_number_with_its_own_check_character_parses(first17: str) -> None:
    rid = parse_resident_id(first17 + check_character(first17), today=date(2026, 1, 1))
    assert rid.sex is (Sex.MALE if int(first17[16]) % 2 else Sex.FEMALE)
    wrong = "0" if check_character(first17) != "0" else "1"
    with pytest.raises(InputError):
        parse_resident_id(first17 + wrong, today=date(2026, 1, 1))


def test_phone_numbers() -> None:
    assert parse_phone("+86 138 0013 8000") == "13800138000"
    for bad in ("12800138000", "1380013800", "abc"):
        with pytest.raises(InputError, match="11 digits"):
            parse_phone(bad)


def test_the_pseudonym_is_stable_per_station_and_secret_is_private(tmp_path: Path) -> None:
    secret = resident_secret(tmp_path)
    assert resident_secret(tmp_path) == secret and (tmp_path / "resident.secret").stat().st_mode & 0o077 == 0
    a = local_pseudonym(secret, EXAMPLE)
    assert a == local_pseudonym(secret, EXAMPLE) and a != local_pseudonym(b"x" * 32, EXAMPLE)
    assert EXAMPLE not in a
