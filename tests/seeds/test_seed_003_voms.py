"""Seed 003 (VOMS 故障排查) survived the conversion into runbooks/voms-troubleshooting.yaml."""

from pathlib import Path

from generator.core.load import load_document
from tests.conftest import all_steps, expand

RUNBOOK = Path(__file__).resolve().parents[2] / "runbooks" / "voms-troubleshooting.yaml"


def test_voms_runbook() -> None:
    rb = load_document(RUNBOOK)
    assert rb.id == "voms-troubleshooting"
    assert rb.title == "故障排查 (VOMS - 志愿者组织管理系统)"
    assert rb.services == [
        "voms-server",
        "voms-worker-consumer",
        "voms-worker-scheduler",
        "postgresql",
        "redis",
        "nats",
        "caddy",
    ]
    params = {p.name: p.default for p in rb.parameters}
    assert params == {
        "WORKDIR": "/opt/voms",
        "API_PORT": "8181",
        "NATS_MONITOR_PORT": "8222",
        "DB_NAME": "voms_production",
        "RELEASE_PREV_DIR": "/opt/voms-release-prev",
    }

    # 一键体检: every command, one step each, in order.
    assert rb.health_check.title == "一键体检"
    health = [expand(rb, s.run) for s in rb.health_check.steps]
    assert health == [
        "systemctl status voms-server --no-pager",
        "systemctl status voms-worker-consumer --no-pager",
        "systemctl status voms-worker-scheduler --no-pager",
        "systemctl status postgresql --no-pager",
        "systemctl status redis --no-pager",
        "systemctl status nats --no-pager",
        "curl -s http://localhost:8181/api/v1/public/system/health | jq .",
        "curl -s http://localhost:8222/healthz",
    ]
    for s in rb.health_check.steps[:6]:
        assert s.expect.contains == "active (running)"

    # Problems: all six 常见问题 and all three OTA problems.
    problems = {p.title: p for p in rb.problems}
    assert list(problems) == [
        "voms-server 启动失败",
        "前端可访问但 API 全部报错",
        "登录失败(401/403)",
        "Worker 不消费消息",
        "数据库迁移相关错误",
        "Redis 连接失败",
        "OTA 更新未触发",
        "OTA 下载失败",
        "OTA 更新后服务未重启",
    ]

    def diag(title: str) -> list[str]:
        return [expand(rb, s.run) for s in problems[title].diagnosis if s.run]

    def causes(title: str) -> list[str]:
        return [c.title for c in problems[title].causes]

    assert diag("voms-server 启动失败") == ["journalctl -u voms-server -n 200 --no-pager"]
    assert causes("voms-server 启动失败") == [
        "config.production.json 语法错误",
        "数据库/Redis/NATS 连接失败",
        "JWT、超级管理员等关键配置缺失",
    ]
    assert diag("前端可访问但 API 全部报错") == [
        "curl -s http://localhost:8181/api/v1/public/system/health | jq .",
        "caddy validate --config /etc/caddy/Caddyfile",
        "journalctl -u caddy -n 200 --no-pager",
    ]
    assert causes("前端可访问但 API 全部报错") == [
        "Caddy 反代地址错误",
        "后端端口与配置不一致",
        "后端服务未启动或反复崩溃",
    ]
    assert [s.title for s in problems["登录失败(401/403)"].diagnosis] == [
        "查看后端鉴权日志",
        "检查系统时间同步(NTP)",
        "核对配置中的 JWT 配置:/opt/voms/configs/config.production.json",
    ]
    assert diag("Worker 不消费消息") == [
        "systemctl status voms-worker-consumer --no-pager",
        "systemctl status voms-worker-scheduler --no-pager",
        "journalctl -u voms-worker-consumer -n 200 --no-pager",
        "journalctl -u voms-worker-scheduler -n 200 --no-pager",
        "curl -s http://localhost:8222/jsz | jq .",
    ]
    assert causes("Worker 不消费消息") == ["NATS 不可达", "Worker 与 Server 配置不一致"]
    assert diag("数据库迁移相关错误") == [
        "journalctl -u voms-server -n 200 --no-pager",
        'sudo -u postgres psql -d voms_production -c "SELECT id,name,applied_at '
        'FROM voms_schema_migrations ORDER BY id;"',
    ]
    assert diag("Redis 连接失败") == ["redis-cli ping", "journalctl -u redis -n 200 --no-pager"]
    assert diag("OTA 更新未触发") == [
        "journalctl -u voms-server --no-pager -n 100 | grep -i heartbeat",
        'journalctl -u voms-server --no-pager -n 100 | grep -i -E "update|ota"',
    ]
    assert causes("OTA 更新未触发") == [
        "许可证状态异常(过期、暂停)",
        "网络无法访问 BanyanHub API (guard.iluwen.cn)",
        'BanyanHub 上没有发布新版本或未标记为"最新"',
    ]
    assert diag("OTA 下载失败") == [
        'journalctl -u voms-server --no-pager -n 200 | grep -i -E "download|artifact|error"'
    ]
    assert causes("OTA 下载失败") == [
        "网络不稳定,大文件下载超时",
        "R2 存储桶中制品不存在",
        "制品 SHA256 或签名校验失败",
    ]
    assert problems["OTA 下载失败"].notes == "SDK 会在下次心跳时自动重试下载。"
    assert diag("OTA 更新后服务未重启") == ['systemctl show voms-server | grep -E "Restart=|RestartSec="']
    (restart_cause,) = problems["OTA 更新后服务未重启"].causes
    assert restart_cause.category == "process-management"
    fix_steps = restart_cause.fixes[0].steps
    assert [s.run for s in fix_steps] == [
        "sudo sed -i 's/Restart=on-failure/Restart=always/' /etc/systemd/system/voms-server.service",
        "sudo systemctl daemon-reload",
        "sudo systemctl restart voms-server",
    ]
    assert all(s.destructive for s in fix_steps)

    # 问题分级 and 建议流程, verbatim.
    assert {s.level.value: s.meaning for s in rb.severity_levels} == {
        "P1": "系统不可用(登录/核心业务中断)",
        "P2": "部分功能不可用(导入、通知等)",
        "P3": "体验问题或可降级问题",
    }
    assert rb.escalation.policy == [
        "先恢复可用性(重启异常服务或回滚发布包)",
        "再保留证据(日志、时间线、配置快照)",
        "最后修复根因并补充回归测试",
    ]

    # 紧急回滚: both procedures, destructive steps marked.
    procs = {p.title: p for p in rb.procedures}
    assert list(procs) == ["OTA 回滚(推荐)", "发布包回滚"]
    assert ".bak" in procs["OTA 回滚(推荐)"].description
    ota = [(expand(rb, s.run), s.destructive) for s in procs["OTA 回滚(推荐)"].steps]
    assert ota == [
        ("sudo systemctl stop voms-server", True),
        ("sudo cp /opt/voms/bin/server.bak /opt/voms/bin/server", True),
        ("sudo systemctl start voms-server", True),
        ("curl -s http://localhost:8181/api/v1/public/system/health | jq .", False),
    ]
    pkg = [(expand(rb, s.run), s.destructive) for s in procs["发布包回滚"].steps]
    assert pkg == [
        ("cd /opt/voms-release-prev", False),
        ("sudo ./voms-deploy", True),
        ("curl -s http://localhost:8181/api/v1/public/system/health | jq .", False),
    ]

    # Every ${NAME} in any command is a declared parameter.
    for s in all_steps(rb):
        if s.run:
            expand(rb, s.run)
