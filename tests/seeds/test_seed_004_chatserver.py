"""Seed 004 (Python 聊天服务器故障排查指南) survived the conversion to a runbook."""

from pathlib import Path

from generator.core.load import load_document
from tests.conftest import all_steps, expand

RUNBOOK = Path(__file__).resolve().parents[2] / "runbooks" / "chatserver-troubleshooting.yaml"


def test_header_and_parameters():
    rb = load_document(RUNBOOK)
    assert rb.id == "chatserver-troubleshooting"
    assert rb.title == "故障排查指南 (Python 聊天服务器)"
    assert rb.services == ["chatserver"]
    params = {p.name: p.default for p in rb.parameters}
    assert params["SERVICE"] == "chatserver"
    assert params["PORT"] == "3000"
    assert params["WORKDIR"] == "/opt/chatserver"
    assert params["CONFIG_FILE"] == "/opt/chatserver/config.json"
    assert params["LOG_DIR"] == "/var/log/chatserver"
    assert params["LOG_FILE"] == "/var/log/chatserver/server.log"


def test_health_check_seven_steps():
    rb = load_document(RUNBOOK)
    runs = [expand(rb, s.run) for s in rb.health_check.steps]
    assert runs == [
        "systemctl status chatserver",
        "netstat -tuln | grep 3000",
        "ps aux | grep Server.py",
        "tail -50 /var/log/chatserver/server.log",
        "df -h",
        "free -h",
        "telnet 127.0.0.1 3000",
    ]
    assert rb.health_check.steps[0].expect.contains == "active (running)"


def test_all_eleven_problems_with_groups_and_signatures():
    rb = load_document(RUNBOOK)
    by_title = {p.title: p for p in rb.problems}
    expected = {
        "问题 1: 服务无法启动": "启动问题",
        "问题 2: 服务启动后立即退出": "启动问题",
        "问题 3: 管理员密码验证失败": "启动问题",
        "问题 4: 客户端无法连接": "连接问题",
        "问题 5: 连接频繁断开": "连接问题",
        "问题 6: 服务器已满，无法连接": "连接问题",
        "问题 7: 服务器响应缓慢": "性能问题",
        "问题 8: 内存泄漏": "性能问题",
        "问题 9: 消息无法发送": "功能问题",
        "问题 10: 管理员命令无响应": "功能问题",
        "问题 11: 日志文件过大": "功能问题",
    }
    assert len(rb.problems) == 11
    assert {t: p.group for t, p in by_title.items()} == expected

    signatures = set()
    for p in rb.problems:
        signatures |= {s.text for s in p.signatures}
        for c in p.causes:
            signatures |= {s.text for s in c.signatures}
    for text in [
        "Failed to start chatserver.service",
        "Active: failed (Result: exit-code)",
        "Connection refused",
        "Connection timeout",
        "心跳超时，连接已断开",
        "⚠️ 服务器已满，请稍后再试",
        "⛔ 发言失败：你已被禁言",
        ">>> 密码错误 (3/3)",
        ">>> 验证失败，控制台已锁定",
        "FileNotFoundError: [Errno 2] No such file or directory: '/var/log/chatserver/server.log'",
        "警告: config.json 未找到，使用默认配置",
        "磁盘空间不足",
    ]:
        assert text in signatures, text

    assert by_title["问题 7: 服务器响应缓慢"].symptoms == ["消息延迟", "连接建立缓慢", "CPU 使用率高"]
    assert by_title["问题 8: 内存泄漏"].symptoms == ["内存使用持续增长", "服务器最终崩溃"]

    # 问题 1 has four causes; 问题 4 three (with the firewall as platform variants).
    p1 = by_title["问题 1: 服务无法启动"]
    assert [c.id for c in p1.causes] == [
        "port-in-use",
        "config-syntax-error",
        "file-permissions",
        "python-module-missing",
    ]
    p4 = by_title["问题 4: 客户端无法连接"]
    firewall = p4.causes[0]
    assert firewall.category == "network"
    fix_variants = {v.platform: v.run for v in firewall.fixes[0].steps[0].variants}
    assert fix_variants["debian"] == "sudo ufw allow ${PORT}/tcp"
    assert "sudo firewall-cmd --reload" in fix_variants["rhel"]
    check_variants = {v.platform: v.run for v in firewall.checks[0].variants}
    assert check_variants["windows"] == "netsh advfirewall firewall show rule name=all | findstr ${PORT}"

    # Temporary vs permanent fixes.
    p3 = by_title["问题 3: 管理员密码验证失败"]
    assert [f.temporary for f in p3.fixes] == [True, False]
    p8 = by_title["问题 8: 内存泄漏"]
    assert [f.temporary for f in p8.fixes] == [True, False]
    assert [s.title for s in p8.fixes[1].steps] == [
        "检查代码中的循环引用",
        "确保及时关闭 socket 连接",
        "定期清理 clients_data 列表",
    ]


