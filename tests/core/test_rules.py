"""Lint rules: each reports once, located, with a hint that says how to fix it."""

from __future__ import annotations

import datetime as dt

from markdown_it import MarkdownIt
from ruamel.yaml.scalarstring import LiteralScalarString

from generator.core.pipeline import validate
from generator.core.rules.destructive import first_destructive
from generator.core.rules.secrets import find_secrets
from tests.conftest import MINIMAL_RUNBOOK, ROOT, TODAY

SEED_000 = ROOT / "tests/fixtures/seeds/seed-000-tapspot-site-unreachable.md"
LEAKED_KEY = "sk-sp-58397f71c3304b03879e04efd48f9e4b"


def _rules(findings):
    return [(f.rule, f.severity, f.line, f.col) for f in findings]


def _seed_health_check_script() -> str:
    """The original health-check script of seed 000, exactly as written (it leaks an API key)."""
    blocks = [t.content for t in MarkdownIt().parse(SEED_000.read_text(encoding="utf-8")) if t.type == "fence"]
    return next(b for b in blocks if "AI_API_KEY" in b)


def test_the_leaked_key_of_seed_000_is_rejected(write):
    script = _seed_health_check_script()
    assert LEAKED_KEY in script
    from io import StringIO

    from ruamel.yaml import YAML

    doc = YAML().load(MINIMAL_RUNBOOK)
    doc["problems"][0]["fixes"] = [
        {
            "id": "health-check",
            "title": "添加服务监控",
            "steps": [{"title": "创建健康检查脚本", "run": LiteralScalarString(script), "destructive": True}],
        }
    ]
    out = StringIO()
    YAML().dump(doc, out)
    path = write("web-502.yaml", out.getvalue())
    findings = validate([path], today=TODAY)
    secret = [f for f in findings if f.rule == "secret"]
    assert len(secret) == 1, findings
    text_lines = path.read_text(encoding="utf-8").splitlines()
    assert LEAKED_KEY in text_lines[secret[0].line - 1]
    assert text_lines[secret[0].line - 1].index(LEAKED_KEY) + 1 == secret[0].col
    assert secret[0].severity == "error"
    assert "environment variable" in secret[0].hint
    assert LEAKED_KEY not in secret[0].message  # the report must not spread the secret further


def test_secret_shapes():
    found = lambda text: [what for what, _ in find_secrets(text)]  # noqa: E731
    assert found("-----BEGIN OPENSSH PRIVATE KEY-----") == ["private key"]
    assert found("export AWS_ACCESS_KEY_ID=AKIAPYCDYBK377OXTZQ6") == ["AWS access key"]
    assert found("curl -H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz123456'") == ["bearer token"]
    assert found("psql postgres://admin:s3cretPw@db/prod") == ["password in URL"]
    assert found('"password": "Tr0ub4dor&3xyz"') == ["credential"]
    # References and placeholders are not secrets.
    assert found('export AI_API_KEY="${AI_API_KEY:?set it}"') == []
    assert found('# 修改 "password": "new_password"') == []
    assert found("token=<YOUR_TOKEN>") == []


def test_secret_in_text_fields_too(write):
    text = MINIMAL_RUNBOOK + "summary: 'ghp_" + "a1B2" * 9 + "'\n"
    findings = validate([write("web-502.yaml", text)], today=TODAY)
    assert _rules(findings) == [("secret", "error", 20, 11)]


def test_unmarked_destructive_command_is_a_warning(write):
    text = MINIMAL_RUNBOOK.replace(
        "run: ss -tlnp | grep ${PORT}",
        "run: |\n          # 先看端口\n          lsof -i :${PORT}\n          kill -9 <PID>",
    )
    path = write("web-502.yaml", text)
    findings = validate([path], today=TODAY)
    assert _rules(findings) == [("destructive-unmarked", "warning", 22, 11)]
    assert "kill -9" in findings[0].message
    assert "destructive: true" in findings[0].hint
    marked = text.replace("run: |", "destructive: true\n        run: |")
    assert validate([write("web-502.yaml", marked)], today=TODAY) == []


def test_destructive_patterns():
    for cmd in [
        "kill -9 1234",
        "pkill -f gunicorn",
        "rm -rf /tmp/x",
        "sed -i 's/a/b/' f",
        "truncate -s 0 log",
        "sudo systemctl restart nginx",
        "systemctl stop voms-server",
        "pm2 stop all",
        "sudo chown -R a:a /opt",
        "systemctl daemon-reload",
    ]:
        assert first_destructive(cmd), cmd
    for cmd in ["systemctl status nginx", "# kill -9 <PID>", "tail -f x.log", "ps aux | grep kill", "grep -r x /etc"]:
        assert not first_destructive(cmd), cmd


def test_review_overdue_is_a_warning_and_an_error_when_strict(write):
    path = write("web-502.yaml", MINIMAL_RUNBOOK.replace("2026-11-01", "2025-01-01"))
    today = dt.date(2026, 1, 1)
    findings = validate([path], today=today)
    assert _rules(findings) == [("review-overdue", "warning", 7, 1)]
    assert "overdue by 185 days" in findings[0].message
    assert _rules(validate([path], today=today, strict=True)) == [("review-overdue", "error", 7, 1)]
    assert validate([path], today=dt.date(2025, 6, 1)) == []


def test_undeclared_parameter(write):
    text = MINIMAL_RUNBOOK.replace("grep ${PORT}", "grep ${PROT}")
    findings = validate([write("web-502.yaml", text)], today=TODAY)
    assert _rules(findings) == [("undeclared-parameter", "error", 19, 30)]
    assert "${PROT}" in findings[0].message


def test_undeclared_parameter_in_an_expectation(write):
    text = MINIMAL_RUNBOOK + '        expect:\n          contains: ":${PROT}"\n'
    findings = validate([write("web-502.yaml", text)], today=TODAY)
    assert _rules(findings) == [("undeclared-parameter", "error", 21, 23)]
    assert validate([write("web-502.yaml", text.replace("PROT", "PORT"))], today=TODAY) == []
