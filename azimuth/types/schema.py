"""pymilvus-compatible ``CollectionSchema`` and the ``MilvusClient.create_*_schema`` helpers; re-exports the field
and function types so ``azimuth.types.schema`` offers every schema class.

Constructor, properties, ``add_field``/``add_function``/``add_struct_field``, ``verify()`` (with pymilvus's exception
class for each mistake), ``to_dict()``/``construct_from_dict()`` and equality follow pymilvus 3.0.2. One difference
on purpose: ``verify()`` also checks struct fields, which pymilvus does later (still before any RPC). The lossless
JSON storage form and the ``describe_collection`` dicts live in :mod:`azimuth.types.schema_io`, reachable here as
``to_storage``/``from_storage``/``describe_fields``/``describe_functions``.
"""

from __future__ import annotations

import copy
from typing import Any

from azimuth.errors import (
    AutoIDException,
    ClusteringKeyException,
    FieldsTypeException,
    FieldTypeException,
    FunctionsTypeException,
    ParamError,
    PartitionKeyException,
    PrimaryKeyException,
    SchemaNotReadyException,
)
from azimuth.types import schema_io
from azimuth.types.enums import DataType
from azimuth.types.field_schema import FieldSchema, StructFieldSchema, _as_int
from azimuth.types.function import Function, FunctionScore
from azimuth.types.value_field import ValueField

PRIMARY_KEY_TYPES = (DataType.INT64, DataType.VARCHAR)
PARTITION_KEY_TYPES = (DataType.INT64, DataType.VARCHAR)
CLUSTERING_KEY_TYPES = (
    DataType.INT8,
    DataType.INT16,
    DataType.INT32,
    DataType.INT64,
    DataType.FLOAT,
    DataType.DOUBLE,
    DataType.VARCHAR,
    DataType.FLOAT_VECTOR,
)


