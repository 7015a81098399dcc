"""A concepts file read and checked: pydantic models of its entries, located errors, merging.

Kept apart from concepts.py, whose tagging runs on every `kb diagnose`: this module (and pydantic, and
the YAML parser) loads only when the files are read, which a warm run does not do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo

from generator.core import fastyaml
from generator.search.concepts import (
    _CJK,
    DATA,
    PROBES,
    Concept,
    ConceptError,
    Family,
    Vocabulary,
    _squeeze,
    _words,
    compiled,
    nesting_risk,
)

_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

# --- checks on single values --------------------------------------------------------------------


def _trusted(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("trusted"))


def _check_pattern(pattern: str, info: ValidationInfo) -> str:
    if _trusted(info):  # the shipped file: its tests run these checks
        return pattern
    try:
        rx = compiled(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regex {pattern!r}: {exc}") from None
    for probe in PROBES:
        if rx.search(probe):
            raise ValueError(f"regex {pattern!r} matches {probe!r} on its own; anchor it on distinctive words")
    risk = nesting_risk(pattern)
    if risk:
        raise ValueError(f"regex {pattern!r} {risk}")
    return pattern


def _check_en(term: str) -> str:
    term = " ".join(term.split())
    if _CJK.search(term):
        raise ValueError(f"English term {term!r} has Chinese characters; list it under zh")
    if len("".join(_words(term))) < 3:
        raise ValueError(f"English term {term!r} is too short to mean anything on its own")
    return term


def _check_zh(term: str) -> str:
    term = " ".join(term.split())
    if not _CJK.search(term):
        raise ValueError(f"Chinese term {term!r} has no Chinese characters; list it under en")
    if len(_squeeze(term)) < 2:
        raise ValueError(f"Chinese term {term!r} is too short to mean anything on its own")
    return term


def _check_example(example: str) -> str:
    if not example.strip():
        raise ValueError("an example is empty")
    return example


Pattern = Annotated[str, AfterValidator(_check_pattern)]
EnTerm = Annotated[str, AfterValidator(_check_en)]
ZhTerm = Annotated[str, AfterValidator(_check_zh)]
Example = Annotated[str, AfterValidator(_check_example)]
ConceptId = Annotated[str, Field(pattern=_ID)]


class ConceptEntry(BaseModel):
    """One entry of a concepts file. In a knowledge base's own file, an entry whose id exists already
    extends that concept: its lists are added to the existing ones."""

    model_config = ConfigDict(extra="forbid")

    id: ConceptId
    family: Family
    en: list[EnTerm] = []
    zh: list[ZhTerm] = []
    patterns: list[Pattern] = []
    examples: list[Example] = []
    related: list[ConceptId] = []


class ConceptFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    concepts: list[ConceptEntry]


# --- loading ------------------------------------------------------------------------------------


def _read(path: Path) -> tuple[str, list[dict]]:
    """The file's text and its raw concept entries; a YAML error is located."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConceptError(str(path), None, f"cannot read the file: {exc}") from None
    try:
        data = fastyaml.load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        context = exc.context_mark
        if exc.problem and exc.context and context and mark and context.line != mark.line:
            problem += f" ({exc.context.strip()} at line {context.line + 1})"
        raise ConceptError(str(path), mark.line + 1 if mark else None, f"YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ConceptError(str(path), None, f"YAML: {exc}") from None
    return text, data


def _line(text: str, loc: Sequence[str | int]) -> int | None:
    """Line (1-based) of the node at loc (keys and indexes), or of its nearest existing parent."""
    try:
        node = yaml.compose(text, Loader=fastyaml.Loader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node else None
    for step in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if getattr(k, "value", None) == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _parse(path: Path, trusted: bool) -> tuple[str, list[ConceptEntry]]:
    text, data = _read(path)
    if not isinstance(data, dict):
        raise ConceptError(str(path), 1, "the file must be a mapping with a 'concepts' list")
    try:
        return text, ConceptFile.model_validate(data, context={"trusted": trusted}).concepts
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = tuple(err["loc"])
        where = ".".join(f"[{s}]" if isinstance(s, int) else str(s) for s in loc).replace(".[", "[")
        message = str(err["msg"]).removeprefix("Value error, ")
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise ConceptError(str(path), _line(text, loc), f"{where or 'file'}: {message}{more}") from None


@dataclass(frozen=True)
class _Source:
    """Where an entry came from, to locate problems found after merging."""

    path: Path
    text: str
    index: int
    trusted: bool

    def error(self, message: str, *field: str | int) -> ConceptError:
        return ConceptError(str(self.path), _line(self.text, ("concepts", self.index, *field)), message)


def _merge(base: dict[str, Concept], entry: Concept) -> None:
    old = base.get(entry.id)
    if old is None:
        base[entry.id] = Concept(**entry.model_copy(deep=True).model_dump())
        return
    for name in ("en", "zh", "patterns", "examples", "related"):
        items: list[str] = getattr(old, name)
        items += [x for x in getattr(entry, name) if x not in items]


def load(extra: Path | None = None, *, verify: bool = False) -> Vocabulary:
    """The shipped concepts, merged with a knowledge base's own concepts file if one is given.

    In the extra file an entry may add a concept or extend an existing one (same id and family:
    its terms, patterns, examples and related ids are added). Every problem is a ConceptError
    located at path:line: a malformed file, a duplicate id within one file, an id reused with another
    family, a related id that does not exist, an unsafe or invalid regex, an example that none of its
    concept's patterns match. The shipped file's regexes and examples are checked by its tests, so
    they are checked here only with verify=True; the extra file's always are.
    """
    entries: list[tuple[ConceptEntry, _Source]] = []
    concepts: dict[str, Concept] = {}
    for path in [DATA, extra] if extra is not None else [DATA]:
        trusted = path is DATA and not verify
        text, parsed = _parse(path, trusted)
        seen: dict[str, int] = {}
        for n, c in enumerate(parsed):
            source = _Source(path, text, n, trusted)
            if c.id in seen:
                raise source.error(f"concept '{c.id}' is already defined at entry {seen[c.id]} of this file", "id")
            seen[c.id] = n
            old = concepts.get(c.id)
            if old is not None and old.family != c.family:
                raise source.error(
                    f"concept '{c.id}' is of family '{old.family}' already; an entry that extends it cannot make it "
                    f"'{c.family}' (choose another id for a new concept)",
                    "family",
                )
            _merge(concepts, c)
            entries.append((c, source))
    for c, source in entries:
        for k, r in enumerate(c.related):
            if r not in concepts:
                raise source.error(f"concept '{c.id}': related concept '{r}' does not exist", "related", k)
        merged = concepts[c.id]
        if not (merged.en or merged.zh or merged.patterns):
            raise source.error(f"concept '{c.id}' has no terms and no patterns: nothing can tag it", "id")
        if source.trusted:
            continue
        for k, example in enumerate(c.examples):
            if not any(compiled(p).search(example) for p in merged.patterns):
                raise source.error(
                    f"concept '{c.id}': example {example!r} is matched by none of its patterns", "examples", k
                )
    return Vocabulary(concepts)
