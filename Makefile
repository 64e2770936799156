# scopeflow: set-up, demo, tests, benchmarks. Every target makes the virtualenv it needs once;
# a stamp file keeps a second run quick (delete the stamp or `make clean` to reinstall).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TF_VENV := .venv-tf
# CI clones the repository with shared/ beside it; a checkout in /work/main has it there too.
SHARED ?= ../shared
# Two pytest workers for a two-core machine; tests that share one expensive subprocess carry
# an xdist_group mark, which --dist loadgroup keeps on one worker. The 20 slowest tests are
# listed before the summary (CI's log shows where its time went).
JOBS ?= 2
PYTEST_ARGS ?=

.PHONY: demo test tf-venv bench conformance lint clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

$(TF_VENV)/.installed:
	@test -x $(TF_VENV)/bin/python || $(PYTHON) -m venv $(TF_VENV)
	$(TF_VENV)/bin/python -m pip install -q tensorflow-cpu==2.21.0 tf_keras==2.21.0 tf-slim==1.1.0 scikit-learn
	@touch $@

# tf.estimator's oracle: TF 2.16+ no longer ships it; its last release (2.15, pure Python) runs
# under TF 2.21 through tests/estimator/tf_estimator_shim.py (no deps: it would pull an old TF)
$(TF_VENV)/.estimator: $(TF_VENV)/.installed
	$(TF_VENV)/bin/python -m pip install -q --no-deps tensorflow-estimator==2.15.0
	@touch $@

demo: $(VENV)/.installed
	$(PY) examples/seed.py

test: $(VENV)/.installed
	$(PY) -m pytest -q -n $(JOBS) --dist loadgroup --durations=20 $(PYTEST_ARGS) tests/

tf-venv: $(TF_VENV)/.installed $(TF_VENV)/.estimator

# Each benchmark prints its own table (README "Benchmarks"); those not written yet are skipped.
BENCHMARKS ?= build overhead train
bench: $(VENV)/.installed
	@for b in $(BENCHMARKS); do \
	  if [ -f benchmarks/$$b.py ]; then echo "== benchmarks/$$b.py"; \
	    $(PY) benchmarks/$$b.py || exit 1; fi; \
	done

conformance: $(VENV)/.installed
	$(PY) $(SHARED)/conformance/run.py --module scopeflow.compat.v1 --fuzz

lint: $(VENV)/.installed
	@$(PY) -m ruff --version >/dev/null 2>&1 || $(PY) -m pip install -q ruff
	$(PY) -m ruff check scopeflow tests benchmarks examples

clean:
	rm -rf $(VENV) $(TF_VENV) logs .pytest_cache .hypothesis
