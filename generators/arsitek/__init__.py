"""arsitek: architecture as code for SPBE, starting with the KPU election-data architecture.

The public API is what the command line is built from, so other tools (a CI bot,
a notebook) can load and validate a model without shelling out.
"""

from arsitek.errors import ArsitekError, InputError, SyntaxErrorInFile
from arsitek.load import LoadedModel, load_model
from arsitek.validate import Finding, Severity, ValidationResult, validate_model
from arsitek.version import __version__

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
