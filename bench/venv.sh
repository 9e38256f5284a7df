# Sourced by the bench scripts: makes bench/.venv with NegMAS 0.16 (from PyPI) on first use.
# Python is only for benchmarking; the product has none.
venv="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.venv"
if ! "$venv/bin/python" -c 'import negmas, numpy, sys; sys.exit(negmas.__version__ != "0.16.0")' 2>/dev/null; then
    echo "# setting up $venv (negmas==0.16.0, numpy) ..." >&2
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "negmas==0.16.0" numpy >&2
fi
