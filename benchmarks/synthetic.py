"""Synthetic runbooks for the benchmarks: about 3 KB each, Chinese text, commands, a few with errors."""

from __future__ import annotations

import random
from pathlib import Path

TEMPLATE = """\
# yaml-language-server: $schema=../schema/runbook.schema.json
schema_version: 1
kind: runbook
id: {id}
title: 服务 {n} 故障排查手册（{service}）
summary: >-
  本手册覆盖 {service} 的常见故障：启动失败、端口被占用、502 Bad Gateway、连接频繁断开。
  每个问题都给出症状、诊断步骤、原因和修复方法，并附带验证命令。
services: [{service}, nginx]
owner: 运维组-{team}
last_reviewed: {reviewed}
tags: [synthetic, team-{team}]
parameters:
  - name: PORT
    description: 服务监听端口
    default: "{port}"
    pattern: "^[0-9]{{1,5}}$"
  - name: WORKDIR
    description: 工作目录
    default: /opt/{service}
health_check:
  title: 一键体检
  steps:
    - title: 检查服务状态
      run: systemctl status {service} --no-pager
      expect:
        contains: active (running)
    - title: 检查端口监听
      run: ss -tlnp | grep ${{PORT}}
      expect:
        exit_code: 0
    - title: 健康检查接口
      run: curl -s -o /dev/null -w '%{{http_code}}' http://127.0.0.1:${{PORT}}/health
      expect:
        http_status: 200
problems:
  - id: fails-to-start
    title: 服务无法启动
    group: 启动问题
    symptoms:
      - 服务启动后立即退出，日志显示端口被占用
    signatures:
      - text: "Active: failed (Result: exit-code)"
      - text: "OSError: Address already in use"
    diagnosis:
      - title: 查看最近日志
        run: journalctl -u {service} -n 50 --no-pager
      - title: 查看端口占用
        run: lsof -i :${{PORT}}
    causes:
      - id: port-in-use
        title: 端口被其他进程占用
        category: {category}
        fixes:
          - id: kill-owner
            title: 结束占用端口的进程
            steps:
              - title: 结束进程
                run: kill -9 $(lsof -t -i :${{PORT}})
                destructive: true
            verify:
              - title: 端口已释放
                run: "! lsof -i :${{PORT}}"
  - id: bad-gateway
    title: 502 Bad Gateway
    symptoms:
      - 用户访问页面返回 502，登录失败
    signatures:
      - text: 502 Bad Gateway
    diagnosis:
      - title: 检查反向代理配置
        run: grep proxy_pass /etc/nginx/sites-enabled/*
    causes:
      - id: backend-down
        title: 后端未运行
        category: process-management
        fixes:
          - id: restart-backend
            title: 重启后端服务
            steps:
              - title: 重启
                run: sudo systemctl restart {service}
                destructive: true
            verify:
              - title: 确认后端响应
                run: curl -s http://127.0.0.1:${{PORT}}/health
    prevention:
      - 部署前检查 Nginx 端口与后端一致
      - 配置 Restart=always 自动重启
"""

# A few files per hundred carry an error, so both tools do their error paths too.
BREAKAGES = [
    lambda t: t.replace("owner:", "ownr:"),
    lambda t: t.replace("services: [", "services: "),
    lambda t: t.replace("category: process-management", "category: gremlins"),
    lambda t: t.replace("last_reviewed: 2026", "last_reviewed: 2026-02-30 #"),
]


def generate(folder: Path, count: int, seed: int = 7, broken_every: int = 50) -> int:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    broken = 0
    for n in range(count):
        doc_id = f"svc-{n:05d}"
        text = TEMPLATE.format(
            id=doc_id,
            n=n,
            service=f"svc{n % 97}",
            team=n % 13,
            port=3000 + n % 5000,
            reviewed=f"2026-{1 + n % 10:02d}-{1 + n % 28:02d}",
            category=rng.choice(["configuration", "process-management", "capacity"]),
        )
        if broken_every and n % broken_every == 7:
            text = BREAKAGES[broken % len(BREAKAGES)](text)
            broken += 1
        (folder / f"{doc_id}.yaml").write_text(text, encoding="utf-8")
    return broken
