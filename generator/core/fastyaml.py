"""The fast path's YAML parser: libyaml (through PyYAML's C loader), made to read YAML 1.2 core.

PyYAML alone speaks YAML 1.1, where `on`, `no` and `0755` are not what a YAML 1.2 reader (ruamel,
editors, check-jsonschema) sees. Its implicit types are replaced with the YAML 1.2 core schema so the
fast path and the located round-trip path agree. Timestamps stay strings: pydantic parses dates.
Duplicate keys, which PyYAML silently accepts, are refused.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
WITH_C = _Base is not yaml.SafeLoader


class DuplicateKey(yaml.MarkedYAMLError):
    pass


class Loader(_Base):  # type: ignore[misc, valid-type]
    yaml_implicit_resolvers: dict = {}

    def construct_mapping(self, node: Any, deep: bool = False) -> dict:
        seen = set()
        for key_node, _ in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            if key in seen:
                raise DuplicateKey(
                    "while constructing a mapping", node.start_mark, f'found duplicate key "{key}"', key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)

    def construct_yaml_int(self, node: Any) -> int:
        value = self.construct_scalar(node)
        if value[:2] in ("0o", "0x"):
            return int(value, 8 if value[1] == "o" else 16)
        return int(value)


Loader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
]:
    Loader.add_implicit_resolver(tag, re.compile(pattern), first)
Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)
Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_str)


def load(text: str) -> Any:
    return yaml.load(text, Loader=Loader)  # noqa: S506 - a safe loader, restricted further above
