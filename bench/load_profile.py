"""Where the gunicorn workers spend their time, from py-spy's raw (collapsed stack) output.

Each line of ``py-spy record --format raw`` is ``frame;frame;…;frame COUNT``. A sample is put
in the first category whose marker appears in its stack (outermost frame first), so the shares
add up to 100 % of the samples taken while a worker was busy or waiting.
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
    ("idle: waiting for a request", ("wait_for_connection", "sleep (gunicorn", "select (sel")),
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
    idle = sum(v for k, v in totals.items() if k.startswith("idle"))
    busy = whole - idle or 1
    rows = ["| where | share of all samples | share of busy samples |", "|---|---:|---:|"]
    for label, count in totals.most_common():
        share_busy = "" if label.startswith("idle") else f"{100 * count / busy:.0f} %"
        rows.append(f"| {label} | {100 * count / whole:.0f} % | {share_busy} |")
    return "\n".join(rows)
