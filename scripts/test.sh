#!/usr/bin/env bash
# Install everything the test suite needs, then run it (lint first).
#   bash scripts/test.sh                 # the whole suite, as CI runs it
#   bash scripts/test.sh -k router -x    # extra arguments go to pytest
#   TEST_WORKERS=4 bash scripts/test.sh  # more pytest-xdist workers (default 2; 0 runs in this process)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  "${PYTHON:-python3}" -m venv .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1
# The CPU build of torch first: a bare `torch` requirement would pull a multi-GB CUDA build.
python -c "import torch" 2>/dev/null || pip install -q torch==2.13.0
pip install -q -r requirements-dev.txt

# Browser tests drive Debian's chromium (playwright cannot download browsers here).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is not installed (apt-get install chromium): browser tests will be skipped" >&2
  fi
fi

export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false GRADIO_ANALYTICS_ENABLED=False
# Two workers share the cores, a test file to each in turn; one torch thread each, as two threads
# apiece on two cores fight (15.7 minutes against 18.6 with torch's default, 22.7 on one worker).
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" MKL_NUM_THREADS="${MKL_NUM_THREADS:-1}"
ruff check .
# the ten slowest tests are listed at the end: the whole run must stay well under CI's 30 minutes
python -m pytest -q -rs --durations=10 -n "${TEST_WORKERS:-2}" --dist loadfile "$@"
