"""`kb new`: a commented YAML skeleton of an incident or a runbook, generated from the models."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

from generator.core import fastyaml
from generator.core.model import MODELS, SCHEMA_VERSION
from generator.core.model.describe import FieldDoc, fields, summary
from generator.outputs import jinja

TEMPLATES = Path(__file__).parent / "templates"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class ScaffoldError(Exception):
    pass


def yaml_scalar(value: Any) -> str:
    """The value as one YAML scalar: plain when that reads back the same, else a JSON (double-quoted) string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    try:
        if text and fastyaml.load(f"k: {text}\n") == {"k": text}:
            return text
    except Exception:  # noqa: BLE001, S110 - not plain YAML: quote it
        pass
    return json.dumps(text, ensure_ascii=False)


class Samples:
    """A placeholder value for every kind of field: valid, and obviously to be replaced."""

    def __init__(self, now: dt.datetime, service: str):
        self.now = now
        self.service = service

    def __call__(self, fd: FieldDoc, one: bool = False) -> str:
        """The sample as YAML; a list of scalars as a one-item flow list unless `one`."""
        if fd.model is not None:
            return "..."
        if fd.type == "list of lists of text":  # a table's rows
            return "[[TODO]]"
        value = self._one(fd)
        return f"[{value}]" if fd.many and not one else value

    def _one(self, fd: FieldDoc) -> str:
        if fd.default is not None and not isinstance(fd.default, list):
            return yaml_scalar(fd.default)
        if fd.choices:
            return yaml_scalar("unknown" if "unknown" in fd.choices else fd.choices[0])
        by_kind = {
            "boolean": "false",
            "integer": "0",
            "date": self.now.date().isoformat(),
            "datetime": self.now.replace(second=0, microsecond=0).isoformat(),
            "slug": self.service,
            "ref": "runbook-id#problem-id",
        }
        return by_kind.get(fd.scalar, "TODO")


def render_skeleton(
    kind: str, *, doc_id: str, title: str | None, service: str | None, schema: str, now: dt.datetime
) -> str:
    model = MODELS[kind]
    env = jinja.environment(TEMPLATES, autoescape=False)  # YAML: values go through yaml_scalar
    sample = Samples(now, service or "my-service")
    values = {
        "schema_version": str(SCHEMA_VERSION),
        "kind": kind,
        "id": doc_id,
        "title": yaml_scalar(title or "TODO"),
    }
    text = env.get_template("document.yaml.j2").render(
        kind=kind,
        model=model,
        fields=fields,
        summary=summary(model),
        sample=sample,
        values=values,
        schema=schema,
        today=now.date().isoformat(),
    )
    return re.sub(r"\n{3,}", "\n\n", text)


def new_document(
    kind: str,
    *,
    root: Path,
    doc_id: str | None = None,
    title: str | None = None,
    service: str | None = None,
    out: Path | None = None,
    now: dt.datetime | None = None,
) -> Path:
    """Write the skeleton and return its path. Never overwrites a file."""
    now = now or dt.datetime.now().astimezone()
    if out is None:
        doc_id = doc_id or (f"{now.date().isoformat()}-new-incident" if kind == "incident" else "new-runbook")
        out = root / f"{kind}s" / f"{doc_id}.yaml"
    doc_id = doc_id or out.stem
    for what, value in (("id", doc_id), ("service", service)):
        if value is not None and not SLUG.match(value):
            raise ScaffoldError(
                f"invalid {what} {value!r}: use lowercase letters, digits and '-', like 'nginx-502-bad-gateway'"
            )
    if out.stem != doc_id:
        raise ScaffoldError(f"the file name must be the id: {out.name} is not {doc_id}.yaml")
    schema = Path(os.path.relpath(root / "schema" / f"{kind}.schema.json", out.parent)).as_posix()
    text = render_skeleton(kind, doc_id=doc_id, title=title, service=service, schema=schema, now=now)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with out.open("x", encoding="utf-8") as f:  # 'x': fails if the file exists, atomically
            f.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{out} already exists; nothing written (choose another --id or -o)") from None
    return out


def command(kind: str, root: str, doc_id: str | None, title: str | None, service: str | None, out: str | None) -> int:
    import sys

    try:
        path = new_document(
            kind,
            root=Path(root),
            doc_id=doc_id,
            title=title,
            service=service,
            out=Path(out) if out else None,
        )
    except ScaffoldError as exc:
        print(f"kb new: {exc}", file=sys.stderr)
        return 1 if "already exists" in str(exc) else 2
    print(f"wrote {path}: fill it in, then run `kb validate {path}`")
    return 0
