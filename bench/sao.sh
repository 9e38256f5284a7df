#!/usr/bin/env bash
# SAO negotiation throughput: Accord (criterion, crates/accord-strategy/benches/sao.rs) vs NegMAS 0.16
# (bench/sao_negmas.py) on the same workloads, measured one after the other in the same run.
#
# Usage: bench/sao.sh [--big] [--negs N] [--nodeal-negs N] [--reps N] [--accord-output FILE]
#   --big                also run NegMAS at 1e6 outcomes (inverse-ufun build x2, 2 negotiations: ~20 s more)
#   --negs N             NegMAS negotiations per repetition, 1e3 / 100 rounds (default 100)
#   --nodeal-negs N      NegMAS negotiations per repetition, no-deal 1e3 / 1000 rounds (default 5)
#   --reps N             NegMAS repetitions of those series, median shown (default 3)
#   --accord-output FILE do not run cargo; use this saved bencher output (FILE.stderr is read too, if present)
#
# Makes bench/.venv (negmas==0.16.0 + numpy) on first use. Prints a Markdown table on stdout, progress on
# stderr; Accord's raw bencher output goes to bench/results/sao-accord-bencher.txt (and .stderr), all raw
# numbers to bench/results/sao.jsonl. Exit status: 0 ok, 2 setup or benchmark failure.
# Accord's benches take about a minute after the build, NegMAS's default set about 10 s.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
venv="$here/.venv"
results="$here/results"
cmdline="bench/sao.sh${*:+ $*}"

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

negmas_args=()
accord_output=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --big) negmas_args+=(--big); shift ;;
        --negs|--nodeal-negs|--reps)
            [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || { echo "error: $1 needs a positive integer" >&2; exit 2; }
            negmas_args+=("$1" "$2"); shift 2 ;;
        --accord-output)
            [[ $# -ge 2 && -f "$2" ]] || { echo "error: --accord-output needs an existing file" >&2; exit 2; }
            accord_output="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

source "$here/venv.sh"
mkdir -p "$results"
load_start="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)"

# 1. Accord (builds the bench first; the build is not part of any measurement).
if [[ -n "$accord_output" ]]; then
    echo "# Accord: using saved bencher output $accord_output (cargo not run)" >&2
    acc_out="$accord_output"
    acc_err="$accord_output.stderr"
else
    acc_out="$results/sao-accord-bencher.txt"
    acc_err="$results/sao-accord-bencher.stderr"
    echo "# Accord: cargo bench -p accord-strategy --bench sao -- --output-format bencher" >&2
    # stdout (the bencher lines) and stderr (cargo, index memory) are each saved and echoed to stderr.
    if ! ( cd "$repo" && exec cargo bench -p accord-strategy --bench sao -- --output-format bencher ) \
            2> >(tee "$acc_err" >&2) | tee "$acc_out" >&2; then
        echo "error: cargo bench failed (output in $acc_out, $acc_err)" >&2
        exit 2
    fi
fi

# 2. NegMAS, same workloads, after Accord has finished (never concurrently).
neg_json="$results/sao-negmas.json"
echo "# NegMAS: bench/sao_negmas.py ${negmas_args[*]:-}" >&2
if ! "$venv/bin/python" "$here/sao_negmas.py" ${negmas_args[@]+"${negmas_args[@]}"} --json "$neg_json" >&2; then
    echo "error: bench/sao_negmas.py failed" >&2
    exit 2
fi

# 3. The table.
exec "$venv/bin/python" "$here/sao_report.py" --accord-bencher "$acc_out" --accord-stderr "$acc_err" \
    --negmas-json "$neg_json" --out "$results/sao.jsonl" --command "$cmdline" \
    --load-start "$load_start"
