"""The deployment files hold: each systemd unit runs a real command of the app, each timer a
real unit at a real time, gunicorn.conf.py loads, and gunicorn with it sums every worker's
metrics and writes JSON logs; nginx accepts its example (where nginx is installed)."""

from __future__ import annotations

import configparser
import http.client
import http.server
import json
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "deploy" / "systemd"
NGINX = ROOT / "deploy" / "nginx"
BIN = Path(sys.executable).parent
SERVICES = sorted(UNITS.glob("*.service"))
TIMERS = sorted(UNITS.glob("*.timer"))
PREFIX = "/srv/motcua/.venv/bin/"


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  (keys keep their case)
    parser.read(path, encoding="utf-8")
    return parser


def exec_start(path: Path) -> list[str]:
    return shlex.split(unit(path)["Service"]["ExecStart"])


def test_there_are_units_for_the_app_the_worker_and_the_jobs() -> None:
    commands = {" ".join(exec_start(path)[1:]) for path in SERVICES}
    assert "-c gunicorn.conf.py wsgi:app" in commands
    assert "notifications worker" in commands
    for job in ("notifications send", "purge-drafts", "accounts purge", "postal reminders"):
        assert any(command.startswith(job) for command in commands), job


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_every_flask_command_of_a_unit_is_a_command_of_the_app(app, path: Path) -> None:
    service = unit(path)["Service"]
    program, *words = exec_start(path)
    assert program.startswith(PREFIX), program
    assert service["WorkingDirectory"] == "/srv/motcua"
    if Path(program).name != "flask":
        return
    assert "FLASK_APP=wsgi" in service["Environment"].split()
    result = app.test_cli_runner().invoke(args=[*words, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    assert "Commands:" not in result.output  # a command, not a group of them


@pytest.mark.parametrize("path", TIMERS, ids=lambda p: p.name)
def test_every_timer_starts_a_oneshot_unit_at_a_real_time(path: Path) -> None:
    timer = unit(path)["Timer"]
    service = UNITS / timer["Unit"]
    assert service.exists() and service.stem == path.stem
    assert unit(service)["Service"]["Type"] == "oneshot"
    assert unit(path)["Install"]["WantedBy"] == "timers.target"
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    result = subprocess.run(
        [analyze, "calendar", timer["OnCalendar"]], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_systemd_finds_nothing_wrong_in_the_units(tmp_path: Path) -> None:
    """``systemd-analyze verify`` on copies pointing at this checkout: an unknown key, a wrong
    value or a missing program is a warning, and there must be none."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    (tmp_path / "instance").mkdir()
    (tmp_path / ".env").write_text("APP_ENV=production\n")
    for path in [*SERVICES, *TIMERS]:
        text = path.read_text(encoding="utf-8").replace(PREFIX, f"{BIN}/")
        text = text.replace("/srv/motcua", str(tmp_path))
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    names = [p.name for p in [*SERVICES, *TIMERS]]
    result = subprocess.run(
        [analyze, "verify", "--man=no", *names],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_the_web_unit_gunicorn_config_loads(tmp_path: Path) -> None:
    program, *words = exec_start(UNITS / "motcua-web.service")
    env = {**os.environ, "FLASK_APP": "wsgi", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    result = subprocess.run(
        [str(BIN / Path(program).name), "--check-config", *words],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_gunicorn_setting_is_caught() -> None:
    """The check above can fail: a timeout that is no number, or an app that is not there."""
    env = {**os.environ, "GUNICORN_TIMEOUT": "30 giây"}
    for environment, target in ((env, "wsgi:app"), (os.environ, "wsgi:no_such_app")):
        result = subprocess.run(
            [str(BIN / "gunicorn"), "--check-config", "-c", "gunicorn.conf.py", target],
            cwd=ROOT,
            env=dict(environment),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode != 0, target


# --- gunicorn for real --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    return response


def wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise AssertionError("gunicorn stopped")
        try:
            if get(port, "/healthz").status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not answer")


def requests_counted(port: int, endpoint: str) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/metrics")
    response = connection.getresponse()
    assert response.status == 200
    text = response.read().decode()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "motcua_http_requests_total" and sample.labels["endpoint"] == endpoint
    )


def test_gunicorn_sums_every_workers_metrics_and_logs_json(database_urls, tmp_path: Path) -> None:
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": database_urls["sqlite"],
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "LOG_FORMAT": "json",
        "GUNICORN_WORKERS": "2",
        # Each worker is replaced after 10 requests: the 40 are served by at least 4 processes,
        # whose counts must all be in the sum (and child_exit runs for the replaced ones).
        "GUNICORN_MAX_REQUESTS": "10",
        "GUNICORN_MAX_REQUESTS_JITTER": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_CONTROL_SOCKET": str(tmp_path / "gunicorn.ctl"),
    }
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stderr=stderr,
        )
        try:
            wait_until_up(port, server)
            for n in range(40):
                response = get(
                    port, "/chinh-sach-bao-mat", {"X-Request-ID": f"deploy-test-{n:04d}"}
                )
                assert response.status == 200
                assert response.getheader("X-Request-ID") == f"deploy-test-{n:04d}"
            assert requests_counted(port, "public.privacy") == 40
        finally:
            server.terminate()
            server.wait(60)
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]
    served = [line for line in lines if line.get("path") == "/chinh-sach-bao-mat"]
    assert len(served) == 40
    assert {line["request_id"] for line in served} == {f"deploy-test-{n:04d}" for n in range(40)}
    assert any(line["logger"] == "gunicorn.error" for line in lines)
    # Every process wrote its own counts: the 40 were summed from at least 4 files.
    assert len(list(metrics_dir.glob("counter_*.db"))) >= 4


# --- nginx ------------------------------------------------------------------------------------


def nginx_binary() -> str:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not nginx:
        pytest.skip("nginx is not installed")
    return nginx


def nginx_config(tmp_path: Path, app_port: int, http_port: int, https_port: int) -> Path:
    """The example as it is, but for this checkout, a throwaway certificate and local ports."""
    site = (NGINX / "motcua.conf").read_text(encoding="utf-8")
    site = site.replace("/etc/nginx/snippets/motcua-proxy.conf", str(NGINX / "motcua-proxy.conf"))
    site = site.replace("/srv/motcua/static/", f"{ROOT}/static/")
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=dichvucong.example.gov.vn", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    live = "/etc/letsencrypt/live/dichvucong.example.gov.vn"
    site = site.replace(f"{live}/fullchain.pem", str(certificate))
    site = site.replace(f"{live}/privkey.pem", str(key))
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"daemon off;\nmaster_process off;\npid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n {mime}\n access_log off;\n include {tmp_path}/site.conf;\n}}\n"
    )
    return config


def test_nginx_accepts_the_example(tmp_path: Path) -> None:
    config = nginx_config(tmp_path, 8000, 8080, 8443)
    result = subprocess.run(
        [nginx_binary(), "-t", "-p", str(tmp_path), "-c", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


class Echo(http.server.BaseHTTPRequestHandler):
    """The app's stand-in behind nginx: answers with the headers it was given, as JSON."""

    def do_GET(self) -> None:
        body = json.dumps(dict(self.headers.items())).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def fetch(port: int, path: str, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    connection = http.client.HTTPSConnection(
        "127.0.0.1", port, timeout=10, context=ssl._create_unverified_context()
    )
    connection.request(
        "GET", path, headers={"Host": "dichvucong.example.gov.vn", **(headers or {})}
    )
    response = connection.getresponse()
    return response, response.read()


def test_nginx_serves_static_files_precompressed_and_forwards_the_rest(tmp_path: Path) -> None:
    compressed = ROOT / "static" / "css" / "app.css.gz"
    assert compressed.exists(), "run `flask static compress` first (make test does)"
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    https_port, http_port = free_port(), free_port()
    config = nginx_config(tmp_path, backend.server_address[1], http_port, https_port)
    nginx = subprocess.Popen([nginx_binary(), "-p", str(tmp_path), "-c", str(config)])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        response, body = fetch(
            https_port, "/static/css/app.css?v=2adf946f40", {"Accept-Encoding": "gzip"}
        )
        assert response.status == 200
        assert response.getheader("Content-Encoding") == "gzip"
        assert body == compressed.read_bytes()
        assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
        assert "Accept-Encoding" in (response.getheader("Vary") or "")
        response, body = fetch(https_port, "/static/css/app.css")
        assert response.getheader("Content-Encoding") is None
        assert body == (ROOT / "static" / "css" / "app.css").read_bytes()
        assert response.getheader("Cache-Control") == "no-cache"
        response, _ = fetch(https_port, "/metrics")
        assert response.status == 404
        response, body = fetch(
            https_port, "/thu-tuc?q=khai+sinh", {"X-Request-ID": "from-client-1"}
        )
        forwarded = json.loads(body)
        assert forwarded["X-Forwarded-Proto"] == "https"
        assert forwarded["X-Forwarded-For"] == "127.0.0.1"
        assert forwarded["Host"] == "dichvucong.example.gov.vn"
        assert re.fullmatch(r"[0-9a-f]{32}", forwarded["X-Request-ID"])  # nginx's $request_id
        plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
        plain.request("GET", "/tra-cuu", headers={"Host": "dichvucong.example.gov.vn"})
        redirect = plain.getresponse()
        assert redirect.status == 301
        assert redirect.getheader("Location") == "https://dichvucong.example.gov.vn/tra-cuu"
    finally:
        nginx.terminate()
        nginx.wait(10)
        backend.shutdown()