def test_destructive_commands_are_marked():
    rb = load_document(RUNBOOK)
    steps = list(all_steps(rb))
    risky = ("kill -9", "truncate", "chown -R", "systemctl restart", "systemctl stop", "sysctl -p")
    for step in steps:
        texts = [step.run or ""] + [v.run for v in step.variants]
        if any(word in t for t in texts for word in risky):
            assert step.destructive, step.title
    runs = {expand(rb, s.run) for s in steps if s.run}
    assert "kill -9 <PID>" in runs
    assert "sudo truncate -s 0 /var/log/chatserver/server.log" in runs
    assert "journalctl -u chatserver -n 50 --no-pager" in runs
    assert "ab -n 1000 -c 100 http://127.0.0.1:3000/" in runs


def test_reference_tables():
    rb = load_document(RUNBOOK)
    tables = {t.id: t for t in rb.reference}
    assert [r[0] for r in tables["log-levels"].rows] == ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
    assert ["WARNING", "警告信息", "心跳超时、连接失败"] in tables["log-levels"].rows
    exc = tables["python-exceptions"].rows
    assert len(exc) == 7
    assert ["`OSError: Address already in use`", "端口被占用", "更换端口或杀死占用进程"] in exc
    assert ["`KeyError`", "配置项缺失", "补充配置文件"] in exc
    assert tables["exit-codes"].rows == [
        ["Exit code 1", "一般错误", "查看日志详细信息"],
        ["Exit code 2", "配置错误", "检查配置文件"],
        ["Exit code 137", "内存不足被杀死", "增加内存或优化代码"],
        ["Exit code 143", "正常终止（SIGTERM）", "无需处理"],
    ]


def test_procedures_diagnostics_escalation_links():
    rb = load_document(RUNBOOK)
    assert [s.title for s in rb.collect_diagnostics] == [
        "系统信息",
        "服务状态",
        "端口监听",
        "进程信息",
        "最近日志",
        "配置文件",
        "磁盘空间",
        "内存使用",
        "网络连接",
    ]
    assert rb.collect_diagnostics[0].run == "uname -a\npython3 --version\n"
    procs = {p.id: p for p in rb.procedures}
    debug_tricks = ["enable-debug-logging", "run-server-manually", "python-debugger", "packet-capture"]
    for pid in [*debug_tricks, "stress-test"]:
        assert pid in procs
    assert procs["weekly-maintenance"].schedule == "weekly"
    assert len(procs["weekly-maintenance"].steps) == 5
    assert procs["security-audit"].schedule == "monthly"
    assert len(procs["security-audit"].steps) == 4
    assert procs["monitoring-alerts"].schedule == "*/5 * * * *"
    assert procs["daily-backup"].schedule == "0 2 * * *"
    assert [s.title for s in rb.cheatsheet[0].steps][0] == "实时查看日志"
    assert len(rb.cheatsheet[0].steps) == 7
    assert rb.escalation.collect == [
        "诊断报告（diagnostic_report.txt）",
        "完整的错误信息",
        "服务器版本（v6.0）",
        "操作系统版本",
        "复现步骤",
    ]
    assert "如果问题仍未解决，请启用 DEBUG 日志级别，收集详细信息后寻求技术支持。" in rb.escalation.policy
    assert {link.target for link in rb.links} >= {"README.md", "API.md", "DEPLOYMENT.md"}
