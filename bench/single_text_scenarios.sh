#!/usr/bin/env bash
# Single-text mediators under binding rules on a shipped scenario, as a new user runs them:
#   bench/single_text_scenarios.sh scenarios/trade.toml 40 bayes-nash thompson-binding
# runs `accord negotiate FILE --protocol single-text --mediator M --seed S --json` for seeds
# 0..N-1 and each mediator M (default: bayes-nash and thompson-binding), and prints per mediator
# the mean Nash ratio (the product of each party's gain over its reservation value, over the
# zone's optimum, both from `accord analyze FILE --json`; a party without a reservation value
# counts from 0), the runs at >= 0.95 of it and the runs without agreement. ACCORD names the
# binary (default target/release/accord).
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 SCENARIO [RUNS] [MEDIATOR...]" >&2
  exit 2
fi
file=$1
runs=${2:-20}
mediators=("${@:3}")
[ ${#mediators[@]} -gt 0 ] || mediators=(bayes-nash thompson-binding)
accord=${ACCORD:-target/release/accord}
read -r reservations optimum < <("$accord" analyze "$file" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
nash = (d["agreement_zone"]["solutions"] or {}).get("nash")
if nash is None:
    sys.exit("no agreement zone: no Nash point to measure against")
print(",".join(str(r or 0.0) for r in d["reservations"]), nash["value"])')
# Every run first, the table after: a failing run stops the script before any mean is printed.
results=$(
  for mediator in "${mediators[@]}"; do
    for seed in $(seq 0 $((runs - 1))); do
      "$accord" negotiate "$file" --protocol single-text --mediator "$mediator" --seed "$seed" --json |
        python3 -c "
import json, math, sys
d = json.load(sys.stdin)
gains = [max(u - r, 0.0) for u, r in zip(d['utilities'], [$reservations])]
agreed = d['agreement'] is not None
print('$mediator', math.prod(gains) / $optimum if agreed else 0.0, int(agreed))"
    done
  done
)
awk '{ s[$1] += $2; n[$1]++; if ($2 >= 0.95) h[$1]++; if ($3 == 0) z[$1]++ }
  END { for (m in s) printf "%s: mean Nash ratio %.3f over %d runs, %d at >= 0.95, %d without agreement\n", m, s[m] / n[m], n[m], h[m] + 0, z[m] + 0 }' <<<"$results"
