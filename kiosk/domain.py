"""The station's domain values: items, units, measurements, residents, sessions, calibration records.

Everything here is plain, frozen data with explicit units; no I/O. Every wing (drivers, vision,
sync, ui) speaks in these types.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from types import MappingProxyType

from kiosk.errors import InputError


class Sex(enum.StrEnum):
    MALE = "M"
    FEMALE = "F"


class Side(enum.StrEnum):
    LEFT = "left"
    RIGHT = "right"


class Method(enum.StrEnum):
    """How a value was obtained; carried to the report and the FHIR Observation."""

    DEVICE = "device"
    CAMERA = "camera"
    STAFF_ENTRY = "staff_entry"
    SELF_REPORT = "self_report"


class Best(enum.StrEnum):
    """Which trial an item keeps as its graded value."""

    LARGEST = "largest"
    SMALLEST = "smallest"  # times where shorter is better (reaction time, five-times sit-to-stand)
    LAST = "last"  # anthropometry and BP: the latest (re-)measurement stands


@dataclass(frozen=True)
class Unit:
    """A unit an item may arrive in, and the factor that converts it to the item's canonical unit."""

    symbol: str  # as people write it ("mmHg")
    ucum: str  # UCUM code ("mm[Hg]")
    to_canonical: float = 1.0
    offset: float = 0.0


@dataclass(frozen=True)
class ItemSpec:
    """One measurable item: canonical unit, accepted units, physical limits and best-trial rule."""

    name: str
    label_en: str
    label_zh: str
    unit: Unit
    minimum: float  # physical limits in the canonical unit: outside them a value is an input error
    maximum: float
    best: Best = Best.LARGEST
    decimals: int = 1  # recording precision in the canonical unit
    aliases: tuple[Unit, ...] = ()
    components: tuple[str, ...] = ()  # multi-valued trials (blood pressure)

    def units(self) -> tuple[Unit, ...]:
        return (self.unit, *self.aliases)

    def to_canonical(self, value: float, unit: str, *, field: str = "value") -> float:
        """Convert ``value`` given in ``unit`` to the canonical unit, or raise InputError naming the field.

        Computed on decimal representations: 1.0045 m must become 100.45 cm (which rounds half-up to
        100.5 at table precision), not the binary product 100.44999….
        """
        for u in self.units():
            if unit in (u.symbol, u.ucum):
                if u.to_canonical == 1.0 and u.offset == 0.0:
                    return float(value)
                return float(Decimal(repr(float(value))) * Decimal(repr(u.to_canonical)) + Decimal(repr(u.offset)))
        known = ", ".join(sorted({u.symbol for u in self.units()}))
        raise InputError(f"unit {unit!r} is not accepted for {self.name}; use one of: {known}", field=field)


def _u(symbol: str, ucum: str | None = None, factor: float = 1.0) -> Unit:
    return Unit(symbol, ucum or symbol, factor)


MMHG = _u("mmHg", "mm[Hg]")
KPA_AS_MMHG = _u("kPa", "kPa", 7.50061683)
COUNT = _u("count", "{count}")
SECOND = _u("s")

