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


class EnvironmentProblem(RkgError):
    """The machine refused: no space, a read-only folder, a path that is a file."""


def environment_problem(exc: OSError, doing: str) -> EnvironmentProblem:
    """`exc` as one line that names the path and says what to do about it."""
    import errno

    where = f" {exc.filename}" if exc.filename else ""
    hint = {
        errno.ENOSPC: "no space left on the device: free some space and build again",
        errno.EDQUOT: "disk quota exceeded: free some space and build again",
        errno.EROFS: "the file system is read-only: choose another --out folder",
        errno.EACCES: "permission denied: choose a folder you may write to",
        errno.EPERM: "operation not permitted: choose a folder you may write to",
        errno.ENOTDIR: "a file stands where a folder is needed: move it away or choose "
                       "another --out",
        errno.EISDIR: "a folder stands where a file is written: move it away",
        errno.EEXIST: "a file stands where a folder is needed: move it away",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return EnvironmentProblem(f"{doing} failed at{where}: {hint}")
