"""Tanita body-composition analyser RS-232 output (MC-780, BC-418 "new format", DC-320, SC-330 …): one key/value record.

After each measurement the analyser sends one ASCII line (9600 8N1) of comma-separated pairs, a
fixed control header first and a checksum last::

    {0,16,~0,1,~1,1,~2,1,MO,"MC-780",ID,"0000000000000000",St,0,DT,"2026/06/03",TI,"15:00",Bt,5,GE,1,
    AG,47,Hm,175.5,Pt,0.0,Wk,67.6,FW,18.3,fW,12.4,MW,55.2,mW,52.3,...,CS,24<CR><LF>

Field codes (two letters, case matters) used by the station; the full lists are in Tanita's
per-model "data output format" sheets and in the public parsers (code4fukui/bodychecker MC780A.js):

    MO model   ID person id   St status (0 ok)   DT/Da/DA date   TI time   Bt body type (0 standard,
    2 athletic, 5 auto)   GE sex (1 male, 2 female)   AG age   Hm height cm   Pt tare (clothes) kg
    Wk weight kg   FW body fat %   fW fat mass kg   MW fat-free mass kg   mW muscle mass kg
    bW bone mass kg   wW total body water kg   ww body water %   MI BMI   IF visceral fat rating
    rB basal metabolic rate kcal   rb the same in kJ   rA metabolic age
    R/X + segment letter: resistance/reactance; e.g. RH 50-kHz resistance, left side (MC-780)
    CS checksum: two hex digits, the sum of every byte from "{" up to and including the comma
       before "CS", modulo 256 (worked on the MC-780 frame in the tests; it holds there)

Body fat is computed by the analyser from its own equations; the station stores the analyser's value.
Unknown codes are kept as text, so a model with more fields still decodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

from drivers.base import CodecError

BAUD = 9600
HEADER = "{0,16,~0,1,~1,1,~2,1,"
MAX_LINE = 8192

NUMBER_FIELDS = MappingProxyType({
    "Hm": "height_cm", "Pt": "tare_kg", "Wk": "weight_kg", "FW": "body_fat_pct", "fW": "fat_mass_kg",
    "MW": "fat_free_mass_kg", "mW": "muscle_mass_kg", "bW": "bone_mass_kg", "wW": "body_water_kg",
    "ww": "body_water_pct", "MI": "bmi", "IF": "visceral_fat_rating", "rB": "bmr_kcal", "rb": "bmr_kj",
    "AG": "age_years", "GE": "sex_code", "Bt": "body_type_code", "St": "status_code", "rA": "metabolic_age",
})


@dataclass(frozen=True)
class TanitaRecord:
    """One analyser record. ``fields`` holds every pair as sent (text); the named values are parsed."""

    model: str
    fields: dict[str, str] = field(default_factory=dict)  # code → text as sent (a copy: the record owns it)
    weight_kg: float | None = None
    body_fat_pct: float | None = None
    fat_mass_kg: float | None = None
    fat_free_mass_kg: float | None = None
    muscle_mass_kg: float | None = None
    body_water_kg: float | None = None
    bmi: float | None = None
    height_cm: float | None = None
    age_years: float | None = None
    sex_code: float | None = None
    status_code: float | None = None

    def number(self, code: str) -> float | None:
        """Any numeric field by its code (None when absent or not a number)."""
        text = self.fields.get(code)
        try:
            return None if text is None else float(text)
        except ValueError:
            return None


def checksum(body: str) -> int:
    """The CS value for the record text from "{" up to and including the comma before "CS"."""
    return sum(body.encode("latin-1")) & 0xFF


def _split(line: str) -> list[str]:
    """Comma-separated tokens; a double-quoted token keeps its commas and loses its quotes."""
    tokens, token, quoted = [], [], False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            tokens.append("".join(token).strip())
            token = []
        else:
            token.append(ch)
    if quoted:
        raise CodecError("Tanita record: a quoted value is not closed")
    tokens.append("".join(token).strip())
    return tokens


def decode_record(line: str | bytes) -> TanitaRecord:
    """Decode one record line (CR/LF optional); CodecError for a bad header, pair structure or checksum."""
    if isinstance(line, bytes | bytearray):
        try:
            line = bytes(line).decode("ascii")
        except UnicodeDecodeError as e:
            raise CodecError(f"Tanita record: not ASCII text ({e.reason} at byte {e.start})") from None
    line = line.strip("\r\n").rstrip("}")  # some models close the record with "}" after the checksum
    if not line.startswith(HEADER):
        raise CodecError(f"Tanita record: does not start with the control header {HEADER!r}")
    at = line.rfind(",CS,")
    if at < 0:
        raise CodecError("Tanita record: no CS (checksum) field at the end")
    body, sent = line[:at + 1], line[at + 4:]
    try:
        sent_cs = int(sent, 16)
    except ValueError:
        raise CodecError(f"Tanita record: checksum {sent!r} is not two hex digits") from None
    if len(sent) != 2 or checksum(body) != sent_cs:
        raise CodecError(f"Tanita record: checksum {sent} does not match the record (computed "
                         f"{checksum(body):02X})")
    tokens = _split(body[len(HEADER):-1])
    if len(tokens) % 2:
        raise CodecError(f"Tanita record: {len(tokens)} tokens after the header do not form code/value pairs")
    pairs = dict(zip(tokens[::2], tokens[1::2], strict=True))
    values: dict[str, float | None] = {}
    for code, name in NUMBER_FIELDS.items():
        if code in pairs:
            try:
                values[name] = float(pairs[code])
            except ValueError:
                raise CodecError(f"Tanita record: {code} = {pairs[code]!r} is not a number") from None
    named = {k: v for k, v in values.items() if k in TanitaRecord.__dataclass_fields__}
    return TanitaRecord(model=pairs.get("MO", ""), fields=pairs, **named)  # type: ignore[arg-type]


def encode_record(pairs: list[tuple[str, str]]) -> bytes:
    """A record line with its checksum and CR LF (the simulator's side). Text values are quoted by the caller."""
    body = HEADER + "".join(f"{code},{value}," for code, value in pairs)
    return f"{body}CS,{checksum(body):02X}\r\n".encode("ascii")


class TanitaStream:
    """Splits the line into records: ``feed(bytes)`` returns records and CodecErrors in arrival order."""

    def __init__(self) -> None:
        self._buf = bytearray()

    @property
    def buffered(self) -> int:
        """Bytes held of a record whose line end has not come (a truncated capture leaves some)."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[TanitaRecord | CodecError]:
        out: list[TanitaRecord | CodecError] = []
        self._buf += data
        while True:
            end = self._buf.find(b"\n")
            if end < 0:
                break
            line, self._buf = bytes(self._buf[:end]), self._buf[end + 1:]
            if line.strip(b"\r\x00 "):
                try:
                    out.append(decode_record(line))
                except CodecError as e:
                    out.append(e)
        if len(self._buf) > MAX_LINE:
            out.append(CodecError(f"Tanita stream: {len(self._buf)} bytes without a line end dropped"))
            self._buf.clear()
        return out


class TanitaCodec:
    """The codec object a serial driver and simulator use (``stream()``, ``encode()``)."""

    name = "tanita-serial"

    def stream(self) -> TanitaStream:
        return TanitaStream()

    def encode(self, message: list[tuple[str, str]], *, corrupt_crc: bool = False) -> bytes:
        data = encode_record(message)
        return data.replace(b",CS,", b",CS,0") if corrupt_crc else data  # three digits: never a valid checksum


CODEC = TanitaCodec()
