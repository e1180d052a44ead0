"""`dossier export` on the bundled data, read by the same consumers."""

import io
import os
import subprocess

import networkx as nx
import pandas as pd

BIN = os.environ.get("DOSSIER_BIN", "target/release/dossier")
DATA = os.environ.get("DOSSIER_DATA", "data")


def run(*args, **kw):
    return subprocess.run([BIN, "export", *args], capture_output=True, timeout=120, **kw)


def test_graphml_on_standard_output_is_read_by_networkx(whole_truth):
    out = run("--format", "graphml", "--data", DATA)
    assert out.returncode == 0, out.stderr.decode()
    g = nx.read_graphml(io.BytesIO(out.stdout), force_multigraph=True)
    assert set(g.nodes) == set(whole_truth.entities)
    assert {k for _, _, k in g.edges(keys=True)} == set(whole_truth.relations)


def test_a_neighbourhood_goes_to_a_file(tmp_path, echr_truth):
    path = tmp_path / "echr.gexf"
    out = run("--format", "gexf", "--data", DATA, "--ids", "echr", "--depth", "2", "--output", str(path))
    assert out.returncode == 0, out.stderr.decode()
    g = nx.read_gexf(path)
    assert set(g.nodes) == set(echr_truth.entities)
    assert g.number_of_edges() == len(echr_truth.relations)


def test_csv_into_a_directory_writes_two_tables(tmp_path, whole_truth):
    out = run("--format", "csv", "--data", DATA, "--output", str(tmp_path))
    assert out.returncode == 0, out.stderr.decode()
    assert len(pd.read_csv(tmp_path / "nodes.csv")) == len(whole_truth.entities)
    assert len(pd.read_csv(tmp_path / "edges.csv")) == len(whole_truth.relations)
    fresh = tmp_path / "new"
    out = run("--format", "csv", "--data", DATA, "--output", f"{fresh}/")
    assert out.returncode == 0, out.stderr.decode()
    assert sorted(p.name for p in fresh.iterdir()) == ["edges.csv", "nodes.csv"]
    single = tmp_path / "all.csv"
    assert run("--format", "csv", "--data", DATA, "--output", str(single)).returncode == 0
    assert set(pd.read_csv(single).element) == {"node", "edge"}


def test_flags_can_come_from_the_environment():
    env = dict(os.environ, DOSSIER_EXPORT_FORMAT="dot", DOSSIER_DATA=DATA, DOSSIER_EXPORT_IDS="echr")
    out = subprocess.run([BIN, "export"], capture_output=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr.decode()
    assert out.stdout.startswith(b"// dossier export")


def test_errors_exit_non_zero_with_a_message(tmp_path):
    out = run("--format", "graphml", "--data", str(tmp_path / "missing"))
    assert out.returncode != 0 and b"cannot read" in out.stderr
    out = run("--format", "graphml", "--data", DATA, "--ids", "nobody")
    assert out.returncode != 0 and b"nobody" in out.stderr
    out = run("--format", "xlsx", "--data", DATA)
    assert out.returncode != 0 and b"unknown export format" in out.stderr
