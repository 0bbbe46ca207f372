"""The view of a collection schema that filter compilation needs: field names, types, nullability, dynamic field."""

from __future__ import annotations

from dataclasses import dataclass, field

from azimuth.types.enums import DataType


@dataclass(frozen=True)
class FilterField:
    """One field as seen by a filter: its name, data type, ARRAY element type, nullability and pk flag."""

    name: str
    dtype: DataType
    element_type: DataType | None = None
    nullable: bool = False
    is_primary: bool = False


@dataclass(frozen=True)
class FilterSchema:
    """The fields a filter may reference; ``dynamic`` means unknown bare names are keys of ``$meta``."""

    fields: tuple[FilterField, ...]
    dynamic: bool = False
    _by_name: dict[str, FilterField] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", tuple(self.fields))
        self._by_name.update({f.name: f for f in self.fields})

    def field(self, name: str) -> FilterField | None:
        return self._by_name.get(name)

    @property
    def primary(self) -> FilterField | None:
        for f in self.fields:
            if f.is_primary:
                return f
        return None
