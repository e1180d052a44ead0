#!/usr/bin/env python3
"""Helper of bench/http.sh (standard library only).

    http_check.py prepare --dossier URL --ceiling URL --generated DIR --out DIR
        Writes the four requests (NAME.request.json), sends each once, checks the answer's
        meaning against the generated CSV tables, and keeps the exact body that passed
        (NAME.expected.json): wrk then compares every answer under load with it, byte for byte.
    http_check.py check-run FILE
        Fails unless a wrk run (FILE, written by bench/http.lua) answered every request with
        status 200 and the expected body, with no socket error or timeout.
    http_check.py report --out DIR --machine FILE
        Reads the wrk figures (NAME.wrk.json) and the servers' CPU time (NAME.cpu.json), prints
        the table and writes DIR/results.json.

What "right" means:
- small: exactly {"data":{"entity":{"name":"Gubad Ibadoglu"}}} (the bundled bulletin's entity).
- hop2: neighbourhood(ids: [SEED], depth: 2) with the default limit of 100: exactly 100
  entities, `truncated`, the seed first, every entity within two relations of the seed in the
  CSV tables, depth-1 entities before depth-2 ones and at least one at depth 2, and exactly the
  relations of the tables whose two ends are both among them.
- page: entities(first: 100): exactly 100 nodes, the first 100 ids in id order of the whole
  graph (bulletin and generated), totalCount the entity count of /health.
Any `errors` key, any non-200 status, fails.
"""

import argparse
import csv
import json
import os
import sys
import urllib.request

SMALL_EXPECTED = b'{"data":{"entity":{"name":"Gubad Ibadoglu"}}}'
PAGE = 100  # entities per page (the API's maximum)
HOP2_LIMIT = 100  # neighbourhood's default limit

ENDPOINTS = ["ceiling", "small", "hop2", "page"]


def post(url, body):
    req = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status, resp.read()


