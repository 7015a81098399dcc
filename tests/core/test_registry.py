"""Every finding the code can emit carries a registered rule id with the registry's severity."""

from __future__ import annotations

import ast
import importlib

from generator.core import pipeline
from generator.core.rules.registry import BY_ID, RULES
from generator.outputs.rules_table import markdown_table
from tests.conftest import MINIMAL_RUNBOOK, ROOT, TODAY

PACKAGE = ROOT / "generator"


def _finding_calls() -> list[tuple[str, int, ast.expr | None, ast.expr | None]]:
    """(module, line, rule expression, severity expression) of every Finding(...) in the package."""
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding":
                kw = {k.arg: k.value for k in node.keywords}
                rule = node.args[1] if len(node.args) > 1 else kw.get("rule")
                severity = node.args[3] if len(node.args) > 3 else kw.get("severity")
                calls.append((module, node.lineno, rule, severity))
    return calls


def _value(module: str, expr: ast.expr | None, default: str | None = None) -> str | None:
    """The expression's value when it is a literal or a module-level name; None when it is computed."""
    if expr is None:
        return default
    try:
        return eval(compile(ast.Expression(expr), module, "eval"), vars(importlib.import_module(module)))  # noqa: S307
    except NameError:
        return None


# Finding() calls whose rule is computed at run time; the pipeline test below covers what they emit.
COMPUTED = {"generator.core.findings"}


def test_every_finding_in_the_code_names_a_registered_rule_with_its_severity():
    calls = _finding_calls()
    assert len(calls) > 20
    unknown = []
    for module, line, rule_expr, severity_expr in calls:
        rule = _value(module, rule_expr)
        if rule is None:
            assert module in COMPUTED, f"{module}:{line}: a Finding whose rule id is computed"
            continue
        severity = _value(module, severity_expr, default="error")
        if rule not in BY_ID:
            unknown.append(f"{module}:{line}: {rule}")
        elif severity is not None:
            assert severity == BY_ID[rule].severity, f"{module}:{line}: {rule} emitted as {severity}"
    assert unknown == []


def test_findings_from_a_bad_knowledge_base_match_the_registry(tmp_path):
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "incidents").mkdir()
    bad = {
        "runbooks/web-502.yaml": MINIMAL_RUNBOOK.replace("grep ${PORT}", "grep ${PROT}; kill -9 1")
        + "related: [nope]\n",
        "runbooks/other.yaml": MINIMAL_RUNBOOK.replace("owner: ops", "ownr: ops"),
        "runbooks/syntax.yaml": "kind: runbook\nid: [\n",
        "runbooks/tabs.yaml": "kind: runbook\n\tid: x\n",
        "runbooks/empty.yaml": "# nothing\n",
        "incidents/x.yaml": "kind: nothing\n",
    }
    for rel, text in bad.items():
        (tmp_path / rel).write_text(text, encoding="utf-8")
    (tmp_path / "runbooks/link.yaml").symlink_to(tmp_path / "runbooks/web-502.yaml")
    findings = pipeline.validate(tmp_path, today=TODAY)
    seen = {(f.rule, f.severity) for f in findings}
    assert {rule for rule, _ in seen} >= {"undeclared-parameter", "destructive-unmarked", "broken-ref", "unknown-key"}
    assert {rule for rule, _ in seen} >= {"yaml-syntax", "tab-indent", "empty-file", "unknown-kind", "not-a-file"}
    for rule, severity in seen:
        assert rule in BY_ID and BY_ID[rule].severity == severity, (rule, severity)


def test_the_readme_table_is_generated_from_the_registry():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "run: python -m generator.outputs.rules_table README.md"
    assert len({r.id for r in RULES}) == len(RULES)


def test_the_contributing_page_lists_every_rule():
    from generator.outputs.site import render_site

    page = render_site(pipeline.run(ROOT, today=TODAY).corpus, today=TODAY, language="en")["contributing.md"]
    for rule in RULES:
        assert f"`{rule.id}`" in page
