"""`kb init`: the files of a new knowledge-base repository that validates, formats and builds the same day.

Pure: returns {relative path: text}; the command writes them. Templates are in templates/init/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.authoring.new import yaml_scalar
from generator.outputs import jinja
from generator.outputs.schema import render_schemas

TEMPLATES = Path(__file__).parent / "templates" / "init"
LANGUAGES = ("zh", "en")
DEFAULT_NAMES = {"zh": "运维知识库", "en": "Runbooks"}
EXAMPLE = "runbooks/disk-full.yaml"
PACKAGE = "runbook-kb"

# Output path -> template. Templates have no leading dot in their names: package data globs skip dotfiles.
TEMPLATED = {
    "README.md": "README.md.j2",
    "Makefile": "Makefile.j2",
    "mkdocs.yml": "mkdocs.yml.j2",
    ".gitignore": "gitignore.j2",
    ".pre-commit-config.yaml": "pre-commit-config.yaml.j2",
    ".github/workflows/kb.yml": "github-workflow.yml.j2",
}
# Copied as they are: the offline search shim's npm manifest, the same pin as this project's.
COPIED = ("package.json", "package-lock.json")
# git keeps no empty folder; MkDocs needs docs/ to exist (the kb plugin writes the home page itself).
EMPTY = ("incidents/.gitkeep", "docs/.gitkeep")


def tool_requirement() -> str:
    """The pip requirement for the kb tool that is running, so the new repository's `make` installs the
    same tool: from where it was installed (a git URL at its commit, or a local checkout, as pip recorded
    it), else its name pinned to its version."""
    from importlib import metadata

    try:
        dist = metadata.distribution(PACKAGE)
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return PACKAGE
    return _direct_requirement(dist.read_text("direct_url.json")) or f"{PACKAGE}=={dist.version}"


def _direct_requirement(recorded: str | None) -> str | None:
    """A requirement from pip's record of a direct install (PEP 610), or None."""
    import json

    try:
        origin = json.loads(recorded or "")
    except ValueError:
        return None
    url = origin.get("url") if isinstance(origin, dict) else None
    if not isinstance(url, str) or not url:
        return None
    vcs = origin.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
        return f"{PACKAGE} @ git+{url}@{vcs['commit_id']}"
    return f"{PACKAGE} @ {url}" if url.startswith(("file://", "https://")) else None


def init_files(
    language: str = "zh", name: str | None = None, *, today: dt.date, kb_tool: str | None = None
) -> dict[str, str]:
    """Every file of the new repository, by path relative to it."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    name = name or DEFAULT_NAMES[language]
    kb_tool = kb_tool or tool_requirement()
    env = jinja.environment(TEMPLATES, autoescape=False)  # YAML, Makefile, Markdown: values quoted by the code
    values = {
        "language": language,
        "name": name,
        "site_name": yaml_scalar(name),
        "kb_tool": kb_tool,
        "kb_tool_yaml": yaml_scalar(kb_tool),
        "today": today.isoformat(),
    }
    files = {path: env.get_template(template).render(**values) for path, template in TEMPLATED.items()}
    files[EXAMPLE] = env.get_template(f"runbook.{language}.yaml.j2").render(**values)
    files.update({path: (TEMPLATES / path).read_text(encoding="utf-8") for path in COPIED})
    files.update(dict.fromkeys(EMPTY, ""))
    # The schema the documents' first line names, for editors' completion (`kb schema` refreshes it).
    files.update({f"schema/{file}": text for file, text in render_schemas().items()})
    return dict(sorted(files.items()))
