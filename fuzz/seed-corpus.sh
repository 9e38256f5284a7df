#!/usr/bin/env bash
# Builds the seed corpora from the shipped scenarios and the shared ANAC domains.
set -euo pipefail
cd "$(dirname "$0")"
shared=../../shared/domains
mkdir -p corpus/scenario_toml corpus/scenario_json corpus/genius_xml corpus/geniusweb_json
cp ../scenarios/*.toml corpus/scenario_toml/
for f in ../scenarios/*.toml; do
  ../target/release/accord export "$f" --to json --out "corpus/scenario_json/$(basename "$f" .toml).json"
done
for d in "$shared"/genius/*/; do
  name=$(basename "$d")
  domain=$(grep -L -E 'evaluation=|<weight|hyperRectangle|<evaluator' "$d"*.xml | grep -v pareto.xml | head -1)
  { cat "$domain"; for p in $(grep -l -E 'evaluation=|<weight|hyperRectangle|<evaluator' "$d"*.xml); do printf '\0'; cat "$p"; done; } > "corpus/genius_xml/$name"
done
for d in "$shared"/anl2023/*/; do
  name=$(basename "$d")
  { cat "$d"/domain*.json; printf '\0'; cat "$d"/profileA.json; printf '\0'; cat "$d"/profileB.json; } > "corpus/geniusweb_json/$name"
done
echo "seed corpora in fuzz/corpus/"
