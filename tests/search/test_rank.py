"""`kb diagnose` on every error line the seed write-ups quote, and `kb search` in both languages."""

from __future__ import annotations

import pytest

from generator.search import rank
from generator.search.index import open_index
from tests.conftest import ROOT

NGINX_502 = "nginx-502-bad-gateway#bad-gateway"
# Error lines as the seeds quote them -> the runbook problem that answers them.
SEED_ERROR_LINES = {
    # seed 001 (browser console) and 002
    "/api/login:1 Failed to load resource: the server responded with a status of 502 ()": NGINX_502,
    "登录失败: AxiosError: Request failed with status code 502": NGINX_502,
    "502 Bad Gateway": NGINX_502,
    # seed 004
    "Failed to start chatserver.service": "chatserver-troubleshooting#service-fails-to-start",
    "OSError: Address already in use": "chatserver-troubleshooting#service-fails-to-start",
    "PermissionError": "chatserver-troubleshooting#service-fails-to-start",
    "JSONDecodeError": "chatserver-troubleshooting#service-fails-to-start",
    "ModuleNotFoundError": "chatserver-troubleshooting#service-fails-to-start",
    "Active: failed (Result: exit-code)": "chatserver-troubleshooting#exits-after-start",
    "警告: config.json 未找到，使用默认配置": "chatserver-troubleshooting#exits-after-start",
    "FileNotFoundError: [Errno 2] No such file or directory: '/var/log/chatserver/server.log'": (
        "chatserver-troubleshooting#exits-after-start"
    ),
    ">>> 密码错误 (3/3)": "chatserver-troubleshooting#admin-password-failed",
    ">>> 验证失败，控制台已锁定": "chatserver-troubleshooting#admin-password-failed",
    "Connection refused": "chatserver-troubleshooting#client-cannot-connect",
    "Connection timeout": "chatserver-troubleshooting#client-cannot-connect",
    "ConnectionRefusedError": "chatserver-troubleshooting#client-cannot-connect",
    "心跳超时，连接已断开": "chatserver-troubleshooting#frequent-disconnects",
    "⚠️ 服务器已满，请稍后再试": "chatserver-troubleshooting#server-full",
    "⛔ 发言失败：你已被禁言": "chatserver-troubleshooting#cannot-send-message",
    "磁盘空间不足": "chatserver-troubleshooting#log-file-too-large",
    "日志文件占用大量空间": "chatserver-troubleshooting#log-file-too-large",
}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    built = open_index(ROOT, tmp_path_factory.mktemp("cache"))
    assert built.errors == []
    return built.index


def _first(hits):
    return f"{hits[0].entry['runbook']}#{hits[0].entry['anchor']}"


@pytest.mark.parametrize("line", SEED_ERROR_LINES)
def test_diagnose_puts_the_right_problem_first(index, line):
    hits = rank.diagnose(index, line)
    assert _first(hits) == SEED_ERROR_LINES[line]
    assert hits[0].tier == "exact" and hits[0].reasons[0].startswith("error signature")


def test_diagnose_says_why_and_shows_the_matched_causes_commands(index):
    [hit, *_] = rank.diagnose(index, "OSError: Address already in use")
    assert hit.reasons == [
        'error signature "OSError: Address already in use" '
        "(cause: 原因 1: 端口被占用; seen in Server.py 启动输出 / journalctl)"
    ]
    assert hit.commands[0]["run"].startswith("netstat -tuln | grep ${PORT}")
    assert any(c["destructive"] for c in hit.commands)  # kill -9 is marked


def test_a_log_excerpt_ranks_the_problem_with_the_most_specific_evidence(index):
    log = """\
2026/02/11 10:00:01 [error] 1234#0: *1 connect() failed (111: Connection refused) while connecting to upstream
2026/02/11 10:00:01 GET /api/login HTTP/1.1 502
"""
    hits = rank.diagnose(index, log)
    assert _first(hits) == NGINX_502
    # Its cause's signature matched too: the reason names the cause.
    assert any("cause: Nginx proxy_pass 端口与后端监听端口不一致" in r for r in hits[0].reasons)
    # chatserver's shorter "Connection refused" matches as well, but ranks below.
    assert "chatserver-troubleshooting#client-cannot-connect" in [_first([h]) for h in hits[1:]]


def test_regex_signatures_match_as_patterns(tmp_path):
    from tests.conftest import MINIMAL_RUNBOOK

    (tmp_path / "runbooks").mkdir()
    text = MINIMAL_RUNBOOK.replace(
        "    symptoms:\n", '    signatures:\n      - text: "exit code (137|143)"\n        match: regex\n    symptoms:\n'
    )
    (tmp_path / "runbooks/web-502.yaml").write_text(text, encoding="utf-8")
    built = open_index(tmp_path, tmp_path / "cache")
    [hit] = rank.diagnose(built.index, "worker 3 died with exit code 137")
    assert hit.tier == "pattern" and hit.reasons == ['pattern /exit code (137|143)/ matched "exit code 137"']


def test_text_that_matches_no_signature_falls_back_to_words(index):
    hits = rank.diagnose(index, "Redis 连接失败")
    assert _first(hits) == "voms-troubleshooting#redis-connection-failure"
    assert hits[0].tier == "words" and "redis" in hits[0].reasons[0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("502", NGINX_502),
        ("登录失败 401", "voms-troubleshooting#login-failure-401-403"),
        ("端口被占用", "chatserver-troubleshooting#service-fails-to-start"),
        ("心跳超时", "chatserver-troubleshooting#frequent-disconnects"),
        ("浏览器缓存", "site-unreachable-server-healthy#unreachable-but-healthy"),
        ("elif else jinja2", "safe-deploy#jinja2-elif-after-else"),
        ("OTA 回滚", "voms-troubleshooting#ota-rollback"),
        ("memory leak 内存泄漏", "chatserver-troubleshooting#memory-leak"),
    ],
)
def test_search_ranks_in_chinese_and_english(index, query, expected):
    hits = rank.search(index, query)
    assert _first(hits) == expected, [_first([h]) for h in hits]
    assert hits[0].reasons[0].startswith("words: ")


def test_search_for_nothing_known_finds_nothing(index):
    assert rank.search(index, "kubernetes etcd quorum") == []
