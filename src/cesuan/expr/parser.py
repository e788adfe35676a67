"""The formula grammar, read by our own recursive-descent parser.

    formula := sum
    sum     := product (('+' | '-') product)*
    product := unary (('*' | '/') unary)*
    unary   := '-' unary | '+' unary | atom
    atom    := NUMBER [UNIT] | NAME | FUNC '(' args ')' | '(' sum ')'

NUMBER is decimal text with an optional 万/亿 multiplier or %, UNIT is the unit grammar of
cesuan.units (`12 月`, `50 元/(平方米·月)`, `10万 条`). `× ÷ − （ ）` and full-width digits read
as their ASCII forms (cesuan.charset).

What it does: text → tree (cesuan.expr.ast), with every limit of cesuan.limits checked as it
goes and errors that point at the column.
What it must not do: evaluate anything, call eval/compile/sympify, or resolve names: identifiers
are only data here. Attribute access, subscripts, strings, comparisons, powers and calls of
anything outside the function whitelist are refused with a reason.
"""

from __future__ import annotations

from cesuan.charset import is_digit, is_name_char, normalise
from cesuan.errors import CesuanError, ErrorKind
from cesuan.expr.ast import FUNCTIONS, BinOp, Call, Name, Neg, Node, Number
from cesuan.limits import MAX_FORMULA_CHARS, MAX_FORMULA_DEPTH, MAX_FORMULA_NODES
from cesuan.quantity import scan_number
from cesuan.units import Unit, lookup_name, parse_unit_at

__all__ = ["parse_formula"]

_FORBIDDEN = {
    "[": "不支持下标 '[ ]'",
    "]": "不支持下标 '[ ]'",
    "{": "不支持 '{ }'",
    "}": "不支持 '{ }'",
    "'": "不支持字符串",
    '"': "不支持字符串",
    "“": "不支持字符串或引号",
    "”": "不支持字符串或引号",
    "<": "不支持比较运算",
    ">": "不支持比较运算",
    "=": "公式中不能有 '='（只写等号右边的算式）",
    "!": "不支持比较或逻辑运算",
    "^": "不支持乘方",
    "@": "不支持 '@'",
    "\\": "不支持 '\\'",
    ":": "不支持 ':'（不是 Python 代码）",
    ";": "不支持 ';'",
    "`": "不支持 '`'",
    "$": "不支持 '$'",
    "&": "不支持逻辑运算",
    "|": "不支持逻辑运算",
    "~": "不支持 '~'",
    "#": "不支持注释 '#'",
    "?": "不支持 '?'",
}


