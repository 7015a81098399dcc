"""`kb diagnose` on every error line the seed write-ups quote, and `kb search` in both languages, through
the index (FTS5) and the ranking."""

from __future__ import annotations

import pytest

from generator.search.engine import Engine
from tests.conftest import MINIMAL_RUNBOOK, ROOT

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
def engine(tmp_path_factory):
    return Engine.open(ROOT, tmp_path_factory.mktemp("cache"))


def _first(hits):
    return f"{hits[0].doc}#{hits[0].anchor}"


def _diagnose(engine, text, limit=5):
    return engine.ask(text, limit).hits


@pytest.mark.parametrize("line", SEED_ERROR_LINES)
def test_diagnose_puts_the_right_problem_first(engine, line):
    hits = _diagnose(engine, line)
    assert _first(hits) == SEED_ERROR_LINES[line]
    assert hits[0].tier == "exact" and hits[0].reasons[0].startswith("error signature")


def test_diagnose_says_why_and_shows_the_matched_causes_commands(engine):
    [hit, *_] = _diagnose(engine, "OSError: Address already in use")
    assert hit.reasons[0] == (
        'error signature "OSError: Address already in use" '
        "(cause: 原因 1: 端口被占用; seen in Server.py 启动输出 / journalctl)"
    )
    assert hit.cause["title"] == "原因 1: 端口被占用"
    assert hit.commands[0]["run"].startswith("netstat -tuln | grep ${PORT}")
    assert any(c["destructive"] for c in hit.commands)  # kill -9 is marked


def test_a_log_excerpt_ranks_the_problem_with_the_most_specific_evidence(engine):
    log = """\
2026/02/11 10:00:01 [error] 1234#0: *1 connect() failed (111: Connection refused) while connecting to upstream
2026/02/11 10:00:01 GET /api/login HTTP/1.1 502
"""
    hits = _diagnose(engine, log)
    assert _first(hits) == NGINX_502
    # Its cause's signature matched too: the reason names the cause.
    assert any("cause: Nginx proxy_pass 端口与后端监听端口不一致" in r for r in hits[0].reasons)
    # chatserver's shorter "Connection refused" matches as well, but ranks below.
    assert "chatserver-troubleshooting#client-cannot-connect" in [_first([h]) for h in hits[1:]]


def test_regex_signatures_match_as_patterns(tmp_path):
    (tmp_path / "runbooks").mkdir()
    text = MINIMAL_RUNBOOK.replace(
        "    symptoms:\n", '    signatures:\n      - text: "exit code (137|143)"\n        match: regex\n    symptoms:\n'
    )
    (tmp_path / "runbooks/web-502.yaml").write_text(text, encoding="utf-8")
    [hit, *_] = _diagnose(Engine.open(tmp_path, tmp_path / "cache"), "worker 3 died with exit code 137")
    assert hit.tier == "pattern" and hit.reasons[0] == 'pattern /exit code (137|143)/ matched "exit code 137"'


def test_text_that_matches_no_signature_falls_back_to_words(engine):
    hits = _diagnose(engine, "Redis 连接失败")
    assert _first(hits) == "voms-troubleshooting#redis-connection-failure"
    assert hits[0].tier in ("words", "entity", "concept") and "redis" in " ".join(hits[0].reasons)


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
def test_search_ranks_in_chinese_and_english(engine, query, expected):
    hits = _diagnose(engine, query, 10)
    assert _first(hits) == expected, [_first([h]) for h in hits]
    assert any(r.startswith("words: ") for r in hits[0].reasons)


def test_search_for_nothing_known_finds_nothing(engine):
    answer = engine.ask("kubernetes etcd quorum", 10)
    assert answer.hits == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # English error text; the runbook that answers it is written in Chinese.
        ("listen tcp :8000: bind: address already in use", "chatserver-troubleshooting#service-fails-to-start"),
        (
            "write /var/log/chatserver/server.log: no space left on device",
            "chatserver-troubleshooting#log-file-too-large",
        ),
    ],
)
def test_english_error_text_finds_a_cause_written_in_chinese(engine, text, expected):
    hits = _diagnose(engine, text)
    assert _first(hits) == expected, [(_first([h]), h.reasons) for h in hits]
    assert any(r.startswith("concept: ") for r in hits[0].reasons)


