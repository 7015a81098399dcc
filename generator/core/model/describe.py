"""The models described as plain data: fields in order, their types in words, their descriptions.

One source for everything that documents the schema (the `kb new` skeleton, the schema reference on
the Contributing page) and for `kb fmt`'s key order, so none of them is ever written by hand.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import AwareDatetime, BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from generator.core.model.common import (
    FENCE_LANG_PATTERN,
    LINK_PATTERN,
    ONE_LINE_PATTERN,
    REF_PATTERN,
    SLUG_PATTERN,
)


@dataclass
class FieldDoc:
    name: str
    type: str  # in words: "text", "list of Step", "one of: P1, P2, P3"
    required: bool
    description: str
    default: Any = None  # the default's value when it has a simple one, else None
    model: type[BaseModel] | None = None  # the nested model, for a mapping or a list of mappings
    many: bool = False  # a list
    choices: list[str] = field(default_factory=list)
    scalar: str = "text"  # text, integer, boolean, date, datetime, slug, ref, choice
    term: str = "text"  # the key of `type`'s words in TERMS (the site's labels say them in its language)

    @property
    def hint(self) -> str:
        """The description, or the nested model's summary when the field has none."""
        return self.description or (summary(self.model) if self.model else "")


def _strip(tp: Any) -> tuple[Any, list[Any]]:
    """Annotated[X, ...] -> (X, metadata); X | None -> X."""
    meta: list[Any] = []
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            args = typing.get_args(tp)
            tp, meta = args[0], meta + list(args[1:])
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp, meta
            tp = args[0]
        else:
            return tp, meta


# A type in words, by term: `kb new`'s comments and FieldDoc.type. The Contributing page says the same
# terms in the site's language (`types` and `list_of` in outputs/labels/*.yaml).
TERMS = {
    "constant": "always {choices}",
    "choice": "one of: {choices}",
    "boolean": "true or false",
    "integer": "integer",
    "datetime": "date and time with UTC offset (2026-03-01T14:05:00+08:00)",
    "date": "date (YYYY-MM-DD)",
    "ref": "reference (`runbook-id` or `runbook-id#anchor`)",
    "slug": "id (lowercase letters, digits, -)",
    "line": "text on one line",
    "link": "link (an http(s) URL or a relative path)",
    "lang": "language name (text, bash, python...)",
    "name": "NAME in UPPER_SNAKE_CASE",
    "text": "text",
    "rows": "list of lists of text",  # a table's rows: the whole type, list included
}
LIST_OF = "list of {item}"


def _scalar(tp: Any, meta: list[Any]) -> tuple[str, str, list[str]]:
    """(kind, term, choices) of a non-list, non-model type."""
    pattern = next((getattr(m, "pattern", None) for m in meta if getattr(m, "pattern", None)), None)
    if typing.get_origin(tp) is typing.Literal:
        choices = [str(a) for a in typing.get_args(tp)]
        return "choice", "constant" if len(choices) == 1 else "choice", choices
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "choice", "choice", [str(m.value) for m in tp]
    if tp is bool:
        return "boolean", "boolean", []
    if tp is int:
        return "integer", "integer", []
    if tp is AwareDatetime or tp is dt.datetime:
        return "datetime", "datetime", []
    if tp is dt.date:
        return "date", "date", []
    if pattern == REF_PATTERN:
        return "ref", "ref", []
    if pattern == SLUG_PATTERN:
        return "slug", "slug", []
    if pattern == ONE_LINE_PATTERN:
        return "text", "line", []
    if pattern == LINK_PATTERN:
        return "text", "link", []
    if pattern == FENCE_LANG_PATTERN:
        return "text", "lang", []
    if pattern and pattern.startswith("^[A-Z]"):
        return "text", "name", []
    return "text", "text", []


def describe_field(name: str, info: FieldInfo) -> FieldDoc:
    tp, meta = _strip(info.annotation)
    meta += list(info.metadata)
    many = typing.get_origin(tp) is list
    if many:
        tp, inner_meta = _strip(typing.get_args(tp)[0])
        meta += inner_meta
    description = info.description or next(
        (getattr(m, "description", None) for m in meta if getattr(m, "description", None)), ""
    )
    default = None if info.default in (PydanticUndefined, None) else info.default
    if isinstance(default, enum.Enum):
        default = default.value
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        words = LIST_OF.format(item=tp.__name__) if many else tp.__name__
        return FieldDoc(name, words, info.is_required(), " ".join(description.split()), default, tp, many, term="model")
    if many and typing.get_origin(tp) is list:  # a table's rows: a list of lists of text
        return FieldDoc(name, TERMS["rows"], info.is_required(), description, None, None, True, term="rows")
    kind, term, choices = _scalar(tp, meta)
    words = TERMS[term].format(choices=", ".join(choices))
    return FieldDoc(
        name,
        LIST_OF.format(item=words) if many else words,
        info.is_required(),
        " ".join(description.split()),
        default,
        None,
        many,
        choices,
        kind,
        term,
    )


def fields(model: type[BaseModel]) -> list[FieldDoc]:
    """The model's fields in the order the schema defines them."""
    return [describe_field(name, info) for name, info in model.model_fields.items()]


def summary(model: type[BaseModel]) -> str:
    """The model's docstring as one paragraph."""
    return " ".join((model.__doc__ or "").split())


def nested_models(root: type[BaseModel]) -> list[type[BaseModel]]:
    """Every model reachable from `root`, `root` first, each once, in the order first met."""
    seen: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.append(model)
        for f in fields(model):
            if f.model is not None:
                visit(f.model)

    visit(root)
    return seen


def field_order(model: type[BaseModel]) -> dict[str, type[BaseModel] | None]:
    """name -> nested model (or None), in schema order: what `kb fmt` sorts keys by."""
    return {f.name: f.model for f in fields(model)}