ITEMS: Mapping[str, ItemSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            ItemSpec("blood_pressure", "Blood pressure", "血压", MMHG, 20, 300, Best.LAST, 0,
                     (KPA_AS_MMHG,), ("systolic", "diastolic", "pulse")),
            ItemSpec("height", "Height", "身高", _u("cm"), 50, 250, Best.LAST, 1,
                     (_u("m", "m", 100), _u("mm", "mm", 0.1))),
            ItemSpec("weight", "Weight", "体重", _u("kg"), 10, 300, Best.LAST, 1, (_u("g", "g", 0.001),)),
            ItemSpec("waist", "Waist circumference", "腰围", _u("cm"), 30, 250, Best.LAST, 1, (_u("m", "m", 100),)),
            ItemSpec("hip", "Hip circumference", "臀围", _u("cm"), 30, 250, Best.LAST, 1, (_u("m", "m", 100),)),
            ItemSpec("glucose_fasting", "Fasting glucose", "空腹血糖", _u("mmol/L"), 0.5, 40, Best.LAST, 1,
                     (_u("mg/dL", "mg/dL", 1 / 18.016),)),
            ItemSpec("grip", "Grip strength", "握力", _u("kg"), 0, 120, Best.LARGEST, 1),
            ItemSpec("vital_capacity", "Vital capacity", "肺活量", _u("mL"), 100, 10000, Best.LARGEST, 0,
                     (_u("L", "L", 1000),)),
            ItemSpec("fvc", "Forced vital capacity", "用力肺活量", _u("L"), 0.1, 10, Best.LARGEST, 2,
                     (_u("mL", "mL", 0.001),)),
            ItemSpec("fev1", "FEV1", "第一秒用力呼气量", _u("L"), 0.1, 10, Best.LARGEST, 2, (_u("mL", "mL", 0.001),)),
            ItemSpec("pef", "Peak expiratory flow", "呼气峰流速", _u("L/s"), 0.1, 20, Best.LARGEST, 2),
            ItemSpec("sit_and_reach", "Sit and reach", "坐位体前屈", _u("cm"), -40, 60, Best.LARGEST, 1),
            ItemSpec("choice_reaction_time", "Choice reaction time", "选择反应时", SECOND, 0.1, 5, Best.SMALLEST, 2),
            ItemSpec("single_leg_stand_eyes_closed", "Single-leg stand, eyes closed", "闭眼单脚站立", SECOND,
                     0, 600, Best.LARGEST, 1),
            ItemSpec("chair_stand_30s", "30-second chair stand", "30秒坐站", COUNT, 0, 60, Best.LARGEST, 0),
            ItemSpec("five_times_sit_to_stand", "Five-times sit-to-stand", "五次起坐", SECOND, 2, 120,
                     Best.SMALLEST, 1),
            # the older-adult battery (Senior Fitness Test, SPPB, CDC STEADI): camera-timed
            ItemSpec("timed_up_and_go", "Timed Up-and-Go", "起立行走计时", SECOND, 1, 300, Best.SMALLEST, 1),
            ItemSpec("eight_foot_up_and_go", "8-foot up-and-go", "8英尺起立行走", SECOND, 1, 300,
                     Best.SMALLEST, 1),
            ItemSpec("two_minute_step", "2-minute step", "2分钟原地高抬腿", COUNT, 0, 250, Best.LARGEST, 0),
            ItemSpec("gait_speed_4m", "Gait speed (4 m)", "4米步速", _u("m/s"), 0.05, 3, Best.LARGEST, 2),
            ItemSpec("balance_side_by_side", "Side-by-side stand", "并脚站立", SECOND, 0, 60, Best.LARGEST, 1),
            ItemSpec("balance_semi_tandem", "Semi-tandem stand", "半前后脚站立", SECOND, 0, 60, Best.LARGEST, 1),
            ItemSpec("balance_tandem", "Tandem stand", "前后脚站立", SECOND, 0, 60, Best.LARGEST, 1),
            ItemSpec("single_leg_stand_eyes_open", "Single-leg stand, eyes open", "睁眼单脚站立", SECOND,
                     0, 600, Best.LARGEST, 1),
            # blood oxygen, temperature and body composition (device-measured, resting)
            ItemSpec("spo2", "Blood oxygen (SpO2)", "血氧饱和度", _u("%"), 50, 100, Best.LAST, 0),
            ItemSpec("pulse_rate", "Pulse rate", "脉率", _u("/min", "/min"), 20, 250, Best.LAST, 0),
            ItemSpec("body_temperature", "Body temperature", "体温", _u("°C", "Cel"), 30, 45, Best.LAST, 1),
            ItemSpec("body_fat", "Body fat", "体脂率", _u("%"), 2, 75, Best.LAST, 1),
            ItemSpec("arm_curl_30s", "30-second arm curl", "30秒屈臂", COUNT, 0, 80, Best.LARGEST, 0),
            ItemSpec("squat", "Squats", "深蹲", COUNT, 0, 200, Best.LARGEST, 0),
            ItemSpec("push_ups", "Push-ups", "俯卧撑", COUNT, 0, 200, Best.LARGEST, 0),
            ItemSpec("sit_ups_1min", "One-minute sit-ups", "1分钟仰卧起坐", COUNT, 0, 120, Best.LARGEST, 0),
            ItemSpec("vertical_jump", "Vertical jump", "纵跳", _u("cm"), 0, 150, Best.LARGEST, 1),
            ItemSpec("step_index", "Step test index", "台阶指数", _u("index", "{index}"), 10, 150, Best.LARGEST, 1),
        )
    }
)

# Physical limits of blood-pressure components (canonical mmHg; pulse in beats/min).
BP_COMPONENT_LIMITS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {"systolic": (50, 300), "diastolic": (20, 200), "mean": (30, 250), "pulse": (20, 250)}
)


def item_spec(name: str, *, field: str = "item") -> ItemSpec:
    """The spec of item ``name``, or an InputError naming the field and the known items."""
    try:
        return ITEMS[name]
    except KeyError:
        raise InputError(f"unknown item {name!r}; known items: {', '.join(sorted(ITEMS))}", field=field) from None


