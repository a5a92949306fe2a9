"""Spreadsheets in and out: the mapping of sheets and columns to the vocabulary, and the workbook importer.

The export (:mod:`arsitek.generators.workbook`) and the import (:mod:`arsitek.spreadsheet.importer`)
read the same mapping, so what one writes the other reads back.
"""
