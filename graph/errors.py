"""The project's error hierarchy: every message names the file, entry or value at fault."""

from __future__ import annotations


class RkgError(Exception):
    """Base class of every error the project raises on purpose."""


class RegistryError(RkgError):
    """The reference registry is malformed (the message names file and entry)."""


class InputError(RkgError):
    """A document or its metadata cannot be read (the message names the file)."""


class ProvenanceError(RkgError):
    """A quote is not verbatim at its offsets: the build must fail."""


class QueryError(RkgError):
    """A query cannot be parsed, or a parameter is missing or ill-typed."""


class NotBuiltError(RkgError):
    """An output folder holds no build yet."""


class DependencyError(RkgError):
    """A library the project needs is missing or broken: fix the installation."""