def test_text_the_knowledge_base_knows_nothing_about_gets_no_answer_but_the_nearest(engine):
    answer = engine.ask("LaTeX Error: File `tikz-cd.sty' not found. Type X to quit or <RETURN> to proceed", 5)
    assert answer.hits == []


SYSTEMD_RUNBOOK = """\
schema_version: 1
kind: runbook
id: unit-start
title: "Unit start failures: 203/EXEC, 200/CHDIR, start-limit-hit"
services: [systemd]
owner: ops
last_reviewed: 2026-11-01
problems:
  - id: exec-failed
    title: The unit cannot execute its ExecStart (203/EXEC)
    symptoms:
      - systemctl status shows the main process exited with the EXEC result
  - id: chdir-failed
    title: WorkingDirectory is missing
    symptoms: [CHDIR]
  - id: limit
    title: Restarted too often
    symptoms: [start-limit-hit]
"""


def test_a_runbook_title_does_not_give_its_problems_each_others_codes(tmp_path):
    # The runbook's title lists every problem's code: it must not make a short sibling outrank the problem
    # whose own title holds the code.
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks/unit-start.yaml").write_text(SYSTEMD_RUNBOOK, encoding="utf-8")
    hits = _diagnose(Engine.open(tmp_path, tmp_path / "cache"), "systemd unit 203/EXEC")
    assert _first(hits) == "unit-start#exec-failed"


def test_unknown_chinese_words_count_against_a_words_only_answer(engine):
    # Two everyday words of the knowledge base ("登录", "失败") in a text about something else entirely.
    assert _diagnose(engine, "12306 购票 登录验证码一直失败 换个浏览器也不行") == []


def test_a_localised_system_message_finds_the_concept(tmp_path):
    # PostgreSQL's zh_CN translation of "sorry, too many clients already".
    (tmp_path / "runbooks").mkdir()
    text = MINIMAL_RUNBOOK.replace("title: 后端未运行", "title: Too many connections to PostgreSQL")
    (tmp_path / "runbooks/web-502.yaml").write_text(text, encoding="utf-8")
    for n, title in enumerate(["Disk full", "Certificate expired", "DNS lookups fail"]):  # a concept of 1 in 4
        other = MINIMAL_RUNBOOK.replace("id: web-502", f"id: other-{n}").replace("title: 后端未运行", f"title: {title}")
        (tmp_path / f"runbooks/other-{n}.yaml").write_text(other, encoding="utf-8")
    hits = _diagnose(Engine.open(tmp_path, tmp_path / "cache"), "PSQLException: 致命错误: 对不起, 已经有太多的客户")
    assert _first(hits) == "web-502#backend-down" and hits[0].tier == "concept"


def _kb(tmp_path, problems: dict[str, str], services: str = "[web]") -> Engine:
    """One runbook per problem: {id: problem YAML under `problems:`}, plus two unrelated runbooks."""
    (tmp_path / "runbooks").mkdir()
    fillers = {
        f"filler-{n}": f"    title: {title}\n    symptoms: [{symptom}]\n"
        for n, (title, symptom) in enumerate(
            [("Queue consumers lag", "lag grows"), ("Slow DNS lookups", "lookups take seconds"),
             ("Cron job missed", "no run at 02:00"), ("Pods pending", "not scheduled")]
        )
    }  # fmt: skip
    for rid, body in {**problems, **fillers}.items():
        text = (
            f"schema_version: 1\nkind: runbook\nid: {rid}\ntitle: {rid}\nservices: {services}\nowner: ops\n"
            f"last_reviewed: 2026-11-01\nproblems:\n  - id: p\n{body}"
        )
        (tmp_path / f"runbooks/{rid}.yaml").write_text(text, encoding="utf-8")
    return Engine.open(tmp_path, tmp_path / "cache")


