#!/bin/bash
# Queues the sharded tournament and, once every task succeeded, the merge.
#   CONFIG=my.toml OUT=results/my ACCORD=/path/to/accord deploy/slurm/submit.sh
# (run from the repository, or set CONFIG to an absolute path).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
array=$(sbatch --parsable --export=ALL "$here/tournament.sbatch")
sbatch --dependency="afterok:${array%%;*}" --export=ALL "$here/merge.sbatch"
echo "queued tournament array $array and its merge"
