"""Benchmark: time to grade 10,000 varied sessions (sessions/s and total seconds), packs loaded once."""

from __future__ import annotations

import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from kiosk.domain import ITEMS, Measurement, Resident, SafetyScreen, Session, Sex, Side
from kiosk.grading import grade_session
from kiosk.norms import load_norm_set

N_SESSIONS = 10_000
TEST_DATE = date(2026, 11, 23)
TYPICAL = {  # item -> (mean, sd) of a plausible adult value in the canonical unit
    "height": (163, 8), "weight": (64, 10), "waist": (82, 9), "grip": (32, 9), "vital_capacity": (3000, 700),
    "sit_and_reach": (6, 7), "choice_reaction_time": (0.55, 0.08), "single_leg_stand_eyes_closed": (15, 10),
    "step_index": (55, 8), "push_ups": (22, 8), "sit_ups_1min": (25, 8), "vertical_jump": (32, 8),
    "chair_stand_30s": (13, 4), "five_times_sit_to_stand": (11, 3), "glucose_fasting": (5.6, 0.9),
}


def _value(rng: random.Random, item: str) -> float:
    spec = ITEMS[item]
    mean, sd = TYPICAL[item]
    return round(min(max(rng.gauss(mean, sd), spec.minimum), spec.maximum), spec.decimals)


def make_sessions(n: int, seed: int = 20261123) -> list[Session]:
    """Deterministic synthetic sessions, ages 20–89, 3 trials for performance items, BP and anthropometry."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 23, 9, tzinfo=UTC)
    sessions = []
    for _ in range(n):
        age = rng.randint(20, 89)
        birth = date(TEST_DATE.year - age - 1, rng.randint(1, 12), rng.randint(1, 28))
        ms: list[Measurement] = []
        systolic = rng.gauss(128 + age / 3, 15)
        ms.append(Measurement("blood_pressure", round(systolic), "mmHg", 1, start,
                              {"systolic": round(systolic), "diastolic": round(min(systolic - 20, rng.gauss(80, 9)))}))
        for item in rng.sample(sorted(TYPICAL), k=rng.randint(6, len(TYPICAL))):
            trials = 1 if ITEMS[item].best.value == "last" else rng.randint(1, 3)
            for t in range(1, trials + 1):
                side = (Side.RIGHT if t % 2 else Side.LEFT) if item == "grip" else None
                ms.append(Measurement(item, _value(rng, item), ITEMS[item].unit.symbol, t,
                                      start + timedelta(minutes=len(ms)), side=side))
        resident = Resident(f"bench-{uuid.UUID(int=rng.getrandbits(128)).hex[:8]}", rng.choice(list(Sex)), birth)
        safety = SafetyScreen({"chest_pain": rng.random() < 0.03})
        sessions.append(Session(uuid.UUID(int=rng.getrandbits(128)), "bench", resident, start, TEST_DATE,
                                safety=safety, measurements=tuple(ms)))
    return sessions


def run(out_dir: Path) -> dict:
    t0 = time.perf_counter()
    norms = load_norm_set(["cn-2003-adult", "clinical-cutoffs", "older-adult-screening"])
    load_s = time.perf_counter() - t0
    sessions = make_sessions(N_SESSIONS)
    t1 = time.perf_counter()
    graded = [grade_session(s, norms) for s in sessions]
    grade_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    for r in graded[:1000]:
        r.to_dict()
    to_dict_ms = (time.perf_counter() - t2) / 1000 * 1000
    rated = sum(1 for r in graded if r.standards and r.standards[0].grade_level is not None)
    return {
        "sessions": N_SESSIONS,
        "grade_total_s": round(grade_s, 3),
        "grade_sessions_per_s": round(N_SESSIONS / grade_s, 1),
        "grade_mean_ms": round(grade_s / N_SESSIONS * 1000, 3),
        "report_to_dict_mean_ms": round(to_dict_ms, 3),
        "norm_packs_load_s": round(load_s, 3),
        "sessions_with_national_grade": rated,
    }


if __name__ == "__main__":
    print(run(Path("out/bench")))
