"""docs/python.md's examples run as written, from the repository's root."""

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "python.md"


def blocks():
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


def test_the_page_has_examples():
    assert len(blocks()) >= 2


@pytest.mark.parametrize("k", range(2))
def test_example_runs(k, capsys):
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(compile(blocks()[k], f"{DOC}:python block {k + 1}", "exec"), {"__name__": "__doc_example__"})
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert out.strip(), "the example prints its results"
