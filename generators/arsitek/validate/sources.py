"""Where compiled checks run: the local pyoxigraph store, or a SPARQL endpoint (:mod:`arsitek.endpoint`)."""

from __future__ import annotations

from itertools import islice
from typing import Protocol

import pyoxigraph as ox

from arsitek.validate.checks import Term


class SparqlSource(Protocol):
    """Where the compiled queries run: the local store, or a SPARQL 1.1 endpoint (:mod:`arsitek.endpoint`)."""

    def select(self, query: str) -> list[dict[str, Term]]:
        """The solutions of a SELECT query over the whole model, each as its bound variables."""
        ...


class StoreSource:
    """The loaded pyoxigraph store, every file's graph seen as one default graph."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._holds: dict[int, bool] = {}  # the store does not change while a run reads it

    def holds_at_least(self, triples: int) -> bool:
        """Whether the store holds ``triples`` or more; counts no further (``len`` reads every quad)."""
        if triples not in self._holds:
            quads = self.store.quads_for_pattern(None, None, None)
            self._holds[triples] = triples <= 0 or next(islice(quads, triples - 1, None), None) is not None
        return self._holds[triples]

    def select(self, query: str) -> list[dict[str, Term]]:
        solutions = self.store.query(query, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for name in names:
                if (term := solution[name]) is not None:
                    row[name] = term
            rows.append(row)
        return rows