def fail(msg):
    print(f"http_check: FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def read_graph(generated):
    """Ids of nodes.csv in file order, and an undirected adjacency (with relation counts)."""
    with open(os.path.join(generated, "nodes.csv"), newline="", encoding="utf-8") as f:
        ids = [row["id"] for row in csv.DictReader(f)]
    adj = {i: set() for i in ids}
    pairs = []
    with open(os.path.join(generated, "relations.csv"), newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        header = next(r)
        fi, ti = header.index("from"), header.index("to")
        for row in r:
            a, b = row[fi], row[ti]
            adj[a].add(b)
            adj[b].add(a)
            pairs.append((a, b))
    return ids, adj, pairs


def pick_seed(ids, adj):
    """A deterministic seed whose walk reaches depth 2 before the limit: the first entity from
    the middle of the table on with 5 to 50 distinct neighbours."""
    for i in ids[len(ids) // 2 :] + ids[: len(ids) // 2]:
        if 5 <= len(adj[i]) <= 50:
            return i
    fail("no entity with 5 to 50 neighbours in the generated graph")


def check_answer(name, status, body):
    if status != 200:
        fail(f"{name}: status {status}: {body[:300]!r}")
    doc = json.loads(body)
    if "errors" in doc:
        fail(f"{name}: errors in the answer: {body[:500]!r}")
    return doc


def prepare(a):
    os.makedirs(a.out, exist_ok=True)
    ids, adj, pairs = read_graph(a.generated)
    with urllib.request.urlopen(a.dossier.rsplit("/", 1)[0] + "/health", timeout=30) as r:
        health = json.load(r)
    seed = pick_seed(ids, adj)
    queries = {
        "ceiling": (a.ceiling, '{ entity(id: "gubad-ibadoglu") { name } }'),
        "small": (a.dossier, '{ entity(id: "gubad-ibadoglu") { name } }'),
        "hop2": (
            a.dossier,
            '{ neighbourhood(ids: ["%s"], depth: 2) { truncated entities { id name kind } '
            "relations { id kind from { id } to { id } } } }" % seed,
        ),
        "page": (a.dossier, "{ entities(first: %d) { totalCount nodes { id name kind } } }" % PAGE),
    }
    meta = {"seed": seed, "health": health, "endpoints": {}}
    for name in ENDPOINTS:
        url, query = queries[name]
        request = json.dumps({"query": query}).encode()
        status, body = post(url, request)
        doc = check_answer(name, status, body)
        returned = 0
        if name in ("ceiling", "small"):
            if body != SMALL_EXPECTED:
                fail(f"{name}: expected {SMALL_EXPECTED!r}, got {body[:300]!r}")
            returned = 1
        elif name == "hop2":
            sub = doc["data"]["neighbourhood"]
            got = [e["id"] for e in sub["entities"]]
            dist = {seed: 0}
            for n in adj[seed]:
                dist.setdefault(n, 1)
            for n in list(dist):
                if dist[n] == 1:
                    for m in adj[n]:
                        dist.setdefault(m, 2)
            if len(dist) <= HOP2_LIMIT:
                fail(f"hop2: the seed's 2-hop neighbourhood has only {len(dist)} entities")
            if len(got) != HOP2_LIMIT or len(set(got)) != HOP2_LIMIT:
                fail(f"hop2: expected {HOP2_LIMIT} distinct entities, got {len(got)}")
            if not sub["truncated"]:
                fail("hop2: `truncated` is false, though more entities are in reach")
            if got[0] != seed:
                fail(f"hop2: the seed {seed} is not first")
            outside = [i for i in got if i not in dist]
            if outside:
                fail(f"hop2: entities beyond two relations of the seed: {outside[:5]}")
            depths = [dist[i] for i in got]
            if depths != sorted(depths) or 2 not in depths:
                fail(f"hop2: not a breadth-first walk reaching depth 2: {depths}")
            inside = set(got)
            want = sum(1 for x, y in pairs if x in inside and y in inside)
            rels = sub["relations"]
            if len(rels) != want or any(
                r["from"]["id"] not in inside or r["to"]["id"] not in inside for r in rels
            ):
                fail(f"hop2: expected the {want} relations among the entities, got {len(rels)}")
            returned = len(got)
            meta["hop2_relations"] = len(rels)
        elif name == "page":
            page = doc["data"]["entities"]
            got = [e["id"] for e in page["nodes"]]
            if page["totalCount"] != health["entities"]:
                fail(f"page: totalCount {page['totalCount']}, /health says {health['entities']}")
            if len(got) != PAGE:
                fail(f"page: expected {PAGE} nodes, got {len(got)}")
            # The first ids of the whole graph in id order: the generated ones and the
            # bulletin's (which /health counts too; any of them may sort first).
            if got != sorted(got):
                fail("page: nodes not in id order")
            first_generated = sorted(ids)[:PAGE]
            generated = set(ids)
            if [i for i in got if i in generated] != first_generated[: sum(1 for i in got if i in generated)]:
                fail("page: not the first ids of the generated graph in id order")
            returned = len(got)
        with open(os.path.join(a.out, f"{name}.request.json"), "wb") as f:
            f.write(request)
        with open(os.path.join(a.out, f"{name}.expected.json"), "wb") as f:
            f.write(body)
        meta["endpoints"][name] = {
            "url": url,
            "query": query,
            "entities_returned": returned,
            "response_bytes": len(body),
        }
        print(f"  {name:8} ok: {len(body):6} bytes, {returned} entities")
    with open(os.path.join(a.out, "endpoints.json"), "w") as f:
        json.dump(meta, f, indent=2)


def check_run(a):
    with open(a.file) as f:
        w = json.load(f)
    errors = {k: v for k, v in w["errors"].items() if v}
    if w["checked"] == 0 or w["mismatches"] or w["non_200"] or errors:
        fail(
            f"{a.file}: {w['checked']} answers checked, {w['mismatches']} with another body, "
            f"{w['non_200']} not 200, socket errors {errors}; first bad answer: {w['first_bad']!r}"
        )
    if w["checked"] < w["requests"]:
        fail(f"{a.file}: only {w['checked']} of {w['requests']} answers checked")


def report(a):
    with open(os.path.join(a.out, "endpoints.json")) as f:
        meta = json.load(f)
    with open(a.machine) as f:
        machine = json.load(f)
    runs = {}
    for name in ENDPOINTS:
        with open(os.path.join(a.out, f"{name}.wrk.json")) as f:
            w = json.load(f)
        with open(os.path.join(a.out, f"{name}.cpu.json")) as f:
            cpu = json.load(f)
        w["server_cpu_seconds"] = cpu["cpu_seconds"]
        w["server_cpu_us_per_request"] = cpu["cpu_seconds"] * 1e6 / max(w["requests"], 1)
        w["server_cpu_utilisation"] = cpu["cpu_seconds"] / w["seconds"]
        w["wrk_cpu_utilisation"] = cpu["wrk_cpu_seconds"] / w["seconds"]
        # CPU taken by other processes meanwhile, in cores: the machine's busy time less the
        # server's and wrk's (this machine is shared; a busy neighbour skews requests/s).
        w["others_cpu_cores"] = max(
            0.0, (cpu["machine_busy_seconds"] - cpu["cpu_seconds"] - cpu["wrk_cpu_seconds"]) / w["seconds"]
        )
        w.update(meta["endpoints"][name])
        runs[name] = w
    ceiling = runs["ceiling"]
    for w in runs.values():
        w["rps_ratio_to_ceiling"] = w["rps"] / ceiling["rps"]
        # The same ratio from the servers' CPU time per request: immune to the load tool being
        # the bottleneck (then the server idles part of the time and requests/s understate it).
        w["cpu_ratio_to_ceiling"] = ceiling["server_cpu_us_per_request"] / w["server_cpu_us_per_request"]
    small, page = runs["small"], runs["page"]
    n = page["entities_returned"]
    per_entity = {
        # What the 100 entities add to a minimal query, per entity: the figure the target is
        # about (the fixed cost of a request is paid once per page, not per entity).
        "marginal_cpu_us": (page["server_cpu_us_per_request"] - small["server_cpu_us_per_request"]) / n,
        # The whole request's CPU time spread over its entities: an upper bound.
        "whole_cpu_us": page["server_cpu_us_per_request"] / n,
        # The same from throughput, for a server on one core it saturates:
        # (1/rps_page - 1/rps_small) / n.
        "marginal_wall_us": (1e6 / page["rps"] - 1e6 / small["rps"]) / n,
    }
    results = {
        "machine": machine,
        "seed_entity_for_hop2": meta["seed"],
        "graph": meta["health"],
        "runs": runs,
        "page_us_per_entity": per_entity,
        "targets": {
            "small_rps_ratio_min": 0.40,
            "small_rps_ratio": small["rps_ratio_to_ceiling"],
            "small_cpu_ratio": small["cpu_ratio_to_ceiling"],
            "small_met": small["rps_ratio_to_ceiling"] >= 0.40,
            "page_us_per_entity_max": 1.5,
            "page_us_per_entity": per_entity["marginal_cpu_us"],
            "page_met": per_entity["marginal_cpu_us"] < 1.5,
        },
    }
    labels = {
        "ceiling": "raw axum ceiling",
        "small": "entity(id){name}",
        "hop2": "neighbourhood depth 2 (100)",
        "page": "entities(first:100) page",
    }
    print()
    print(
        f"{'endpoint':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} "
        f"{'CPU µs/req':>10} {'CPU ratio':>9} {'server':>6} {'wrk':>4} {'others':>6} {'bytes':>6}"
    )
    for name in ENDPOINTS:
        w = runs[name]
        print(
            f"{labels[name]:28} {w['rps']:9.0f} {w['latency_us']['p50'] / 1000:8.2f} "
            f"{w['latency_us']['p99'] / 1000:8.2f} {w['rps_ratio_to_ceiling']:6.2f} "
            f"{w['server_cpu_us_per_request']:10.1f} {w['cpu_ratio_to_ceiling']:9.2f} "
            f"{w['server_cpu_utilisation'] * 100:5.0f}% {w['wrk_cpu_utilisation'] * 100:3.0f}% "
            f"{w['others_cpu_cores']:6.2f} {w['response_bytes']:6}"
        )
    print(
        "\nratio: requests/s over the ceiling's; CPU µs/req: the server's CPU time (user + system) "
        "per request; CPU ratio: the ceiling's CPU µs/req over the endpoint's; server, wrk: their "
        "CPU use during the run (100% = one core); others: cores taken meanwhile by other processes"
    )
    busy = [n for n in ENDPOINTS if runs[n]["others_cpu_cores"] > 0.25]
    if busy:
        print(
            f"WARNING: other processes took more than a quarter of a core during {', '.join(busy)}: "
            "requests/s and latencies are skewed there; CPU µs/req much less so"
        )
    results["noisy_runs"] = busy
    print()
    print(
        f"page, server time per returned entity: {per_entity['marginal_cpu_us']:.2f} µs "
        f"(CPU, beyond the small query; whole request / {n}: {per_entity['whole_cpu_us']:.2f} µs; "
        f"from throughput: {per_entity['marginal_wall_us']:.2f} µs)"
    )
    t = results["targets"]
    print(
        f"target: small query ≥ 40% of the ceiling's requests/s: {t['small_rps_ratio'] * 100:.0f}% "
        f"({'met' if t['small_met'] else 'MISSED'}; by CPU time per request: {t['small_cpu_ratio'] * 100:.0f}%)"
    )
    print(
        f"target: < 1.5 µs of server time per entity on a 100-entity page: "
        f"{t['page_us_per_entity']:.2f} µs ({'met' if t['page_met'] else 'MISSED'})"
    )
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    print(f"\nfigures: {os.path.join(a.out, 'results.json')}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    pp = sub.add_parser("prepare")
    pp.add_argument("--dossier", required=True)
    pp.add_argument("--ceiling", required=True)
    pp.add_argument("--generated", required=True)
    pp.add_argument("--out", required=True)
    pc = sub.add_parser("check-run")
    pc.add_argument("file")
    pr = sub.add_parser("report")
    pr.add_argument("--out", required=True)
    pr.add_argument("--machine", required=True)
    a = p.parse_args()
    {"prepare": prepare, "check-run": check_run, "report": report}[a.cmd](a)


if __name__ == "__main__":
    main()
