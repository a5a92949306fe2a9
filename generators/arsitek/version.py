"""The installed version, in a leaf module: reports and pages carry it, and none of them imports the package API."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("arsitek")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
