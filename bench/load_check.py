"""After a load run: is every dossier whole, is anything duplicated or lost?

Read-only SQL on the run's database, beside the journal the virtual users kept (what each
application went through, as the citizen saw it). A complete submission, as
``app/dossiers/operations/submitting.py`` makes it in one transaction: status past draft, a
code, its per-unit per-day sequence number, the submit time, the receiving and current unit,
the provisional due date, who submitted, a "submitted" event, and a photo of every document
the procedure requires a photo of (whose bytes are on disk).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from app.core.storage import LocalStorage, Storage

WHOLE = "d.status <> 'draft'"
CHECKS = {
    "dossiers past draft lacking code, sequence number, time, unit, due date or submitter": f"""
        SELECT d.id FROM dossiers d WHERE {WHOLE} AND (
            d.code IS NULL OR d.sequence_number IS NULL OR d.submitted_at IS NULL
            OR d.receiving_unit_id IS NULL OR d.current_unit_id IS NULL OR d.due_date IS NULL
            OR d.submitted_by_id IS NULL)""",
    "dossiers past draft without their 'submitted' event": f"""
        SELECT d.id FROM dossiers d WHERE {WHOLE} AND NOT EXISTS (
            SELECT 1 FROM dossier_events e WHERE e.dossier_id = d.id AND e.action = 'submitted')""",
    "dossiers with two 'submitted' events": """
        SELECT dossier_id FROM dossier_events WHERE action = 'submitted'
        GROUP BY dossier_id HAVING count(*) > 1""",
    "dossiers past draft missing a required photo": f"""
        SELECT DISTINCT d.id FROM dossiers d
        JOIN required_documents r
          ON r.procedure_id = d.procedure_id AND r.is_required AND r.scan_required
        WHERE {WHOLE} AND NOT EXISTS (
            SELECT 1 FROM attachments a WHERE a.dossier_id = d.id AND a.document_code = r.code)""",
    "dossier codes given twice": """
        SELECT code FROM dossiers WHERE code IS NOT NULL GROUP BY code HAVING count(*) > 1""",
    "sequence numbers given twice (unit, day, number)": """
        SELECT receiving_unit_id FROM dossiers WHERE sequence_number IS NOT NULL
        GROUP BY receiving_unit_id, CAST(submitted_at AS date), sequence_number
        HAVING count(*) > 1""",
    "applications started twice from one one-time token (owner, client_token)": """
        SELECT owner_id FROM dossiers GROUP BY owner_id, client_token HAVING count(*) > 1""",
    "attachments of one dossier and paper uploaded twice with the same bytes": """
        SELECT dossier_id FROM attachments
        GROUP BY dossier_id, document_code, sha256 HAVING count(*) > 1""",
}


def _files_missing(connection: Any, uploads: Path | Storage) -> list[str]:
    """Attachments whose file is not in the uploads' storage (a directory or a bucket: one
    listing, not a request per file) or not of the recorded size."""
    files = LocalStorage(uploads) if isinstance(uploads, Path) else uploads
    sizes = {entry.key: entry.size for entry in files.entries()}
    rows = connection.execute(text("SELECT storage_key, size FROM attachments")).all()
    return [key for key, size in rows if sizes.get(key) != size]


def _journal_lines(connection: Any, journal: list[dict[str, Any]]) -> tuple[list[str], int]:
    ids = [j["dossier_id"] for j in journal if j.get("dossier_id")]
    states = dict(
        connection.execute(
            text("SELECT id, status FROM dossiers WHERE id = ANY(:ids)"), {"ids": ids}
        ).all()
    )
    told = [j for j in journal if j["submitted"]]
    lost = [j for j in told if states.get(j["dossier_id"], "draft") == "draft"]
    no_receipt = [j for j in told if not j["receipt"]]
    unknown = [
        j
        for j in journal
        if not j["submitted"] and states.get(j.get("dossier_id")) not in (None, "draft")
    ]
    retried = [j for j in journal if j["retries"]]
    retry_steps = Counter(r["step"] for j in journal for r in j["retries"])
    recovered = [
        j for j in retried if not str(j.get("failed", "")).startswith(j["retries"][-1]["step"])
    ]
    failed = Counter(str(j["failed"]).split(":")[0] for j in journal if j.get("failed"))
    lines = [
        f"applications started {len(journal)}, told submitted {len(told)}, "
        f"with the receipt {sum(1 for j in told if j['receipt'])}; failed by step: "
        f"{dict(failed) or 'none'}",
        f"**lost** (told submitted, the database says draft or nothing): {len(lost)}",
        f"told submitted but the receipt failed (even after one retry): {len(no_receipt)}",
        f"submitted in the database while the citizen saw the submit fail: {len(unknown)} "
        "(not lost: the dossier is in their list)",
        f"steps retried once after a cut connection or a 5xx: {sum(retry_steps.values())} "
        f"{dict(retry_steps) or ''}; the retry succeeded for {len(recovered)} of {len(retried)} "
        "applications",
    ]
    for j in retried:
        lines.append(
            f"  retried: dossier {j['dossier_id']}: {j['retries']} → "
            f"{'completed' if j['receipt'] else j.get('failed')}"
        )
    return lines, len(lost)


def check_database(
    url: str, journal: list[dict[str, Any]], uploads: Path | Storage
) -> dict[str, Any]:
    engine = create_engine(url)
    lines: list[str] = []
    problems = 0
    with engine.connect() as connection:
        counts = dict(
            connection.execute(text("SELECT status, count(*) FROM dossiers GROUP BY status")).all()
        )
        lines.append(f"dossiers by status: {dict(sorted(counts.items()))}")
        for label, sql in CHECKS.items():
            found = connection.execute(text(sql)).scalars().all()
            problems += len(found)
            lines.append(f"{label}: {len(found)}" + (f" (e.g. {found[:5]})" if found else ""))
        missing = _files_missing(connection, uploads)
        problems += len(missing)
        lines.append(f"attachments whose file is missing or of another size: {len(missing)}")
        pending = connection.execute(
            text("SELECT status, count(*) FROM notifications GROUP BY status")
        ).all()
        lines.append(f"outbox after the run (the messages worker kept sending?): {dict(pending)}")
        journal_lines, lost = _journal_lines(connection, journal)
        lines += journal_lines
    engine.dispose()
    return {"lines": lines, "problems": problems + lost, "lost": lost}
