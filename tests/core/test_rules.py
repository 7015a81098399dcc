"""Lint rules: each reports once, located, with a hint that says how to fix it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml
from markdown_it import MarkdownIt
from ruamel.yaml.scalarstring import LiteralScalarString

from generator.core.model.runbook import Parameter
from generator.core.pipeline import validate
from generator.core.rules.arithmetic import names_in_arithmetic
from generator.core.rules.destructive import first_destructive
from generator.core.rules.reserved_names import SCRIPT_OPTIONS, why_reserved
from generator.core.rules.secrets import find_secrets
from generator.core.values import value_problem
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


def _with_parameter(param_yaml: str, run: str = "ss -tlnp | grep ${PORT}") -> str:
    """The minimal runbook with one more parameter (indented YAML under `- name:`) and its command."""
    text = MINIMAL_RUNBOOK.replace('    default: "8080"\n', '    default: "8080"\n' + param_yaml, 1)
    return text.replace("run: ss -tlnp | grep ${PORT}", f"run: {run}")


@pytest.mark.parametrize(
    "name, why",
    [
        ("BASH_ENV", "BASH_"),
        ("ENV", "bash"),
        ("PATH", "bash"),
        ("IFS", "bash"),
        ("PS4", "bash"),
        ("SHELLOPTS", "bash"),
        ("GLOBIGNORE", "bash"),
        ("HOME", "bash"),
        ("LD_PRELOAD", "LD_"),
        ("BASH_FUNC_X", "BASH_"),
        ("DRY_RUN", "--dry-run is an option"),
        ("PROBLEM", "--problem is an option"),
        ("YES", "--yes is an option"),
        ("PLATFORM", "--platform is an option"),
        ("OUTPUT", "--output is an option"),
        ("KB_ANYTHING", "KB_"),
    ],
)
def test_reserved_parameter_names_are_refused_where_they_are_declared(write, name, why):
    text = _with_parameter(f"  - name: {name}\n    description: x\n")
    findings = validate([write("web-502.yaml", text)], today=TODAY)
    assert _rules(findings) == [("reserved-parameter-name", "error", 12, 11)], findings
    assert name in findings[0].message and why in findings[0].message
    assert "rename" in findings[0].hint


def test_ordinary_names_are_not_reserved():
    for name in ("PORT", "SERVICE", "APP_HOME", "BACKEND_PORT", "HTTP_PORT", "LOG_DIR", "PATHS", "HOMEDIR"):
        assert why_reserved(name) is None, name
    assert why_reserved("port") and why_reserved("PORT\n") and why_reserved("1PORT")


def test_every_option_of_the_scripts_is_a_reserved_name():
    """A new option in a template must be reserved too, or a parameter could shadow it."""
    options = set()
    for template in (ROOT / "generator/outputs/templates/snippets").glob("*.sh.j2"):
        options |= set(re.findall(r"^\s+(?:-\w \| )?--([a-z][a-z-]*)\)", template.read_text(encoding="utf-8"), re.M))
    assert {"dry-run", "yes", "platform", "help", "problem", "output"} <= options
    for option in options:
        assert option.upper().replace("-", "_") in SCRIPT_OPTIONS, option


def test_a_parameter_in_arithmetic_must_be_a_number_by_type(write):
    cases = {
        "[[ ${COUNT} -lt 3 ]] && echo few": "${COUNT",
        "echo $(( ${COUNT} + 1 ))": "${COUNT",
        "for ((i = 0; i < COUNT; i++)); do echo $i; done": "COUNT",
        "let n=COUNT*2": "COUNT",
        "echo ${PORT:${COUNT}}": "${COUNT",
    }
    for command, needle in cases.items():
        text = _with_parameter('  - name: COUNT\n    description: how many\n    default: "3"\n', repr(command))
        findings = validate([write("web-502.yaml", text)], today=TODAY)
        assert [(f.rule, f.severity) for f in findings] == [("arithmetic-parameter", "error")], (command, findings)
        line = write("web-502.yaml", text).read_text(encoding="utf-8").splitlines()[findings[0].line - 1]
        assert line[findings[0].col - 1 :].startswith(needle), (command, line)
        assert "type: integer" in findings[0].hint
        typed = text.replace("description: how many\n", "description: how many\n    type: integer\n")
        assert validate([write("web-502.yaml", typed)], today=TODAY) == [], command
    # Text comparisons and other parameters are fine.
    text = _with_parameter("  - name: MODE\n    description: x\n", repr('[[ "${MODE}" == fast && ${PORT} == 1 ]]'))
    assert validate([write("web-502.yaml", text)], today=TODAY) == []


def test_names_in_arithmetic():
    names = {"N", "DIR"}
    assert names_in_arithmetic("[[ -d ${DIR} && ${N} -gt 2 ]]", names) == ["N"]
    assert names_in_arithmetic('[ "$N" -eq 1 ] || test $N -ge 2', names) == ["N"]
    assert names_in_arithmetic("echo ${a[${N}]} $[ N + 1 ]; declare -i x=${N}", names) == ["N"]
    assert names_in_arithmetic("echo ${DIR:-${N}}\n# (( N ))", names) == []
    assert names_in_arithmetic("ls ${DIR}/x && [[ ${DIR} == /tmp ]]", names) == []


@pytest.mark.parametrize(
    "param, message",
    [
        ('type: port\n    default: "70000"', "is not a port number"),
        ('type: port\n    default: "0"', "is not a port number"),
        ('type: integer\n    default: "08"', "is not a whole number"),
        ('type: integer\n    default: "x[$(id)]"', "is not a whole number"),
        ('type: path\n    default: "-rf"', "is not a path"),
        ('default: "a\\nb"', "control or invisible character"),
        ('pattern: "^[a-z]+$"\n    default: "A1"', "does not match the pattern"),
        ("choices: [fast, slow]\n    default: medium", "is not one of the choices"),
        ('choices: ["a\\nKB_END\\ntouch /tmp/x", b]', "'a\\nKB_END\\ntouch /tmp/x' is empty or holds a control"),
        ('pattern: "^a\\n$(id)$"', "the pattern holds a control"),
        ('pattern: "^([a-z]$"', "not a regular expression"),
        ("type: choice", "needs a list of `choices`"),
        ("type: string\n    choices: [a, b]", "`choices` go with `type: choice`"),
        ("type: number", "Input should be"),
    ],
)
def test_parameter_types_and_defaults_are_checked_by_validate(write, param, message):
    text = _with_parameter(f"  - name: VALUE\n    description: x\n    {param}\n")
    findings = validate([write("web-502.yaml", text)], today=TODAY)
    assert [(f.rule, f.severity, f.line) for f in findings] in (
        [("schema", "error", 12)],
        [("schema", "error", 14)],  # an error about the `type` value itself
    ), findings
    assert message in findings[0].message, findings[0].message


def test_parameter_types_that_validate():
    good = [
        'type: port\n    default: "65535"',
        'type: integer\n    default: "0"',
        "type: path\n    default: /var/log/x.log",
        "choices: [fast, slow]\n    default: fast",  # no `type`: a list of choices makes a choice, as before
        'pattern: "^[0-9]{1,5}$"\n    default: "8080"',  # no `type`: a string, as before
        "type: string\n    default: \"x[$(touch /tmp/m)] ; `id` 'q'\"",  # text: data, never arithmetic
    ]
    for param in good:
        data = yaml.safe_load(f"- name: VALUE\n  description: x\n  {param.replace(chr(10) + '    ', chr(10) + '  ')}\n")
        p = Parameter.model_validate(data[0])
        assert p.type == ("choice" if "choices" in param else p.type)
        assert value_problem(p.default or "", p.type, p.pattern, p.choices) is None, param