def test_a_general_concept_weighs_less_only_where_the_knowledge_base_has_the_specific_one(tmp_path, engine):
    from generator.search import ranking
    from generator.search.concepts import default

    vocabulary = default()

    def general(engine, text):
        return ranking.Query(engine.opened.db, text, vocabulary).general

    problem = (
        "    title: The certificate does not cover the host name (hostname mismatch)\n    symptoms: [clients fail]\n"
    )
    tls = _kb(tmp_path, {"name-mismatch": problem})
    text = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch"
    assert "tls-verify-failed" in general(tls, text)
    # The example knowledge base has no ENOSPC: "disk full" carries the English errno to its Chinese page.
    assert general(engine, "write /var/log/x.log: no space left on device") == set()


def test_concepts_an_entry_is_about_are_kept_apart_from_those_it_only_mentions(tmp_path):
    engine = _kb(
        tmp_path,
        {
            "db-down": "    title: Cannot connect to the database\n    symptoms: [clients time out]\n"
            "    causes:\n      - id: stopped\n        title: the server stopped because the disk is full\n"
            "        category: capacity\n",
        },
    )
    about, side = engine.opened.db.execute(
        "SELECT f.concepts, f.side_concepts FROM fts f JOIN entries e ON e.id = f.rowid WHERE e.doc = 'db-down'"
    ).fetchone()
    assert "disk-full" in side.split() and "disk-full" not in about.split()


def test_a_short_signature_of_the_service_named_is_an_answer(tmp_path):
    engine = _kb(tmp_path, {"pm2-apps": "    title: App ends up stopped\n    signatures: [{text: errored}]\n"}, "[pm2]")
    [hit] = _diagnose(engine, "PM2 status for api-gateway-v2 in cluster eu-west-blue: errored after deploy 4411")
    assert hit.confident and hit.tier == "exact"
    assert _diagnose(engine, "api errored") == []  # seven characters alone are a hint, not an answer


def test_a_chinese_query_finds_an_english_runbook_through_the_glossary(tmp_path):
    engine = _kb(
        tmp_path,
        {
            "pm2-memory": "    title: App restarts when it exceeds max memory\n"
            "    symptoms: [the restart counter climbs while memory grows]\n",
            "pm2-boot": "    title: Apps missing after a reboot\n    symptoms: [pm2 list is empty after boot]\n",
        },
        "[pm2]",
    )
    hits = _diagnose(engine, "pm2 超过内存上限 反复重启")
    assert _first(hits) == "pm2-memory#p" and "内存" in hits[0].reasons[-1]


def test_a_problems_own_signature_outranks_the_same_signature_of_another_problems_cause(tmp_path):
    engine = _kb(
        tmp_path,
        {
            "cache-save": "    title: Writes refused after a failed save\n    symptoms: [MISCONF]\n"
            "    causes:\n      - id: full\n        title: the dump folder is full\n        category: capacity\n"
            "        signatures: [{text: No space left on device}]\n",
            "disk-full": "    title: Disk full\n    signatures: [{text: No space left on device}]\n"
            "    symptoms: [writes fail everywhere on the host, logs stop, databases refuse inserts, builds break]\n",
        },
    )
    assert _first(_diagnose(engine, "No space left on device")) == "disk-full#p"


def test_the_service_named_with_a_few_of_its_words_is_an_answer(tmp_path):
    problem = (
        "    title: Messages over the size limit are rejected\n"
        "    symptoms: [the producer request is rejected because the message is larger than the limit]\n"
    )
    engine = _kb(tmp_path, {"kafka-size": problem}, "[kafka]")
    text = (
        "producer orders-7: request for partition events-3 rejected, record batch larger than the server accepts "
        "(retries exhausted after 5 attempts, correlation 4411)"
    )
    assert _diagnose(engine, text) == []  # a few shared words alone are not enough
    assert _first(_diagnose(engine, f"kafka {text}")) == "kafka-size#p"


def test_a_known_name_the_entry_mentions_counts_though_it_is_not_the_entrys_own(tmp_path):
    engine = _kb(
        tmp_path,
        {
            "restarts": "    title: Container keeps restarting\n    symptoms: [the restart count climbs]\n",
            "limits": "    title: Killed over its memory limit\n"
            "    symptoms: [the pod is killed when memory passes its limit]\n",
        },
        "[pod]",
    )
    (tmp_path / "runbooks/limits.yaml").write_text(
        (tmp_path / "runbooks/limits.yaml").read_text(encoding="utf-8").replace("[pod]", "[memory-limits]"),
        encoding="utf-8",
    )
    engine = Engine.open(tmp_path, tmp_path / "cache")
    hits = _diagnose(engine, "pod killed over memory limit")
    assert _first(hits) == "limits#p" and "mentions: pod" in hits[0].reasons


