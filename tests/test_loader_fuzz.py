"""Fuzzing the file layer: random bytes, random YAML/JSON structures and random mutations of a
real case may be accepted or refused, but only ever with a CesuanError — never another
exception, never a half-built result."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cesuan
from cesuan import CesuanError

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


def _load(path: Path) -> None:
    try:
        cesuan.audit(cesuan.load_case(path))
    except CesuanError as e:
        str(e)  # the message itself must render


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
    _load(p)