class _Parser:
    def __init__(self, original: str) -> None:
        self.original = original
        self.check_length()  # before normalise: every limit is checked before the work it guards
        self.s = normalise(original, what="公式")
        self.i = 0
        self.depth = 0
        self.nodes = 0

    # --- helpers -------------------------------------------------------------------------
    def error(
        self, kind: ErrorKind, msg: str, col: int | None = None, hint: str | None = None
    ) -> CesuanError:
        return CesuanError(
            kind, msg, text=self.original, column=self.i if col is None else col, hint=hint
        )

    def peek(self) -> str:
        while self.i < len(self.s) and self.s[self.i] == " ":
            self.i += 1
        return self.s[self.i] if self.i < len(self.s) else ""

    def count(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_FORMULA_NODES:
            raise self.error(
                ErrorKind.SIZE_LIMIT,
                f"公式的项数超过上限 {MAX_FORMULA_NODES}",
                hint="把公式拆成几行明细，用明细 id 相互引用",
            )

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_FORMULA_DEPTH:
            raise self.error(
                ErrorKind.NESTING, f"公式嵌套超过 {MAX_FORMULA_DEPTH} 层", hint="把公式拆成几行明细"
            )

    def unexpected(self) -> CesuanError:
        c = self.peek()
        if not c:
            return self.error(ErrorKind.FORMULA_SYNTAX, "公式不完整，结尾处缺少内容")
        if c in _FORBIDDEN:
            return self.error(ErrorKind.FORBIDDEN_CONSTRUCT, _FORBIDDEN[c])
        if c == "，":
            return self.error(
                ErrorKind.FORMULA_SYNTAX,
                "公式中不能用全角逗号 '，'",
                hint="函数参数之间用半角逗号 ','；数字中不要写分隔符",
            )
        if c == ",":
            return self.error(
                ErrorKind.FORMULA_SYNTAX,
                "此处不应出现 ','",
                hint="逗号只用于分隔函数参数；公式中的数字不要写千位分隔符",
            )
        if c == "%":
            return self.error(
                ErrorKind.FORMULA_SYNTAX, "百分号只能紧跟在数字后", hint="例如 base * 98%"
            )
        return self.error(ErrorKind.FORMULA_SYNTAX, f"此处不应出现 '{c}'")

    # --- grammar -------------------------------------------------------------------------
    def check_length(self) -> None:
        if len(self.original) > MAX_FORMULA_CHARS:
            raise CesuanError(
                ErrorKind.SIZE_LIMIT,
                f"公式长度超过上限 {MAX_FORMULA_CHARS} 个字符",
                text=self.original[:60] + "…",
                column=0,
            )

    def parse(self) -> Node:
        if not self.peek():
            raise self.error(ErrorKind.FORMULA_SYNTAX, "公式为空")
        node = self.sum()
        if self.peek():
            if self.peek() == ")":
                raise self.error(ErrorKind.FORMULA_SYNTAX, "多余的右括号 ')'")
            raise self.unexpected()
        return node

    def sum(self) -> Node:
        self.enter()
        left = self.product()
        while (c := self.peek()) in ("+", "-") and c:
            pos = self.i
            self.i += 1
            right = self.product()
            self.count()
            left = BinOp(c, left, right, pos)
        self.depth -= 1
        return left

    def product(self) -> Node:
        left = self.unary()
        while (c := self.peek()) in ("*", "/") and c:
            pos = self.i
            self.i += 1
            if self.i < len(self.s) and self.s[self.i] == "*" and c == "*":
                raise self.error(
                    ErrorKind.FORBIDDEN_CONSTRUCT,
                    "不支持乘方 '**'",
                    hint="乘方会让数字失控；需要时写成连乘",
                )
            if self.peek() in ("*", "/"):
                raise self.error(ErrorKind.FORMULA_SYNTAX, "运算符重复")
            right = self.unary()
            self.count()
            left = BinOp(c, left, right, pos)
        return left

    def unary(self) -> Node:
        c = self.peek()
        if c in ("-", "+") and c:
            pos = self.i
            self.i += 1
            self.enter()
            operand = self.unary()
            self.depth -= 1
            if c == "+":
                return operand
            self.count()
            return Neg(operand, pos)
        return self.atom()

    def atom(self) -> Node:
        c = self.peek()
        start = self.i
        if c == "(":
            self.i += 1
            inner = self.sum()
            if self.peek() in _FORBIDDEN:
                raise self.unexpected()  # "(a[0])" is a subscript, as "a[0]" is, not a missing ')'
            if self.peek() != ")":
                raise self.error(
                    ErrorKind.FORMULA_SYNTAX,
                    "缺少右括号 ')'",
                    hint=f"左括号在第 {start + 1} 个字符",
                )
            self.i += 1
            return inner
        if is_digit(c) or c == ".":
            return self.number()
        if is_name_char(c) or c == "_":
            return self.name_or_call()
        raise self.unexpected()

    def number(self) -> Node:
        start = self.i
        value, end = scan_number(self.s, self.i, grouping=False)
        text = self.s[start:end]
        self.i = end
        unit = None
        save = self.i
        c = self.peek()
        if c and (is_name_char(c) or c in "(㎡"):
            if c == "(" and not self._unit_follows():
                self.i = save
            else:
                try:
                    unit, self.i = parse_unit_at(self.s, self.i, in_formula=True)
                except CesuanError as e:
                    e.text = self.original
                    if e.kind is ErrorKind.UNKNOWN_UNIT:
                        name_end = self._name_end(self.i)
                        word = self.s[self.i : name_end]
                        e.hint = (e.hint or "") + (
                            f"；若 '{word}' 是变量，数字与变量之间要写运算符，如 {text} * {word}"
                        )
                    raise
        else:
            self.i = save
        if text.endswith("%") and unit is not None:
            raise self.error(ErrorKind.FORMULA_SYNTAX, "百分数后不能再跟单位", col=start)
        self.count()
        return Number(value, text, unit, start)

    def _unit_follows(self) -> bool:
        j = self.i + 1
        while j < len(self.s) and self.s[j] == " ":
            j += 1
        end = self._name_end(j)
        return end > j and lookup_name(self.s[j:end]) is not None

    def _name_end(self, j: int) -> int:
        while j < len(self.s) and (is_name_char(self.s[j]) or self.s[j] in "㎡"):
            j += 1
        return j

    def name_or_call(self) -> Node:
        start = self.i
        j = self.i
        s = self.s
        while j < len(s) and (is_name_char(s[j]) or is_digit(s[j]) or s[j] in "_."):
            j += 1
        ident = s[start:j]
        self.i = j
        for seg in ident.split("."):
            if not seg:
                raise self.error(
                    ErrorKind.FORMULA_SYNTAX,
                    f"名称 '{ident}' 中有空的段",
                    col=start,
                    hint="id 写作 hall.rent 这样的点分形式",
                )
            if seg.startswith("_"):
                raise self.error(
                    ErrorKind.FORBIDDEN_CONSTRUCT,
                    f"名称 '{ident}' 不能以下划线开头",
                    col=start,
                    hint="名称只能引用本案的输入和明细",
                )
            # A later segment may start with a digit (a budget subject code: kemu.2080101,
            # the rule of line ids in cesuan.model); the first never does, or 2022年 would be
            # a name: name_or_call is only entered on a letter.
        if self.peek() == "(":
            return self.call(ident, start)
        if lookup_name(ident) is not None:
            raise self.error(
                ErrorKind.FORMULA_SYNTAX,
                f"'{ident}' 是单位，前面需要数字",
                col=start,
                hint=f"写作 1 {ident}；变量名不要与单位同名",
            )
        self.count()
        return Name(ident, start)

    def call(self, func: str, start: int) -> Node:
        if func not in FUNCTIONS:
            raise self.error(
                ErrorKind.UNKNOWN_FUNCTION,
                f"不支持的函数 '{func}'",
                col=start,
                hint="可用函数：" + "、".join(sorted(FUNCTIONS)),
            )
        self.i += 1  # '('
        self.enter()
        args: list[Node] = []
        places: int | None = None
        unit = None
        while True:
            if self.peek() == ")" and not args:
                break
            if func in ("round", "ceil", "floor") and args:
                # Extra arguments: round's decimal places, then a unit for all three.
                if func == "round" and places is None:
                    places = self.places()
                elif unit is None:
                    unit = self.unit_arg()
                else:
                    self.peek()  # the error points at the extra argument, not the space before it
                    raise self.error(
                        ErrorKind.FORMULA_SYNTAX,
                        f"函数 {func} 的参数过多",
                        hint="round(x, 小数位数[, 单位])；ceil/floor(x[, 单位])",
                    )
            else:
                args.append(self.sum())
            c = self.peek()
            if c == ",":
                self.i += 1
                continue
            if c == ")":
                break
            raise self.unexpected()
        self.i += 1
        self.depth -= 1
        if not args:
            raise self.error(ErrorKind.FORMULA_SYNTAX, f"函数 {func} 至少需要一个参数", col=start)
        if func == "round" and places is None:
            raise self.error(
                ErrorKind.FORMULA_SYNTAX,
                "round 需要小数位数：round(x, 2)",
                col=start,
                hint="如 round(x, 2, 万元) 表示按万元保留两位小数",
            )
        self.count()
        return Call(func, tuple(args), places, unit, start)

    def places(self) -> int:
        self.peek()
        start = self.i
        while self.i < len(self.s) and is_digit(self.s[self.i]):
            self.i += 1
        text = self.s[start : self.i]
        if not text or len(text) > 2 or int(text) > 20:
            raise self.error(ErrorKind.FORMULA_SYNTAX, "小数位数应为 0 到 20 的整数", col=start)
        return int(text)

    def unit_arg(self) -> Unit:
        self.peek()
        try:
            u, self.i = parse_unit_at(self.s, self.i, in_formula=False)
        except CesuanError as e:
            e.text = self.original
            raise
        return u


def parse_formula(text: str) -> Node:
    """Parse formula text into a tree (cesuan.expr.ast), checking every limit.

    Raises CesuanError with the column of the problem.

    >>> parse_formula("area × rate × 12 月")  # doctest: +ELLIPSIS
    BinOp(op='*', left=BinOp(op='*', left=Name(id='area', ...), right=Name(id='rate', ...)...
    >>> parse_formula("__import__('os')")
    Traceback (most recent call last):
    ...
    cesuan.errors.CesuanError: 名称 '__import__' 不能以下划线开头
      __import__('os')
      ^
    提示：名称只能引用本案的输入和明细
    """
    if not isinstance(text, str):
        raise CesuanError(ErrorKind.FORMULA_SYNTAX, f"公式应为文本，却是 {type(text).__name__}")
    return _Parser(text).parse()
