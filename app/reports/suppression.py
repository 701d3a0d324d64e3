"""Which cells of a public table are hidden (pure): small counts, and what would give them away.

First round: a count from 1 to ``threshold - 1`` is hidden (a 1 or 2 in a small commune could
point at a person); 0 is shown. Second round: where a published total is the sum of some cells
(a row's total of its channels, the province's row of its units' column), one hidden cell among
them could be had back by subtraction, so a second one is hidden with it: the smallest count
shown among the others (not 0: hiding a 0 hides nothing), or the total itself when the others
are all 0. Repeated until no published total has exactly one hidden cell among its parts
(hiding in a column can leave one alone in a row).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

Cell = tuple[Hashable, str]  # (row, column)
# A published total and the cells that add up to it.
Relation = tuple[Cell, Sequence[Cell]]


def first_round(values: Mapping[Cell, int], threshold: int) -> set[Cell]:
    return {cell for cell, value in values.items() if 0 < value < threshold}


def relations(
    rows: Sequence[Hashable],
    total_row: Hashable,
    columns: Sequence[str],
    sums: Mapping[str, Sequence[str]],
) -> list[Relation]:
    """Every column adds up to the total row; in every row (the total's too), each column of
    ``sums`` adds up its parts."""
    found: list[Relation] = [((total_row, c), [(r, c) for r in rows]) for c in columns]
    for row in (*rows, total_row):
        found += [((row, total), [(row, p) for p in parts]) for total, parts in sums.items()]
    return found


def hidden_cells(
    values: Mapping[Cell, int], related: Sequence[Relation], threshold: int
) -> set[Cell]:
    """The cells to hide: the first round, then complementary cells until no published total
    has exactly one hidden part."""
    hidden = first_round(values, threshold)
    changed = True
    while changed:
        changed = False
        for total, parts in related:
            if total in hidden or sum(1 for p in parts if p in hidden) != 1:
                continue
            shown = [p for p in parts if p not in hidden and values.get(p, 0) > 0]
            # The others are all 0: the total is the hidden cell itself, and goes with it.
            hidden.add(min(shown, key=lambda p: (values[p], str(p))) if shown else total)
            changed = True
    return hidden


def recoverable(
    values: Mapping[Cell, int], hidden: set[Cell], related: Sequence[Relation]
) -> set[Cell]:
    """Hidden cells that subtraction gives back (a published total with one hidden part):
    empty after :func:`hidden_cells`; for the tests and a last check."""
    found: set[Cell] = set()
    for total, parts in related:
        alone = [p for p in parts if p in hidden]
        if total not in hidden and len(alone) == 1:
            found.add(alone[0])
    return found
