"""The LLM behind the tutor: any OpenAI-compatible chat-completions endpoint (Ollama,
vLLM, llama.cpp's server, a hosted API) through Haystack's OpenAIChatGenerator.

`LLM_BASE_URL` empty means no LLM: `llm_configured()` is False and the built-in
answerer replies. Each call has `LLM_TIMEOUT` seconds (per request; a streamed reply's
timeout is per read) and `LLM_RETRIES` retries (default one) on connection errors,
timeouts, 429 and 5xx, done by the OpenAI client underneath. Whatever still fails is
raised as `LLMUnavailable`, and the caller falls back to the built-in answerer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings

log = logging.getLogger("mrict.tutor")


class LLMUnavailable(Exception):
    """The endpoint did not give a usable reply (error status, timeout, empty reply)."""


class StopGeneration(Exception):  # noqa: N818 - raised on purpose to cut a stream
    """Raised by an `on_text` callback to cut a streamed reply short (the output check
    found a leak): the connection is closed and nothing more is read."""


_lock = threading.Lock()
_generator_cache: dict[tuple, object] = {}


def llm_configured() -> bool:
    return bool(settings.LLM_BASE_URL)


def _generator():
    key = (
        settings.LLM_BASE_URL,
        settings.LLM_MODEL,
        settings.LLM_API_KEY,
        settings.LLM_TIMEOUT,
        settings.LLM_RETRIES,
        settings.LLM_MAX_TOKENS,
        settings.LLM_TEMPERATURE,
    )
    with _lock:
        generator = _generator_cache.get(key)
        if generator is None:
            from haystack.components.generators.chat import OpenAIChatGenerator
            from haystack.utils import Secret

            generator = OpenAIChatGenerator(
                # Local servers want no key; the OpenAI client insists on one.
                api_key=Secret.from_token(settings.LLM_API_KEY or "no-key"),
                model=settings.LLM_MODEL or "default",
                api_base_url=settings.LLM_BASE_URL,
                timeout=settings.LLM_TIMEOUT,
                max_retries=settings.LLM_RETRIES,
                generation_kwargs={
                    # `max_tokens`, not `max_completion_tokens`: what Ollama, vLLM and
                    # llama.cpp's server read.
                    "max_tokens": settings.LLM_MAX_TOKENS,
                    "temperature": settings.LLM_TEMPERATURE,
                },
            )
            _generator_cache.clear()
            _generator_cache[key] = generator
    return generator


def llm_chat(messages: list[dict], *, on_text: Callable[[str], None] | None = None) -> str:
    """The assistant's reply to `messages` ([{role, content}], role system|user|assistant).
    With `on_text`, the reply is streamed from the endpoint and `on_text` gets each new
    piece as it arrives (it may raise StopGeneration). Raises LLMUnavailable."""
    from haystack.dataclasses import ChatMessage

    builders = {
        "system": ChatMessage.from_system,
        "user": ChatMessage.from_user,
        "assistant": ChatMessage.from_assistant,
    }
    chat = [builders[m["role"]](m["content"]) for m in messages]
    callback = None
    if on_text is not None:

        def callback(chunk):
            if chunk.content:
                on_text(chunk.content)

    try:
        result = _generator().run(messages=chat, streaming_callback=callback)
    except StopGeneration:
        raise
    except Exception as exc:  # any failure of a third party's call means: fall back
        log.warning("LLM call failed: %s: %s", exc.__class__.__name__, exc)
        raise LLMUnavailable(f"{exc.__class__.__name__}: {exc}") from exc
    replies = result.get("replies") or []
    text = (replies[0].text or "").strip() if replies else ""
    if not text:
        raise LLMUnavailable("the endpoint returned an empty reply")
    return text
