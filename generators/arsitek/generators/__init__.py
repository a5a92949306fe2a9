"""Generators: pure functions from the typed view to ``(relative path, content)`` artifacts."""