def completed_years(birth_date: date, on: date) -> int:
    """Age in completed years (周岁) on ``on``."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Measurement:
    """One trial of one item, in the item's canonical unit, with its provenance.

    ``value`` is the primary value (for blood pressure: systolic); ``components`` holds every named
    part of a multi-valued reading (systolic, diastolic, mean, pulse). ``id`` is made at creation and
    follows the value to the cloud, where it deduplicates resends.
    """

    item: str
    value: float
    unit: str
    trial: int = 1
    taken_at: datetime = field(default_factory=utcnow)
    components: Mapping[str, float] = field(default_factory=dict)
    side: Side | None = None
    device_id: str | None = None
    method: Method = Method.DEVICE
    calibration_id: str | None = None
    quality_flags: frozenset[str] = frozenset()
    id: uuid.UUID = field(default_factory=uuid.uuid4)


class NotMeasuredReason(enum.StrEnum):
    """Why a test gives no value. The camera reasons are ``vision.analysers.InvalidReason``'s values."""

    NOT_STARTED = "not_started"  # no start signal, or the test never ended
    NEVER_SEEN = "never_seen"  # the person was never usable in view during the test
    OUT_OF_VIEW = "out_of_view"  # out of view for too much of the test
    NO_START_POSTURE = "no_start_posture"  # never seen in the exercise's starting posture
    INCOMPLETE = "incomplete"  # the video or camera ended before the test's time was up
    FAILED = "failed"  # the camera, the pipeline or the instrument failed
    STOPPED = "stopped"  # stopped by staff or the station, not finished


# A deviation from the test protocol (a standing arm curl) is kept on a valid measurement as a quality flag
# with this prefix: the value stands, and the doctor sees the deviation beside it.
DEVIATION_FLAG_PREFIX = "deviation:"


@dataclass(frozen=True)
class NotMeasured:
    """A test that was tried but did not run validly: no value, only why — never graded, scored or flagged.

    Kept apart from ``Measurement`` on purpose, so nothing that grades values can mistake it for a 0.
    ``method`` and ``device_id`` say how it was tried; ``id`` follows it to the cloud like a measurement's.
    """

    item: str
    reason: NotMeasuredReason
    trial: int = 1
    taken_at: datetime = field(default_factory=utcnow)
    device_id: str | None = None
    method: Method = Method.DEVICE
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(frozen=True)
class Resident:
    """A resident as the station knows them: a pseudonymous id; identifying fields only where allowed."""

    pseudonym: str
    sex: Sex | None = None
    birth_date: date | None = None
    name: str | None = None
    national_id: str | None = None
    phone: str | None = None
    is_guest: bool = False

    def age_on(self, day: date) -> int | None:
        return completed_years(self.birth_date, day) if self.birth_date else None


class SessionState(enum.StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


@dataclass(frozen=True)
class Consent:
    health_data: bool
    camera: bool
    given_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class SafetyScreen:
    """Pre-exercise answers (PAR-Q style); any "yes" stops exertion tests today."""

    answers: Mapping[str, bool] = field(default_factory=dict)

    @property
    def exertion_allowed(self) -> bool:
        return not any(self.answers.values())


class QuestionnaireStatus(enum.StrEnum):
    COMPLETED = "completed"  # every required question answered: scored
    STOPPED = "stopped"  # the resident stopped (or the session ended) part-way: kept, never scored


@dataclass(frozen=True)
class QuestionnaireResponse:
    """One self-assessment questionnaire as answered: linkId -> option code, whole number or "dont_know".

    A stopped questionnaire keeps the answers given (a safety rule may still act on them) but is never
    scored. ``instrument_version`` names the data file version the answers were given against.
    """

    instrument: str
    instrument_version: str
    status: QuestionnaireStatus
    answers: Mapping[str, str | int]
    language: str
    started_at: datetime
    finished_at: datetime
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(frozen=True)
class Session:
    id: uuid.UUID
    station_id: str
    resident: Resident
    started_at: datetime
    test_date: date
    consent: Consent | None = None
    safety: SafetyScreen | None = None
    state: SessionState = SessionState.OPEN
    measurements: tuple[Measurement, ...] = ()
    not_measured: tuple[NotMeasured, ...] = ()  # tests tried without a valid result (never graded)
    questionnaires: tuple[QuestionnaireResponse, ...] = ()  # self-assessment answers, completed or stopped


class CalibrationResult(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"


@dataclass(frozen=True)
class CalibrationRecord:
    """One calibration run of one device: references, readings, the correction and until when it holds."""

    device_id: str
    procedure: str
    performed_by: str
    performed_at: datetime
    result: CalibrationResult
    valid_until: datetime
    references: tuple[float, ...] = ()
    readings: tuple[float, ...] = ()
    correction: Mapping[str, float] = field(default_factory=dict)  # e.g. {"gain": 1.002, "offset": -0.1}
    notes: str = ""
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def usable_at(self, when: datetime) -> bool:
        return self.result is CalibrationResult.PASSED and when < self.valid_until
