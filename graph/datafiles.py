"""Where the project's own data folders are: `ontology/`, `queries/` and the sample `corpus/`.

In a checkout (and an editable install) they are the top-level folders beside `graph/`, the
source of truth. A wheel carries copies as `graph/_data/<folder>/` (see setup.py), found
through importlib.resources, so `pip install .` gives a tool that works from any folder.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["data_dir"]

PACKAGED = "_data"
_CHECKOUT = Path(__file__).resolve().parent.parent


def data_dir(name: str) -> Path:
    """The folder `name` (`ontology`, `queries`, `corpus`): packaged copy, else checkout."""
    packaged = files("graph").joinpath(PACKAGED, name)
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return _CHECKOUT / name
