"""The ArchiMate Model Exchange File Format (MEFF 3.1): what SPBE concepts are in ArchiMate, and back.

:mod:`.table` is ArchiMate 3.2's relationship table for the concepts arsitek exchanges; :mod:`.mapping`
says which ArchiMate element an SPBE class is and which relationship an SPBE property is;
:mod:`.reading` reads an exchange file safely (no DTD, no entities, no network);
:mod:`.importer` turns it into Turtle. The export is :mod:`arsitek.generators.archimate`.
"""
