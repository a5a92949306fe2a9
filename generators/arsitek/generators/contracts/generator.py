"""The contracts as a registered generator: planned in this process, written by a second one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from arsitek.generators.base import Inputs, Plan
from arsitek.generators.contracts import for_application, plan


@dataclass(frozen=True)
class ContractsGenerator:
    """OpenAPI, AsyncAPI, JSON Schema, SQL, CSVW and the catalogue; ``app``: only those of the application so named."""

    app: str | None = None
    name: str = "contracts"
    folder: str = "contracts"
    needs: tuple[str, ...] = ()
    joins: str | None = None
    also: tuple[str, ...] = ()

    def plan(self, inputs: Inputs, plans: Mapping[str, Plan]) -> Plan:
        planned = plan(inputs.view)
        if self.app is None:
            return Plan(tasks=[planned.artifacts], published=planned)
        app = inputs.view.application_named(self.app)
        return Plan(tasks=[lambda: for_application(list(planned.artifacts()), inputs.view, app)], published=planned)
