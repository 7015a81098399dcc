"""JSON Schema (draft-07) files derived from the models, for editors and other validators."""

from __future__ import annotations

import json
from typing import Any

from generator.core.model import MODELS

DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def _draft07(node: Any) -> Any:
    """pydantic writes 2020-12 style `$defs`; draft-07 tools expect `definitions`."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                out[key] = value.replace("#/$defs/", "#/definitions/")
            elif key == "$defs":
                out["definitions"] = _draft07(value)
            elif key == "discriminator":
                continue  # an OpenAPI keyword, not JSON Schema
            else:
                out[key] = _draft07(value)
        return out
    if isinstance(node, list):
        return [_draft07(v) for v in node]
    return node


def schema_for(kind: str) -> dict:
    schema = _draft07(MODELS[kind].model_json_schema())
    return {"$schema": DRAFT_07, "$id": f"{kind}.schema.json", **schema}


def render_schemas() -> dict[str, str]:
    """{file name: JSON text} for every kind."""
    return {f"{kind}.schema.json": json.dumps(schema_for(kind), ensure_ascii=False, indent=2) + "\n" for kind in MODELS}
