# Health-station kiosk: set-up, demo, tests, benchmarks. Every target sets itself up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
MODEL  := models/pose_landmarker_full.task
OUT    ?= out

export QT_QPA_PLATFORM ?= offscreen
export QT_QUICK_BACKEND ?= software
export QSG_RENDER_LOOP ?= basic

.PHONY: all setup system-deps model demo test bench lint clean

all: test

system-deps:
	@bash scripts/system-deps.sh

$(STAMP): setup.cfg pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11), "Python 3.11 or newer is needed, found " + sys.version' 
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: system-deps $(STAMP) model

model: $(STAMP)
	$(BIN)/python -m models.build_pose_model --out $(MODEL)

demo: setup
	$(BIN)/kiosk demo --out $(OUT)/demo

lint: $(STAMP)
	$(BIN)/ruff check .

test: setup lint
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: setup
	$(BIN)/python -m bench --out $(OUT)/bench

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache
