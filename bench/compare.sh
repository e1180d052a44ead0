#!/usr/bin/env bash
# dossier beside python-igraph, rustworkx, NetworkX and Kùzu (an embedded database, loaded
# with COPY from CSV files into a temporary directory, queried in Cypher, its components and
# PageRank from its statically linked algo extension), on CoDEx-M and a generated graph, with
# the same seeded queries; every engine's answers are checked before timings count.
#
#   bash bench/compare.sh [ENTITIES RELATIONS]     # the generated graph's size, default 100000 1000000
#   PEERS=igraph,rustworkx bash bench/compare.sh 1000000 10000000   # only some peers
#   WHAT=structure bash bench/compare.sh     # only articulation points, bridges, SCC (igraph, NetworkX)
#   BENCH_REPEAT=5 bash bench/compare.sh     # timed runs a query set after the warm one (default 3)
#
# Creates .venv-bench/ at the repository root on first use (kept out of git by a .gitignore
# inside it), installs bench/requirements.txt, builds dossier in release, generates the graph
# into target/bench-compare/, runs bench/compare.py and writes target/bench-compare/results.json.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="$root/.venv-bench"
entities="${1:-100000}"
relations="${2:-1000000}"
codex="${CODEX_M:-$root/../shared/datasets/codex-m/triples.tsv}"
out="$root/target/bench-compare"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
echo '*' > "$venv/.gitignore"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt

cargo build --release --quiet --bin dossier --example bench_engine
mkdir -p "$out"
target/release/dossier generate --entities "$entities" --relations "$relations" --seed 42 \
    --output "$out/generated"

codex_args=()
if [ -f "$codex" ]; then
    codex_args=(--codex "$codex" --mapping bench/codex-m.toml)
else
    echo "CoDEx-M not found at $codex (set CODEX_M): comparing on the generated graph only" >&2
fi
"$venv/bin/python" bench/compare.py --engine target/release/examples/bench_engine \
    "${codex_args[@]}" --generated "$out/generated" --json "$out/results.json" \
    --peers "${PEERS:-igraph,rustworkx,networkx,kuzu}" --what "${WHAT:-all}"
