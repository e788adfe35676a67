"""The shared rules (`use: rent.by_area`): data only, one YAML file per rule (docs/formulas.md).

This folder sits at the top of the repository so that people find it; the wheel ships it as the
package `cesuan.formulas` (pyproject.toml maps it), where cesuan.rules reads it through
importlib.resources. It must hold no code.
"""
