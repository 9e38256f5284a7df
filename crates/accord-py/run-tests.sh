#!/usr/bin/env bash
# Tests the Python package as a user gets it: a virtual environment, the package installed from
# the repository with the one pip command of the README, NegMAS 0.16 from PyPI for the interop
# tests, then pytest (tests/). The venv (crates/accord-py/.venv) is kept between runs, so a warm
# run only rebuilds what changed. The accord binary (built here if missing) lets the tests check
# that `accord.analyze` gives exactly the document of `accord analyze --json`.
#   PYTHON=python3   the interpreter the venv is made from (CPython >= 3.9)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
pip=("$venv/bin/python" -m pip --disable-pip-version-check --quiet)
if ! "$venv/bin/python" -c 'import negmas, pytest, mypy, sys; sys.exit(negmas.__version__ != "0.16.0")' 2>/dev/null; then
  echo "== installing NegMAS 0.16.0, pytest and mypy (for the stubs' check) into $venv"
  "${pip[@]}" install "negmas==0.16.0" pytest mypy
fi
echo "== pip install ./crates/accord-py"
(cd "$root" && "${pip[@]}" install --force-reinstall --no-deps ./crates/accord-py)
target="${CARGO_TARGET_DIR:-$root/target}"
if [ -n "${ACCORD_BIN:-}" ]; then
  # Absolute, since pytest runs from the tests' folder.
  ACCORD_BIN="$(cd "$(dirname "$ACCORD_BIN")" && pwd)/$(basename "$ACCORD_BIN")"
  export ACCORD_BIN
else
  (cd "$root" && cargo build --release --quiet -p accord-cli)
  export ACCORD_BIN="$target/release/accord"
fi
echo "== pytest"
cd "$here"
# Run from the tests' folder so that `import accord` is the installed package, not the sources.
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
