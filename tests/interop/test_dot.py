"""Graphviz renders the DOT exports without a warning."""

import subprocess

import pytest

from conftest import VIEWS, get


@pytest.mark.parametrize("view", VIEWS)
def test_dot_renders_to_svg_without_warnings(truths, view):
    d = get(f"/export/dot{VIEWS[view]}")
    assert d.status == 200 and d.headers["content-type"].startswith("text/vnd.graphviz")
    run = subprocess.run(["dot", "-Tsvg"], input=d.body, capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr.decode()
    assert run.stderr == b"", run.stderr.decode()
    svg = run.stdout.decode()
    assert svg.count('class="node"') == len(truths[view].entities)
    assert svg.count('class="edge"') == len(truths[view].relations)
    assert "Ilham Aliyev" in svg or view != "whole"
