#!/usr/bin/env bash
# Tournament and single-text throughput: Accord (`accord tournament`, the whole process, results
# written) vs NegMAS 0.16 (bench/tournament_negmas.py) on the same workloads, one after the other.
#
# Usage: bench/tournament.sh [--reps N] [--accord-reps N]
#   --reps N         NegMAS repetitions of each workload, median shown (default 3; ~40 s each)
#   --accord-reps N  repetitions of each pairing in Accord's tournament (default 2500: 200,000 negotiations)
#
# Makes bench/.venv (negmas==0.16.0 + numpy) on first use. Prints a Markdown table on stdout,
# progress on stderr; raw figures go to bench/results/tournament.json.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
venv="$here/.venv"
reps=3
accord_reps=2500
while [[ $# -gt 0 ]]; do
    case "$1" in
        --reps) reps="$2"; shift 2 ;;
        --accord-reps) accord_reps="$2"; shift 2 ;;
        -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
source "$here/venv.sh"
mkdir -p "$here/results"
echo "# building accord (not measured)" >&2
( cd "$repo" && cargo build --release -q -p accord-cli )
exec "$venv/bin/python" "$here/tournament_run.py" --accord "$repo/target/release/accord" \
    --reps "$reps" --accord-reps "$accord_reps" --json "$here/results/tournament.json" \
    --command "bench/tournament.sh${*:+ $*}"
