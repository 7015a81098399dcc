"""The 502 runbook's diagnose.sh against a real nginx and a real backend, started on loopback by the test."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from generator.core.load import load_document
from generator.outputs.snippets import render_runbook
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # real nginx and backends on loopback

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
RUNBOOK = ROOT / "runbooks" / "nginx-502-bad-gateway.yaml"
# Without systemd (a container) the systemctl checks are reported as not run; with it they would judge
# services this test does not own, so "everything passed" is only asserted without systemd.
SYSTEMD = Path("/run/systemd/system").is_dir()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, proc: subprocess.Popen) -> None:
    for _ in range(100):
        assert proc.poll() is None, f"process for port {port} exited with {proc.returncode}"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port} after 10 s")


@contextmanager
def running(cmd: list[str], port: int, log: Path):
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_for(port, proc)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def nginx(tmp: Path, listen: int, upstream: int):
    """nginx in the foreground, every path in tmp, proxying 127.0.0.1:listen to 127.0.0.1:upstream."""
    sites = tmp / "sites"
    sites.mkdir(exist_ok=True)
    (sites / "app.conf").write_text(
        f"server {{\n  listen 127.0.0.1:{listen};\n"
        f"  location / {{\n    proxy_pass http://127.0.0.1:{upstream};\n  }}\n}}\n"
    )
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "\n".join(f"  {kind}_temp_path {tmp}/{kind};" for kind in kinds)
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"daemon off;\nmaster_process off;\nworker_processes 1;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\n"
        f"events {{ worker_connections 64; }}\n"
        f"http {{\n  access_log {tmp}/access.log;\n{temp}\n  include {sites}/*;\n}}\n"
    )
    cmd = [NGINX, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")]
    return running(cmd, listen, tmp / "nginx.out")


def backend(tmp: Path, port: int):
    """A tiny backend: python's http.server, with a health endpoint at the runbook's default path."""
    www = tmp / "www"
    (www / "api").mkdir(parents=True, exist_ok=True)
    (www / "api" / "health").write_text("ok\n")
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(www)]
    return running(cmd, port, tmp / "backend.out")


@pytest.fixture
def setup(tmp_path):
    """The runbook's diagnose.sh, an application folder, and the parameters that point at tmp_path."""
    script = tmp_path / "diagnose.sh"
    rb = load_document(RUNBOOK)
    script.write_text(render_runbook(rb, commit="test", today=dt.date(2026, 11, 22))["diagnose.sh"])
    app = tmp_path / "app"
    app.mkdir()
    (app / "app.py").write_text("app = None\n")
    params = {
        "NGINX_SITES": str(tmp_path / "sites"),
        "NGINX_ERROR_LOG": str(tmp_path / "error.log"),
        "WORKDIR": str(app),
        "APP_ERROR_LOG": str(tmp_path / "app-error.log"),
    }
    return script, params


def diagnose(script: Path, params: dict[str, str]) -> subprocess.CompletedProcess:
    flags = [x for name, value in params.items() for x in (f"--{name.lower().replace('_', '-')}", value)]
    env = {"PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "LANG": "C.UTF-8"}
    return subprocess.run(
        ["bash", str(script), *flags], capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env, timeout=120
    )


def causes(out: str) -> tuple[str, str]:
    likely = out.split("Causes the failures point to:")[1].split("\n\n")[0] if "point to:" in out else ""
    ruled_out = out.split("Ruled out by their checks:")[1].split("\n\n")[0] if "Ruled out" in out else ""
    return likely, ruled_out


def test_502_backend_down_then_up_then_wrong_port(tmp_path, setup):
    script, params = setup
    port, front = free_port(), free_port()
    params |= {"BACKEND_PORT": str(port), "NGINX_URL": f"http://127.0.0.1:{front}"}

    with nginx(tmp_path, front, port):
        # 1. Nothing listens where nginx proxies to.
        down = diagnose(script, params)
        assert down.returncode == 1, down.stdout + down.stderr
        assert "❌ 后端端口监听\n   expected: exit code 0\n   seen:     exit code 1" in down.stdout
        assert "❌ 经 Nginx 的 HTTPS 请求\n   expected: HTTP 200\n   seen:     HTTP 502" in down.stdout
        likely, ruled_out = causes(down.stdout)
        assert "后端服务未运行 [backend-not-running]" in likely and "./fix-restart-backend.sh" in likely
        assert "[upstream-port-mismatch]" in ruled_out  # nginx does proxy to BACKEND_PORT

        # 2. The backend starts on that port: every check that can run here passes.
        with backend(tmp_path, port):
            up = diagnose(script, params)
            for title in ("后端端口监听", "直接请求后端健康接口（绕过 Nginx）", "经 Nginx 的 HTTPS 请求"):
                assert f"✅ {title}" in up.stdout, up.stdout
            assert "HTTP 200" in up.stdout
            if not SYSTEMD:
                assert up.returncode == 0, up.stdout
                assert "\n❌ " not in up.stdout and "All checks passed ✅" in up.stdout
                assert "not run: it needs systemd" in up.stdout

    # 3. nginx now proxies to another port, where nothing listens, while the backend runs on BACKEND_PORT.
    wrong = free_port()
    with backend(tmp_path, port), nginx(tmp_path, front, wrong):
        r = subprocess.run(
            [sys.executable, "-m", "generator", "check", "nginx-502-bad-gateway", "--root", str(ROOT)]
            + [x for name, value in params.items() for x in ("--param", f"{name}={value}")],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
            timeout=120,
        )
        assert r.returncode == 1, r.stdout + r.stderr
        assert "✅ 后端端口监听" in r.stdout
        assert "❌ 经 Nginx 的 HTTPS 请求\n   expected: HTTP 200\n   seen:     HTTP 502" in r.stdout
        assert f"❌ Nginx 转发的端口\n   expected: output matches /:{port}([^0-9]|$)/" in r.stdout
        assert f"proxy_pass http://127.0.0.1:{wrong};" in r.stdout  # what was seen
        likely, ruled_out = causes(r.stdout)
        assert "Nginx proxy_pass 端口与后端监听端口不一致 [upstream-port-mismatch]" in likely
        assert "./fix-start-on-nginx-port.sh ./fix-proxy-pass.sh" in likely
        assert "[backend-not-running]" not in likely
