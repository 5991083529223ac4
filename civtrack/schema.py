"""JSON Schema of the file format, generated from the pydantic models."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from civtrack.model import Entry, Plan


def plan_schema() -> dict[str, Any]:
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "civtrack plan file (plans/<plan-id>.yaml)"
    return schema


def progress_schema() -> dict[str, Any]:
    schema = TypeAdapter(list[Entry]).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "civtrack progress file (progress/<plan-id>/YYYY-MM.yaml)"
    return schema


def schema_json(which: str) -> str:
    schema = plan_schema() if which == "plan" else progress_schema()
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
