"""A view as a network: networkx measures and communities, a seeded layout, pyvis data.

The layout is computed here, not in the browser: each community (Louvain, seeded) is laid out
by networkx's spring layout and the communities are packed around the centre, largest first.
The browser then runs a short physics pass from those positions and switches physics off, so a
2,000-node graph settles in seconds and the same graph always gives the same page.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from typing import Any

import networkx as nx
import numpy as np
from pyvis.network import Network

from graph.viz.louvain import louvain

SEED = 7
EXACT_BETWEENNESS = 300  # above this many nodes, betweenness is sampled (seeded)
SAMPLES = 100
LABEL_MAX = 42


def communities(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Louvain communities, numbered from the largest (then by their first member). The
    nodes are visited in the order of a seeded hash of their names (`visiting_order`), not
    in the order given, so the partition depends only on the graph: the same nodes and
    edges in any order give the same communities, and a node renamed (a document's IRI is
    its content's hash) does not move every other one in the visiting order. Computed over
    arrays of node numbers (louvain.py), so the whole view of 10,000 documents needs no
    networkx graph. Both ends of every edge must be among the nodes."""
    names = visiting_order(nodes)
    number = {node: i for i, node in enumerate(names)}
    groups = louvain(len(names), ((number[a], number[b]) for a, b in edges))
    del number
    ordered = sorted((sorted(names[i] for i in group) for group in groups),
                     key=lambda c: (-len(c), c[0]))
    return {n: i for i, members in enumerate(ordered) for n in members}


def visiting_order(nodes: Iterable[str]) -> list[str]:
    """The nodes (each once) in the order Louvain visits them: by a hash of SEED and the
    name, which shuffles them as networkx's seeded shuffle would, but keeps any two nodes
    in the same order whatever other nodes come or go."""
    def key(name: str) -> tuple[bytes, str]:
        return hashlib.blake2b(f"{SEED}:{name}".encode(), digest_size=8).digest(), name

    return sorted(set(nodes), key=key)


def betweenness(g: nx.Graph) -> dict[str, float]:
    n = g.number_of_nodes()
    if n <= 2:
        return dict.fromkeys(g, 0.0)
    k = None if n <= EXACT_BETWEENNESS else SAMPLES
    return nx.betweenness_centrality(g, k=k, seed=SEED if k else None)


