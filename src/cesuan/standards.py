"""Named standards (支出标准/定额) as data with dates: which version is in force in a budget year.

What it does: loads the standard files shipped inside the package (standards/<area>/<name>.yaml,
id "<area>.<name>"), each a title, issuing body, region, unit and a list of versions (value,
document title, 文号, effective from/to, the sentence that states it); checks them (values parse
as quantities in the declared unit's dimension, versions do not overlap) and picks the version
in force on a date or for a budget year, refusing a year no version covers.
What it must not do: evaluate cases, guess an effective date the document does not give (an
open end means "not stated", and is shown as such), or read anything but the shipped files,
which go through the same safe YAML reader as case files.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from importlib import resources

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)

from cesuan.errors import CesuanError, ErrorKind, suggest
from cesuan.quantity import Quantity, parse_quantity
from cesuan.rules import walk_shipped
from cesuan.units import parse_unit
from cesuan.yamlsafe import decode, read_yaml

__all__ = ["Standard", "Version", "load_standards", "standard"]


def _day(d: dt.date | int) -> str:
    return f"{d}年" if isinstance(d, int) else f"{d:%Y年%-m月%-d日}"


def _iso(d: dt.date | int | None) -> str | None:
    return None if d is None else str(d) if isinstance(d, int) else d.isoformat()


class Version(BaseModel):
    """One version of a standard: its value and the document that sets it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: str = Field(description="数值和单位，如 1.5 万元/年")
    document: str = Field(
        description="引用时的文件名称，书名号照写，如 《…实施方案》 或 区委安委办核定标准"
    )
    number: str | None = Field(None, description="文号，如 江房局发〔2021〕7号")
    # A date, or a bare year where the document gives only the year ("2022年起…纳入预算"): the
    # year is kept as a year, so that no day the document does not state is shown or traced.
    from_: dt.date | int | None = Field(
        None, alias="from", description="生效日期（或只写年份）；文件未写则不填"
    )
    to: dt.date | int | None = Field(
        None, description="失效日期（含当日；或只写年份）；仍有效则不填"
    )
    quote: str | None = Field(None, description="标准出处的原文")
    note: str | None = None

    @field_validator("from_", "to", mode="before")
    @classmethod
    def _year_only(cls, v: object) -> object:
        return int(v) if isinstance(v, str) and len(v) == 4 and v.isdigit() else v

    @field_serializer("from_", "to", when_used="json")
    def _as_text(self, d: dt.date | int | None) -> str | None:
        # One type in JSON: a bare year is text ("2022") as a date is ("2017-01-01"), never 2022.
        return _iso(d)

    @property
    def quantity(self) -> Quantity:
        return parse_quantity(self.value)

    @property
    def start(self) -> dt.date | None:
        """The first day in force (1 January of a bare year)."""
        return dt.date(self.from_, 1, 1) if isinstance(self.from_, int) else self.from_

    @property
    def end(self) -> dt.date | None:
        """The last day in force (31 December of a bare year)."""
        return dt.date(self.to, 12, 31) if isinstance(self.to, int) else self.to

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def covers_year(self, year: int) -> bool:
        """In force for the whole budget year (1 January to 31 December)."""
        return self.covers(dt.date(year, 1, 1)) and self.covers(dt.date(year, 12, 31))

    def overlaps_year(self, year: int) -> bool:
        """In force on at least one day of the budget year."""
        return (self.start is None or self.start <= dt.date(year, 12, 31)) and (
            self.end is None or dt.date(year, 1, 1) <= self.end
        )

    def period_text(self) -> str:
        start = f"{_day(self.from_)}起" if self.from_ else "生效日期未注明"
        end = f"至{_day(self.to)}" if self.to else ""
        return start + end

    def citation(self) -> str:
        """The way forms cite it: 《文件》（文号）, or the document alone without a 文号."""
        return f"{self.document}（{self.number}）" if self.number else self.document


