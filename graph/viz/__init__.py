"""The offline HTML site of a build: interactive networks, timeline, index (`build_site`).

`build_site` and `SiteResult` are imported on first use: the package's light modules
(graph.viz.data, graph.viz.styles, used by the exports) then load without the site's
renderers (0.38 s of imports). `build_site` itself (graph/viz/sitebuild.py) imports them
only when it draws a site, not when it links the published one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph.viz.sitebuild import SiteResult, build_site

__all__ = ["SiteResult", "build_site"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from graph.viz import sitebuild

        return getattr(sitebuild, name)
    raise AttributeError(f"module 'graph.viz' has no attribute {name!r}")
