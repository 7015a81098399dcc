"""Seed 001 (login 502, Flask backend down) survived the conversion into an incident and a runbook."""

from pathlib import Path

from generator.core.load import load_document
from tests.conftest import expand, runs

ROOT = Path(__file__).resolve().parents[2]
INCIDENT = ROOT / "incidents" / "2026-02-11-login-502-flask-down.yaml"
RUNBOOK = ROOT / "runbooks" / "nginx-502-bad-gateway.yaml"


def test_incident_facts():
    inc = load_document(INCIDENT)
    assert inc.kind == "incident"
    assert inc.id == "2026-02-11-login-502-flask-down"
    assert inc.services == ["nginx", "flask-app"]
    assert inc.status == "resolved"
    assert inc.started_at.isoformat() == "2026-02-11T00:00:00+08:00"
    assert inc.author == "Coze Coding"
    assert inc.created.isoformat() == "2026-02-11"
    assert {"name": "文档版本", "value": "v1.0"} in [f.model_dump() for f in inc.environment]
    assert "形成标准化知识库" in inc.summary
    assert inc.symptom == "登录失败，返回 502 错误"

    # The three console lines, verbatim.
    log = inc.evidence[0].content
    assert "[API] POST /login Object\n" in log
    assert "/api/login:1 Failed to load resource: the server responded with a status of 502 ()" in log
    assert "登录失败: AxiosError: Request failed with status code 502" in log

    # Diagnosis: two ✅ environment checks, the ❌ Flask check.
    outcomes = {d.title: d.outcome for d in inc.diagnosis}
    assert outcomes["环境验证：域名解析"] == "passed"
    assert outcomes["环境验证：Nginx 服务"] == "passed"
    assert outcomes["环境验证：Flask 服务"] == "failed"
    assert inc.root_cause.confirmed
    assert inc.root_cause.category == "process-management"
    assert "Flask 后端服务未运行" in inc.root_cause.summary

    # Fix options table.
    options = [(o.name, o.time, o.complexity, o.reliability, o.verdict) for o in inc.fix_options]
    assert options == [
        ("手动重启", "2 分钟", "低", "中", "备用"),
        ("脚本修复", "1 分钟", "低", "高", "✅ 推荐"),
        ("完整部署", "5 分钟", "中", "高", "稳妥"),
    ]
    assert [o.name for o in inc.fix_options if o.chosen] == ["脚本修复"]

    # Resolution: the three 方案, systemd snippet as ini.
    steps = inc.resolution.steps
    assert len(steps) == 3
    assert "bash scripts/fix-login-issue.sh" in steps[0].run
    assert steps[1].lang == "ini"
    assert steps[1].run == "Restart=always\nRestartSec=10s\nStartLimitBurst=5\n"

    assert {m.name: m.value for m in inc.metrics} == {
        "修复时间": "30 秒",
        "可用性": "99.9%+",
        "恢复时间": "<1 分钟",
    }

    # Prevention: 4 已实施 ✅ and 4 建议后续完善 ⏳.
    done = [m.title for m in inc.prevention if m.status == "done"]
    open_ = [m.title for m in inc.prevention if m.status == "open"]
    assert done == ["自动重启配置", "健康检查", "服务自启动", "完整文档"]
    assert open_ == ["外部监控", "告警通知", "自动化备份", "负载均衡"]
    assert "systemctl enable flask-app\nsystemctl enable nginx\n" in runs(inc.prevention[2].steps)

    # Standard flows, arrow steps without commands.
    flows = {p.title: [s.title for s in p.steps] for p in inc.procedures}
    assert len(flows["问题诊断流程"]) == 9
    assert flows["修复流程"][0] == "选择修复方案"
    assert flows["预防流程"] == ["配置自动重启", "配置健康检查", "配置监控告警", "定期维护检查", "持续优化改进"]
    assert all(s.run is None for p in inc.procedures for s in p.steps)

    # Lessons: 502 table, environment table, 4 best-practice groups of 4.
    lessons = {le.title: le for le in inc.lessons}
    assert len(lessons["502 错误的含义"].tables[0].rows) == 5
    env = lessons["环境隔离的重要性"].tables[0]
    assert env.rows[1] == ["阿里云生产", "123.56.142.143", "❌ Flask 停止", "❌ 502 错误"]
    best = [le for le in inc.lessons if le.title.startswith("最佳实践")]
    assert len(best) == 4 and all(len(le.points) == 4 for le in best)
    assert "✅ 配置资源限制" in lessons["最佳实践 · 服务配置"].points

    # Action items: short 5 (3 done), mid 4, long 4.
    by_horizon = {}
    for a in inc.action_items:
        by_horizon.setdefault(a.horizon, []).append(a.status)
    assert by_horizon == {
        "week": ["done", "done", "done", "open", "open"],
        "month": ["open"] * 4,
        "quarter": ["open"] * 4,
    }

    targets = [link.target for link in inc.links]
    assert "scripts/complete-deploy-and-fix.sh" in targets
    assert "docs/FINAL-SOLUTION-AND-PREVENTION.md" in targets
    assert len([t for t in targets if t.startswith(("scripts/", "docs/"))]) == 9
    assert [(r.ref, r.relation) for r in inc.runbooks] == [("nginx-502-bad-gateway", "produced")]


