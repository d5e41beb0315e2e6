# Initialization: build, read and test the book.
#
#   make book    build the website into _build/html (creates .venv on first use)
#   make test    unit tests, notebooks (nbval), build with warnings as errors, browser tests
#
# `make help` lists every target. Everything runs in the virtual environment .venv,
# made with python3.11 (or python3 if it is 3.10 or newer) and requirements*.txt.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV    := .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
HTML    := _build/html
CACHE   := _build/.jupyter_cache
# Sphinx's saved state: it re-reads only the pages whose source changed, so after a change
# to initlab (which the notebooks import) it must go with the notebook cache.
DOCTREES := _build/.doctrees
PORT    ?= 8000

# One BLAS thread per process: the book's matrix products are small and many, and on a
# 2-core machine OpenBLAS's thread hand-offs made notebooks up to ten times slower.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1

# Warnings are errors and a failing cell fails the build; --keep-going reports them all.
BUILD_FLAGS := --builder html -n -W --keep-going
# nbval: run every notebook, compare the outputs of `# NBVAL_CHECK_OUTPUT` cells, and hand
# the executed notebooks to the build through its cache (see conftest.py).
# tests/nbval_sanitize.cfg compares long floats to 6 decimals (last digits vary with BLAS).
NBVAL_FLAGS := --nbval-lax --nbval-current-env --nbval-cell-timeout=120 \
               --nbval-sanitize-with tests/nbval_sanitize.cfg --nb-cache $(CACHE)

# Fingerprint of what the notebooks' outputs depend on besides their own code: the
# package and the pinned requirements. When it changes, the notebook cache is emptied.
FINGERPRINT = $(shell cat requirements.txt pyproject.toml $$(find code/initlab -type f \
                -not -path '*/__pycache__/*' | LC_ALL=C sort) | sha256sum | cut -c1-16)

# Run pytest; "no tests collected" (exit code 5) is an error, not a silent pass.
define pytest
	status=0; $(PY) -m pytest $(1) || status=$$?; \
	if [ $$status -eq 5 ]; then echo "error: pytest collected no tests in: $(1)" >&2; exit 1; fi; \
	exit $$status
endef

.PHONY: help book serve test test-unit test-notebooks test-build test-site bench \
        book-student student-branch pdf clean

help:  ## list the targets
	@echo "Initialization: make targets"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | \
	  awk -F'\t' '{printf "  make %-14s %s\n", $$1, $$2}'

# --- environment ---------------------------------------------------------------------

$(PY):
	@py=""; \
	if command -v python3.11 >/dev/null 2>&1; then py=python3.11; \
	elif command -v python3 >/dev/null 2>&1 && \
	     python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then py=python3; \
	else echo "error: need python3.11 (or python3 >= 3.10) to create $(VENV)" >&2; exit 1; fi; \
	echo "creating $(VENV) with $$($$py --version)"; \
	$$py -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.book-installed: requirements.txt pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.book-installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Fingerprint of the site's own static files, templates and Sphinx extensions. A build that re-reads no
# page does not copy _static/ again, so an edited stylesheet or script would not reach the
# site: when these change, the site and Sphinx's saved state go (the notebook cache stays).
SITE_FINGERPRINT = $(shell cat $$(find _static _ext _templates -type f -not -path '*/__pycache__/*' | LC_ALL=C sort) \
                     _config.yml _toc.yml | sha256sum | cut -c1-16)

# Empty the notebook cache, and make Sphinx re-read every page, when the package or the
# requirements changed since the cache was filled.
.PHONY: cache-guard
cache-guard:
	@if [ "$$(cat $(CACHE).fingerprint 2>/dev/null)" != "$(FINGERPRINT)" ]; then \
	  [ -d $(CACHE) ] || [ -d $(DOCTREES) ] && echo "initlab or requirements changed: emptying $(CACHE) and $(DOCTREES)"; \
	  rm -rf $(CACHE) $(DOCTREES); mkdir -p _build; echo "$(FINGERPRINT)" > $(CACHE).fingerprint; \
	fi
	@if [ "$$(cat _build/.site.fingerprint 2>/dev/null)" != "$(SITE_FINGERPRINT)" ]; then \
	  [ -d $(HTML) ] && echo "_static, _ext or the configuration changed: rebuilding the site from scratch"; \
	  rm -rf $(HTML) $(DOCTREES); mkdir -p _build; echo "$(SITE_FINGERPRINT)" > _build/.site.fingerprint; \
	fi

# --- the book -------------------------------------------------------------------------

# The teachers' slides (slides/, reveal.js) go into the site's slides/ folder.
SLIDES := $(BIN)/sphinx-build -W --keep-going -q -b revealjs slides $(HTML)/slides

book: $(VENV)/.book-installed cache-guard  ## build the website into _build/html (with the slides)
	$(BIN)/jupyter-book build . $(BUILD_FLAGS)
	$(SLIDES)
	@echo; echo "The book is built. Open $(abspath $(HTML))/index.html, or run: make serve"

serve:  ## serve _build/html on http://localhost:8000 (PORT=...)
	@[ -f $(HTML)/index.html ] || { echo "error: no $(HTML); run make book first" >&2; exit 1; }
	@echo "Serving the book on http://localhost:$(PORT)/ (Ctrl-C to stop)"
	$(PY) -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

book-student: $(VENV)/.book-installed cache-guard  ## student edition, no solutions: _build/student/html
	$(PY) tools/student_edition.py site
	@echo; echo "Student edition: $(abspath _build/student/html)/index.html"

student-branch: $(VENV)/.book-installed  ## commit the student edition to the local branch 'student' (then: git push origin student)
	$(PY) tools/student_edition.py branch

pdf: $(VENV)/.dev-installed  ## the whole book as one PDF (Chromium): _build/pdf/initialization.pdf
	$(MAKE) --no-print-directory book
	$(PY) tools/make_pdf.py

# --- tests ----------------------------------------------------------------------------

test: $(VENV)/.dev-installed  ## all tests: unit, notebooks, build (-W), browser
	$(MAKE) --no-print-directory test-unit
	$(MAKE) --no-print-directory test-notebooks
	$(MAKE) --no-print-directory test-build
	$(MAKE) --no-print-directory book-student
	$(MAKE) --no-print-directory test-site
	@echo; echo "make test: all steps passed"

test-unit: $(VENV)/.dev-installed  ## pytest on tests/ (without the browser tests)
	@$(call pytest,tests --ignore=tests/site)

# nbval executes every notebook; the executed notebooks go into an emptied cache, so the
# build that follows (which re-reads every page) executes none of them (and a notebook that
# failed is not cached, so the build runs it and fails too).
test-notebooks: $(VENV)/.dev-installed  ## run the notebooks with nbval (checked outputs compared)
	rm -rf $(CACHE) $(DOCTREES)
	@$(call pytest,$(NBVAL_FLAGS) chapters exercises)
	@echo "$(FINGERPRINT)" > $(CACHE).fingerprint

test-build: $(VENV)/.book-installed cache-guard  ## build the book and the slides, warnings and failing cells are errors
	$(BIN)/jupyter-book build . $(BUILD_FLAGS)
	$(SLIDES)

test-site: $(VENV)/.dev-installed  ## browser tests of the built site (Chromium, Playwright)
	@$(call pytest,tests/site)

# --- other ----------------------------------------------------------------------------

bench: $(VENV)/.dev-installed  ## run the benchmarks (benchmarks/run.py, with the JupyterLab slider timings)
	$(PY) benchmarks/run.py --jupyterlab

clean:  ## remove _build (the notebook cache too)
	rm -rf _build
