"""Seed 002 (Word Counter upgrade post-mortem) survived the conversion to YAML."""

import re
from pathlib import Path

from generator.core.load import load_document
from tests.conftest import runs

ROOT = Path(__file__).resolve().parents[2]
INCIDENT = ROOT / "incidents" / "2025-12-23-word-counter-upgrade-502.yaml"
RUNBOOK = ROOT / "runbooks" / "safe-deploy.yaml"

TIMELINE = [
    ("22:10", "开始升级 Word Counter", "正常", "started"),
    ("22:15", "第一次部署", "❌ 502错误", "detected"),
    ("22:18", "发现Python语法错误,修复", "❌ 仍然502", "investigating"),
    ("22:21", "重新部署", "❌ 仍然502", "investigating"),
    ("22:27", "发现端口配置错误", "🔍 诊断中", "identified"),
    ("22:35", "修复端口,但PM2又重启错误进程", "⚠️ 反复出现", "identified"),
    ("22:37", "停止PM2,最终修复", "✅ 恢复正常", "resolved"),
]


def test_incident_timeline_and_header():
    inc = load_document(INCIDENT)
    assert inc.id == "2025-12-23-word-counter-upgrade-502"
    assert inc.severity == "P1"
    assert inc.started_at.isoformat() == "2025-12-23T22:10:00+08:00"
    assert inc.resolved_at.isoformat() == "2025-12-23T22:37:00+08:00"
    assert "网站502错误约20分钟" in inc.impact and "总耗时27分钟" in inc.impact
    assert len(inc.timeline) == 7
    for row, (hhmm, event, status, phase) in zip(inc.timeline, TIMELINE, strict=True):
        assert row.at.isoformat() == f"2025-12-23T{hhmm}:00+08:00"
        assert (row.event, row.status, row.phase) == (event, status, phase)
    assert inc.root_cause.category == "configuration" and inc.root_cause.confirmed
    assert "proxy_pass http://127.0.0.1:9999" in inc.root_cause.summary
    assert "0.0.0.0:3000" in inc.root_cause.summary
    assert inc.analysis == [
        "**缺乏标准化流程** - 每次部署都是临时操作",
        "**没有自动化检查** - 全靠人工记忆",
        "**环境信息不透明** - 不知道服务器上有什么",
    ]
    metrics = {m.name: m.value for m in inc.metrics}
    assert metrics["理论耗时"] == "5分钟 (修改代码 + 部署)"
    assert metrics["实际耗时"] == "27分钟"
    assert metrics["效率损失"] == "440%"
    assert metrics["新SOP 总计"] == "6分钟"
    assert metrics["新SOP 效率提升"] == "350%"
    assert (inc.author, inc.reviewer, str(inc.updated)) == ("Antigravity AI Agent", "Michael", "2025-12-23")
    assert inc.next_review == "出现任何部署问题时"
    assert "最后更新: 2025-12-23 22:48" in INCIDENT.read_text(encoding="utf-8")
    refs = {(r.ref, r.relation) for r in inc.runbooks}
    assert ("safe-deploy", "produced") in refs
    assert ("nginx-502-bad-gateway#upstream-port-mismatch", "used") in refs
    assert ("nginx-502-bad-gateway#process-manager-conflict", "used") in refs


def test_incident_four_errors():
    inc = load_document(INCIDENT)
    errs = {e.id: e for e in inc.contributing_errors}
    assert list(errs) == [
        "port-mismatch",
        "python-syntax-error",
        "jinja2-elif-after-else",
        "pm2-process-conflict",
    ]
    port, syntax, jinja, pm2 = errs.values()
    assert (port.category, port.duration, port.impact) == ("configuration", "22分钟", "网站完全无法访问")
    assert port.description[1] == "部署脚本却一直启动 `0.0.0.0:3000` 的 Gunicorn"
    assert port.root_causes == ["没有在部署前检查 Nginx 配置", "部署脚本硬编码了错误的端口号", "没有部署后验证机制"]
    assert 'ssh root@server "grep proxy_pass /etc/nginx/sites-enabled/*"' in port.correct_practice[0].run
    assert "CORRECT_PORT = 9999  # 必须与Nginx一致" in port.correct_practice[0].run

    assert (syntax.category, syntax.duration) == ("code-defect", "3分钟发现,但耽误了整体进度")
    assert syntax.evidence[0].lang == "python"
    assert '"id": 9993, ...  # ❌ 前面缺少 {' in syntax.evidence[0].content
    assert "python -m py_compile tools_new.py blog_final.py" in syntax.correct_practice[0].run
    assert len(syntax.root_causes) == 3

    assert (jinja.category, jinja.duration) == ("code-defect", "5分钟")
    assert jinja.evidence[0].lang == "jinja"
    assert "{% elif tool.slug == 'word-counter' %}  ❌ elif 不能在 else 之后" in jinja.evidence[0].content
    assert [s.title for s in jinja.correct_practice] == [
        "Jinja2 条件块顺序: `if` → `elif` (可多个) → `else` → `endif`",
        "永远先写 `if`,中间所有 `elif`,最后才是 `else`",
    ]

    assert (pm2.category, pm2.duration) == ("process-management", "8分钟")
    assert "PM2 每2分钟自动重启 3000 端口的进程" in pm2.description
    assert pm2.correct_practice[0].run == (
        "# 部署前必须检查\npm2 list\ncrontab -l\nsystemctl list-units | grep gunicorn\n"
    )


