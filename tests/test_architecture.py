"""The shape of the code, read from its source (AST): no app, no database.

* **One-way boundaries.** Each package of ``app/`` has a layer (``LAYERS``); a module may import
  its own package and packages of lower layers only. Packages of the same layer (postal and
  assist) do not import each other. A lower domain that must let a higher one act sends a
  signal (``app/dossiers/signals.py``) or offers a registry; it never imports up.
* **Pure rule modules** (``PURE``) import no Flask, no SQLAlchemy, no extension, and only other
  pure modules of the app, so their tests need no app and no database.
* **One clock**: only ``app/core/clock.py`` reads the time.
* **One transaction per request**: nothing in ``app/`` commits or rolls back the session
  except the request's own hook, the CLI and the background sender.
* **Thin views**: a view is at most 25 lines and runs no query of its own (``queries.py``).
* **Small files**: no file in ``app/`` is over 400 lines.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

# Lower numbers are lower layers. "shell" modules assemble the app and may import anything.
LAYERS: dict[str, int] = {
    "config": 0,
    "extensions": 0,
    "core": 1,
    "geo": 2,
    "catalogue": 3,
    "notifications": 3,
    "documents": 3,
    "accounts": 4,
    "dossiers": 5,
    "payments": 6,
    "postal": 7,
    "assist": 7,
    "public": 7,
    "feedback": 7,
    "reports": 8,
    "api": 9,
}
SHELL = {"__init__", "cli", "errors", "templating", "models"}

PURE = {
    "app.reports.periods",
    "app.reports.charts",
    "app.core.report_sources",
    "app.reports.rules",
    "app.reports.suppression",
    "app.core.clock",
    "app.core.dates",
    "app.core.days",
    "app.core.bounds",
    "app.core.errors",
    "app.core.form_messages",
    "app.core.identity",
    "app.core.logmask",
    "app.core.money_words",
    "app.core.payref",
    "app.payments.refund_rules",
    "app.core.vietqr",
    "app.payments.matching",
    "app.payments.statements",
    "app.core.roles",
    "app.core.sealing",
    "app.core.spreadsheet",
    "app.core.text",
    "app.feedback.rules",
    "app.accounts.backoff",
    "app.accounts.passwords",
    "app.accounts.staff",
    "app.assist.stats.periods",
    "app.catalogue.answers",
    "app.catalogue.changes",
    "app.catalogue.checks",
    "app.catalogue.search",
    "app.catalogue.fields",
    "app.catalogue.guide",
    "app.catalogue.schema",
    "app.dossiers.deadlines",
    "app.dossiers.statuses",
    "app.dossiers.uploads",
    "app.dossiers.uploads.images",
    "app.dossiers.uploads.names",
    "app.dossiers.uploads.pdf",
    "app.dossiers.uploads.rejections",
    "app.dossiers.workflow",
    "app.notifications.labels",
    "app.notifications.messages",
    "app.notifications.outcomes",
    "app.notifications.sms",
    "app.postal.flow",
    "app.postal.s10",
    "app.postal.schedule",
}
FRAMEWORKS = ("flask", "flask_", "sqlalchemy", "werkzeug", "wtforms", "weasyprint")

# Who may end a transaction: the request's hook, the CLI, the outbox's background sender.
MAY_COMMIT = {"app.core.transaction", "app.cli", "app.notifications.outbox"}

VIEW_MAX_LINES = 25
FILE_MAX_LINES = 400


@dataclass(frozen=True)
class Module:
    name: str  # app.dossiers.services
    path: Path
    tree: ast.Module

    @property
    def package(self) -> str:
        """The top-level package under app/ ("dossiers"), or the shell module's name."""
        parts = self.name.split(".")
        return parts[1] if len(parts) > 1 else "__init__"

    @property
    def is_shell(self) -> bool:
        return self.name.count(".") <= 1 and self.package in SHELL

    def imports(self) -> Iterator[tuple[str, int]]:
        """Every module imported, at the top or inside a function: (dotted name, line)."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield alias.name, node.lineno
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield node.module, node.lineno
                for alias in node.names:  # from app.dossiers import services
                    yield f"{node.module}.{alias.name}", node.lineno


def _modules() -> list[Module]:
    found = []
    for path in sorted(APP.rglob("*.py")):
        parts = path.relative_to(APP.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append(Module(name, path, ast.parse(path.read_text(encoding="utf-8"))))
    return found


MODULES = _modules()
BY_NAME = {m.name: m for m in MODULES}


def _app_package(imported: str) -> str | None:
    parts = imported.split(".")
    if parts[0] != "app" or len(parts) < 2:
        return None
    return parts[1]


def _relative(module: Module) -> str:
    return str(module.path.relative_to(APP.parent))


def _calls(module: Module) -> Iterator[ast.Call]:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call):
            yield node


def _call_name(call: ast.Call) -> str:
    """``db.session.commit`` for ``db.session.commit()``; "" for anything not a plain name."""
    parts = []
    func = call.func
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
        return ".".join(reversed(parts))
    return ""


def _views(module: Module) -> Iterator[ast.FunctionDef]:
    """Functions registered as routes: decorated with ``<blueprint>.route(...)``."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr == "route"
                ):
                    yield node
                    break


