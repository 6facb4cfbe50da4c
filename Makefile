# Health-station kiosk: set-up, demo, tests, benchmarks. Every target sets itself up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
MODEL  := models/pose_landmarker_full.task
OUT    ?= out
# Test processes: two keep both cores busy while one test waits on a simulator or the pose model.
TEST_WORKERS ?= 2

# Tests always render offscreen; the demo opens a window when there is a display (ui/qt_env.py decides).
HEADLESS_QT := QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software QSG_RENDER_LOOP=basic

.PHONY: all setup system-deps model footage translations fhir-engine demo test fuzz bench lint clean

all: test

system-deps:
	@echo "==> setup 1/5: system packages (CJK fonts, Qt/GL libraries, speech-dispatcher, poppler)"
	@bash scripts/system-deps.sh

$(STAMP): setup.cfg pyproject.toml
	@echo "==> setup 2/5: Python environment in $(VENV) (first time: a few minutes)"
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11 or newer is needed, found " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: system-deps $(STAMP) model footage translations fhir-engine

# Medplum's FHIR engine that the sync tests and benchmark run against (sync/testing/medplum: npm, from its lock file).
ENGINE := sync/testing/medplum
fhir-engine: $(ENGINE)/node_modules/.package-lock.json

$(ENGINE)/node_modules/.package-lock.json: $(ENGINE)/package-lock.json
	@command -v npm >/dev/null || { echo "fhir-engine: npm is missing (Debian: nodejs); Medplum tests will be skipped"; exit 0; }
	cd $(ENGINE) && npm ci --no-audit --no-fund --loglevel=error

# The camera clip the demo and tests use when the machine has no webcam (cached in .cache/, never committed).
footage: $(STAMP)
	@echo "==> setup 4/5: the camera clip for machines with no webcam (cached in .cache/)"
	@$(BIN)/python -m vision.footage >/dev/null || echo "WARNING: the demo clip could not be fetched; camera tests in the demo are off"

# The Chinese catalogue compiled from ui/i18n/station_zh.ts (the station also does this when it is stale).
translations: $(STAMP)
	@echo "==> setup 5/5: the Chinese screen catalogue"
	@$(BIN)/python -c 'from ui.i18n import build_catalogues; build_catalogues()'

model: $(STAMP)
	@echo "==> setup 3/5: the pose model, built from Google's published files (models/LICENSES.md)"
	@$(BIN)/python -m models.build_pose_model --out $(MODEL)

demo: setup
	@echo "==> demo: the station on simulated devices (output in $(OUT)/demo)"
	@$(BIN)/kiosk demo --out $(OUT)/demo

lint: $(STAMP)
	$(BIN)/ruff check .

# The gate is deterministic (hypothesis "ci" profile: derandomized, no example database).
test: setup lint
	$(HEADLESS_QT) HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS)

# Nightly-style: every property test searches randomly with many more examples (long; not part of the gate).
fuzz: setup
	$(HEADLESS_QT) HYPOTHESIS_PROFILE=nightly $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) -m hypothesis

bench: setup
	$(HEADLESS_QT) $(BIN)/python -m bench --out $(OUT)/bench

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache
