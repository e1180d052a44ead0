"""dossier beside python-igraph, rustworkx and NetworkX on the same graphs and queries.

Run by bench/compare.sh, which sets up the virtualenv and builds the example:

    python bench/compare.py --engine target/release/examples/bench_engine \
        --codex ../shared/datasets/codex-m/triples.tsv --mapping bench/codex-m.toml \
        --generated target/bench-compare/generated

For each dataset: reads the edges once (not timed), writes seeded queries (random entities
for 1- and 2-hop neighbourhoods, random pairs for shortest paths) as JSON, runs dossier's
engine on them in its own process, then loads the graph in each Python engine and asks the
same. Every engine's answers are checked against dossier's — neighbourhood sizes, path
lengths, the component count, PageRank within a tolerance — before any timing is printed;
a disagreement stops the run.

The Python engines are given the graph as undirected and simple (repeated pairs and
self-relations dropped), which changes none of these answers and is how dossier's analytics
read it. Their "load" is building the graph from an in-memory edge list (parsing the file is
not counted); dossier's is the whole import, from the file, with validation. Memory: the
peak resident set (VmHWM) of dossier's process; for a Python engine, the growth of the
resident set while it builds the graph.
"""

import argparse
import csv
import gc
import json
import math
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = 42
PAGERANK_TOLERANCE = 0.05  # relative: dossier stops after 20 iterations, the others converge
# rustworkx's and NetworkX's default tolerance (1e-6, summed over the entities) stops far
# from the fixed point on 100,000 entities (22% off igraph's exact PRPACK answer for some):
# ask them for a tighter one, which costs them iterations.
TIGHT = 1e-9


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Data:
    """A dataset read once: dossier ids, index pairs (simple, undirected), relation count."""

    def __init__(self, name, ids, edges, relations, dossier_args):
        self.name, self.ids, self.edges = name, ids, edges
        self.relations, self.dossier_args = relations, dossier_args
        self.index = {i: k for k, i in enumerate(ids)}


def simple(pairs):
    return sorted({(min(a, b), max(a, b)) for a, b in pairs if a != b})


def read_codex(path, mapping):
    index, pairs, relations = {}, [], 0
    with open(path) as f:
        for line in f:
            head, _, tail = line.rstrip("\n").split("\t")
            a = index.setdefault(head.lower(), len(index))
            b = index.setdefault(tail.lower(), len(index))
            pairs.append((a, b))
            relations += 1
    return Data("CoDEx-M", list(index), simple(pairs), relations, [str(path), str(mapping)])


def read_generated(directory):
    with open(directory / "nodes.csv", newline="") as f:
        ids = [row["id"] for row in csv.DictReader(f)]
    index = {i: k for k, i in enumerate(ids)}
    pairs, relations = [], 0
    with open(directory / "relations.csv", newline="") as f:
        for row in csv.DictReader(f):
            pairs.append((index[row["from"]], index[row["to"]]))
            relations += 1
    return Data(f"generated ({len(ids):,} / {relations:,})", ids, simple(pairs), relations,
                [str(directory)])


def queries(data, hops1=100, hops2=20, pairs=50):
    rng = random.Random(SEED)
    pick = lambda: rng.randrange(len(data.ids))  # noqa: E731
    q = {
        "hops1": [data.ids[pick()] for _ in range(hops1)],
        "hops2": [data.ids[pick()] for _ in range(hops2)],
        "pairs": [[data.ids[pick()], data.ids[pick()]] for _ in range(pairs)],
    }
    q["pagerank_ids"] = sorted(set(q["hops1"] + q["hops2"]))
    return q


def timed(f):
    started = time.perf_counter()
    value = f()
    return value, time.perf_counter() - started


def run_dossier(engine, data, q):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(q, f)
    out = subprocess.run([engine, *data.dossier_args[:1], f.name, *data.dossier_args[1:]],
                         check=True, capture_output=True, text=True).stdout
    r = json.loads(out)
    assert r["entities"] == len(data.ids), (r["entities"], len(data.ids))
    assert r["relations"] == data.relations, (r["relations"], data.relations)
    r["memory_kib"] = r["peak_kib"]
    return r


