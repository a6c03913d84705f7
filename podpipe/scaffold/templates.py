"""The Jinja2 environment for the files podpipe writes for the host (show.yaml,
episode.yaml), with a filter that quotes a value as a YAML scalar."""

from __future__ import annotations

import json

from podpipe.config import plain_values
from podpipe.render import environment as shared_environment


def environment():
    """The shared Jinja2 environment, plus a filter that quotes a value as a YAML scalar."""
    env = shared_environment()
    env.filters["yaml"] = yaml_scalar
    return env


def yaml_scalar(value: object) -> str:
    """``value`` as a YAML scalar that reads back as the same text.

    Plain when that round-trips (``title: Learning Out Loud``); otherwise double-quoted,
    because a JSON string is a valid YAML one (``title: "Q&A: #1"``, ``"true"``, ``"2026"``).
    """
    text = str(value)
    if text and "\n" not in text and text == text.strip():
        if plain_values(f"k: {text}\n") == {"k": text}:
            return text
    return json.dumps(text, ensure_ascii=False)
