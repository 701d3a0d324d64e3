"""GET /thong-ke: the public statistics as JSON for the national reporting systems. Pure.

Counts only, the same as the public page /thong-ke (app/reports/public.py); no token.
"""

from __future__ import annotations

from typing import Any

from app.api.openapi.common import DATE, ref

# The public metrics (app/reports/public.py PUBLIC_METRICS), in the order of the page.
METRICS = (
    "received",
    "channel_online",
    "channel_online_post",
    "channel_counter",
    "channel_post_office",
    "channel_assisted",
    "on_time",
    "late",
    "in_time",
    "overdue",
    "apologies",
    "supplements",
    "refusals",
    "returned_online",
    "returned_post",
    "returned_counter",
)
KINDS = {"week": "tuan", "month": "thang", "quarter": "quy", "year": "nam", "custom": "tuy-chon"}
_DAY = {
    **DATE,
    "pattern": r"^(19|2[01])\d{2}-\d{2}-\d{2}$",
    "x-error-message": "Phải là một ngày dạng YYYY-MM-DD, từ 1900-01-01 đến 2199-12-31.",
}
_COUNT = {"type": ["integer", "null"], "minimum": 0}
_PERCENT = {"type": ["number", "null"], "minimum": 0, "maximum": 100}

STATISTICS_SCHEMAS: dict[str, Any] = {
    "StatisticsRow": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "name",
            "commune_code",
            "counts",
            "online_share",
            "on_time_rate",
            "online_target",
        ],
        "properties": {
            "name": {"type": "string", "description": "The receiving unit (one-stop desk)."},
            "commune_code": {
                "type": ["string", "null"],
                "description": "The commune it serves (null: the province's centre, the total).",
            },
            "counts": {
                "type": "object",
                "additionalProperties": False,
                "required": list(METRICS),
                "properties": {name: _COUNT for name in METRICS},
                "description": "Dossiers counted in the period; null: from 1 to min_cell - 1, "
                "hidden. Channels: fully online, online with papers by post, at the one-stop "
                "counter, at a post-office counter, helped by a community digital team. on_time "
                "and late: finished in the period; in_time and overdue: still running on "
                "evaluated_on. apologies, supplements, refusals: letters sent in the period.",
            },
            "online_share": {
                **_PERCENT,
                "description": "Per cent of dossiers sent online (online, online with papers by "
                "post, helped): null when fewer than min_cell dossiers.",
            },
            "on_time_rate": {
                **_PERCENT,
                "description": "Per cent finished on time; null when fewer than min_cell finished.",
            },
            "online_target": {**_PERCENT, "description": "The unit's target online share."},
        },
    },
    "SatisfactionRow": {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "commune_code", "ratings", "average_score", "satisfied_share"],
        "properties": {
            "name": {"type": "string", "description": "The receiving unit, or the province."},
            "commune_code": {"type": ["string", "null"]},
            "ratings": {
                **_COUNT,
                "description": "Citizens' ratings (1 to 5) given in the period, anonymous; "
                "null: hidden (from 1 to min_cell - 1, or hidden too so that a lone small "
                "count cannot be worked out from the province's total).",
            },
            "average_score": {
                "type": ["number", "null"],
                "minimum": 1,
                "maximum": 5,
                "description": "The sum of the scores over the count; null when hidden or none.",
            },
            "satisfied_share": {
                **_PERCENT,
                "description": "Per cent of ratings of 4 or 5; null when hidden or none.",
            },
        },
    },
    "Satisfaction": {
        "type": "object",
        "additionalProperties": False,
        "required": ["province", "units"],
        "description": "Satisfaction per unit with ratings in the period: counts, never a "
        "comment or who rated.",
        "properties": {
            "province": ref("SatisfactionRow"),
            "units": {"type": "array", "items": ref("SatisfactionRow")},
        },
    },
    "Statistics": {
        "type": "object",
        "additionalProperties": False,
        "required": ["period", "evaluated_on", "min_cell", "province", "units", "satisfaction"],
        "properties": {
            "period": {
                "type": "object",
                "additionalProperties": False,
                "required": ["kind", "first", "last", "label"],
                "properties": {
                    "kind": {"type": "string", "enum": list(KINDS.values())},
                    "first": DATE,
                    "last": DATE,
                    "label": {"type": "string"},
                },
            },
            "evaluated_on": DATE,
            "min_cell": {"type": "integer", "minimum": 1},
            "province": ref("StatisticsRow"),
            "units": {"type": "array", "items": ref("StatisticsRow")},
            "satisfaction": {"anyOf": [ref("Satisfaction"), {"type": "null"}]},
        },
    },
}


def statistics_path(ok: Any, errors: dict[str, Any]) -> dict[str, Any]:
    parameters = [
        {
            "name": "kind",
            "in": "query",
            "required": False,
            "description": "The period: the week, month, quarter or year holding `date`, or "
            "`custom` from `first` to `last` (at most 400 days). Default: month.",
            "schema": {
                "type": "string",
                "enum": list(KINDS),
                "x-error-message": "Phải là week, month, quarter, year hoặc custom.",
            },
        },
        {
            "name": "date",
            "in": "query",
            "required": False,
            "description": "A day of the period; today when absent.",
            "schema": _DAY,
        },
        {
            "name": "first",
            "in": "query",
            "required": False,
            "description": "custom: the first day.",
            "schema": _DAY,
        },
        {
            "name": "last",
            "in": "query",
            "required": False,
            "description": "custom: the last day.",
            "schema": _DAY,
        },
    ]
    return {
        "get": {
            "operationId": "getStatistics",
            "summary": "Public statistics of the province and each unit (no token)",
            "description": "Dossiers by channel, the online share, on-time rates, apologies and "
            "refusals, for the province and each receiving unit with dossiers in the period; "
            "citizens' satisfaction (ratings, average score, share satisfied) per unit rated. "
            "Counts only: no person's data; small counts are null, and so is a second count "
            "wherever a published total would give a null one back by subtraction. The numbers "
            "of a period are kept a few minutes; requests are limited per address.",
            "security": [],
            "parameters": parameters,
            "responses": {"200": ok("The numbers.", ref("Statistics")), **errors},
        }
    }
