"""Who is at the screen: resident ID numbers (GB 11643-1999), phone numbers and the station pseudonym.

An 18-digit resident identity number carries the birth date (digits 7–14), sex (digit 17: odd is
male) and an ISO 7064 MOD 11-2 check character, so a mistyped number is caught before it is used.
The station never keys a resident's records by the number itself: ``local_pseudonym`` is an HMAC
under a per-station secret, so the sessions table holds nothing a reader could look up.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kiosk.domain import Sex
from kiosk.errors import InputError
from kiosk.secret_files import SecretFileError, create_private, read_private

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PHONE = re.compile(r"1[3-9]\d{9}")
RESIDENT_SECRET_MIN_BYTES = 16


@dataclass(frozen=True)
class ResidentId:
    number: str
    birth_date: date
    sex: Sex


def check_character(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def parse_resident_id(text: str, *, today: date | None = None) -> ResidentId:
    """Validate an 18-character ID number; InputError says which rule failed (length, date, check)."""
    number = text.strip().upper()
    if len(number) != 18:
        raise InputError(f"an ID number has 18 characters; this one has {len(number)}", field="id_number")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InputError("an ID number is 17 digits and a final digit or X", field="id_number")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InputError("the birth date inside the ID number is not a real date", field="id_number") from None
    today = today or date.today()
    if not date(today.year - 130, 1, 1) <= born <= today:
        raise InputError("the birth date inside the ID number is not plausible", field="id_number")
    if check_character(number[:17]) != number[17]:
        raise InputError("the ID number's check character does not match; a digit is probably mistyped",
                         field="id_number")
    return ResidentId(number, born, Sex.MALE if int(number[16]) % 2 else Sex.FEMALE)


def parse_phone(text: str) -> str:
    """A mainland mobile number: 11 digits starting 13–19 (spaces and a +86 prefix are allowed)."""
    digits = re.sub(r"[\s-]", "", text)
    digits = digits.removeprefix("+86").removeprefix("0086")
    if not _PHONE.fullmatch(digits):
        raise InputError("a mobile number has 11 digits and starts with 13 to 19", field="phone")
    return digits


def local_pseudonym(secret: bytes, basis: str) -> str:
    """The station's key for a resident's sessions: HMAC-SHA256(secret, basis), 32 hex characters."""
    if len(secret) < RESIDENT_SECRET_MIN_BYTES:
        raise SecretFileError(f"the resident secret must be at least {RESIDENT_SECRET_MIN_BYTES} bytes")
    return "r-" + hmac.new(secret, basis.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def resident_secret(data_dir: Path) -> bytes:
    """The per-station secret behind ``local_pseudonym``; made once (mode 0600, fsynced) beside the database.

    The file obeys kiosk.secret_files' rules; an empty or short one is a SecretFileError (it cannot be
    remade: every pseudonym already stored was made with it).
    """
    path = data_dir / "resident.secret"
    try:
        secret = read_private(path, "the resident secret")
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        secret = os.urandom(32)
        try:
            create_private(path, secret)
        except FileExistsError:  # another process made it a moment ago: use theirs
            return resident_secret(data_dir)
        return secret
    if len(secret) < RESIDENT_SECRET_MIN_BYTES:
        raise SecretFileError(f"{path}: the resident secret is damaged ({len(secret)} bytes, at least "
                              f"{RESIDENT_SECRET_MIN_BYTES} expected); restore it from the station's backup: a new "
                              "one would not match the residents' stored pseudonyms")
    return secret
