"""`rkg serve` against `oxigraph serve-read-only` on the same store, under concurrent clients.

    python bench/serve.py BUILD_DIR [--clients 8] [--seconds 5] [--rounds 3] [--warmup S]

Both servers read the same Oxigraph store (the one `rkg serve` prepares in BUILD_DIR/oxigraph,
loaded first if needed; Oxigraph with `--union-default-graph`, as `rkg serve` queries). Each
round runs the same workload for `--seconds` on one server then the other, `--clients`
client processes with one keep-alive connection each; every answer is read whole and must be
a 200. Printed: requests per second and median latency per server, and our/raw throughput,
and the CPU each server (its whole process tree: fronts, workers) and the clients spent per
answered request, read from /proc around each measurement: on a machine shared with other
work the throughput follows the share of the cores left, CPU per request much less.

- light: one node's properties (`SELECT ?p ?o WHERE { <iri> ?p ?o }`), a label lookup and
  an ASK, for random nodes of the graph;
- heavy: whole-graph aggregates and joins (classes counted, labels per class, the query
  pack's `timeline` and `people` queries as they are, unbound).

Before the rounds, each server runs each workload once unmeasured (`--warmup`, default one
round's length): the figures are of servers whose caches are warm, as a running endpoint's
are. It also times `rkg serve` from start to its first answer on an already prepared store.
A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.serve import free_port, prepare_store  # noqa: E402

JSON = "application/sparql-results+json"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
HEAVY = [
    "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)",
    f"SELECT ?class (COUNT(DISTINCT ?label) AS ?n) WHERE {{ ?s a ?class ; <{LABEL}> ?label }} "
    "GROUP BY ?class",
]


def heavy_queries() -> list[str]:
    pack = [(ROOT / "queries" / f"{name}.rq") for name in ("timeline", "people")]
    return HEAVY + [path.read_text(encoding="utf-8") for path in pack if path.is_file()]


def light_queries(store: Path, count: int = 400, seed: int = 7) -> list[str]:
    """Lookups of random labelled nodes of the store."""
    import pyoxigraph as ox

    opened = ox.Store.read_only(str(store))
    nodes = [(s["s"].value, s["l"].value) for s in opened.query(  # type: ignore[union-attr]
        f"SELECT ?s ?l WHERE {{ ?s <{LABEL}> ?l }} LIMIT 20000",
        use_default_graph_as_union=True)]
    del opened
    rng = random.Random(seed)
    picked = rng.sample(nodes, min(count, len(nodes)))
    queries = []
    for n, (iri, label) in enumerate(picked):
        kind = n % 3
        if kind == 0:
            queries.append(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}")
        elif kind == 1:
            escaped = label.replace("\\", "\\\\").replace('"', '\\"')
            queries.append(f'SELECT ?s WHERE {{ ?s <{LABEL}> "{escaped}" }}')
        else:
            queries.append(f"ASK {{ <{iri}> ?p ?o }}")
    return queries


def _client(args: tuple[int, list[str], float, float, int]
            ) -> tuple[int, int, list[float], float]:
    port, queries, start_at, seconds, seed = args
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    done = errors = 0
    latencies: list[float] = []
    while time.time() < start_at:
        time.sleep(0.001)
    end = start_at + seconds
    cpu = time.process_time()
    while time.time() < end:
        body = urllib.parse.urlencode({"query": rng.choice(queries)}).encode()
        began = time.perf_counter()
        try:
            conn.request("POST", "/query", body, {
                "Content-Type": "application/x-www-form-urlencoded", "Accept": JSON})
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        latencies.append(time.perf_counter() - began)
        done += ok
        errors += not ok
    cpu = time.process_time() - cpu
    conn.close()
    return done, errors, latencies, cpu


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of process `pid` and its live descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        pending += _children(current)
    return total


def _children(pid: int) -> list[int]:
    """The children of every thread of `pid` (the server starts its fronts from its loop
    thread). A thread that ends while they are read is skipped, not the process: skipping
    the whole process made its CPU read 0 at one end of a measurement, which is how a
    negative server CPU was printed for Oxigraph."""
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def measure(port: int, queries: list[str], clients: int, seconds: float,
            server_pid: int) -> dict[str, Any]:
    start_at = time.time() + 0.5
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        parts = pool.map_async(_client, [(port, queries, start_at, seconds, n)
                                         for n in range(clients)])
        time.sleep(max(0.0, start_at - time.time()))
        server_before = tree_cpu(server_pid)
        parts_done = parts.get()
        server_cpu = tree_cpu(server_pid) - server_before
    done = sum(p[0] for p in parts_done)
    latencies = [x for p in parts_done for x in p[2]]
    per = 1e6 / done if done else 0.0
    return {"rps": done / seconds, "errors": sum(p[1] for p in parts_done),
            "median_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
            "server_us": server_cpu * per, "clients_us": sum(p[3] for p in parts_done) * per}


def wait_port(port: int, process: subprocess.Popen[bytes], timeout: float = 120) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {process.args!r}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return time.perf_counter() - started
        except OSError:
            time.sleep(0.02)
    raise SystemExit(f"no server on port {port}")


def first_answer(port: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/query?query=ASK%7B%7D", headers={"Accept": JSON})
    conn.getresponse().read()
    conn.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("build", type=Path)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=None,
                        help="Seconds of each workload run on each server, unmeasured, before "
                             "the rounds (default: --seconds; 0: none).")
    parser.add_argument("--lookups", type=int, default=400,
                        help="How many different light queries the clients pick from (the "
                        "server remembers the last 4,096 query texts it judged: 20000 "
                        "measures lookups it has mostly not seen).")
    parser.add_argument("--workloads", default="light,heavy",
                        help="Which workloads to run (light, heavy or both).")
    parser.add_argument("--serve-args", default="",
                        help="More arguments for `rkg serve` (e.g. --no-inline).")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    store = prepare_store(args.build)
    print(f"store ready in {time.perf_counter() - started:.1f} s: {store}", file=sys.stderr)
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    ours_port, raw_port = free_port(), free_port()
    began = time.perf_counter()
    # this checkout's `rkg` (python -m graph in ROOT), not whichever the environment installed
    ours = subprocess.Popen([sys.executable, "-m", "graph", "serve", "--graph",
                             str(args.build), "--port",
                             str(ours_port), "--timeout", "300", "--workers",
                             str(args.workers), "--max-heavy", str(args.clients),
                             *args.serve_args.split()],
                            stdout=subprocess.DEVNULL, cwd=ROOT)
    raw: subprocess.Popen[bytes] | None = None
    try:
        wait_port(ours_port, ours)
        first_answer(ours_port)
        start_seconds = time.perf_counter() - began
        raw = subprocess.Popen([oxigraph, "serve-read-only", "--location", str(store),
                                "--bind", f"127.0.0.1:{raw_port}", "--union-default-graph"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(raw_port, raw)
        chosen = args.workloads.split(",")
        workloads = {name: make() for name, make in (
            ("light", lambda: light_queries(store, args.lookups)), ("heavy", heavy_queries))
            if name in chosen}
        results: dict[str, dict[str, list[dict[str, Any]]]] = {
            w: {"rkg serve": [], "oxigraph": []} for w in workloads}
        warmup = args.seconds if args.warmup is None else args.warmup
        if warmup > 0:
            # both servers answer each workload once before the rounds: a long-running
            # server's caches are warm (Oxigraph's one block cache, our workers' own ones)
            for name, queries in workloads.items():
                for server, port, pid in (("rkg serve", ours_port, ours.pid),
                                          ("oxigraph", raw_port, raw.pid)):
                    figure = measure(port, queries, args.clients, warmup, pid)
                    print(f"warm-up {name:5} {server:9} {figure['rps']:8.1f} req/s",
                          file=sys.stderr)
        for round_ in range(args.rounds):
            for name, queries in workloads.items():
                order = [("rkg serve", ours_port, ours.pid), ("oxigraph", raw_port, raw.pid)]
                if round_ % 2:
                    order.reverse()
                for server, port, pid in order:
                    figure = measure(port, queries, args.clients, args.seconds, pid)
                    results[name][server].append(figure)
                    print(f"round {round_ + 1} {name:5} {server:9} {figure['rps']:8.1f} "
                          f"req/s, median {figure['median_ms']:.1f} ms, CPU per request: "
                          f"server {figure['server_us']:.0f} us, clients "
                          f"{figure['clients_us']:.0f} us, {figure['errors']} errors, "
                          f"load {os.getloadavg()[0]:.1f}", file=sys.stderr)
        print(f"\n`rkg serve` against `oxigraph serve-read-only`, {args.clients} clients, "
              f"{args.rounds} rounds of {args.seconds:g} s (median round); store {store}\n")
        print("| workload | rkg serve req/s | oxigraph req/s | ratio | ratio per round (min "
              "/ median / max) | median latency ours / raw | server CPU per request ours / "
              "raw | clients' CPU per request ours / raw | errors |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for name in workloads:
            ours_rps = statistics.median(r["rps"] for r in results[name]["rkg serve"])
            raw_rps = statistics.median(r["rps"] for r in results[name]["oxigraph"])
            ours_ms = statistics.median(r["median_ms"] for r in results[name]["rkg serve"])
            raw_ms = statistics.median(r["median_ms"] for r in results[name]["oxigraph"])
            errors = sum(r["errors"] for s in results[name].values() for r in s)
            cpu = {key: [statistics.median(r[key] for r in results[name][server])
                         for server in ("rkg serve", "oxigraph")]
                   for key in ("server_us", "clients_us")}
            # the two servers of one round ran back to back: their ratio is the figure that
            # holds when the machine's load drifts between rounds
            paired = [o["rps"] / r["rps"] if r["rps"] else 0.0 for o, r in
                      zip(results[name]["rkg serve"], results[name]["oxigraph"], strict=True)]
            print(f"| {name} | {ours_rps:.1f} | {raw_rps:.1f} | {ours_rps / raw_rps:.2f}x | "
                  f"{min(paired):.2f} / {statistics.median(paired):.2f} / {max(paired):.2f}x | "
                  f"{ours_ms:.1f} / {raw_ms:.1f} ms | {cpu['server_us'][0]:.0f} / "
                  f"{cpu['server_us'][1]:.0f} us | {cpu['clients_us'][0]:.0f} / "
                  f"{cpu['clients_us'][1]:.0f} us | {errors} |")
        print(f"\n`rkg serve` start to first answer (store prepared): {start_seconds:.2f} s")
    finally:
        for process in (ours, raw):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)


if __name__ == "__main__":
    main()
