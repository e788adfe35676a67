"""The sign policy: no value of a case is negative unless the case says it may be (issue 13).

What it does: checks every value a case writes — inputs, plain values, stated amounts, the
results the form writes after `=` — once the case is planned (`check_plan`), and every line's
exact result once it is evaluated (`check_results`). A line's sign comes from its own `sign:`,
else from its rule's, else `nonnegative`. Under `nonnegative` nothing may be below zero: an area,
a count, a rate or a unit price below zero is a mistake, and so is money below zero unless the
line is declared a change (`sign: any`, 增减额) or a deduction (`sign: negative`, 扣减额, whose own
value may not be above zero). An input may declare `sign:` itself; without one it may be
negative only when its line is declared `any` or `negative`. Each refusal is a located `sign`
error whose hint shows the declaration to write.
What it must not do: change a value, or check a reading the form did not write (the readings
over shown or stated parts, a written expression's own arithmetic): those are compared, not
declared.
"""

from __future__ import annotations

from collections.abc import Iterable

from cesuan.bounds import Bound
from cesuan.errors import CesuanError, ErrorKind, raise_all
from cesuan.exact import Num
from cesuan.plan import Plan, PlannedLine
from cesuan.quantity import Quantity
from cesuan.units import Unit

__all__ = ["check_plan", "check_results", "line_sign"]


def line_sign(p: PlannedLine) -> str:
    """The line's declared sign, else its rule's, else `nonnegative`."""
    if p.line.sign is not None:
        return p.line.sign
    return p.rule.sign if p.rule is not None else "nonnegative"


def _what(unit: Unit) -> str:
    return "金额" if unit.dims_text() == "元" else "物理量（面积、长度、数量、单价、比例等）"


def _refused(
    plan: Plan, p: PlannedLine, path: str, value: Num, unit: Unit, own: str, sign: str
) -> CesuanError:
    shown = str(Quantity(value, unit))
    if sign == "negative":
        msg = f"声明为扣减（sign: negative）的值不能为正，这里是 {shown}"
        hint = "扣减额写成负数，如 value: -44.35 万元；确可正可负时写 sign: any"
    elif own == "input":
        msg = f"{_what(unit)}不能为负，这里是 {shown}"
        name = path.split(".")[1]
        hint = (
            f"确可为负时在输入上声明：{name}: {{value: {shown}, sign: any}}；"
            "或在本行写 sign: any（增减额）或 sign: negative（扣减额）"
        )
    else:
        msg = f"{_what(unit)}不能为负，这里{'算得' if own == 'result' else '是'} {shown}"
        hint = "本行是增减额（可正可负）时写 sign: any；是扣减额时写 sign: negative"
    case = plan.case
    return CesuanError(
        ErrorKind.SIGN,
        msg,
        hint=hint,
        file=case.file,
        line=case.line_of(f"lines[{p.index}].{path}"),
        line_id=p.id,
        field=f"lines[{p.id}].{path}",
    )


def _bad(value: Num, sign: str) -> bool:
    return (value < 0) if sign == "nonnegative" else (value > 0) if sign == "negative" else False


def _written_values(p: PlannedLine) -> Iterable[tuple[str, Quantity, str]]:
    """(path, quantity, the part of the line it is) for each value the line writes."""
    for name, q in p.inputs.items():
        if name in p.line.inputs:
            yield f"inputs.{name}.value", q, "input"
    if p.given is not None:
        yield "value", p.given, "value"
    if p.stated is not None:
        yield "stated.value", p.stated, "stated"
    for j, (q, _) in enumerate(p.stated_also, 1):  # the further places of `stated` (a list)
        yield f"stated[{j}].value", q, "stated"
    for j, w in enumerate(p.written):
        yield (f"written[{j}].result" if len(p.written) > 1 else "written.result"), w.result, "w"
    # A bound's ends are written values too: -5~10 平方米 writes an area of -5 (cesuan.bounds).
    ends: list[tuple[str, Bound | None, str]] = [
        (f"inputs.{k}.value", b, "input") for k, b in p.bounds if k in p.line.inputs
    ]
    ends += [("value", p.given_bound, "value"), ("stated.value", p.stated_bound, "stated")]
    for path, b, own in ends:
        for end in (b.lo, b.hi) if b is not None else ():
            if end is not None:
                yield path, end, own


def _sign_of(p: PlannedLine, own: str, name: str, sign: str) -> str:
    if own == "input":
        declared = p.line.inputs[name].sign
        if declared is not None:
            return declared
        return "nonnegative" if sign == "nonnegative" else "any"
    if own != "value" and sign == "negative":
        return "any"  # a deduction may be stated or written either way: the audit compares it
    return sign


def check_plan(plan: Plan) -> None:
    """Refuse every written value whose sign the case does not declare; all at once."""
    errors = []
    for p in plan.lines:
        sign = line_sign(p)
        refused: set[str] = set()  # one error per field (a bound's end may be its number too)
        for path, q, own in _written_values(p):
            s = _sign_of(p, own, path.split(".")[1] if own == "input" else "", sign)
            if path not in refused and _bad(q.magnitude, s):
                refused.add(path)
                errors.append(_refused(plan, p, path, q.magnitude, q.unit, own, s))
    raise_all(errors, file=plan.case.file)


def check_results(plan: Plan, results: Iterable[tuple[PlannedLine, Num]]) -> list[CesuanError]:
    """The computed lines whose exact value has a sign they do not declare."""
    errors = []
    for p, value in results:
        if p.formula is None:
            continue  # a plain value or a stated amount: checked as written by check_plan
        sign = line_sign(p)
        if _bad(value, sign):
            where = "use" if p.line.use is not None else "formula"
            errors.append(_refused(plan, p, where, value, p.unit, "result", sign))
    return errors
