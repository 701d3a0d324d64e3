"""Where the gunicorn workers spend their time, from py-spy's raw (collapsed stack) output.

Each line of ``py-spy record --format raw`` is ``frame;frame;…;frame COUNT``. A sample is put
in the first category whose marker appears in its stack (outermost frame first), so the shares
add up to 100 % of the samples py-spy took (it leaves out idle threads: a worker blocked in
accept() is not counted, one waiting for PostgreSQL's answer is).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

# Checked in this order: the first marker found in a stack names its category.
CATEGORIES = [
    ("PDF rendering (WeasyPrint)", ("weasyprint",)),
    ("password hashing (scrypt)", ("scrypt", "_hash_internal", "check_password_hash")),
    ("image re-encoding (Pillow)", ("PIL/",)),
    ("waiting for PostgreSQL (psycopg)", ("psycopg/",)),
    ("ORM and SQL building (SQLAlchemy)", ("sqlalchemy/",)),
    ("templates (Jinja2)", ("jinja2/", "templates/")),
    ("compression (Brotli, gzip)", ("brotli", "flask_compress", "gzip")),
    ("writing answers to the socket (gunicorn)", ("gunicorn/util.py",)),
    ("working-day calendar (holidays)", ("holidays/",)),
    ("starting a new worker (imports, template compiling)", ("_bootstrap", "_compile (jinja2")),
    ("gunicorn master (not a worker)", ("wait_for_signals", "Arbiter.sleep")),
]


def summarise_profile(path: Path) -> str:
    totals: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        for label, markers in CATEGORIES:
            if any(marker in stack for marker in markers):
                totals[label] += int(count)
                break
        else:
            totals["other (Flask, forms, our code)"] += int(count)
    whole = sum(totals.values()) or 1
    rows = ["| where (py-spy, non-idle samples) | samples | share |", "|---|---:|---:|"]
    for label, count in totals.most_common():
        rows.append(f"| {label} | {count} | {100 * count / whole:.0f} % |")
    return "\n".join(rows)
