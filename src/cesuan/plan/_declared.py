"""The case's declared conversions (`conversions:`), read for planning and checked for use.

What it does: parses each declaration's two quantities, joins them with
cesuan.conversions.declare (every problem located at `conversions[i]` in the file), and, once
every line is planned, refuses a declaration no line used: an assumption that nothing rests on
is a mistake in the case (a typo in a unit, or a line that no longer needs it), and shown in an
audit it would claim something the numbers do not use.
What it must not do: change a unit, a line or the registry; evaluate.
"""

from __future__ import annotations

from collections.abc import Iterable

from cesuan.conversions import NONE, Conversions, Declared, declare
from cesuan.errors import CesuanError, ErrorKind
from cesuan.model import Case
from cesuan.plan import _cache
from cesuan.quantity import Quantity

__all__ = ["read_conversions", "unused"]


def _locate(case: Case, e: CesuanError, path: str) -> CesuanError:
    return e.located(file=case.file, line=case.line_of(path), field=path)


def read_conversions(case: Case, errors: list[CesuanError]) -> Conversions:
    """The case's declarations, checked; problems appended to `errors`, located."""
    if not case.conversions:
        return NONE
    entries, indices = [], []
    for i, c in enumerate(case.conversions):
        got: list[Quantity] = []
        for key, text in (("from", c.from_), ("to", c.to)):
            path = f"conversions[{i}].{key}"
            try:
                got.append(_cache.quantity(text))
            except CesuanError as e:
                errors.append(_locate(case, e, path))
        if len(got) == 2:
            entries.append((got[0], got[1], c.from_, c.to, c.note))
            indices.append(i)
    conv, problems = declare(entries, indices)
    for problem in problems:
        errors.append(_locate(case, problem, problem.field or "conversions"))
    return conv


def unused(case: Case, conv: Conversions, used: Iterable[Declared]) -> list[CesuanError]:
    """A located error for each declaration no line used."""
    seen = {d.index for d in used}
    return [
        _locate(
            case,
            CesuanError(
                ErrorKind.CONVERSION,
                f"换算声明 {d.text} 没有任何一行用到",
                hint="删除它，或检查用到它的行的单位（声明只在两边单位只差这一换算时才用）",
            ),
            f"conversions[{d.index}]",
        )
        for d in conv.declared
        if d.index not in seen
    ]
