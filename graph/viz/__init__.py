"""The offline HTML site of a build: interactive networks, timeline, index (`build_site`).

`build_site` and `SiteResult` are imported on first use: the package's light modules
(graph.viz.data, graph.viz.styles, used by the exports) then load without the site's
renderers (0.38 s of imports)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph.viz.site import SiteResult, build_site

__all__ = ["SiteResult", "build_site"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from graph.viz import site

        return getattr(site, name)
    raise AttributeError(f"module 'graph.viz' has no attribute {name!r}")
