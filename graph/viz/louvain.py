"""Louvain communities over integer arrays, nodes visited in a stable order.

networkx's `louvain_communities` over the site's whole view (181,570 nodes at 10,000
documents) held the networkx graph, its weighted copy, a dictionary of neighbours per node and
a set per community: about 0.9 GB on top of everything else, the site stage's peak. This is
networkx 3.6's algorithm (`louvain_partitions` and `_one_level`: resolution 1, threshold 1e-7,
the same gain and modularity expressions) over compressed adjacency arrays of node numbers:
the graph is two `array` columns and a row index, a node's community a list entry.

One thing differs on purpose: the order. networkx visits the nodes in a seeded shuffle of
the order they were given and lists a node's neighbours in the order edges were added, so an
edit that renames one document (its IRI is a content hash, and the site lists nodes by name)
moved every node after it in the shuffle, and every community changed: a rebuild laid out all
31 community drill-downs again. Here the caller numbers the nodes by a seeded hash of their
names (network.visiting_order); nodes are visited in number order at every level and a node's
neighbours are listed in number order, so the partition is a function of the graph alone and
a renamed node changes the relative order of no other two. On the 1,000-document build, an
edited document left 45 of the 46 communities as they were (networkx's order: none).
Modularity is as high as networkx's (`tests/test_viz_louvain.py`).
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

RESOLUTION = 1
THRESHOLD = 0.0000001  # networkx's default: a level must raise modularity by more than this


@dataclass
class LevelGraph:
    """An undirected weighted graph of nodes 0..n-1: node u's neighbours are
    `targets[start[u]:start[u + 1]]` with `weights` alongside, in networkx's adjacency order;
    a self-loop is listed once (and counts twice in the degree, as in networkx)."""

    start: array
    targets: array
    weights: array

    @property
    def size(self) -> int:
        return len(self.start) - 1

    def degrees(self) -> list[int]:
        out = []
        for u in range(self.size):
            lo, hi = self.start[u], self.start[u + 1]
            total = sum(self.weights[lo:hi])
            for k in range(lo, hi):
                if self.targets[k] == u:
                    total += self.weights[k]
            out.append(total)
        return out


def louvain(count: int, edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    """The Louvain communities of the graph of nodes 0..count-1 and these edges (pairs of
    node numbers, in any order, repeated or not): lists of node numbers, in no particular
    order. The node numbers are the visiting order (the caller numbers nodes by a stable
    key, network.communities); the edges' order does not matter."""
    pairs = np.fromiter((n for edge in edges for n in edge), dtype=np.int64).reshape(-1, 2)
    graph = _level_graph(count, pairs)
    del pairs
    degrees = graph.degrees()
    total = sum(degrees)
    if total == 0:  # no edges: every node alone
        return [[u] for u in range(count)]
    m = total / 2
    assign = list(range(count))  # original node -> its node in the current level's graph
    mod = modularity(graph, [[u] for u in range(count)])
    node2com, _improved = _one_level(graph, degrees, m)
    while True:
        renumber, members = _renumber(node2com)
        assign = [renumber[node2com[a]] for a in assign]
        new_mod = modularity(graph, members)
        if new_mod - mod <= THRESHOLD:
            break
        mod = new_mod
        graph = _merged(graph, node2com, renumber)
        degrees = graph.degrees()
        node2com, improved = _one_level(graph, degrees, m)
        if not improved:
            break  # nothing moved: the partition is the one just made
    groups: list[list[int]] = [[] for _ in range(max(assign) + 1)]
    for node, group in enumerate(assign):
        groups[group].append(node)
    return groups


def _level_graph(count: int, pairs: np.ndarray) -> LevelGraph:
    """The graph of these edges, each once, weight 1; a node's neighbours in number order
    (so the first community of equal gain is the one of the lowest-numbered neighbour,
    whatever order the edges came in)."""
    a, b = pairs[:, 0], pairs[:, 1]
    low, high = np.minimum(a, b), np.maximum(a, b)
    keys = np.unique(low * count + high)  # each undirected edge once, sorted
    low, high = keys // count, keys % count
    loop = low == high
    src = np.concatenate([low, high[~loop]])
    dst = np.concatenate([high, low[~loop]])
    order = np.lexsort((dst, src))  # by node, then by neighbour
    targets = dst[order]
    start = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=count), out=start[1:])
    return LevelGraph(_column(start), _column(targets), array("q", [1]) * len(targets))


