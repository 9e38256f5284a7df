#!/usr/bin/env bash
# The whole side-by-side table, Accord vs NegMAS 0.16 measured in the same run on this machine:
# analysis sizes (bench/analysis.sh), SAO throughput (bench/sao.sh), tournament and single text
# (bench/tournament.sh). Each part installs NegMAS from PyPI into bench/.venv on first use (only
# for benchmarking: the product has no Python) and runs NegMAS after Accord, never concurrently.
#
# Usage: bench/all.sh [--quick]
#   --quick   fewer NegMAS repetitions (1 instead of 3): about 5 minutes instead of 10
# Prints the tables in Markdown on stdout (paste into BENCHMARKS.md), progress on stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
reps=3
[[ "${1:-}" == "--quick" ]] && reps=1
echo "## Side by side with NegMAS 0.16 (\`bench/all.sh${*:+ $*}\`, $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo
echo "### Analysis"
"$here/analysis.sh" --negmas-reps "$reps"
echo
echo "### Alternating offers"
"$here/sao.sh" --reps "$reps"
echo
echo "### Tournament and single text"
"$here/tournament.sh" --reps "$reps"