def _is_view_module(module: Module) -> bool:
    return any(True for _ in _views(module))


# --- boundaries ----------------------------------------------------------------------------------


def test_every_package_has_a_layer() -> None:
    packages = {m.package for m in MODULES if not m.is_shell}
    assert packages <= set(LAYERS), packages - set(LAYERS)


def _upward_imports() -> set[tuple[str, str]]:
    found = set()
    for module in MODULES:
        if module.is_shell:
            continue
        own = LAYERS[module.package]
        for imported, _line in module.imports():
            target = _app_package(imported)
            if target is None or target == module.package:
                continue
            if target in SHELL and imported.count(".") == 1:
                found.add((module.name, imported))
            elif target in LAYERS and LAYERS[target] >= own:
                found.add((module.name, f"app.{target}"))
    return found


def test_no_domain_imports_a_higher_or_a_sibling_one() -> None:
    assert sorted(_upward_imports()) == []


@pytest.mark.parametrize("name", sorted(PURE))
def test_pure_rule_modules_import_no_framework(name: str) -> None:
    module = BY_NAME[name]
    for imported, line in module.imports():
        assert not imported.startswith(FRAMEWORKS), f"{name}:{line} imports {imported}"
        if imported.startswith("app.") and imported in BY_NAME:
            assert imported in PURE, f"{name}:{line} imports {imported}, which is not pure"
        elif imported.startswith("app.") and imported.rsplit(".", 1)[0] in BY_NAME:
            owner = imported.rsplit(".", 1)[0]  # from app.core import clock → app.core.clock
            assert imported in PURE or owner in PURE, f"{name}:{line} imports {imported}"
        elif imported == "app" or imported.startswith("app."):
            pytest.fail(f"{name}:{line} imports {imported}")


def test_only_the_clock_reads_the_time() -> None:
    readers = []
    for module in MODULES:
        if module.name == "app.core.clock":
            continue
        for call in _calls(module):
            name = _call_name(call)
            if name.endswith(("datetime.now", "datetime.utcnow", "date.today", "time.time")):
                readers.append(f"{_relative(module)}:{call.lineno} {name}()")
    assert readers == []


# --- transactions ---------------------------------------------------------------------------


def _committing() -> set[str]:
    found = set()
    for module in MODULES:
        if module.name in MAY_COMMIT or module.name.endswith(".cli"):
            continue
        for call in _calls(module):
            if _call_name(call).endswith(("session.commit", "session.rollback")):
                found.add(_relative(module))
    return found


def test_nothing_but_the_request_the_cli_and_the_sender_ends_a_transaction() -> None:
    assert sorted(_committing()) == []


# --- thin views ----------------------------------------------------------------------------------


def _querying_views() -> set[str]:
    found = set()
    for module in MODULES:
        if not _is_view_module(module):
            continue
        for call in _calls(module):
            if _call_name(call) in ("select", "db.select", "sa.select"):
                found.add(_relative(module))
    return found


def test_views_run_no_query_of_their_own() -> None:
    assert sorted(_querying_views()) == []


def _long_views() -> set[str]:
    found = set()
    for module in MODULES:
        for view in _views(module):
            if view.end_lineno - view.lineno + 1 > VIEW_MAX_LINES:  # type: ignore[operator]
                found.add(f"{_relative(module)}:{view.name}")
    return found


def test_views_are_short() -> None:
    assert sorted(_long_views()) == []


def _long_files() -> set[str]:
    return {
        _relative(m)
        for m in MODULES
        if len(m.path.read_text(encoding="utf-8").splitlines()) > FILE_MAX_LINES
    }


def test_files_are_small() -> None:
    assert sorted(_long_files()) == []