def _column(values: np.ndarray) -> array:
    """A numpy column as an `array` of machine integers: indexing it gives Python ints (as
    the sums of networkx's), and no Python list of them is ever made."""
    column = array("q")
    column.frombytes(values.astype(np.int64).tobytes())
    return column


def _one_level(graph: LevelGraph, degrees: list[int], m: float) -> tuple[list[int], bool]:
    """networkx's `_one_level` (undirected), nodes visited in number order: move nodes to
    the neighbouring community of best gain until none moves. Returns each node's community
    number and whether any moved."""
    start, targets, weights = graph.start, graph.targets, graph.weights
    node2com = list(range(graph.size))
    stot = list(degrees)
    nb_moves = 1
    improvement = False
    while nb_moves > 0:
        nb_moves = 0
        for u in range(graph.size):
            best_mod: float = 0
            best_com = node2com[u]
            weights2com: defaultdict[int, float] = defaultdict(float)
            for k in range(start[u], start[u + 1]):
                v = targets[k]
                if v != u:
                    weights2com[node2com[v]] += weights[k]
            degree = degrees[u]
            stot[best_com] -= degree
            # the expressions of networkx, term for term: the same floats, the same ties
            remove_cost = -weights2com[best_com] / m + RESOLUTION * (
                stot[best_com] * degree) / (2 * m**2)
            for nbr_com, wt in weights2com.items():
                gain = remove_cost + wt / m - RESOLUTION * (stot[nbr_com] * degree) / (2 * m**2)
                if gain > best_mod:
                    best_mod = gain
                    best_com = nbr_com
            stot[best_com] += degree
            if best_com != node2com[u]:
                improvement = True
                nb_moves += 1
                node2com[u] = best_com
    return node2com, improvement


def _renumber(node2com: list[int]) -> tuple[dict[int, int], list[list[int]]]:
    """The communities that kept members, numbered in order (networkx's `filter(len, ...)`),
    and each one's members in node order."""
    members: dict[int, list[int]] = {}
    for node, com in enumerate(node2com):
        members.setdefault(com, []).append(node)
    ordered = sorted(members)
    return {com: i for i, com in enumerate(ordered)}, [members[c] for c in ordered]


def _merged(graph: LevelGraph, node2com: list[int], renumber: dict[int, int]) -> LevelGraph:
    """networkx's `_gen_graph`: one node per community, an edge's weight added to the edge
    between its ends' communities; a node's neighbours in number order, as in the first
    level."""
    adjacency: list[dict[int, int]] = [{} for _ in range(len(renumber))]
    start, targets, weights = graph.start, graph.targets, graph.weights
    for u in range(graph.size):
        cu = renumber[node2com[u]]
        for k in range(start[u], start[u + 1]):
            v = targets[k]
            if v < u:
                continue  # seen from v already
            cv = renumber[node2com[v]]
            total = adjacency[cu].get(cv, 0) + weights[k]
            adjacency[cu][cv] = total
            adjacency[cv][cu] = total
    new_start = array("q", [0])
    new_targets = array("q")
    new_weights = array("q")
    for row in adjacency:
        for target in sorted(row):
            new_targets.append(target)
            new_weights.append(row[target])
        new_start.append(len(new_targets))
    return LevelGraph(new_start, new_targets, new_weights)


def modularity(graph: LevelGraph, communities: Sequence[Sequence[int]]) -> float:
    """networkx's `modularity` (undirected, weighted), summed in the same order."""
    degrees = graph.degrees()
    deg_sum = sum(degrees)
    m = deg_sum / 2
    norm = 1 / deg_sum**2
    where = [0] * graph.size
    for index, community in enumerate(communities):
        for u in community:
            where[u] = index
    start, targets, weights = graph.start, graph.targets, graph.weights

    def contribution(index: int) -> float:
        inner = 0
        degree_sum = 0
        for u in communities[index]:
            degree_sum += degrees[u]
            for k in range(start[u], start[u + 1]):
                v = targets[k]
                if v >= u and where[v] == index:  # each edge once, a self-loop once
                    inner += weights[k]
        return inner / m - RESOLUTION * degree_sum * degree_sum * norm

    return sum(map(contribution, range(len(communities))))
