"""How the 测算依据 text cites a standard from the library, the way forms do.

What it does: for a standard used by a line and the version in force, writes the clause
`按《文件标题》（文号）规定的…标准` — or, where the standard is not a titled document (an issuing
body's 核定标准), `按区委安委办核定标准` — and joins the clauses of a line's standards into the
lead of its 测算依据 text.
What it must not do: compute or round a number, choose a version (cesuan.standards does, by the
case's year), or invent a 文号 or title the standard file does not give.
"""

from __future__ import annotations

from collections.abc import Mapping

from cesuan.standards import Standard, Version

__all__ = ["according_to", "lead"]


def according_to(std: Standard, version: Version, *more: Standard) -> str:
    """The clause that cites one standard, or several (`more`) set by the same document.

    >>> from cesuan.standards import standard
    >>> s = standard("jianghan.new_drain_maintenance")
    >>> according_to(s, s.in_force(2023))
    '按《江汉区新增排水设施疏捞维护经费评审结论》（江财评[2021]019号）规定的新增排水设施疏捞维护经费标准'
    >>> s = standard("jianghan.safety_service")
    >>> according_to(s, s.in_force(2023))
    '按区委安委办核定标准'
    """
    cited = version.citation()
    if "《" not in version.document:
        # Not a titled document but a body's own ruling (区委安委办核定标准): forms write
        # 按…核定标准, and 规定的…标准 after it would say 标准 twice.
        return f"按{cited}"
    if more:  # several standards of one document: forms write 按《…》规定的标准
        return f"按{cited}规定的标准"
    what = std.title if std.title.endswith("标准") else std.title + "标准"
    return f"按{cited}规定的{what}"


def lead(used: Mapping[str, tuple[Standard, Version]]) -> str:
    """The clauses of every standard a line uses, one per document (in input order), ending
    in '，'; '' for none."""
    by_document: dict[str, list[tuple[Standard, Version]]] = {}
    for s, v in used.values():
        group = by_document.setdefault(v.citation(), [])
        if s not in (t for t, _ in group):
            group.append((s, v))
    clauses = [according_to(g[0][0], g[0][1], *(s for s, _ in g[1:])) for g in by_document.values()]
    return "，".join(clauses) + "，" if clauses else ""