def test_runbook_facts():
    rb = load_document(RUNBOOK)
    assert rb.kind == "runbook"
    assert rb.id == "nginx-502-bad-gateway"
    assert rb.services == ["nginx", "flask-app"]
    assert rb.last_reviewed.isoformat() == "2026-11-22"
    assert rb.related == ["safe-deploy"]
    params = {p.name: p.default for p in rb.parameters}
    assert params["SERVICE"] == "flask-app"
    assert params["BACKEND_PORT"] == "8080"
    assert params["WORKDIR"] == "/var/www/meiyueart"

    [problem] = rb.problems
    assert problem.id == "bad-gateway"
    sigs = [s.text for s in problem.signatures]
    assert "Failed to load resource: the server responded with a status of 502" in sigs
    assert "Request failed with status code 502" in sigs
    assert "connect() failed (111: Connection refused) while connecting to upstream" in sigs
    causes = {c.id: c for c in problem.causes}
    assert list(causes) == [
        "backend-not-running",
        "upstream-port-mismatch",
        "crash-loop",
        "process-manager-conflict",
    ]
    assert causes["backend-not-running"].category == "process-management"
    assert causes["upstream-port-mismatch"].category == "configuration"
    assert causes["crash-loop"].category == "code-defect"
    assert causes["process-manager-conflict"].category == "process-management"
    assert all(c.checks and c.fixes for c in causes.values())
    # Checks are parameterised (so the scripts can point at any nginx); with the defaults they are the seed's.
    diag = expand(rb, "\n".join(runs(problem.diagnosis)))
    for cmd in (
        "grep proxy_pass /etc/nginx/sites-enabled/*",
        "tail -n 50 /var/log/nginx/error.log",
        "pm2 list",
        "crontab -l",
    ):
        assert cmd in diag
    assert expand(rb, rb.health_check.steps[-1].run) == (
        "curl -k -s -o /dev/null -w '%{http_code}' https://localhost/api/health"
    )
    pm2_fix = causes["process-manager-conflict"].fixes[0].steps[0]
    assert "pm2 stop all" in pm2_fix.run and pm2_fix.destructive

    # Cheat sheet from seed 001, parameterised.
    sheet = {g.title: runs(g.steps) for g in rb.cheatsheet}
    assert list(sheet) == ["服务管理", "日志查看", "快速修复", "验证测试"]
    assert len(sheet["服务管理"]) == 5
    assert "cd ${WORKDIR} && bash scripts/fix-login-issue.sh" in sheet["快速修复"]
    assert "cd ${WORKDIR} && bash scripts/diagnose-and-fix.sh" in sheet["快速修复"]
    assert "tail -f /var/log/nginx/error.log" in sheet["日志查看"]
    assert sheet["验证测试"] == [
        "systemctl status ${SERVICE}",
        "lsof -i :${BACKEND_PORT}",
        "curl http://localhost:${BACKEND_PORT}${HEALTH_PATH}",
        "curl -k https://localhost${HEALTH_PATH}",
    ]

    [table] = rb.reference
    assert [r[0] for r in table.rows] == ["500", "501", "502", "503", "504"]
    assert ["502", "网关错误（后端未响应）"] in table.rows
