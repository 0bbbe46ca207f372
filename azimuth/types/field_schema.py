"""pymilvus-compatible field types: ``FieldSchema`` (one column) and ``StructFieldSchema`` (the element schema of
an ARRAY<STRUCT> field).

Constructors, attributes, ``to_dict()``/``construct_from_dict()`` and the client-side kwarg checks (which exception
class each mistake raises) follow pymilvus 3.0.2. One difference on purpose: ``dim``/``max_length``/``max_capacity``
given as numeric strings (or numpy ints) are stored as ``int``. Unknown attributes read the type param of that
name, or None (``field.dim``, ``field.max_length``). Default values are :class:`ValueField` objects.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import numpy as np

from azimuth.errors import (
    AutoIDException,
    ClusteringKeyException,
    DataTypeNotSupportException,
    ParamError,
    PartitionKeyException,
    PrimaryKeyException,
)
from azimuth.types import schema_io
from azimuth.types.enums import DataType
from azimuth.types.value_field import ValueField, infer_default_value

COMMON_TYPE_PARAMS: tuple[str, ...] = (
    "dim",
    "max_length",
    "max_capacity",
    "enable_match",
    "enable_analyzer",
    "analyzer_params",
    "multi_analyzer_params",
)
INT_TYPE_PARAMS = frozenset({"dim", "max_length", "max_capacity"})
_TYPES_WITH_PARAMS = frozenset(
    {
        DataType.BINARY_VECTOR,
        DataType.FLOAT_VECTOR,
        DataType.FLOAT16_VECTOR,
        DataType.BFLOAT16_VECTOR,
        DataType.VARCHAR,
        DataType.TEXT,
        DataType.ARRAY,
        DataType.SPARSE_FLOAT_VECTOR,
        DataType.INT8_VECTOR,
        DataType._ARRAY_OF_VECTOR,
    }
)


def _as_int(value: Any) -> Any:
    """Ints and numeric strings become ``int``; anything else is kept for the server to reject."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return value
    return value


def _as_data_type(value: Any) -> Any:
    if value is None or isinstance(value, DataType):
        return value
    try:
        return DataType(value)
    except (ValueError, TypeError):
        return value


