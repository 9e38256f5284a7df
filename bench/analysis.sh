#!/usr/bin/env bash
# Accord analysis vs NegMAS 0.16, same domains, same run. Python is only for benchmarking.
# Usage: bench/analysis.sh [--accord PATH] [--big] [--reps N] [--negmas-reps N]
# Makes bench/.venv (negmas==0.16.0 + numpy) on first use, then runs bench/analysis.py.
# Prints a Markdown table on stdout, progress on stderr, raw JSON lines to bench/results/analysis.jsonl.
# Exit status: 0 ok, 1 Accord and NegMAS disagree (frontier or Nash; the table is still printed), 2 setup error.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
source "$here/venv.sh"
ACCORD_BENCH_CMD="bench/analysis.sh${*:+ $*}" exec "$venv/bin/python" "$here/analysis.py" "$@"
