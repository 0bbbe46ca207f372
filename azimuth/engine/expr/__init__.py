"""Milvus filter expressions: parse once into a typed AST, evaluate column-wise over Arrow tables.

Public entry points: :func:`compile_filter` → :class:`CompiledFilter` (``evaluate``, ``pk_values``,
``referenced_fields``), the schema view :class:`FilterSchema` / :class:`FilterField`, and the plain-Python twin
:func:`evaluate_reference` used by differential tests.
"""

from __future__ import annotations

from azimuth.engine.expr.compile import CompiledFilter, compile_filter
from azimuth.engine.expr.reference import evaluate_reference
from azimuth.engine.expr.schema import FilterField, FilterSchema

__all__ = ["CompiledFilter", "FilterField", "FilterSchema", "compile_filter", "evaluate_reference"]
