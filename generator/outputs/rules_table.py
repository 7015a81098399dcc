"""The README's table of rules, from the registry (a test keeps the README's copy equal to it)."""

from __future__ import annotations

from generator.core.rules.registry import RULES, Rule

START = "<!-- rules table: generated from generator/core/rules/registry.py -->"
END = "<!-- end of rules table -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(rules: list[Rule] = RULES) -> str:
    rows = ["| rule | severity | meaning | fix |", "|---|---|---|---|"]
    rows += [f"| `{r.id}` | {r.severity} | {_cell(r.summary)} | {_cell(r.fix)} |" for r in rules]
    return "\n".join([START, *rows, END])


def replace_in(text: str) -> str:
    """The text with its generated table (between the markers) brought up to date."""
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    return before + markdown_table() + after


if __name__ == "__main__":  # python -m generator.outputs.rules_table README.md
    import sys
    from pathlib import Path

    path = Path(sys.argv[1])
    path.write_text(replace_in(path.read_text(encoding="utf-8")), encoding="utf-8")