class CollectionSchema:
    """A collection's fields, struct fields and functions: ``CollectionSchema(fields, description="", ...)``."""

    def __init__(
        self,
        fields: list[FieldSchema],
        description: str = "",
        struct_fields: list[StructFieldSchema] | None = None,
        functions: list[Function] | None = None,
        **kwargs: Any,
    ) -> None:
        self._kwargs: dict[str, Any] = copy.deepcopy(kwargs)
        self._description = description
        self._enable_dynamic_field: Any = self._kwargs.get("enable_dynamic_field")
        self._enable_namespace: Any = self._kwargs.get("enable_namespace")
        self._external_source: str = self._kwargs.get("external_source", "")
        self._external_spec: str = self._kwargs.get("external_spec", "")
        self._primary_field: FieldSchema | None = None
        self._partition_key_field: FieldSchema | None = None
        self._clustering_key_field: FieldSchema | None = None
        self._max_field_id: int | None = None  # largest field id ever assigned (schema_io.stamp_field_ids)
        self._functions: list[Function] = []
        if functions:
            if not isinstance(functions, list):
                raise FunctionsTypeException(message="The functions of collection must be type list.")
            if any(not isinstance(f, Function) for f in functions):
                raise SchemaNotReadyException(message="The function of schema type must be Function.")
            self._functions = functions
        if not isinstance(fields, list):
            raise FieldsTypeException(message="The fields of schema must be type list.")
        if any(not isinstance(f, FieldSchema) for f in fields):
            raise FieldTypeException(message="The field of schema type must be FieldSchema.")
        self._fields: list[FieldSchema] = [copy.deepcopy(f) for f in fields]
        self._struct_fields: list[StructFieldSchema] = []
        if struct_fields is not None:
            if any(not isinstance(s, StructFieldSchema) for s in struct_fields):
                raise FieldTypeException(message="The field of schema type must be FieldSchema.")
            self._struct_fields = [copy.deepcopy(s) for s in struct_fields]
        self._mark_output_fields()
        self._check_kwargs()
        if kwargs.get("check_fields", True):
            self._check_fields()

    # -- checks ---------------------------------------------------------------------------------------------

    def _check_kwargs(self) -> None:
        primary = self._kwargs.get("primary_field")
        partition = self._kwargs.get("partition_key_field")
        clustering = self._kwargs.get("clustering_key_field")
        if primary is not None and not isinstance(primary, str):
            raise PrimaryKeyException(message="Param primary_field must be int or str type.")
        if partition is not None and not isinstance(partition, str):
            raise PartitionKeyException(message="Param partition_key_field must be str type.")
        if clustering is not None and not isinstance(clustering, str):
            raise ClusteringKeyException(message="Param clustering_key_field must be str type.")
        if "auto_id" in self._kwargs and not isinstance(self._kwargs["auto_id"], bool):
            raise AutoIDException(0, "Param auto_id must be bool type.")

    def _check_fields(self) -> None:
        primary_name = self._kwargs.get("primary_field")
        partition_name = self._kwargs.get("partition_key_field")
        clustering_name = self._kwargs.get("clustering_key_field")
        for field in self._fields:
            if primary_name and primary_name == field.name:
                field.is_primary = True
            if partition_name and partition_name == field.name:
                field.is_partition_key = True
            if field.is_primary:
                if primary_name is not None and primary_name != field.name:
                    raise PrimaryKeyException(
                        message=f"Expected only one primary key field, got [{primary_name}, {field.name}, ...]."
                    )
                self._primary_field = field
                primary_name = field.name
            if field.is_partition_key:
                if partition_name is not None and partition_name != field.name:
                    raise PartitionKeyException(
                        message=f"Expected only one partition key field, got [{partition_name}, {field.name}, ...]."
                    )
                self._partition_key_field = field
                partition_name = field.name
            if clustering_name and clustering_name == field.name:
                field.is_clustering_key = True
            if field.is_clustering_key:
                if clustering_name is not None and clustering_name != field.name:
                    raise ClusteringKeyException(
                        message=f"Expected only one clustering key field, got [{clustering_name}, {field.name}, ...]."
                    )
                self._clustering_key_field = field
                clustering_name = field.name
        if self._external_source:
            if self._kwargs.get("auto_id", False):
                raise ParamError(message="External collections do not support auto_id")
            return
        primary = self._primary_field
        if primary is None:
            raise PrimaryKeyException(message="Schema must have a primary key field.")
        if primary.dtype not in PRIMARY_KEY_TYPES:
            raise PrimaryKeyException(message="Primary key type must be DataType.INT64 or DataType.VARCHAR.")
        if self._partition_key_field is not None:
            if self._partition_key_field.dtype not in PARTITION_KEY_TYPES:
                raise PartitionKeyException(
                    message="Partition key field type must be DataType.INT64 or DataType.VARCHAR."
                )
        elif partition_name is not None:
            raise PartitionKeyException(message=f"the specified partition key field {{{partition_name}}} not exist")
        if self._clustering_key_field is not None:
            if self._clustering_key_field.dtype not in CLUSTERING_KEY_TYPES:
                raise ClusteringKeyException(
                    message="Clustering key field type must be DataType.INT8, DataType.INT16, DataType.INT32, "
                    "DataType.INT64, DataType.FLOAT, DataType.DOUBLE, DataType.VARCHAR, DataType.FLOAT_VECTOR."
                )
        elif clustering_name is not None:
            raise ClusteringKeyException(
                message=f"the specified clustering key field {{{clustering_name}}} not exist"
            )
        if self._kwargs.get("auto_id", False):
            primary.auto_id = True

    def _check_functions(self) -> None:
        by_name = {f.name: f for f in self._fields}
        for function in self._functions:
            for name in function.output_field_names:
                output = by_name.get(name)
                if output is None:
                    raise ParamError(message=f"Function output field not found in collection schema.: {name}")
                if output.is_primary or output.is_partition_key or output.is_clustering_key:
                    raise ParamError(
                        message="The output field must not be primary key, partition key, clustering key."
                    )
            for name in function.input_field_names:
                if name not in by_name:
                    raise ParamError(message=f"Function input field not found in collection schema.: {name}")
            function.verify(self)

    def _mark_output_fields(self) -> None:
        outputs = {name for f in self._functions for name in f.output_field_names}
        for field in self._fields:
            if field.name in outputs:
                field.is_function_output = True

    def _update_key_field_metadata(self, field: FieldSchema) -> None:
        primary_name = self._kwargs.get("primary_field")
        partition_name = self._kwargs.get("partition_key_field")
        clustering_name = self._kwargs.get("clustering_key_field")
        if primary_name and primary_name == field.name:
            field.is_primary = True
        if partition_name and partition_name == field.name:
            field.is_partition_key = True
        if clustering_name and clustering_name == field.name:
            field.is_clustering_key = True
        for flag, current, exc, label in (
            ("is_primary", self._primary_field, PrimaryKeyException, "primary"),
            ("is_partition_key", self._partition_key_field, PartitionKeyException, "partition"),
            ("is_clustering_key", self._clustering_key_field, ClusteringKeyException, "clustering"),
        ):
            if getattr(field, flag) and current is not None and current.name != field.name:
                raise exc(message=f"Expected only one {label} key field, got [{current.name}, {field.name}, ...].")
        if field.is_primary:
            self._primary_field = field
            if self._kwargs.get("auto_id", False):
                field.auto_id = True
        if field.is_partition_key:
            self._partition_key_field = field
        if field.is_clustering_key:
            self._clustering_key_field = field

    def verify(self) -> None:
        """Final client-side check before creating a collection; raises the pymilvus exception classes."""
        self._check_kwargs()
        self._check_fields()
        self._check_functions()
        for struct in self._struct_fields:
            struct.verify()

    # -- building -------------------------------------------------------------------------------------------

    def add_field(self, field_name: str, datatype: DataType | int, **kwargs: Any) -> CollectionSchema:
        if datatype == DataType.ARRAY and kwargs.get("element_type") == DataType.STRUCT:
            if "struct_schema" not in kwargs:
                raise ParamError(message="Param struct_schema is required when datatype is STRUCT")
            struct: StructFieldSchema = copy.deepcopy(kwargs.pop("struct_schema"))
            struct.name = field_name
            struct._nullable = kwargs.get("nullable", False)
            if "max_capacity" not in kwargs:
                raise ParamError(message="Param max_capacity is required when datatype is STRUCT")
            struct.max_capacity = _as_int(kwargs["max_capacity"])
            if "description" in kwargs:
                struct._description = kwargs["description"]
            for hint in ("mmap_enabled", "warmup"):
                if hint in kwargs:
                    struct._type_params[hint] = kwargs[hint]
            self._struct_fields.append(struct)
            return self
        field = FieldSchema(field_name, datatype, **kwargs)
        self._update_key_field_metadata(field)
        self._fields.append(field)
        self._mark_output_fields()
        return self

    def add_struct_field(self, struct_field_schema: StructFieldSchema) -> CollectionSchema:
        self._struct_fields.append(struct_field_schema)
        return self

    def add_function(self, function: Function) -> CollectionSchema:
        if not isinstance(function, Function):
            raise ParamError(message="The function of schema type must be Function.")
        self._functions.append(function)
        self._mark_output_fields()
        return self

    # -- properties -----------------------------------------------------------------------------------------

    @property
    def fields(self) -> list[FieldSchema]:
        return self._fields

    @property
    def struct_fields(self) -> list[StructFieldSchema]:
        return self._struct_fields

    @property
    def functions(self) -> list[Function]:
        return self._functions

    @property
    def description(self) -> str:
        return self._description

    @property
    def primary_field(self) -> FieldSchema | None:
        return self._primary_field

    @property
    def partition_key_field(self) -> FieldSchema | None:
        return self._partition_key_field

    @property
    def clustering_key_field(self) -> FieldSchema | None:
        return self._clustering_key_field

    @property
    def auto_id(self) -> bool:
        if self._primary_field is not None:
            return self._primary_field.auto_id
        return self._kwargs.get("auto_id", False)

    @auto_id.setter
    def auto_id(self, value: bool) -> None:
        if self._primary_field is not None:
            self._primary_field.auto_id = bool(value)

    @property
    def enable_dynamic_field(self) -> bool:
        return bool(self._enable_dynamic_field)

    @enable_dynamic_field.setter
    def enable_dynamic_field(self, value: bool) -> None:
        self._enable_dynamic_field = bool(value)

    @property
    def enable_namespace(self) -> bool:
        return bool(self._enable_namespace)

    @enable_namespace.setter
    def enable_namespace(self, value: bool) -> None:
        self._enable_namespace = bool(value)

    @property
    def external_source(self) -> str:
        return self._external_source

    @external_source.setter
    def external_source(self, value: str) -> None:
        self._external_source = str(value)

    @property
    def external_spec(self) -> str:
        return self._external_spec

    @external_spec.setter
    def external_spec(self, value: str) -> None:
        self._external_spec = str(value)

    # -- conversions ----------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "auto_id": self.auto_id,
            "description": self._description,
            "fields": [f.to_dict() for f in self._fields],
            "enable_dynamic_field": self.enable_dynamic_field,
            "enable_namespace": self.enable_namespace,
        }
        if self._external_source:
            out["external_source"] = self._external_source
        if self._external_spec:
            out["external_spec"] = self._external_spec
        if self._functions:
            out["functions"] = [f.to_dict() for f in self._functions]
        if self._struct_fields:
            out["struct_fields"] = [s.to_dict() for s in self._struct_fields]
        return out

    @classmethod
    def construct_from_dict(cls, raw: dict[str, Any]) -> CollectionSchema:
        fields: list[FieldSchema] = []
        structs: list[StructFieldSchema] = []
        for field_raw in raw["fields"]:
            if _is_struct_dict(field_raw):
                structs.append(StructFieldSchema.construct_from_dict(field_raw))
            else:
                fields.append(FieldSchema.construct_from_dict(field_raw))
        for struct_raw in raw.get("struct_fields") or []:
            structs.append(StructFieldSchema.construct_from_dict(struct_raw))
        functions = [Function.construct_from_dict(f) for f in raw.get("functions", [])]
        return cls(
            fields,
            struct_fields=structs,
            description=raw.get("description", ""),
            functions=functions,
            enable_dynamic_field=raw.get("enable_dynamic_field", False),
            enable_namespace=raw.get("enable_namespace", False),
            external_source=raw.get("external_source", ""),
            external_spec=raw.get("external_spec", ""),
        )

    def to_storage(self) -> dict[str, Any]:
        """Lossless plain-JSON form for the catalog (see :mod:`azimuth.types.schema_io`)."""
        return schema_io.schema_to_storage(self)

    @classmethod
    def from_storage(cls, raw: dict[str, Any]) -> CollectionSchema:
        return schema_io.schema_from_storage(raw)

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> CollectionSchema:
        clone = schema_io.schema_from_storage(schema_io.schema_to_storage(self))
        clone._kwargs = copy.deepcopy(self._kwargs, memo)
        if memo is not None:
            memo[id(self)] = clone
        return clone

    def __len__(self) -> int:
        return len(self._fields)

    def __eq__(self, other: object) -> bool:
        if not hasattr(other, "to_dict"):
            return False
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return str(self.to_dict())