def layout(g: nx.Graph, community: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Each community laid out on its own, then the communities packed by a spiral."""
    members: dict[int, list[str]] = {}
    for node in sorted(g):
        members.setdefault(community[node], []).append(node)
    placed: list[tuple[float, float, float]] = []  # x, y, radius
    positions: dict[str, tuple[int, int]] = {}
    step = 0
    for index in sorted(members):
        group = members[index]
        radius = 70.0 * math.sqrt(len(group)) + 30.0
        local = _local_layout(g.subgraph(group), group)
        (cx, cy), step = _free_spot(placed, radius, step)
        placed.append((cx, cy, radius))
        for node, (x, y) in local.items():
            positions[node] = (round(cx + x * radius), round(cy + y * radius))
    return positions


def _local_layout(sub: nx.Graph, group: list[str]) -> dict[str, tuple[float, float]]:
    if len(group) == 1:
        return {group[0]: (0.0, 0.0)}
    if len(group) <= 4:
        ring = sorted(group, key=lambda n: (-sub.degree(n), n))
        return {n: (math.cos(2 * math.pi * i / len(ring)), math.sin(2 * math.pi * i / len(ring)))
                for i, n in enumerate(ring)}
    if len(group) < 400:
        ordered = nx.Graph()
        ordered.add_nodes_from(group)
        ordered.add_edges_from(sorted(tuple(sorted(e)) for e in sub.edges()))
        pos = nx.spring_layout(ordered, seed=SEED, iterations=50)
        return {n: (float(p[0]), float(p[1])) for n, p in pos.items()}
    # a sunflower: even spacing without an O(n^2) layout
    golden = math.pi * (3.0 - math.sqrt(5.0))
    ranked = sorted(group, key=lambda n: (-sub.degree(n), n))
    return {n: (math.sqrt((i + 0.5) / len(ranked)) * math.cos(i * golden),
                math.sqrt((i + 0.5) / len(ranked)) * math.sin(i * golden))
            for i, n in enumerate(ranked)}


def _free_spot(placed: list[tuple[float, float, float]], radius: float,
               start: int) -> tuple[tuple[float, float], int]:
    """The first point of a golden-angle spiral (from `start`, a little before where the last
    community went: they come largest first) where a circle of `radius` overlaps nothing.

    Steps are tried in batches against every placed circle at once with numpy; a step whose
    distances are within a relative 1e-9 of a limit is decided by the exact scalar test, so
    the spot is the one the scalar loop alone finds."""
    if not placed:
        return (0.0, 0.0), 0
    golden = math.pi * (3.0 - math.sqrt(5.0))
    px, py, pr = (np.array(column) for column in zip(*placed, strict=True))
    need = (radius + pr + 20.0) ** 2
    step = max(0, start - 40)
    while True:
        points = [_spiral(n, golden) for n in range(step, step + BATCH)]
        xs = np.array([x for x, _y in points])[:, None]
        ys = np.array([y for _x, y in points])[:, None]
        d2 = (xs - px) ** 2 + (ys - py) ** 2
        clear = (d2 >= need * (1 + 1e-9)).all(axis=1)
        blocked = (d2 < need * (1 - 1e-9)).any(axis=1)
        for n, (x, y) in enumerate(points):
            if blocked[n]:
                continue
            if clear[n] or all((x - qx) ** 2 + (y - qy) ** 2 >= (radius + qr + 20.0) ** 2
                               for qx, qy, qr in placed):
                return (x, y), step + n
        step += BATCH


BATCH = 64  # spiral steps tried at once


def _spiral(step: int, golden: float) -> tuple[float, float]:
    distance = 40.0 * math.sqrt(step)
    return distance * math.cos(step * golden), distance * math.sin(step * golden)


def short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[:LABEL_MAX - 1].rstrip() + "…"


def bulk_network(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> Network:
    """A pyvis Network holding these node and edge dictionaries, filled in bulk.

    pyvis's add_node/add_edge check membership against Python lists (quadratic: 10.9 s for
    the whole graph of 1,000 documents); the lists and the id map are assigned at once here."""
    net = Network(directed=True, height="100%", width="100%", cdn_resources="remote")
    net.nodes = nodes
    net.edges = edges
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    return net


def positions_for(node_ids: list[str], edges: list[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """A seeded layout of these nodes: communities laid out alone, then packed."""
    g = nx.Graph()
    g.add_nodes_from(node_ids)
    kept = [(a, b) for a, b in edges if a != b and a in g and b in g]
    g.add_edges_from(kept)
    return layout(g, communities(node_ids, kept))


def vis_options(n: int) -> dict[str, Any]:
    """vis-network options: labels are drawn by explorer.js (never overlapping), so
    vis-network draws none; a short, seeded physics pass from precomputed positions."""
    big = n > 500
    return {
        "layout": {"randomSeed": SEED, "improvedLayout": False},
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -3000, "centralGravity": 0.05,
                          "springLength": 120, "springConstant": 0.02, "damping": 0.5,
                          "avoidOverlap": 0.2},
            "stabilization": {"enabled": True, "iterations": 60 if big else 150,
                              "updateInterval": 25, "fit": True},
            "minVelocity": 1.0,
        },
        "nodes": {"scaling": {"min": 8, "max": 40, "label": {"enabled": False}},
                  "font": {"size": 0}},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "smooth": False,
            "color": {"color": "#b0b0b0", "highlight": "#333333", "hover": "#555555"},
            "selectionWidth": 2,
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big,
                        "navigationButtons": False, "keyboard": False,
                        "multiselect": False},
    }