class Standard(BaseModel):
    """A named standard and its versions over time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str
    issuer: str | None = None  # None: the source does not name the issuing body
    region: str
    unit: str
    versions: tuple[Version, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _versions_fit(self) -> Standard:
        dims = parse_unit(self.unit).dims
        for v in self.versions:
            if v.quantity.unit.dims != dims:
                raise ValueError(f"版本数值 {v.value} 与标准单位 {self.unit} 量纲不同")
            if v.start and v.end and v.end < v.start:
                raise ValueError(f"版本 {v.value} 的失效日期早于生效日期")
        ordered = sorted(self.versions, key=lambda v: v.start or dt.date.min)
        for a, b in itertools.pairwise(ordered):
            if a.end is None or (b.start is not None and b.start <= a.end):
                raise ValueError(f"版本 {a.value} 与 {b.value} 的有效期重叠")
        return self

    def trace(self, version: Version) -> dict[str, str | None]:
        """What the provenance records of a version used: the standard, the version's value,
        document, 文号 and period (dates as ISO text, None where the document gives none)."""
        return {
            "id": self.id,
            "title": self.title,
            "issuer": self.issuer,
            "region": self.region,
            "value": version.value,
            "document": version.document,
            "number": version.number,
            "from": _iso(version.from_),
            "to": _iso(version.to),
        }

    def versions_text(self) -> str:
        """Every version with its period, for hints: 1.5 万元/年（2022年起）；…"""
        return "；".join(f"{v.value}（{v.period_text()}）" for v in self.versions)

    def for_year(self, year: int | None) -> Version:
        """The version in force in a case's budget year; a case without a year cannot say which
        version holds (STANDARD_NOT_IN_FORCE, with the versions as hint)."""
        if year is None:
            raise CesuanError(
                ErrorKind.STANDARD_NOT_IN_FORCE,
                f"本案没有写预算年度（year），不能确定标准 {self.id} 哪个版本有效",
                text=self.id,
                hint=f"在案例开头写 year，如 year: 2023；{self.id} 的版本：{self.versions_text()}",
            )
        return self.in_force(year)

    def in_force(self, year: int) -> Version:
        """The version in force for the whole budget `year`.

        Raises:
            CesuanError(STANDARD_NOT_IN_FORCE): no version, or more than one, covers the year.

        >>> s = standard("jianghan.safety_service")
        >>> s.in_force(2023).value
        '1.5 万元/年'
        >>> s.in_force(2021)
        Traceback (most recent call last):
        ...
        cesuan.errors.CesuanError: 标准 jianghan.safety_service 在 2021 年度没有有效版本
          jianghan.safety_service
        提示：已知版本：1.5 万元/年（2022年起）
        """
        for v in self.versions:
            if v.covers_year(year):
                return v
        touching = [v for v in self.versions if v.overlaps_year(year)]
        known = self.versions_text()
        raise CesuanError(
            ErrorKind.STANDARD_NOT_IN_FORCE,
            f"标准 {self.id} 在 {year} 年度中途调整，不能按整年取值"
            if touching
            else f"标准 {self.id} 在 {year} 年度没有有效版本",
            text=self.id,
            hint=f"已知版本：{known}",
        )


def parse_standard(standard_id: str, text: str, where: str) -> Standard:
    """Standard file text → a checked Standard."""
    data, _ = read_yaml(text, file=where)
    if not isinstance(data, dict):
        raise CesuanError(ErrorKind.SCHEMA, "标准文件应是一个映射", file=where)
    try:
        return Standard.model_validate({"id": standard_id, **data})
    except ValidationError as e:
        first = e.errors()[0]
        raise CesuanError(
            ErrorKind.SCHEMA,
            f"标准格式错误：{'.'.join(str(p) for p in first['loc'])}：{first['msg']}",
            file=where,
        ) from None
    except CesuanError as e:
        raise e.located(file=where) from None


@functools.cache
def load_standards() -> dict[str, Standard]:
    """Every shipped standard by id, loaded once per process (they are immutable)."""
    root = resources.files("cesuan").joinpath("standards")
    out = {}
    for sid, entry in walk_shipped(root):
        where = f"standards/{sid.replace('.', '/')}.yaml"
        out[sid] = parse_standard(sid, decode(entry.read_bytes(), file=where), where)
    return out


def standard(standard_id: str) -> Standard:
    """The standard with this id; an unknown id suggests the nearest."""
    known = load_standards()
    if standard_id in known:
        return known[standard_id]
    near = suggest(standard_id, known)
    raise CesuanError(
        ErrorKind.UNKNOWN_STANDARD,
        f"未知标准 '{standard_id}'",
        text=standard_id,
        hint=f"是否为 '{near}'？" if near else "已有标准：" + "、".join(sorted(known)),
    )
