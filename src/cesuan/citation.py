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


def according_to(std: Standard, version: Version) -> str:
    """The clause that cites one standard.

    >>> from cesuan.standards import standard
    >>> s = standard("jianghan.property_party_fund")
    >>> according_to(s, s.in_force(2023))  # doctest: +NORMALIZE_WHITESPACE
    '按区委组织部 区房管局关于印发《江汉区党建引领老旧小区物业服务高质高效可持续发展实施方案》的通知（江房局发〔2021〕7号）规定的区物业行业党委工作经费标准'
    >>> s = standard("jianghan.safety_service")
    >>> according_to(s, s.in_force(2023))
    '按区委安委办核定标准'
    """
    cited = version.citation()
    if "《" not in version.document:
        # Not a titled document but a body's own ruling (区委安委办核定标准): forms write
        # 按…核定标准, and 规定的…标准 after it would say 标准 twice.
        return f"按{cited}"
    what = std.title if std.title.endswith("标准") else std.title + "标准"
    return f"按{cited}规定的{what}"


def lead(used: Mapping[str, tuple[Standard, Version]]) -> str:
    """The clauses of every standard a line uses, in input order, ending in '，'; '' for none."""
    clauses = list(dict.fromkeys(according_to(s, v) for s, v in used.values()))
    return "，".join(clauses) + "，" if clauses else ""
