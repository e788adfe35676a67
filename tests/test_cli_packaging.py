"""What the installed command needs from the package: formulas/ is a real top-level directory
(a symlink became a 19-byte text file in a zip download), every domain folder of it is listed
in pyproject.toml, and the installed package reads the rules from it. .ci/run also builds the
wheel, installs it in a fresh venv outside the tree and audits a copy of the cases."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_formulas_is_a_real_directory_listed_for_the_wheel() -> None:
    formulas = ROOT / "formulas"
    assert formulas.is_dir()
    assert not formulas.is_symlink()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert config["setuptools"]["package-dir"]["cesuan.formulas"] == "formulas"
    domains = {f"cesuan.formulas.{d.name}" for d in formulas.iterdir() if d.is_dir()}
    domains.discard("cesuan.formulas.__pycache__")
    assert domains
    assert domains <= set(config["setuptools"]["packages"])


def test_the_package_reads_the_rules_from_there() -> None:
    shipped = resources.files("cesuan.formulas")
    rules = sorted(
        p.relative_to(ROOT / "formulas").as_posix() for p in (ROOT / "formulas").rglob("*.yaml")
    )
    assert rules
    for rel in rules:
        assert shipped.joinpath(rel).read_bytes() == (ROOT / "formulas" / rel).read_bytes()


def test_every_python_package_of_src_is_listed_for_the_wheel() -> None:
    # The package list is explicit (formulas/ is mapped in from the top level), so a new
    # subpackage left out of it installs fine in editable mode and is missing from the wheel.
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    src = ROOT / "src"
    found = {".".join(init.parent.relative_to(src).parts) for init in src.rglob("__init__.py")}
    assert found
    assert found <= set(config["setuptools"]["packages"])