class FieldSchema:
    """One column of a collection: ``FieldSchema(name, dtype, description="", **kwargs)``."""

    def __init__(self, name: str, dtype: DataType | int, description: str = "", **kwargs: Any) -> None:
        self.name = name
        try:
            dtype = DataType(dtype)
        except (ValueError, TypeError):
            raise DataTypeNotSupportException(message="Field dtype must be of DataType") from None
        if dtype == DataType.UNKNOWN:
            raise DataTypeNotSupportException(message="Field dtype must be of DataType")
        self._dtype: DataType = dtype
        self._description = description
        self._type_params: dict[str, Any] = {}
        self._kwargs: dict[str, Any] = copy.deepcopy(kwargs)
        if not isinstance(kwargs.get("is_primary", False), bool):
            raise PrimaryKeyException(message="Param is_primary must be bool type.")
        self.is_primary: bool = kwargs.get("is_primary", False)
        self.is_dynamic: bool = kwargs.get("is_dynamic", False)
        self.nullable: bool = kwargs.get("nullable", False)
        self.auto_id: bool = kwargs.get("auto_id", False)
        if "auto_id" in kwargs:
            if not isinstance(self.auto_id, bool):
                raise AutoIDException(message="Param auto_id must be bool type.")
            if self.auto_id and not self.is_primary:
                raise PrimaryKeyException(message="The auto_id can only be specified on the primary key field")
        if not isinstance(kwargs.get("is_partition_key", False), bool):
            raise PartitionKeyException(message="Param is_partition_key must be bool type.")
        if not isinstance(kwargs.get("is_clustering_key", False), bool):
            raise ClusteringKeyException(message="Param is_clustering_key must be bool type.")
        self.is_partition_key: bool = kwargs.get("is_partition_key", False)
        self.is_clustering_key: bool = kwargs.get("is_clustering_key", False)
        if "default_value" in kwargs and kwargs["default_value"] is None and not self.nullable:
            raise ParamError(
                message="Default value cannot be None for a field that is defined as nullable == false."
            )
        self.default_value: ValueField | None = infer_default_value(kwargs.get("default_value"), dtype)
        self.element_type: Any = _as_data_type(kwargs.get("element_type"))
        for hint in ("mmap_enabled", "warmup"):
            if hint in kwargs:
                self._type_params[hint] = kwargs[hint]
        for key in ("analyzer_params", "multi_analyzer_params"):
            if isinstance(self._kwargs.get(key), dict):
                self._kwargs[key] = json.dumps(self._kwargs[key], ensure_ascii=False, separators=(",", ":"))
        self._parse_type_params()
        self.is_function_output: bool = False
        self.external_field: str = kwargs.get("external_field", "")
        self._field_id: int | None = None  # assigned by the server (schema_io.stamp_field_ids)

    def _parse_type_params(self) -> None:
        if self._dtype not in _TYPES_WITH_PARAMS:
            return
        for key in COMMON_TYPE_PARAMS:
            if key not in self._kwargs:
                continue
            value = self._kwargs[key]
            if isinstance(value, str) and value.lower() in ("true", "false"):
                value = value.lower() == "true"
            elif key in INT_TYPE_PARAMS:
                value = _as_int(value)
            self._type_params[key] = value

    @property
    def description(self) -> str:
        return self._description

    @property
    def params(self) -> dict[str, Any]:
        return self._type_params

    @property
    def dtype(self) -> DataType:
        return self._dtype

    def __getattr__(self, item: str) -> Any:
        if item.startswith("__"):
            raise AttributeError(item)
        type_params = self.__dict__.get("_type_params")
        if type_params and item in type_params:
            return type_params[item]
        return None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "description": self._description, "type": self._dtype}
        if self._type_params:
            out["params"] = copy.deepcopy(self._type_params)
        if self.is_primary:
            out["is_primary"] = True
            out["auto_id"] = self.auto_id
        if self.is_partition_key:
            out["is_partition_key"] = True
        if self.default_value is not None and self.default_value.WhichOneof("data") is not None:
            out["default_value"] = self.default_value
        if self.is_dynamic:
            out["is_dynamic"] = self.is_dynamic
        if self.nullable:
            out["nullable"] = self.nullable
        if self._dtype in (DataType.ARRAY, DataType._ARRAY_OF_VECTOR) and self.element_type:
            out["element_type"] = self.element_type
        if self.is_clustering_key:
            out["is_clustering_key"] = True
        if self.is_function_output:
            out["is_function_output"] = True
        if self.external_field:
            out["external_field"] = self.external_field
        return out

    @classmethod
    def construct_from_dict(cls, raw: dict[str, Any]) -> FieldSchema:
        kwargs: dict[str, Any] = dict(raw.get("params") or {})
        kwargs["is_primary"] = raw.get("is_primary", False)
        if raw.get("auto_id") is not None:
            kwargs["auto_id"] = raw["auto_id"]
        kwargs["is_partition_key"] = raw.get("is_partition_key", False)
        kwargs["is_clustering_key"] = raw.get("is_clustering_key", False)
        if raw.get("default_value") is not None:
            kwargs["default_value"] = raw["default_value"]
        kwargs["is_dynamic"] = raw.get("is_dynamic", False)
        kwargs["nullable"] = raw.get("nullable", False)
        kwargs["element_type"] = raw.get("element_type")
        if raw.get("external_field"):
            kwargs["external_field"] = raw["external_field"]
        field = cls(raw["name"], raw["type"], raw.get("description", ""), **kwargs)
        field.is_function_output = raw.get("is_function_output", False)
        return field

    def to_storage(self) -> dict[str, Any]:
        return schema_io.field_to_storage(self)

    @classmethod
    def from_storage(cls, raw: dict[str, Any]) -> FieldSchema:
        return schema_io.field_from_storage(raw)

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> FieldSchema:
        clone = schema_io.field_from_storage(schema_io.field_to_storage(self))
        clone._kwargs = copy.deepcopy(self._kwargs, memo)
        if memo is not None:
            memo[id(self)] = clone
        return clone

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldSchema):
            return False
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return str(self.to_dict())


