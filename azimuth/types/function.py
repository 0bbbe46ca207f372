"""Schema functions (``Function``) and function-score rankers (``FunctionScore``), pymilvus-compatible.

A ``Function`` derives output fields from input fields on the server (BM25, text embedding, MinHash) or, with
type RERANK, reranks search results. Construction validates names and the type; ``verify(schema)`` checks the
input/output field types against a schema.
"""

from __future__ import annotations

from typing import Any, Protocol, Sequence

from azimuth.errors import ParamError
from azimuth.types.enums import DataType, FunctionType

_FIELD_NAME_TYPES = "The type of function input and output must be str."


class _HasFields(Protocol):
    @property
    def fields(self) -> Sequence[Any]: ...


class Function:
    """A schema function: ``Function(name, function_type, input_field_names, output_field_names=None, ...)``."""

    def __init__(
        self,
        name: str,
        function_type: FunctionType | int,
        input_field_names: str | list[str],
        output_field_names: str | list[str] | None = None,
        description: str = "",
        params: dict[str, Any] | None = None,
    ) -> None:
        if not isinstance(name, str):
            raise ParamError(message=f"The name of the function should be a string, but got {type(name)}")
        if not isinstance(description, str):
            raise ParamError(
                message=f"The description of the function should be a string, but got {type(description)}"
            )
        if not isinstance(input_field_names, (str, list)):
            raise ParamError(
                message="The input field names of the function should be a string or a list of strings, "
                f"but got {type(input_field_names)}"
            )
        if output_field_names is None:
            output_field_names = []
        if not isinstance(output_field_names, (str, list)):
            raise ParamError(
                message="The output field names of the function should be a string or a list of strings, "
                f"but got {type(output_field_names)}"
            )
        inputs = [input_field_names] if isinstance(input_field_names, str) else input_field_names
        outputs = [output_field_names] if isinstance(output_field_names, str) else output_field_names
        try:
            kind = FunctionType(function_type)
        except ValueError as err:
            raise ParamError(message="Unknown function type.") from err
        if any(not isinstance(n, str) for n in [*inputs, *outputs]):
            raise ParamError(message=_FIELD_NAME_TYPES)
        if len(inputs) != len(set(inputs)):
            raise ParamError(message="Duplicate input field names are not allowed in function.")
        if len(outputs) != len(set(outputs)):
            raise ParamError(message="Duplicate output field names are not allowed in function.")
        if set(inputs) & set(outputs):
            raise ParamError(message="Input and output field names must be different.")
        if params is not None and not isinstance(params, dict):
            raise ParamError(message="The parameters of the function should be a dictionary.")
        self._name = name
        self._description = description
        self._type = kind
        self._input_field_names: list[str] = inputs
        self._output_field_names: list[str] = outputs
        self._params: dict[str, Any] = params if params is not None else {}

    @property
    def name(self) -> str:
        return self._name

    @property
    def description(self) -> str:
        return self._description

    @property
    def type(self) -> FunctionType:
        return self._type

    @property
    def input_field_names(self) -> list[str]:
        return self._input_field_names

    @property
    def output_field_names(self) -> list[str]:
        return self._output_field_names

    @property
    def params(self) -> dict[str, Any]:
        return self._params

    def verify(self, schema: _HasFields) -> None:
        """Check input/output counts and field types for BM25 and TEXTEMBEDDING functions."""
        if self._type == FunctionType.BM25:
            self._check_types(
                schema,
                "BM25",
                (DataType.VARCHAR, DataType.TEXT),
                (DataType.SPARSE_FLOAT_VECTOR,),
                "BM25 function input field must be VARCHAR.",
                "BM25 function output field must be SPARSE_FLOAT_VECTOR.",
            )
        elif self._type == FunctionType.TEXTEMBEDDING:
            self._check_types(
                schema,
                "TextEmbedding",
                (DataType.VARCHAR, DataType.TEXT),
                (DataType.FLOAT_VECTOR, DataType.INT8_VECTOR),
                "TextEmbedding function input field must be VARCHAR.",
                "TextEmbedding function output field must be FLOAT_VECTOR or INT8_VECTOR.",
            )
        elif self._type == FunctionType.UNKNOWN:
            raise ParamError(message="Unknown function type.")

    def _check_types(
        self,
        schema: _HasFields,
        label: str,
        input_types: tuple[DataType, ...],
        output_types: tuple[DataType, ...],
        input_message: str,
        output_message: str,
    ) -> None:
        if len(self._input_field_names) != 1 or len(self._output_field_names) != 1:
            raise ParamError(message=f"{label} function must have exact 1 input and 1 output field.")
        for field in schema.fields:
            if field.name == self._input_field_names[0] and field.dtype not in input_types:
                raise ParamError(message=input_message)
            if field.name == self._output_field_names[0] and field.dtype not in output_types:
                raise ParamError(message=output_message)

    @classmethod
    def construct_from_dict(cls, raw: dict[str, Any]) -> Function:
        return cls(
            raw["name"],
            raw["type"],
            list(raw["input_field_names"]),
            list(raw["output_field_names"]),
            raw.get("description", ""),
            raw.get("params"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self._name,
            "description": self._description,
            "type": self._type,
            "input_field_names": self._input_field_names,
            "output_field_names": self._output_field_names,
            "params": self._params,
        }

    def __repr__(self) -> str:
        return str(self.to_dict())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Function):
            return False
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]


class FunctionScore:
    """One or more RERANK functions used as a search ranker, with optional combination ``params``."""

    def __init__(self, functions: Function | list[Function], params: dict[str, Any] | None = None) -> None:
        self._functions: list[Function] = [functions] if isinstance(functions, Function) else functions
        self._params = params

    @property
    def functions(self) -> list[Function]:
        return self._functions

    @property
    def params(self) -> dict[str, Any] | None:
        return self._params

    def __repr__(self) -> str:
        return f"FunctionScore(functions={self._functions!r}, params={self._params!r})"


__all__ = ["Function", "FunctionScore"]
