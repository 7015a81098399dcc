"""Seed 000 (TapSpot site unreachable, servers healthy) survived the conversion to YAML."""

import re
from pathlib import Path

from generator.core.load import load_document

ROOT = Path(__file__).resolve().parents[2]
INCIDENT = ROOT / "incidents" / "2026-02-25-tapspot-site-unreachable.yaml"
RUNBOOK = ROOT / "runbooks" / "site-unreachable-server-healthy.yaml"
SECRET = "sk-sp-58397f71c3304b03879e04efd48f9e4b"


def test_secret_absent_from_both_files():
    for path in (INCIDENT, RUNBOOK):
        assert SECRET not in path.read_text(encoding="utf-8"), path


def test_incident_key_facts():
    inc = load_document(INCIDENT)
    assert inc.id == "2026-02-25-tapspot-site-unreachable"
    assert inc.severity == "P1"
    assert "⚠️ 高（用户无法访问）" in inc.impact
    assert inc.symptom == "用户报告网站无法打开"
    assert inc.started_at.isoformat() == "2026-02-25T23:01:00+08:00"
    assert inc.resolved_at.isoformat() == "2026-02-25T23:11:00+08:00"

    # Root cause: only the most likely hypothesis, never confirmed.
    assert inc.root_cause.confirmed is False
    assert inc.root_cause.category == "client-side"
    assert "浏览器缓存" in inc.root_cause.summary

    # Timeline: six rows, with the statuses as written.
    assert [(e.at.strftime("%H:%M"), e.status) for e in inc.timeline] == [
        ("23:01", "🔴 故障发生"),
        ("23:02", "🟡 排查中"),
        ("23:05", "🟡 排查中"),
        ("23:08", "🟡 排查中"),
        ("23:11", "🟢 诊断完成"),
        ("23:15", "🟢 文档完成"),
    ]
    assert inc.timeline[4].event == "完成故障分析"
    assert inc.timeline[0].phase == "started"

    # Diagnosis: every check passed; commands verbatim.
    assert len(inc.diagnosis) == 7
    assert all(s.outcome == "passed" for s in inc.diagnosis)
    assert inc.diagnosis[0].at.isoformat() == "2026-02-25T23:02:00+08:00"
    runs = "\n".join(s.run or "" for s in inc.diagnosis)
    for cmd in (
        'ps aux | grep -E "tapspot|nginx"',
        'netstat -tlnp | grep -E "80|8080"',
        "curl -s http://localhost:8080/api/posts",
        "curl -s http://localhost:80/",
        "curl -s -m 5 http://43.135.148.74/",
    ):
        assert cmd in runs
    assert "PID 476633" in inc.diagnosis[0].output

    assert [r.cause for r in inc.ruled_out] == [
        "服务未启动",
        "端口未监听",
        "配置文件错误",
        "防火墙阻止",
        "后端 API 故障",
        "前端文件缺失",
    ]
    assert [(h.likelihood, h.runbook) for h in inc.hypotheses] == [
        ("high", "site-unreachable-server-healthy#browser-cache"),
        ("medium", "site-unreachable-server-healthy#dns-cache"),
        ("low", "site-unreachable-server-healthy#cdn-slow"),
        ("low", "site-unreachable-server-healthy#security-group"),
    ]

    assert len(inc.resolution.steps) == 4
    assert [a.title for a in inc.resolution.user_actions] == [
        "强制刷新浏览器",
        "清除浏览器缓存",
        "尝试无痕模式",
        "检查网络连接",
    ]
    assert "Mac: Cmd + Shift + R" in inc.resolution.user_actions[0].run
    assert "Firefox: Ctrl+Shift+P" in inc.resolution.user_actions[2].run

    # Prevention: the health check script keeps its commands but reads the key from the environment.
    assert len(inc.prevention) == 4
    script = inc.prevention[0].steps[0]
    assert script.destructive is True
    assert "cat > /root/check_health.sh << 'EOF'" in script.run
    assert 'if ! pgrep -x "tapspot" > /dev/null; then' in script.run
    assert "nohup ./tapspot > ../backend_run.log 2>&1 &" in script.run
    assert 'export AI_API_KEY="${AI_API_KEY:?set AI_API_KEY in the environment}"' in script.run
    assert "chmod +x /root/check_health.sh" in script.run
    assert "*/5 * * * * /root/check_health.sh" in inc.prevention[1].steps[0].run

    assert [len(lesson.points) for lesson in inc.lessons] == [3, 3, 3]
    assert [(a.title, a.status) for a in inc.action_items] == [
        ("创建故障记录文档（已完成）", "done"),
        ("添加服务健康检查脚本", "open"),
        ("设置定时监控任务", "open"),
        ("优化前端资源加载", "open"),
        ("添加友好的错误页面", "open"),
    ]
    facts = {f.name: f.value for f in inc.environment}
    assert facts["服务器"] == "43.135.148.74"
    assert facts["仓库"] == "https://github.com/codedancewth/TapSpot"
    assert facts["文档"] == "/root/.openclaw/workspace/TapSpot/DEPLOYMENT_FAILURE_20260225.md"
    assert inc.author == "AI Assistant"
    assert str(inc.created) == "2026-02-25"
    assert [r.ref for r in inc.runbooks] == ["site-unreachable-server-healthy"]


def test_runbook_key_facts():
    rb = load_document(RUNBOOK)
    assert rb.id == "site-unreachable-server-healthy"
    assert rb.services == ["tapspot", "nginx"]
    assert str(rb.last_reviewed) == "2026-11-22"
    params = {p.name: p.default for p in rb.parameters}
    assert params["BACKEND_PROCESS"] == "tapspot"
    assert params["BACKEND_PORT"] == "8080"
    assert params["HTTP_PORT"] == "80"
    assert params["PUBLIC_URL"] == "http://43.135.148.74/"

    # Every ${NAME} in the runbook is a declared parameter.
    used = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", RUNBOOK.read_text(encoding="utf-8")))
    assert used <= set(params), used - set(params)

    hc_runs = [s.run for s in rb.health_check.steps]
    assert "curl -s -m 5 ${PUBLIC_URL}" in hc_runs
    assert "curl -s http://localhost:${BACKEND_PORT}${BACKEND_API_PATH}" in hc_runs

    assert [p.id for p in rb.problems] == ["unreachable-but-healthy"]
    problem = rb.problems[0]
    assert [(c.id, c.category) for c in problem.causes] == [
        ("browser-cache", "client-side"),
        ("dns-cache", "client-side"),
        ("cdn-slow", "dependency"),
        ("security-group", "network"),
    ]
    browser = problem.causes[0]
    assert [f.id for f in browser.fixes] == ["force-refresh", "clear-browser-cache", "incognito-mode"]
    refresh = browser.fixes[0].steps[0]
    assert {v.platform: v.run for v in refresh.variants} == {
        "windows": "Windows: Ctrl + F5",
        "macos": "Mac: Cmd + Shift + R",
    }
    assert "Safari: Cmd+Shift+N" in browser.fixes[2].steps[0].run
    assert len(rb.reference[0].rows) == 6
    assert problem.prevention
