"""The documented limits that keep any case, however hostile, cheap to reject or evaluate.

What it does: one place for every bound (docs/security.md lists them with their tests).
What it must not do: hold state. Each limit is checked before the work it protects.
"""

from __future__ import annotations

__all__ = [
    "MAX_CASE_BYTES",
    "MAX_DIR_DEPTH",
    "MAX_DIR_ENTRIES",
    "MAX_FORMULA_CHARS",
    "MAX_FORMULA_DEPTH",
    "MAX_FORMULA_NODES",
    "MAX_INPUTS_PER_LINE",
    "MAX_LINES",
    "MAX_LITERAL_DIGITS",
    "MAX_QUANTITY_CHARS",
    "MAX_REFERENCE_CHAIN",
    "MAX_REPORTED_ERRORS",
    "MAX_SOURCE_BYTES",
    "MAX_STRING_CHARS",
    "MAX_VALUE_DIGITS",
    "MAX_YAML_DEPTH",
]

MAX_CASE_BYTES = 2_000_000  # a case file (YAML or JSON) on disk
MAX_SOURCE_BYTES = 5_000_000  # the source document quotes are checked against
MAX_STRING_CHARS = 10_000  # any one string in a case (labels, quotes, notes)
MAX_YAML_DEPTH = 20  # nesting of mappings/lists in a case file
MAX_LINES = 100_000  # lines in one case
MAX_INPUTS_PER_LINE = 100
MAX_QUANTITY_CHARS = 200  # "8369.34 平方米"
MAX_FORMULA_CHARS = 2_000
MAX_FORMULA_DEPTH = 40  # nested parentheses / operators
MAX_FORMULA_NODES = 500  # numbers, names, operators and calls in one formula
MAX_LITERAL_DIGITS = 30  # digits in one written number
# Digits (before and after the point, and of a fraction's denominator) of any line's value.
# With the node and literal limits this bounds every intermediate result too: at most 500 nodes
# of at most 30 digits cannot produce a number longer than a few thousand digits inside one
# formula, and each line's result is checked against this before another line can use it.
MAX_VALUE_DIGITS = 60
MAX_REFERENCE_CHAIN = 1_000  # longest chain of lines referring to lines
MAX_REPORTED_ERRORS = 100  # problems kept and printed per load; the rest are counted
MAX_DIR_DEPTH = 32  # folders below a directory given to `cesuan audit DIR`
MAX_DIR_ENTRIES = 100_000  # entries looked at while walking one directory argument
