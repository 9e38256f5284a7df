#!/usr/bin/env bash
# The one-text mediator on a shipped scenario, as a new user runs it (issue 16):
#   bench/one_text_scenarios.sh scenarios/trade.toml 40
# runs `accord negotiate FILE --protocol one-text --feedback binary|graded5 --seed S --json` for
# seeds 0..N-1 and prints, per feedback, the mean Nash ratio (the product of each party's gain
# over its reservation value, over the zone's optimum, both from `accord analyze FILE --json`)
# and the runs without agreement. ACCORD names the binary (default target/release/accord).
set -euo pipefail
file=$1
runs=${2:-20}
accord=${ACCORD:-target/release/accord}
read -r reservations optimum < <("$accord" analyze "$file" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(",".join(map(str, d["reservations"])), d["agreement_zone"]["solutions"]["nash"]["value"])')
for seed in $(seq 0 $((runs - 1))); do
  for feedback in binary graded5; do
    "$accord" negotiate "$file" --protocol one-text --feedback "$feedback" --seed "$seed" --json |
      python3 -c "
import json, math, sys
d = json.load(sys.stdin)
gains = [max(u - r, 0.0) for u, r in zip(d['utilities'], [$reservations])]
print('$feedback', math.prod(gains) / $optimum if d['agreement'] else 0.0)"
  done
done | awk '{ s[$1] += $2; n[$1]++; if ($2 == 0) z[$1]++ }
  END { for (f in s) printf "%s: mean Nash ratio %.3f over %d runs, %d without agreement\n", f, s[f] / n[f], n[f], z[f] }'
