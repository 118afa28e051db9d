"""Qt look-ups that return ``None`` when nothing is there, for tests that know something is."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidget, QTableWidgetItem


def table_item(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The item in a cell of ``table``; fails the test when the cell has none."""
    item = table.item(row, column)
    assert item is not None, f"no item at row {row}, column {column}"
    return item
