"""Ordering: the lines of a case in dependency order, with the standard library's graphlib.

What it does: orders line ids so that every line comes after the lines it uses, keeping the
case's own order wherever the dependencies allow (so that errors and traces read in file
order); refuses a cycle, naming its chain a → b → c → a from the line that comes first in the
case, and a reference chain deeper than MAX_REFERENCE_CHAIN.
What it must not do: look at formulas or units (it gets the names each line uses).
"""

from __future__ import annotations

import graphlib
import heapq

from cesuan.errors import CesuanError, ErrorKind
from cesuan.limits import MAX_REFERENCE_CHAIN

__all__ = ["order_lines"]


def order_lines(ids: list[str], uses: dict[str, tuple[str, ...]]) -> list[str]:
    """`ids` (in case order) ordered so that each comes after the ids it `uses`.

    Raises:
        CesuanError: cycle (line_id: where the chain starts), size_limit (too deep).

    >>> order_lines(["total", "a", "b"], {"total": ("a", "b"), "a": (), "b": ()})
    ['a', 'b', 'total']
    """
    sorter = graphlib.TopologicalSorter({k: uses.get(k, ()) for k in ids})
    try:
        sorter.prepare()
    except graphlib.CycleError as e:
        raise _cycle(e.args[1], ids) from None
    position = {k: n for n, k in enumerate(ids)}
    depth: dict[str, int] = {}
    ready: list[tuple[int, str]] = []
    out: list[str] = []
    while sorter.is_active():
        for k in sorter.get_ready():
            heapq.heappush(ready, (position[k], k))
        _, k = heapq.heappop(ready)  # the earliest line in the case that may come now
        depth[k] = 1 + max((depth[d] for d in uses.get(k, ())), default=0)
        if depth[k] > MAX_REFERENCE_CHAIN:
            raise CesuanError(
                ErrorKind.SIZE_LIMIT, f"明细引用链超过 {MAX_REFERENCE_CHAIN} 层", line_id=k
            )
        out.append(k)
        sorter.done(k)
    return out


def _cycle(found: list[str], ids: list[str]) -> CesuanError:
    """graphlib's cycle (each node followed by a node it is used by), as the chain of uses
    a → b → … → a starting from the line that comes first in the case."""
    ring = list(reversed(found[:-1]))  # now each node is followed by a node it uses
    position = {k: n for n, k in enumerate(ids)}
    start = min(range(len(ring)), key=lambda n: position[ring[n]])
    chain = [*ring[start:], *ring[:start], ring[start]]
    return CesuanError(
        ErrorKind.CYCLE, "明细之间循环引用", line_id=chain[0], hint="循环：" + " → ".join(chain)
    )