def test_a_name_that_many_entries_mention_says_less(tmp_path):
    from generator.search import ranking

    engine = _kb(tmp_path, {"web-down": "    title: Site down\n    symptoms: [the web server returns 502]\n"})
    q = ranking.Query(engine.opened.db, "web 502", engine._vocabulary())
    assert q.name_weight("web") < 1.0 == q.name_weight("postgres")
    assert q.name_weight("web") >= ranking.NAME_FLOOR


def test_another_name_of_a_technology_names_its_service(tmp_path):
    engine = _kb(
        tmp_path,
        {"pg-conns": "    title: Too many clients\n    symptoms: [new sessions are refused]\n"},
        "[postgresql]",
    )
    hit = _diagnose(engine, "pg refuses new sessions")[0]
    assert _first([hit]) == "pg-conns#p" and "names: postgresql" in hit.reasons


def test_a_signature_that_names_only_the_general_case_weighs_less_than_the_specific_concept(tmp_path):
    engine = _kb(
        tmp_path,
        {
            "ca": "    title: Unknown certificate authority\n    signatures: [{text: CERTIFICATE_VERIFY_FAILED}]\n"
            "    symptoms: [the issuer is not trusted]\n",
            "names": "    title: Hostname mismatch\n    symptoms: [the certificate does not cover the name]\n",
        },
    )
    text = "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid"
    assert _first(_diagnose(engine, text)) == "names#p"
    assert _first(_diagnose(engine, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")) == "ca#p"


def test_a_product_the_knowledge_base_does_not_cover_is_no_answer_through_the_general_concept(tmp_path):
    disk = "    title: Disk full\n    symptoms: [the disk is full and writes fail]\n"
    text = "[WARN ][o.e.c.r.a.DiskThresholdMonitor] [es-3] flood stage disk watermark [95%] exceeded on [es-3]"
    (tmp_path / "without").mkdir(), (tmp_path / "with").mkdir()
    engine = _kb(tmp_path / "without", {"disk": disk})
    answer = engine.ask(text, 5)
    assert answer.hits == [] and _first(answer.nearest) == "disk#p"  # ranked near, but not an answer
    es = "    title: Index blocked read-only\n    symptoms: [flood stage watermark exceeded, indices read-only]\n"
    engine = _kb(tmp_path / "with", {"disk": disk, "es": es})
    assert _first(_diagnose(engine, text)) == "es#p"


def test_an_umbrella_concept_alone_needs_some_of_the_texts_words(tmp_path):
    from generator.search.concepts import default

    assert {"permission-denied", "memory-exhausted"} <= default().umbrellas
    engine = _kb(tmp_path, {"files": "    title: Permission denied on files\n    symptoms: [a process cannot write]\n"})
    text = "quota-gateway replied: Access denied for tenant acme-7 (request 51b2, shard eu-4)"
    answer = engine.ask(text, 5)
    assert answer.hits == [] and _first(answer.nearest) == "files#p"
    assert _first(_diagnose(engine, "open(/srv/out.csv): Permission denied")) == "files#p"


def test_words_in_a_problems_title_and_symptoms_outrank_the_same_words_among_its_causes(tmp_path):
    engine = _kb(
        tmp_path,
        {
            "reach": "    title: Cannot reach the database\n    symptoms: [clients time out]\n"
            "    causes:\n      - id: limit\n        title: too many idle connections held open by workers\n"
            "        category: capacity\n",
            "conns": "    title: Connection limit reached\n    symptoms: [too many idle connections, new sessions are "
            "refused while the pool waits, dashboards show the limit reached on every replica of the cluster]\n",
        },
    )
    hits = engine.ask("too many idle connections", 5)
    assert _first(hits.hits + hits.nearest) == "conns#p"
