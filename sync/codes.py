"""Which code and unit each station item carries in FHIR: LOINC where one fits, the station's own code system otherwise.

The table lives in ``sync/data/observation_codes.csv`` (one row per item, and one per blood-pressure
component as ``blood_pressure.<component>``); its ``note`` column records what was checked for each
code and why an item has no LOINC code. Values keep the item's canonical unit from
``kiosk.domain.ITEMS``; a few rows relabel that unit for the wire (a count of chair stands in 30 s
travels as UCUM ``/(30.s)``, kilograms of grip as ``kgf``) without changing the number.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType

from sync.errors import MappingError

LOINC_SYSTEM = "http://loinc.org"
UCUM_SYSTEM = "http://unitsofmeasure.org"
STATION_CODE_SYSTEM = "https://fhir.health-station.example/CodeSystem/station-observation"
OBSERVATION_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"

_SYSTEMS = {"loinc": LOINC_SYSTEM, "station": STATION_CODE_SYSTEM}
_CATEGORIES = {"vital-signs", "laboratory", "exam", "activity"}
_COLUMNS = ("key", "system", "code", "display", "ucum", "unit", "category", "note")
_DATA_FILE = "observation_codes.csv"


@dataclass(frozen=True)
class ObservationCode:
    """The FHIR coding and unit of one item (or one blood-pressure component)."""

    key: str  # item name, or "blood_pressure.<component>"
    system: str  # code system URI (LOINC or the station's)
    code: str
    display: str
    ucum: str  # UCUM code of the value; "" for a panel without a value of its own
    unit: str  # human-readable unit shown beside the value
    category: str  # observation-category code
    note: str  # what was checked, or why the station's own code

    @property
    def is_loinc(self) -> bool:
        return self.system == LOINC_SYSTEM

    def coding(self) -> dict[str, str]:
        return {"system": self.system, "code": self.code, "display": self.display}

    def codeable_concept(self, text: str | None = None) -> dict:
        concept: dict = {"coding": [self.coding()]}
        if text:
            concept["text"] = text
        return concept

    def quantity(self, value: float) -> dict:
        """A UCUM Quantity of ``value`` (already in the item's canonical unit)."""
        if not self.ucum:
            raise MappingError(f"{self.key} is a panel and has no unit of its own", resource_type="Observation")
        return {"value": value, "unit": self.unit, "system": UCUM_SYSTEM, "code": self.ucum}

    def category_concept(self) -> dict:
        return {"coding": [{"system": OBSERVATION_CATEGORY_SYSTEM, "code": self.category}]}


def parse_code_table(text: str, *, source: str = _DATA_FILE) -> Mapping[str, ObservationCode]:
    """Parse the code table; a malformed row raises MappingError naming the row and the column."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise MappingError(f"{source}: expected columns {','.join(_COLUMNS)}, got {reader.fieldnames}")
    table: dict[str, ObservationCode] = {}
    for row_no, row in enumerate(reader, start=2):
        where = f"{source} row {row_no}"
        if None in row or any(row[c] is None for c in _COLUMNS):
            raise MappingError(f"{where}: expected {len(_COLUMNS)} fields")
        key = row["key"].strip()
        if not key:
            raise MappingError(f"{where}: key is empty")
        if key in table:
            raise MappingError(f"{where}: key {key!r} appears twice")
        if row["system"] not in _SYSTEMS:
            raise MappingError(f"{where}: system {row['system']!r} is not one of {sorted(_SYSTEMS)}")
        if row["category"] not in _CATEGORIES:
            raise MappingError(f"{where}: category {row['category']!r} is not one of {sorted(_CATEGORIES)}")
        if not row["code"] or not row["display"]:
            raise MappingError(f"{where}: code and display are required")
        if row["system"] == "loinc" and not _is_loinc_code(row["code"]):
            raise MappingError(f"{where}: {row['code']!r} is not a LOINC code (digits, dash, check digit)")
        if bool(row["ucum"]) != bool(row["unit"]):
            raise MappingError(f"{where}: ucum and unit must be given together")
        table[key] = ObservationCode(key=key, system=_SYSTEMS[row["system"]], code=row["code"],
                                     display=row["display"], ucum=row["ucum"], unit=row["unit"],
                                     category=row["category"], note=row["note"])
    return MappingProxyType(table)


def _is_loinc_code(code: str) -> bool:
    """LOINC codes are digits, a dash and a mod-10 check digit (the LOINC 'Mod 10' algorithm)."""
    body, _, check = code.partition("-")
    if not (body.isdigit() and check.isdigit() and len(check) == 1):
        return False
    digits = [int(c) for c in reversed(body)]
    total = 0
    for i, d in enumerate(digits):
        if i % 2 == 0:
            d *= 2
            d = d // 10 + d % 10
        total += d
    return (10 - total % 10) % 10 == int(check)


@functools.cache
def code_table() -> Mapping[str, ObservationCode]:
    """The station's code table, read once from the package data."""
    text = resources.files("sync.data").joinpath(_DATA_FILE).read_text(encoding="utf-8")
    return parse_code_table(text)


def observation_code(item: str) -> ObservationCode:
    """The code of ``item``; an item without a row is a mapping bug (MappingError)."""
    try:
        return code_table()[item]
    except KeyError:
        raise MappingError(f"no observation code for item {item!r}; add a row to sync/data/{_DATA_FILE}",
                           resource_type="Observation") from None


def component_code(item: str, component: str) -> ObservationCode:
    """The code of one component of a multi-valued item (``blood_pressure`` systolic, diastolic, mean, pulse)."""
    return observation_code(f"{item}.{component}")
