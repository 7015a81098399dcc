"""The one Jinja environment factory: every template of the package is rendered through it.

The same whitespace rules and StrictUndefined everywhere (a misspelt variable is an error, never an
empty string); what differs is declared, not copied: whether values are HTML-escaped (HTML and SVG),
or left to the filters of the target language (Markdown, shell, YAML), and any finalize step.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined


def environment(
    templates: Path,
    *,
    autoescape: bool | Callable[[str | None], bool],
    finalize: Callable[[Any], Any] | None = None,
    filters: dict[str, Callable] | None = None,
    globals: dict[str, Any] | None = None,  # noqa: A002 - Jinja's own name for them
    keep_trailing_newline: bool = True,
) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
        undefined=StrictUndefined,
        finalize=finalize,
    )
    env.filters.update(filters or {})
    env.globals.update(globals or {})
    return env
