"""Server-side validation of collection schemas and added fields (what Milvus checks in CreateCollection and
AddCollectionField), independent of which client built the schema."""

from __future__ import annotations

from azimuth.errors import Code, MilvusException, server_error
from azimuth.service.checks import validate_name
from azimuth.types.enums import (
    ARRAY_ELEMENT_TYPES,
    DENSE_VECTOR_TYPES,
    STRING_TYPES,
    DataType,
)
from azimuth.types.schema import CollectionSchema, FieldSchema

MAX_FIELDS = 64
MAX_VARCHAR_LENGTH = 65535
MAX_DIM = 32768
MAX_CAPACITY = 4096


def _param_int(field: FieldSchema, name: str) -> int | None:
    value = (field.params or {}).get(name)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise server_error(Code.INVALID_PARAMETER, f"type param({name}) of field {field.name} must be an integer, "
                                                   f"got {value!r}") from None


def check_field(field: FieldSchema) -> None:
    validate_name("field", field.name, code=Code.FIELD_INVALID_NAME)
    dtype = field.dtype
    if dtype in (DataType.NONE, DataType.UNKNOWN, DataType.STRUCT, DataType._ARRAY_OF_VECTOR):
        raise server_error(Code.INVALID_PARAMETER, f"field {field.name}: data type {dtype.name} is not supported")
    if dtype in STRING_TYPES and dtype != DataType.TEXT:
        length = _param_int(field, "max_length")
        if length is None:
            raise server_error(Code.INVALID_PARAMETER,
                               f"type param(max_length) should be specified for the field({field.name})")
        if not 0 < length <= MAX_VARCHAR_LENGTH:
            raise server_error(Code.INVALID_PARAMETER, f"the maximum length specified for the field({field.name}) "
                                                       f"should be in (0, {MAX_VARCHAR_LENGTH}], but got {length}")
    if dtype in DENSE_VECTOR_TYPES or dtype == DataType.BINARY_VECTOR:
        dim = _param_int(field, "dim")
        if dim is None:
            raise server_error(Code.INVALID_PARAMETER, f"dimension is not defined in field type params of "
                                                       f"field {field.name}, check type param `dim` for vector field")
        if dtype == DataType.BINARY_VECTOR:
            if dim <= 0 or dim % 8 or dim > MAX_DIM * 8:
                raise server_error(Code.INVALID_PARAMETER, f"invalid dimension {dim} of binary vector field "
                                                           f"{field.name}: it must be a positive multiple of 8")
        elif not 2 <= dim <= MAX_DIM:
            raise server_error(Code.INVALID_PARAMETER, f"invalid dimension: {dim} of field {field.name}. "
                                                       f"float vector dimension should be in range 2 ~ {MAX_DIM}")
    if dtype == DataType.ARRAY:
        element = getattr(field, "element_type", None)
        if element is None or DataType(element) not in ARRAY_ELEMENT_TYPES:
            raise server_error(Code.INVALID_PARAMETER, f"element type of array field {field.name} is invalid: "
                                                       f"{element!r}")
        capacity = _param_int(field, "max_capacity")
        if capacity is None or not 0 < capacity <= MAX_CAPACITY:
            raise server_error(Code.INVALID_PARAMETER, f"the maximum capacity specified for the field({field.name}) "
                                                       f"should be in (0, {MAX_CAPACITY}], but got {capacity}")
        if DataType(element) in STRING_TYPES:
            length = _param_int(field, "max_length")
            if length is None or not 0 < length <= MAX_VARCHAR_LENGTH:
                raise server_error(Code.INVALID_PARAMETER,
                                   f"type param(max_length) should be specified for the array field({field.name})")
    if field.is_primary and field.nullable:
        raise server_error(Code.INVALID_PARAMETER, f"primary field {field.name} can not be nullable")
    if field.is_primary and field.default_value is not None:
        raise server_error(Code.INVALID_PARAMETER, f"primary field {field.name} can not have a default value")


def check_schema(schema: CollectionSchema) -> None:
    try:
        schema.verify()
    except MilvusException as exc:
        raise server_error(Code.ILLEGAL_SCHEMA if exc.code == 1 else exc.code, exc.message) from exc
    names: set[str] = set()
    if len(schema.fields) > MAX_FIELDS:
        raise server_error(Code.INVALID_PARAMETER, f"maximum field's number should be limited to {MAX_FIELDS}")
    for field in schema.fields:
        if field.name in names:
            raise server_error(Code.INVALID_PARAMETER, f"duplicated field name {field.name} found in the schema")
        names.add(field.name)
        check_field(field)


def check_new_field(schema: CollectionSchema, field: FieldSchema | None) -> None:
    if field is None:
        raise server_error(Code.INVALID_PARAMETER, "add_collection_field needs a field schema")
    if any(f.name == field.name for f in schema.fields):
        raise server_error(Code.INVALID_PARAMETER, f"duplicate field name: {field.name} already exists in the "
                                                   f"collection schema")
    if field.is_primary or field.is_partition_key:
        raise server_error(Code.INVALID_PARAMETER, "a field added to an existing collection cannot be the primary "
                                                   "key or partition key")
    if not field.nullable:
        raise server_error(Code.INVALID_PARAMETER, f"added field {field.name} must be nullable (nullable=True); "
                                                   "existing rows have no value for it")
    check_field(field)
