"""Allow ``python -m arsitek``."""

from arsitek.cli import main

main()
