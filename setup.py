"""Packaging beyond what pyproject.toml can say: the top-level data folders ship in the wheel.

`ontology/`, `queries/` and `corpus/` stay where they are in the checkout (the source of
truth); a wheel carries each as `graph/_data/<folder>/`, where `graph.datafiles` finds it.
"""

from pathlib import Path

from setuptools import find_namespace_packages, setup

DATA_FOLDERS = ("ontology", "queries", "corpus")
# Every data file kind the project keeps, in graph/ (lexicons, templates, assets) and in the
# data folders: a lexicon added beside a module ships without a change here.
DATA_FILES = ["*.ttl", "*.yaml", "*.yml", "*.json", "*.rq", "*.txt", "*.md", "*.html", "*.js",
              "*.css", "*.tsv", "*.csv", "py.typed"]


def data_packages(folder: str) -> dict[str, str]:
    """`graph._data.<folder>[.<sub>...]` for the folder and each subfolder: {package: dir}."""
    found = {}
    for path in sorted([Path(folder), *Path(folder).rglob("*")]):
        if path.is_dir() and not any(p.startswith((".", "_")) for p in path.parts):
            found["graph._data." + ".".join(path.parts)] = path.as_posix()
    return found


DATA = {k: v for folder in DATA_FOLDERS for k, v in data_packages(folder).items()}

setup(
    packages=[*find_namespace_packages(include=["graph", "graph.*"]), *DATA],
    package_dir=DATA,
    package_data={"": DATA_FILES},
)
