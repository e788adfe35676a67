"""The recogniser's vocabulary, read once from patterns.toml beside this module.

What it does: loads the word lists (total words, part markers, rate words, units) that the
recognisers match, so that adding a word is a data change reviewed in one file.
What it must not do: hold regular expressions from the data file: every pattern built from these
words is a plain alternation of literals, which the regex engine matches in linear time.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Patterns", "patterns"]


@dataclass(frozen=True, slots=True)
class Patterns:
    """The lists of patterns.toml, as tuples."""

    max_chars: int
    max_expression_chars: int
    max_note_chars: int
    max_items: int
    max_sentence_chars: int
    max_parts_chars: int
    money_units: tuple[str, ...]
    counted_units: tuple[str, ...]
    total_words: tuple[str, ...]
    part_markers: tuple[str, ...]
    nested_markers: tuple[str, ...]
    part_separators: tuple[str, ...]
    nested_separators: tuple[str, ...]
    rate_words: tuple[str, ...]
    monthly_words: tuple[str, ...]
    annual_words: tuple[str, ...]
    approximate_words: tuple[str, ...]
    table_total_words: tuple[str, ...]
    amount_headers: tuple[str, ...]
    not_amount_headers: tuple[str, ...]

    def alternation(self, words: tuple[str, ...]) -> str:
        """A regex alternation of literal words, longest first (万元 before 万)."""
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def patterns() -> Patterns:
    """The vocabulary shipped with the package.

    >>> patterns().money_units[:2]
    ('亿元', '万元')
    """
    raw = tomllib.loads(resources.files("cesuan.scan").joinpath("patterns.toml").read_text("utf-8"))
    t, u, tot, r = raw["text"], raw["units"], raw["totals"], raw["rates"]
    return Patterns(
        max_chars=int(t["max_chars"]),
        max_expression_chars=int(t["max_expression_chars"]),
        max_note_chars=int(t["max_note_chars"]),
        max_items=int(t["max_items"]),
        max_sentence_chars=int(t["max_sentence_chars"]),
        max_parts_chars=int(t["max_parts_chars"]),
        money_units=tuple(u["money"]),
        counted_units=tuple(u["counted"]),
        total_words=tuple(tot["words"]),
        part_markers=tuple(tot["markers"]),
        nested_markers=tuple(tot["nested_markers"]),
        part_separators=tuple(tot["part_separators"]),
        nested_separators=tuple(tot["nested_separators"]),
        rate_words=tuple(r["words"]),
        monthly_words=tuple(r["monthly"]),
        annual_words=tuple(r["annual"]),
        approximate_words=tuple(r["approximate"]),
        table_total_words=tuple(raw["tables"]["total_words"]),
        amount_headers=tuple(raw["tables"]["amount_headers"]),
        not_amount_headers=tuple(raw["tables"]["not_amount_headers"]),
    )
