"""Fuzzing the file layer: random bytes, random YAML/JSON structures and random mutations of a
real case may be accepted or refused. What must hold (issue 14: the fuzz tests used to swallow
CesuanError and assert nothing else): a refusal is a CesuanError of a known kind that names
the file and, for a problem in one field, the field; an acceptance is a complete result (every
line evaluated, every stated amount checked), and in a mutated real case every line that came
through unchanged still has its hand-worked value."""

from __future__ import annotations

import json
import random
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cesuan
from cesuan import CesuanError, CesuanErrors

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "cases" / "examples" / "hall-rent.yaml"
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "8369.34 平方米",
            "50 元/(平方米·月)",
            "12 月",
            "98%",
            "a + b",
            "hall.rent",
            ".nan",
            "1e9",
            "-.inf",
            "~",
            "yes",
            "0x1F",
            "¥",
            "元",
            "(",
            "__import__",
        ]
    ),
    st.integers(-(10**40), 10**40).map(str),
)
structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "case",
                    "title",
                    "lines",
                    "id",
                    "label",
                    "formula",
                    "inputs",
                    "stated",
                    "value",
                    "quote",
                    "unit",
                    "round",
                    "use",
                    "written",
                    "source",
                    "places",
                    "x",
                ]
            ),
            children,
            max_size=6,
        ),
    ),
    max_leaves=25,
)


# Kinds that concern one field of one line or of the case: their errors must say which field.
FIELD_KINDS = {
    "schema",
    "formula_syntax",
    "quantity_syntax",
    "unknown_name",
    "unknown_unit",
    "unknown_rule",
    "dimension_mismatch",
    "quote_not_in_source",
    "invalid_id",
    "duplicate_id",
}
KINDS = {k.value for k in cesuan.ErrorKind}

# The example case's values, worked by hand (docs/case-format.md):
#   hall.rent      8369.34 平方米 × 50 元/(平方米·月) × 12 月 = 5021604 元 = 502.1604 万元
#   hall.property  5580 × 18 × 12 = 1205280 元 = 120.528 万元
#   hall.utilities 61 + 4 + 16 = 81 万元
#   hall           502.1604 + 81 + 120.528 = 703.6884 万元
ORACLE = {
    "hall.rent": Fraction("502.1604"),
    "hall.property": Fraction("120.528"),
    "hall.power": Fraction(61),
    "hall.water": Fraction(4),
    "hall.gas": Fraction(16),
    "hall.utilities": Fraction(81),
    "hall": Fraction("703.6884"),
}
USES = {
    "hall.utilities": ("hall.power", "hall.water", "hall.gas"),
    "hall": ("hall.rent", "hall.utilities", "hall.property"),
}


def _check_error(e: CesuanError, files: set[str]) -> None:
    """A refusal must be a known kind, name the file it is about, say which field when it is
    about one, and render as a message (not a traceback)."""
    for one in e if isinstance(e, CesuanErrors) else [e]:
        assert one.kind in KINDS, one.kind
        assert one.file is not None, str(one)
        assert Path(one.file).name in files, (one.file, files)
        if one.kind in FIELD_KINDS:
            # the field, or at least the file line (a whole document of the wrong shape)
            assert one.field or one.line is not None, (one.kind, str(one))
        text = str(one)
        assert text
        assert "Traceback" not in text


def _load(path: Path, *extra: str) -> cesuan.Audit | None:
    """Load, evaluate and audit; on success the result must be complete (every line evaluated,
    every stated amount checked); on failure, a well-formed CesuanError."""
    try:
        case = cesuan.load_case(path)
        audit = cesuan.audit(case)
    except CesuanError as e:
        _check_error(e, {path.name, *extra})
        return None
    assert {r.id for r in audit.result.lines} == {ln.id for ln in case.lines}
    stated = {ln.id for ln in case.lines if ln.stated is not None}
    assert {c.line_id for c in audit.checks if c.status != "not_stated"} == stated
    return audit


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(tmp_path_factory: Any, data: bytes) -> None:
    p = tmp_path_factory.mktemp("fz") / "case.yaml"
    p.write_bytes(data)
    _load(p)


@FUZZ
@given(structures)
def test_random_yaml_structures(tmp_path_factory: Any, data: Any) -> None:
    p = tmp_path_factory.mktemp("fz") / "case.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _load(p)


@FUZZ
@given(structures)
def test_random_json_structures(tmp_path_factory: Any, data: Any) -> None:
    p = tmp_path_factory.mktemp("fz") / "case.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    _load(p)


@FUZZ
@given(st.randoms(use_true_random=False), st.text(max_size=20), st.integers(0, 5))
def test_mutations_of_a_real_case(
    tmp_path_factory: Any, rnd: random.Random, junk: str, how: int
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    lines = text.splitlines()
    i = rnd.randrange(len(lines))
    if how == 0:
        lines[i] = lines[i] + junk
    elif how == 1:
        del lines[i]
    elif how == 2:
        lines.insert(i, junk)
    elif how == 3 and ":" in lines[i]:
        key, _, _ = lines[i].partition(":")
        lines[i] = f"{key}: {junk}"
    else:
        j = rnd.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    folder = tmp_path_factory.mktemp("fz")
    (folder / "hall-rent.source.txt").write_bytes(
        (EXAMPLE.parent / "hall-rent.source.txt").read_bytes()
    )
    p = folder / "case.yaml"
    p.write_text("\n".join(lines), encoding="utf-8")
    audit = _load(p, "hall-rent.source.txt")
    if audit is None:
        return
    # Where a line and every line it uses came through the mutation unchanged, its value is
    # still the hand-worked one.
    original = {ln.id: ln for ln in cesuan.load_case(EXAMPLE).lines}
    mutated = {ln.id: ln for ln in audit.result.case.lines}

    def unchanged(line_id: str) -> bool:
        return mutated.get(line_id) == original[line_id] and all(
            map(unchanged, USES.get(line_id, ()))
        )

    for line_id, want in ORACLE.items():
        if unchanged(line_id):
            q = audit.result[line_id].quantity
            assert (Fraction(q.magnitude), q.unit.text) == (want, "万元"), line_id


def test_an_empty_key_is_located(tmp_path: Path) -> None:
    p = tmp_path / "case.yaml"
    p.write_text("case: a.b\ntitle: t\n'': 1\nlines:\n  - {id: a, label: 甲, stated: 1 元}\n")
    with pytest.raises(CesuanError) as info:
        cesuan.load_case(p)
    errors = list(info.value) if isinstance(info.value, CesuanErrors) else [info.value]
    assert all(e.line == 3 for e in errors), [(str(e), e.line) for e in errors]
    assert all(e.field == '""' for e in errors), [(str(e), e.field) for e in errors]
