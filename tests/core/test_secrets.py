"""The `secret` rule against a corpus of made-up secrets and look-alikes (tests/fixtures/secrets/)."""

from __future__ import annotations

import re
import tomllib
import warnings
from importlib.metadata import version
from io import StringIO
from pathlib import Path

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from generator.core.pipeline import validate
from generator.core.rules import secrets
from generator.core.rules.secret_families import FAMILIES, is_placeholder, python_regex, sed_rules
from tests.conftest import MINIMAL_RUNBOOK, ROOT, TODAY

CORPUS = ROOT / "tests/fixtures/secrets/corpus.yaml"


def corpus() -> dict:
    return yaml.safe_load(CORPUS.read_text(encoding="utf-8"))


def runbook_with(text: str, where: str) -> str:
    """The minimal runbook with `text` as a step's command or as a step's note."""
    doc = YAML().load(MINIMAL_RUNBOOK)
    value = LiteralScalarString(text) if "\n" in text else text
    if where == "command":
        doc["problems"][0]["diagnosis"].append({"title": "收集信息", "run": value})
    else:
        doc["problems"][0]["diagnosis"][0]["note"] = value
    out = StringIO()
    YAML().dump(doc, out)
    return out.getvalue()


def secret_findings(folder: Path, texts: list[str]) -> list[list]:
    """For each text, the `secret` findings of `kb validate` on a runbook holding it (commands and notes
    in turn), all files validated in one call as the command does."""
    paths = []
    for i, text in enumerate(texts):
        path = folder / f"case-{i:03d}.yaml"
        path.write_text(runbook_with(text, "command" if i % 2 == 0 else "note"), encoding="utf-8")
        paths.append(path)
    found: dict[str, list] = {str(p): [] for p in paths}
    for f in validate(paths, today=TODAY):
        if f.rule == "secret":
            found[f.path].append(f)
    return [found[str(p)] for p in paths]


def test_the_corpus_is_large_and_varied_enough():
    data = corpus()
    assert len(data["secrets"]) >= 40 and len(data["placeholders"]) >= 30
    assert len({s["family"] for s in data["secrets"]}) >= 15
    for case in data["secrets"]:
        assert case["secret"] in case["text"], case


def test_validate_finds_the_secrets_located_and_without_repeating_them(tmp_path):
    cases = corpus()["secrets"]
    results = secret_findings(tmp_path, [c["text"] for c in cases])
    missed = [c["family"] for c, found in zip(cases, results, strict=True) if not found]
    found = len(cases) - len(missed)
    print(f"\nsecret rule: found {found} / {len(cases)} secrets; missed: {missed}")
    assert found >= 0.95 * len(cases), f"found {found} / {len(cases)}; missed {missed}"
    for case, findings in zip(cases, results, strict=True):
        for f in findings:
            assert f.line > 0 and f.col > 0, f  # located on the line and column of the secret
            lines = (tmp_path / Path(f.path).name).read_text(encoding="utf-8").splitlines()
            assert f.needle.splitlines()[0] in lines[f.line - 1]
            assert case["secret"] not in f.message and f.needle not in f.message, f.message
            assert f.severity == "error" and "rotate" in f.hint


def test_validate_leaves_the_placeholders_alone(tmp_path):
    placeholders = corpus()["placeholders"]
    results = secret_findings(tmp_path, placeholders)
    flagged = [(text, [f.message for f in found]) for text, found in zip(placeholders, results, strict=True) if found]
    print(f"\nsecret rule: {len(flagged)} false positive(s) over {len(placeholders)} placeholders: {flagged}")
    assert len(flagged) <= 1, flagged


def test_both_detectors_contribute(monkeypatch):
    """The project's families and detect-secrets' plugins each find secrets on their own."""
    texts = [c["text"] for c in corpus()["secrets"]]

    def count() -> int:
        return sum(1 for t in texts if any(True for _ in secrets.find_secrets(t)))

    both = count()
    with monkeypatch.context() as m:
        m.setattr(secrets, "_plugins", lambda: [])
        own = count()
    with monkeypatch.context() as m:
        m.setattr(secrets, "_patterns", lambda: [])
        library = count()
    print(f"\nsecret rule: own families {own}, detect-secrets {library}, together {both} of {len(texts)}")
    assert library > 0 and own > library and both >= own
    # A bot token right after `/bot` in a URL: the families want a word boundary, the plugin does not.
    telegram = "curl https://api.telegram.org/bot812345670:AAk3Jq9ZrX2mWq7TnB4vLp8YcH1sD6fGk0e/getMe"
    assert [what for what, _ in secrets.find_secrets(telegram)] == ["Telegram bot token"]


def test_one_finding_per_stretch_of_text():
    # The GitHub family, the `token=` family and the GitHub plugin all match: one finding.
    token = "ghp_" + "Zq8Lm3Xv7Tn2Wc5Rb9Hk4Jp6Yd1Fs0Ga2Ue"
    assert list(secrets.find_secrets(f"export GITHUB_TOKEN={token}")) == [("GitHub token", token)]


def test_placeholder_shapes():
    for value in ["<password>", "${PASSWORD}", "$DB_PASS", "changeme", "xxxx", "***", "your-token-here",
                  "new_password", "AKIAIOSFODNN7EXAMPLE", "pass", "password", "%DB_PASSWORD%", "admin123"]:  # fmt: skip
        assert is_placeholder(value), value
    for value in ["s3cretPw", "Tr0ub4dor&3xyz", "Qm7vT2kx9LpZ", "AKIAPYCDYBK377OXTZQ6"]:
        assert not is_placeholder(value), value


def test_the_preview_never_shows_more_than_a_quarter():
    assert secrets._preview("Qm7vT2kx") == "Qm…"
    assert secrets._preview("ghp_" + "a" * 36) == "ghp_aa…"
    assert secrets._preview("abc") == "…"


def test_every_family_compiles_for_python_and_sed():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. a "possible nested set" in a translated bracket
        for family in FAMILIES:
            python_regex(family)
            rules = sed_rules(family)
            assert rules and all("\n" not in r for r in rules)
            assert not re.search(r"\\[1-9][0-9]", "".join(rules))  # sed has \1 to \9 only


def test_detect_secrets_is_pinned_to_the_version_in_use():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pinned = [d for d in deps if d.startswith("detect-secrets==")]
    assert pinned == [f"detect-secrets=={version('detect-secrets')}"]


def test_a_private_key_block_is_one_finding_at_its_header(tmp_path):
    block = next(c["text"] for c in corpus()["secrets"] if c["family"] == "OpenSSH private key")
    for found in secret_findings(tmp_path, [block, block]):  # as a command, then as a note
        assert [f.message.split(" '")[0] for f in found] == ["private key"]
        assert found[0].needle == "-----BEGIN OPENSSH PRIVATE KEY-----"