class StructFieldSchema:
    """The element schema of an ARRAY<STRUCT> field; add sub-fields with :meth:`add_field`."""

    def __init__(self, nullable: bool = False, description: str = "") -> None:
        if not isinstance(nullable, bool):
            raise ParamError(message="nullable must be boolean")
        if not isinstance(description, str):
            raise ParamError(message="description must be string")
        self.name = ""
        self._kwargs: dict[str, Any] = {}
        self._fields: list[FieldSchema] = []
        self._description = description
        self._type_params: dict[str, Any] = {}
        self._nullable = nullable
        self.max_capacity: int | None = None
        self._field_id: int | None = None  # assigned by the server (schema_io.stamp_field_ids)

    def add_field(self, field_name: str, datatype: DataType | int, **kwargs: Any) -> StructFieldSchema:
        if datatype in (DataType.ARRAY, DataType._ARRAY_OF_VECTOR, DataType.STRUCT):
            raise ParamError(message="Struct field schema does not support Array, ArrayOfVector or Struct")
        self._fields.append(FieldSchema(field_name, datatype, **kwargs))
        return self

    @property
    def fields(self) -> list[FieldSchema]:
        return self._fields

    @property
    def description(self) -> str:
        return self._description

    @property
    def nullable(self) -> bool:
        return self._nullable

    @property
    def params(self) -> dict[str, Any]:
        return self._type_params

    @property
    def dtype(self) -> DataType:
        return DataType.STRUCT

    def verify(self) -> None:
        """Raise ``ParamError`` when the struct cannot be created (pymilvus checks this at create time)."""
        if self.max_capacity is None:
            raise ParamError(message=f"max_capacity not set for struct field: {self.name}")
        self._check_fields()

    def _check_fields(self) -> None:
        if not self._fields:
            raise ParamError(message="Struct field must have at least one field")
        where = f"in struct '{self.name}'"
        for field in self._fields:
            prefix = f"Field '{field.name}' {where}"
            if field.is_primary:
                raise ParamError(message=f"{prefix} cannot be primary key")
            if field.is_partition_key:
                raise ParamError(message=f"{prefix} cannot be partition key")
            if field.is_clustering_key:
                raise ParamError(message=f"{prefix} cannot be clustering key")
            if field.is_dynamic:
                raise ParamError(message=f"{prefix} cannot be dynamic field")
            if field.nullable:
                raise ParamError(
                    message=f"{prefix} cannot be nullable individually, set nullable on the struct instead"
                )
            if field.auto_id:
                raise ParamError(message=f"{prefix} cannot have auto_id")
            if field.default_value is not None:
                raise ParamError(message=f"{prefix} cannot have default value")
        names = [f.name for f in self._fields]
        if len(names) != len(set(names)):
            duplicates = {n for n in names if names.count(n) > 1}
            raise ParamError(message=f"Duplicate field names in struct '{self.name}': {duplicates}")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "description": self._description,
            "fields": [f.to_dict() for f in self._fields],
        }
        if self._nullable:
            out["nullable"] = True
        if self.max_capacity is not None:
            out["max_capacity"] = self.max_capacity
        if self._type_params:
            out["params"] = copy.deepcopy(self._type_params)
        return out

    @classmethod
    def construct_from_dict(cls, raw: dict[str, Any]) -> StructFieldSchema:
        struct = cls()
        struct.name = raw.get("name", "")
        struct._description = raw.get("description", "")
        struct._nullable = raw.get("nullable", False)
        params = raw.get("params") if isinstance(raw.get("params"), dict) else {}
        if "max_capacity" in raw:
            struct.max_capacity = raw["max_capacity"]
        elif "max_capacity" in params:
            struct.max_capacity = params["max_capacity"]
        struct._type_params = {k: v for k, v in params.items() if k != "max_capacity"}
        fields: list[FieldSchema] = []
        if "struct_fields" in raw:
            for sub in raw["struct_fields"]:
                fields.append(
                    FieldSchema(sub["name"], sub["type"], sub.get("description", ""), **(sub.get("params") or {}))
                )
        else:
            for sub in raw.get("fields", []):
                fields.append(FieldSchema.construct_from_dict(sub) if isinstance(sub, dict) else sub)
        struct._fields = [copy.deepcopy(f) for f in fields]
        return struct

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StructFieldSchema):
            return False
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return str(self.to_dict())


__all__ = ["COMMON_TYPE_PARAMS", "FieldSchema", "StructFieldSchema"]