def run_python(name, data, q):
    ix = lambda ids: [data.index[i] for i in ids]  # noqa: E731
    h1, h2 = ix(q["hops1"]), ix(q["hops2"])
    pairs = [(data.index[a], data.index[b]) for a, b in q["pairs"]]
    n, edges = len(data.ids), data.edges
    gc.collect()
    before = rss_kib()
    if name == "igraph":
        import igraph as ig

        g, load_s = timed(lambda: ig.Graph(n=n, edges=edges))
        hops1 = lambda: g.neighborhood_size(h1, order=1)  # noqa: E731
        hops2 = lambda: g.neighborhood_size(h2, order=2)  # noqa: E731

        def paths():
            out = []
            for a, b in pairs:
                d = g.distances(source=a, target=b)[0][0]
                out.append(None if math.isinf(d) else int(d))
            return out

        components = lambda: len(g.connected_components())  # noqa: E731
        pagerank = lambda: g.pagerank(damping=0.85)  # noqa: E731
    elif name == "rustworkx":
        import rustworkx as rx

        def build():
            g = rx.PyGraph(multigraph=False)
            g.add_nodes_from(range(n))
            g.add_edges_from_no_data(edges)
            return g

        g, load_s = timed(build)
        hops1 = lambda: [len(g.neighbors(v)) + 1 for v in h1]  # noqa: E731

        def hops2():
            out = []
            for v in h2:
                seen = {v, *g.neighbors(v)}
                for u in list(seen):
                    seen.update(g.neighbors(u))
                out.append(len(seen))
            return out

        def paths():
            out = []
            for a, b in pairs:
                p = rx.dijkstra_shortest_paths(g, a, target=b, default_weight=1.0)
                out.append(0 if a == b else (len(p[b]) - 1 if b in p else None))
            return out

        components = lambda: rx.number_connected_components(g)  # noqa: E731

        def pagerank():
            ranks = rx.pagerank(g.to_directed(), alpha=0.85, tol=TIGHT)
            return [ranks[i] for i in range(n)]
    else:
        import networkx as nx

        def build():
            g = nx.Graph()
            g.add_nodes_from(range(n))
            g.add_edges_from(edges)
            return g

        g, load_s = timed(build)
        size = lambda v, k: len(nx.single_source_shortest_path_length(g, v, cutoff=k))  # noqa: E731
        hops1 = lambda: [size(v, 1) for v in h1]  # noqa: E731
        hops2 = lambda: [size(v, 2) for v in h2]  # noqa: E731

        def paths():
            out = []
            for a, b in pairs:
                try:
                    out.append(nx.shortest_path_length(g, a, b))
                except nx.NetworkXNoPath:
                    out.append(None)
            return out

        components = lambda: nx.number_connected_components(g)  # noqa: E731

        def pagerank():
            ranks = nx.pagerank(g, alpha=0.85, tol=TIGHT)
            return [ranks[i] for i in range(n)]
    memory = rss_kib() - before
    r = {"load_s": load_s, "memory_kib": memory, "answers": {}}
    for key, f in [("hops1", hops1), ("hops2", hops2), ("paths", paths),
                   ("components", components), ("pagerank", pagerank)]:
        r["answers"][key], r[f"{key}_s"] = timed(f)
    ranks = r["answers"]["pagerank"]
    r["answers"]["pagerank"] = {i: ranks[data.index[i]] for i in q["pagerank_ids"]}
    del g
    gc.collect()
    return r


def check(name, mine, theirs):
    """Fails unless `theirs` (a peer) gives dossier's answers."""
    a, b = mine["answers"], theirs["answers"]
    for key in ["hops1", "hops2", "paths", "components"]:
        if a[key] != b[key]:
            sys.exit(f"{name} disagrees with dossier on {key}:\n dossier {a[key]}\n {name} {b[key]}")
    worst = max(abs(a["pagerank"][i] - b["pagerank"][i]) / b["pagerank"][i] for i in a["pagerank"])
    if worst > PAGERANK_TOLERANCE:
        sys.exit(f"{name} disagrees with dossier on PageRank: relative difference {worst:.3g}")
    return worst


ROWS = [("load", "load_s"), ("1-hop neighbourhoods", "hops1_s"),
        ("2-hop neighbourhoods", "hops2_s"), ("shortest paths", "paths_s"),
        ("connected components", "components_s"), ("PageRank", "pagerank_s")]


def table(data, q, results, worst):
    names = list(results)
    peers = names[1:]
    print(f"\n### {data.name}: {len(data.ids):,} entities, {data.relations:,} relations "
          f"({len(data.edges):,} distinct pairs)\n")
    print(f"{len(q['hops1'])} 1-hop and {len(q['hops2'])} 2-hop neighbourhoods, "
          f"{len(q['pairs'])} shortest paths; answers agree "
          f"(PageRank within {max(worst.values()):.2g} relative).\n")
    head = "| | " + " | ".join(names) + " | " + " | ".join(f"{p} ÷ dossier" for p in peers) + " |"
    print(head)
    print("|" + "---|" * (1 + len(names) + len(peers)))
    for label, key in ROWS:
        cells = [f"{results[n][key] * 1000:,.1f} ms" for n in names]
        ratios = [f"{results[p][key] / results['dossier'][key]:.2f}×" for p in peers]
        print(f"| {label} | " + " | ".join(cells + ratios) + " |")
    mem = [results[n]["memory_kib"] * 1024 / data.relations for n in names]
    print("| memory per relation | " + " | ".join(f"{m:,.0f} B" for m in mem) + " | "
          + " | ".join(f"{m / mem[0]:.2f}×" for m in mem[1:]) + " |")
    return {"dataset": data.name, "results": results}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--engine", required=True, help="the bench_engine example binary")
    p.add_argument("--codex", type=Path)
    p.add_argument("--mapping", type=Path)
    p.add_argument("--generated", type=Path, help="a directory written by dossier generate")
    p.add_argument("--peers", default="igraph,rustworkx,networkx")
    p.add_argument("--json", type=Path, help="write every figure here")
    args = p.parse_args()
    datasets = []
    if args.codex:
        datasets.append(lambda: read_codex(args.codex, args.mapping))
    if args.generated:
        datasets.append(lambda: read_generated(args.generated))
    everything = []
    for read in datasets:
        data = read()
        q = queries(data)
        results = {"dossier": run_dossier(args.engine, data, q)}
        worst = {}
        for peer in args.peers.split(","):
            results[peer] = run_python(peer, data, q)
            worst[peer] = check(peer, results["dossier"], results[peer])
        everything.append(table(data, q, results, worst))
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1))


if __name__ == "__main__":
    main()