def test_incident_procedures_lessons_actions():
    inc = load_document(INCIDENT)
    procs = {p.id: p for p in inc.procedures}
    flow = procs["standardized-deploy"].steps
    assert len(flow) == 3 and all(s.lang == "python" for s in flow)
    assert "# pre_deploy_check.py" in flow[0].run and not flow[0].destructive
    assert 'ssh.exec_command("pm2 stop all")' in flow[1].run
    assert 'ssh.exec_command("pkill -9 -f gunicorn")' in flow[1].run and flow[1].destructive
    assert '("日志检查", "tail -n 20 /root/soeasyhub_v2/gunicorn.log")' in flow[2].run

    checklist = procs["mandatory-checklist"]
    assert [p.name for p in checklist.phases] == [
        "部署前 (每次必做,不能跳过)",
        "部署中 (自动化脚本执行)",
        "部署后 (每次必做)",
    ]
    before, during, after = checklist.phases
    assert runs(before.steps) == [
        "python -m py_compile *.py",
        "grep proxy_pass /etc/nginx/sites-enabled/*",
        "pm2 list",
        "crontab -l",
        "python create_backup.py",
    ]
    assert [s.title for s in during.steps] == [
        "上传所有修改的文件",
        "停止所有冲突进程",
        "使用正确端口启动服务",
        "等待3秒让服务完全启动",
    ]
    assert runs(after.steps) == ["curl localhost:9999/", "curl soeasyhub.com/", "tail gunicorn.log"]
    assert after.steps[-1].title == "浏览器实际访问测试"
    assert "# 效率提升: 350%" in procs["new-sop"].steps[0].run

    lessons = {lesson.audience: lesson.points for lesson in inc.lessons}
    assert len(lessons["AI Agent (我自己)"]) == 4
    assert lessons["开发流程"][2] == "**回滚要快速执行** - 出错时不要尝试修复,先回滚"

    items = [(a.status, a.horizon) for a in inc.action_items]
    assert items == [("done", "today")] * 4 + [("open", "week")] * 3 + [("open", "month")] * 3
    assert inc.action_items[0].title == "创建 `pre_deploy_check.py` - 强制检查脚本"
    assert inc.action_items[-1].title == "添加监控告警机制"


def test_runbook_safe_deploy():
    rb = load_document(RUNBOOK)
    assert rb.id == "safe-deploy" and rb.services == ["nginx", "gunicorn"]
    assert str(rb.last_reviewed) == "2026-11-22"
    assert "nginx-502-bad-gateway" in rb.related
    params = {p.name: p.default for p in rb.parameters}
    assert params["NGINX_SITES"] == "/etc/nginx/sites-enabled"
    assert params["BACKEND_PORT"] == "9999"
    assert params["APP_DIR"] == "/root/soeasyhub_v2"
    assert params["PUBLIC_URL"] == "https://soeasyhub.com"

    procs = {p.id: p for p in rb.procedures}
    assert set(procs) == {"deploy-checklist", "rollback"}
    phases = procs["deploy-checklist"].phases
    assert [p.name.split(" ")[0] for p in phases] == ["部署前", "部署中", "部署后"]
    before, during, after = phases
    assert [s.title for s in before.steps] == [
        "本地语法检查",
        "检查Nginx端口",
        "检查PM2状态",
        "检查Cron任务",
        "检查 systemd 中的 gunicorn",
        "创建备份",
    ]
    assert before.steps[1].run == "grep proxy_pass ${NGINX_SITES}/*"
    assert [s.title for s in during.steps] == [
        "上传所有修改的文件",
        "停止所有冲突进程",
        "使用正确端口启动服务",
        "等待3秒让服务完全启动",
    ]
    assert during.steps[1].run == "pm2 stop all\npkill -9 -f gunicorn\n" and during.steps[1].destructive
    assert [s.title for s in after.steps] == ["内部HTTP检查", "外部HTTPS检查", "查看错误日志", "浏览器实际访问测试"]
    assert procs["rollback"].steps[0].run == "python create_backup.py"

    problems = {p.id: p for p in rb.problems}
    assert set(problems) == {
        "syntax-error-in-production",
        "jinja2-elif-after-else",
        "deploy-port-mismatch",
        "pm2-cron-conflict",
    }
    assert problems["deploy-port-mismatch"].causes[0].category == "configuration"
    assert problems["pm2-cron-conflict"].causes[0].category == "process-management"
    assert len(rb.health_check.steps) == 4

    # every ${NAME} used in the runbook is a declared parameter; destructive commands are marked
    text = RUNBOOK.read_text(encoding="utf-8")
    assert set(re.findall(r"\$\{([A-Z_]+)\}", text)) <= set(params)
    steps = [s for p in procs.values() for ph in p.phases for s in ph.steps] + procs["rollback"].steps
    for step in steps:
        if step.run and ("pkill" in step.run or "pm2 stop" in step.run):
            assert step.destructive
