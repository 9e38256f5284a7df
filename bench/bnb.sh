#!/usr/bin/env bash
# Offers without materialising the space (issue 17, item 1): Accord's branch-and-bound utility index
# (criterion, `cargo bench -p accord-strategy --bench sao -- bnb`) and NegMAS 0.16's BIDS inverse
# utility (bench/bids_negmas.py) one after the other in the same run.
#
# Usage: bench/bnb.sh            (PYTHON=/path/to/python to use a Python with negmas==0.16.0 and numpy;
#                                 otherwise bench/.venv is made on first use)
# Accord's figures: criterion's lines on stdout, index sizes, peak RSS and the accuracy check on stderr.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
if [[ -z "${PYTHON:-}" ]]; then
    # shellcheck source=bench/venv.sh
    source "$here/venv.sh"
    PYTHON="$venv/bin/python"
fi
echo "## Accord (branch and bound)"
(cd "$repo" && cargo bench -p accord-strategy --bench sao -- bnb 2>&1 | grep -E '^bnb|time:|^ANAC')
echo
echo "## NegMAS 0.16 (BIDS)"
"$PYTHON" "$here/bids_negmas.py"
