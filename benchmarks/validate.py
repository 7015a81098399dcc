"""Benchmark: `kb validate` against check-jsonschema on the same synthetic files, whole processes.

    python benchmarks/validate.py [--count 10000] [--keep DIR]

Generates N runbooks of about 3 KB (Chinese text, commands, a few with errors), then times:
  - kb validate, cold (empty cache)             peak RSS of the process tree
  - kb validate, warm (nothing changed)
  - check-jsonschema with the exported schema, on the same files
and prints the table and the ratios the targets are stated in.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

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


def generate(folder: Path, count: int, seed: int = 7) -> int:
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
        if n % 50 == 7:
            text = BREAKAGES[broken % len(BREAKAGES)](text)
            broken += 1
        (folder / f"{doc_id}.yaml").write_text(text, encoding="utf-8")
    return broken


def run(cmd: list[str], cwd: Path) -> tuple[float, int, float]:
    """Wall seconds, exit code, and peak RSS (MB) of the children this call waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return elapsed, proc.returncode, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="kb-bench-"))
    docs = work / "runbooks"
    broken = generate(docs, args.count)
    shutil.copytree(ROOT / "schema", work / "schema", dirs_exist_ok=True)
    files = sorted(docs.glob("*.yaml"))
    size = sum(f.stat().st_size for f in files)
    print(f"{len(files)} files, {size / len(files) / 1024:.1f} KB each on average, {broken} with an error\n")

    cache = work / ".kb-cache"
    shutil.rmtree(cache, ignore_errors=True)
    kb = [str(BIN / "kb"), "validate", "runbooks", "--cache-dir", str(cache), "--today", "2026-11-22"]
    cold, cold_rc, cold_mem = run(kb, work)
    warm, warm_rc, _ = run(kb, work)
    # Peak memory is per process tree; measure check-jsonschema in its own run of this script's children.
    cj = [str(BIN / "check-jsonschema"), "--schemafile", "schema/runbook.schema.json", *map(str, files)]
    peer, peer_rc, _ = run(cj, work)

    rows = [
        ("kb validate (cold, empty cache)", cold, cold_rc),
        ("kb validate (warm, nothing changed)", warm, warm_rc),
        ("check-jsonschema (exported schema)", peer, peer_rc),
    ]
    print(f"{'command':40} {'seconds':>8} {'exit':>5}")
    for name, secs, rc in rows:
        print(f"{name:40} {secs:8.2f} {rc:5}")
    print(f"\ncold / check-jsonschema: {cold / peer:.3f}  (target <= 0.25)")
    print(f"warm run:                {warm:.2f} s  (target < 1 s)")
    print(f"peak RSS, kb validate:   {cold_mem:.0f} MB (largest single process; target < 500 MB)")
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
