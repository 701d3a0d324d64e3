"""A throw-away PostgreSQL server of our own (initdb in a temporary directory, its own port).

The load test needs to restart its database midway (LOAD_CHAOS=1); the shared server on 5432
serves other people's tests and is never touched. Run as root, the server's commands run as
the ``postgres`` system user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port(start: int) -> int:
    """The first port from ``start`` on which nothing listens on 127.0.0.1."""
    for port in range(start, start + 200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port from {start}")


class Postgres:
    """``initdb`` into ``base``/data, a server on ``port`` (TCP on 127.0.0.1, socket in base)."""

    def __init__(self, base: Path, port: int) -> None:
        self.base = base
        self.data = base / "data"
        self.port = port
        self.log = base / "postgres.log"
        self.sockets = base / "sockets"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/motcua"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True)

    def init(self, settings: dict[str, str]) -> None:
        self.base.chmod(0o755)
        self.data.mkdir()
        self.sockets.mkdir()
        self.log.touch()
        if os.geteuid() == 0:
            for path in (self.data, self.sockets, self.log):
                shutil.chown(path, "postgres", "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        lines = [f"{key} = {value}" for key, value in settings.items()]
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# bench/load.py\n" + "\n".join(lines) + "\n")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def create_database(self) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "motcua")

    def restart(self) -> None:
        """A fast restart (open connections cut, no data lost): what an upgrade or a failover
        on the same host looks like to the app."""
        data, log = str(self.data), str(self.log)
        self._run("pg_ctl", "-D", data, "-l", log, "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
