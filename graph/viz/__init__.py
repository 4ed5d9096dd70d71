"""The offline HTML site of a build: interactive networks, timeline, index (`build_site`)."""

from graph.viz.site import SiteResult, build_site

__all__ = ["SiteResult", "build_site"]