def _is_struct_dict(raw: Any) -> bool:
    if not isinstance(raw, dict):
        return False
    try:
        kind, element = DataType(raw.get("type")), DataType(raw.get("element_type"))
    except (TypeError, ValueError):
        return False
    return kind == DataType.ARRAY and element == DataType.STRUCT and "struct_fields" in raw


def create_schema(**kwargs: Any) -> CollectionSchema:
    """``MilvusClient.create_schema``: an empty schema whose field checks wait for ``verify()``."""
    kwargs["check_fields"] = False
    return CollectionSchema([], **kwargs)


def create_field_schema(name: str, data_type: DataType | int, desc: str = "", **kwargs: Any) -> FieldSchema:
    """``MilvusClient.create_field_schema``."""
    return FieldSchema(name, data_type, desc, **kwargs)


def create_struct_field_schema(**kwargs: Any) -> StructFieldSchema:
    """``MilvusClient.create_struct_field_schema`` (kwargs: ``nullable``, ``description``)."""
    return StructFieldSchema(**kwargs)


describe_fields = schema_io.describe_fields
describe_functions = schema_io.describe_functions

__all__ = [
    "CollectionSchema",
    "FieldSchema",
    "Function",
    "FunctionScore",
    "StructFieldSchema",
    "ValueField",
    "create_field_schema",
    "create_schema",
    "create_struct_field_schema",
    "describe_fields",
    "describe_functions",
]
