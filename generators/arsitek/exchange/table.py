"""Which relationships ArchiMate 3.2 allows between the element types arsitek exchanges (its Appendix B).

Transcribed for these seventeen types from the relationship table of the ArchiMate 3.2
specification, as Archi ships it (``com.archimatetool.model/model/relationships.xml``, version
"3.2"). Each cell lists the allowed relationships by letter: a Access, c Composition, f Flow,
g Aggregation, i Assignment, n Influence, o Association, r Realization, s Specialization,
t Triggering, v Serving. A pair not in the table is not checked (and never exported).
"""

from __future__ import annotations

LETTERS = {
    "Access": "a",
    "Composition": "c",
    "Flow": "f",
    "Aggregation": "g",
    "Assignment": "i",
    "Influence": "n",
    "Association": "o",
    "Realization": "r",
    "Specialization": "s",
    "Triggering": "t",
    "Serving": "v",
}

TYPES = (
    "ApplicationComponent",
    "ApplicationInterface",
    "BusinessActor",
    "BusinessRole",
    "BusinessProcess",
    "BusinessService",
    "BusinessObject",
    "DataObject",
    "Node",
    "Device",
    "SystemSoftware",
    "CommunicationNetwork",
    "Constraint",
    "Requirement",
    "Principle",
    "Assessment",
    "BusinessEvent",
)

_ROWS = {  # source: one cell per target, in the order of TYPES
    "ApplicationComponent": "cfgorstv cfgortv fotv fotv fortv fortv ao ao fotv fotv fotv fotv nor nor nor no fortv",
    "ApplicationInterface": "fotv cfgostv fotv fotv fotv fortv ao ao fotv fotv fotv fotv nor nor nor no fotv",
    "BusinessActor": "fotv fotv cfgostv fiotv fiotv fiortv ao ao fotv fotv fotv fotv nor nor nor no fiotv",
    "BusinessRole": "fotv fotv fotv cfgostv fiotv fiortv ao ao fotv fotv fotv fotv nor nor nor no fiotv",
    "BusinessProcess": "fotv fotv fotv fotv cfgostv fortv ao ao fotv fotv fotv fotv nor nor nor no fotv",
    "BusinessService": "fotv fotv fotv fotv fotv cfgostv ao ao fotv fotv fotv fotv nor nor nor no fotv",
    "BusinessObject": "o o o o o o cgos o o o o o nor nor nor no o",
    "DataObject": "o o o o o o or cgos o o o o nor nor nor no o",
    "Node": "fortv fortv fiotv fiotv fiortv fiortv ao ao cfgiostv cfgiortv cfgiortv fotv nor nor nor no fiortv",
    "Device": "fortv fortv fotv fotv fortv fortv ao ao fotv cfgostv cfgiortv fotv nor nor nor no fortv",
    "SystemSoftware": "fortv fortv fotv fotv fortv fortv ao ao fotv fotv cfgiorstv fotv nor nor nor no fortv",
    "CommunicationNetwork": (
        "fortv fortv fortv fortv fortv fortv ao ao fortv fgortv fgiortv cfgostv nor nor nor no fortv"
    ),
    "Constraint": "o o o o o o o o o o o o cgnos cgnos nor no o",
    "Requirement": "o o o o o o o o o o o o cgnos cgnos nor no o",
    "Principle": "o o o o o o o o o o o o no no cgnos no o",
    "Assessment": "o o o o o o o o o o o o no no no cgnos o",
    "BusinessEvent": "fotv fotv fotv fotv fotv fotv ao ao fotv fotv fotv fotv nor nor nor no cfgostv",
}

TABLE: dict[tuple[str, str], str] = {
    (source, target): cell for source, row in _ROWS.items() for target, cell in zip(TYPES, row.split(), strict=True)
}


def allowed(source: str, relationship: str, target: str) -> bool:
    """Whether ArchiMate 3.2 allows ``relationship`` from a ``source`` element to a ``target`` element."""
    return LETTERS.get(relationship, "?") in TABLE.get((source, target), "")
