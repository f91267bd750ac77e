"""The LLM client (tutor/llm.py) against a real local HTTP server speaking the OpenAI
chat-completions protocol: plain and streamed replies, one retry, errors and timeouts."""

import time

import pytest

from tutor.llm import LLMUnavailable, llm_chat, llm_configured
from tutor.tests.llm_server import FakeLLM

MESSAGES = [{"role": "system", "content": "rules"}, {"role": "user", "content": "hello"}]


@pytest.fixture
def fake_llm(settings):
    with FakeLLM(reply="A reply from the model, long enough to come in several chunks.") as fake:
        settings.LLM_BASE_URL = fake.base_url
        settings.LLM_MODEL = "tiny-model"
        settings.LLM_API_KEY = "secret-key"
        settings.LLM_TIMEOUT = 0.5
        settings.LLM_MAX_TOKENS = 77
        yield fake


def test_not_configured_without_a_base_url(settings):
    settings.LLM_BASE_URL = ""
    assert not llm_configured()


def test_plain_reply_and_what_is_sent(fake_llm):
    assert llm_configured()
    assert llm_chat(MESSAGES) == "A reply from the model, long enough to come in several chunks."
    body = fake_llm.requests[0]
    assert body["model"] == "tiny-model"
    assert body["max_tokens"] == 77
    assert body["messages"] == [{"role": "system", "content": "rules"}, {"role": "user", "content": "hello"}]
    assert not body.get("stream")
    assert fake_llm.headers[0]["authorization"] == "Bearer secret-key"


def test_streamed_reply_comes_in_pieces(fake_llm):
    pieces = []
    text = llm_chat(MESSAGES, on_text=pieces.append)
    assert fake_llm.requests[0]["stream"] is True
    assert len(pieces) > 3 and "".join(pieces) == text


def test_one_retry_after_a_server_error(fake_llm):
    fake_llm.fail_status, fake_llm.fail_times = 500, 1
    assert llm_chat(MESSAGES).startswith("A reply")
    assert fake_llm.calls == 2


def test_a_failing_endpoint_is_unavailable_after_one_retry(fake_llm):
    fake_llm.fail_status = 500
    with pytest.raises(LLMUnavailable, match="500"):
        llm_chat(MESSAGES)
    assert fake_llm.calls == 2


def test_a_slow_endpoint_times_out_once_per_try(fake_llm):
    llm_chat(MESSAGES)  # the client's first use imports its libraries: not what is timed
    fake_llm.delay = 10.0
    started = time.monotonic()
    with pytest.raises(LLMUnavailable, match="Timeout"):
        llm_chat(MESSAGES)
    assert fake_llm.calls == 1 + 2
    # two timeouts of 0.5 s and the client's backoff, far from one answer's 10 s
    assert time.monotonic() - started < 5


def test_an_empty_reply_is_unavailable(fake_llm):
    fake_llm.reply = ""
    with pytest.raises(LLMUnavailable, match="empty"):
        llm_chat(MESSAGES)


def test_nobody_listening_is_unavailable(settings):
    with FakeLLM() as fake:
        url = fake.base_url
    settings.LLM_BASE_URL, settings.LLM_TIMEOUT = url, 0.5  # the server is gone: connection refused
    with pytest.raises(LLMUnavailable):
        llm_chat(MESSAGES)
