"""The site's communities (graph/viz/louvain.py) are networkx's Louvain communities, node for
node: on the sample build's whole view and on random graphs with what networkx's copy of a
graph reorders (edges given from either end, repeated, self-loops, isolated nodes, node
names not in sorted order)."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx
import pytest

from graph.viz.data import load
from graph.viz.network import SEED, communities
from graph.viz.views import Views


def networkx_communities(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """What `network.communities` computed before louvain.py: networkx's Louvain over a
    networkx graph, numbered from the largest community."""
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from(edges)
    groups = nx.community.louvain_communities(g, seed=SEED)
    ordered = sorted((sorted(c) for c in groups), key=lambda c: (-len(c), c[0]))
    return {n: i for i, members in enumerate(ordered) for n in members}


def test_communities_are_networkx_louvain_on_the_sample_build(sample_build: Path) -> None:
    whole = Views(load(sample_build)).whole
    edges = [(e.source, e.target) for e in whole.edges if e.source != e.target]
    found = communities(whole.nodes, edges)
    assert found == networkx_communities(whole.nodes, edges)
    assert len(set(found.values())) > 5  # a real partition, not one block or singletons


def random_graph(seed: int) -> tuple[list[str], list[tuple[str, str]]]:
    rng = random.Random(seed)
    names = list(dict.fromkeys(f"n{rng.randrange(10**6)}" for _ in range(rng.randint(1, 150))))
    edges = []
    for _ in range(rng.randint(0, 4 * len(names))):
        a, b = rng.choice(names), rng.choice(names)  # self-loops and repeats included
        edges.append((a, b))
        if rng.random() < 0.1:
            edges.append((b, a))  # the same edge from its other end
    return names, edges


@pytest.mark.parametrize("seed", range(0, 400, 4))
def test_communities_are_networkx_louvain_on_random_graphs(seed: int) -> None:
    nodes, edges = random_graph(seed)
    assert communities(nodes, edges) == networkx_communities(nodes, edges)


def test_communities_are_networkx_louvain_on_a_clustered_graph() -> None:
    """Several levels of merging: 1,500 nodes in planted groups, edges in shuffled order."""
    g = nx.random_partition_graph([60] * 25, 0.2, 0.004, seed=3)
    rng = random.Random(5)
    nodes = [f"v{n:04d}" for n in g]
    rng.shuffle(nodes)
    edges = [(f"v{a:04d}", f"v{b:04d}") for a, b in g.edges()]
    rng.shuffle(edges)
    found = communities(nodes, edges)
    assert found == networkx_communities(nodes, edges)
    assert 15 <= len(set(found.values())) <= 40


def test_no_edges_and_no_nodes() -> None:
    assert communities(["b", "a", "c"], []) == {"a": 0, "b": 1, "c": 2}
    assert communities([], []) == {}
