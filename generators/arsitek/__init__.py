"""arsitek: architecture as code for SPBE, starting with the KPU election-data architecture.

The public API is what the command line is built from, so other tools (a CI bot,
a notebook) can load and validate a model without shelling out.
"""

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from arsitek.errors import ArsitekError, InputError, SyntaxErrorInFile
from arsitek.load import LoadedModel, load_model
from arsitek.validate import Finding, Severity, ValidationResult, validate_model

try:
    __version__ = _version("arsitek")
except _PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "ArsitekError",
    "Finding",
    "InputError",
    "LoadedModel",
    "Severity",
    "SyntaxErrorInFile",
    "ValidationResult",
    "__version__",
    "load_model",
    "validate_model",
]
