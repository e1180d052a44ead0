#!/usr/bin/env bash
# Interoperability tests: dossier's exports read by the real consumers (NetworkX, pandas,
# Graphviz, followthemoney) against the bundled data, over a real server.
#
#   bash tests/interop/run.sh [pytest args…]
#
# Creates .venv-interop/ at the repository root on first use, installs requirements.txt,
# needs Graphviz's `dot` (installed with apt-get when missing and running as root), builds the
# release binary, serves data/ on a free port, runs pytest, stops the server.
# The exit code is pytest's.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
venv="$root/.venv-interop"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
# Keep the virtualenv out of git without touching the repository's .gitignore.
echo '*' > "$venv/.gitignore"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/interop/requirements.txt

if ! command -v dot >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing graphviz (for dot -Tsvg)…"
        apt-get update -qq >/dev/null && apt-get install -y -qq graphviz >/dev/null
    else
        echo "Graphviz's dot is missing: apt-get install -y graphviz" >&2
        exit 1
    fi
fi

cargo build --release --quiet
bin="$root/target/release/dossier"

log="$(mktemp)"
"$bin" serve --addr 127.0.0.1:0 --data data >"$log" 2>&1 &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -f "$log"
}
trap cleanup EXIT

# The server picks a free port and logs it: "serving on http://127.0.0.1:PORT/".
url=""
for _ in $(seq 1 100); do
    url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -n 1 || true)"
    if [ -n "$url" ] && "$venv/bin/python" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1] + '/health', timeout=2)" "$url" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$server" 2>/dev/null; then
        echo "the server stopped:" >&2
        cat "$log" >&2
        exit 1
    fi
    url=""
    sleep 0.2
done
if [ -z "$url" ]; then
    echo "the server did not answer /health in 20 s:" >&2
    cat "$log" >&2
    exit 1
fi

status=0
PYTHONDONTWRITEBYTECODE=1 DOSSIER_URL="$url" DOSSIER_BIN="$bin" DOSSIER_DATA="$root/data" \
    "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/interop "$@" || status=$?
exit "$status"
