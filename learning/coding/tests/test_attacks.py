"""The attack suite: hostile programs through the real HTTP API and the real sandbox.

Each one must come back with a clean status within its limit while the server keeps
answering other requests, and nothing may leak from one run to the next."""

import threading
import time

import pytest
from django.db import close_old_connections

from learning.accounts.tests.factories import UserFactory

from .conftest import run

# Wall-time bounds: measured alone, not beside other test processes (`make test`).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.serial]

ATTACKS = [
    ("infinite loop", "while (true) {}", {"timeout"}),
    (
        "allocation until out of memory",
        "const a = []; while (true) a.push(new Array(1e5).fill(1));",
        {"memory_limit"},
    ),
    ("deep recursion", "function f(n) { return f(n + 1) + 1 } f(0)", {"error"}),
    (
        "a 100 MB string",
        "const s = 'x'.repeat(100 * 1024 * 1024); console.log(s)",
        {"memory_limit", "output_limit"},
    ),
    ("doubling a string forever", "let s = 'ab'; while (true) s += s;", {"memory_limit"}),
    ("huge typed array", "new Uint8Array(2 ** 30).fill(1)", {"memory_limit"}),
    ("printing in a tight loop", "while (true) console.log('spam spam spam')", {"output_limit"}),
    (
        "printing, swallowing the limit",
        "while (true) { try { console.log('spam') } catch (e) {} }",
        {"output_limit"},
    ),
    ("Atomics.wait", "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)", {"error"}),
    ("require", "require('child_process').execSync('id')", {"error"}),
    ("process", "process.exit(1)", {"error"}),
    ("fetch", "fetch('http://127.0.0.1:1/')", {"error"}),
    ("XMLHttpRequest", "new XMLHttpRequest().open('GET', 'http://127.0.0.1:1/')", {"error"}),
    ("WebAssembly with a huge memory", "new WebAssembly.Memory({ initial: 65536 })", {"error"}),
    ("a timer that never stops", "setInterval(() => {}, 0)", {"timeout"}),
    (
        "an endless promise chain",
        "const f = () => Promise.resolve().then(f); f()",
        {"timeout", "memory_limit"},
    ),
]


def call(user, source, **body):
    from rest_framework.test import APIClient

    from learning.accounts.tokens import tokens_for_user

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for_user(user)['access']}")
    try:
        return run(client, source, **body)
    finally:
        close_old_connections()


@pytest.fixture
def attacker(db):
    return UserFactory(role="student", email="attacker@example.test")


@pytest.fixture
def bystander(db):
    return UserFactory(role="student", email="bystander@example.test")


@pytest.mark.parametrize("name, source, expected", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_attack_returns_a_clean_status_within_its_limit_while_others_are_served(
    attacker, bystander, settings, name, source, expected
):
    outcome = {}

    def attack():
        started = time.monotonic()
        outcome["response"] = call(attacker, source)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=attack)
    thread.start()
    time.sleep(0.05)
    # Meanwhile another learner is served, and so is the rest of the API.
    other = call(bystander, "console.log('still here')")
    assert other.status_code == 200
    assert other.json()["stdout"] == [{"level": "log", "text": "still here"}]
    thread.join(timeout=30)
    assert not thread.is_alive()
    response = outcome["response"]
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] in expected, body
    # within its limit: the wall time plus the pool's grace, never an open-ended wait
    limit_s = settings.SANDBOX_WALL_TIME_MS / 1000 + 1.5
    assert outcome["seconds"] < limit_s + 1.0
    if body["status"] != "ok":
        assert body["error"]["name"]
    if body["status"] == "output_limit":
        assert body["output_truncated"] is True
        total = sum(len(e["text"].encode()) + 1 for e in body["stdout"])
        assert total <= settings.SANDBOX_OUTPUT_BYTES


def test_the_infinite_loop_does_not_block_a_concurrent_hello_world(attacker, bystander):
    """The bystander's run finishes while the attacker's loop is still spinning."""
    finished = {}

    def attack():
        call(attacker, "while (true) {}")
        finished["attack"] = time.monotonic()

    thread = threading.Thread(target=attack)
    thread.start()
    time.sleep(0.1)
    assert call(bystander, "console.log(1)").json()["status"] == "ok"
    finished["hello"] = time.monotonic()
    thread.join(timeout=30)
    assert finished["hello"] < finished["attack"]


def test_import_and_eval_tricks_reach_nothing(attacker):
    source = """
    import('fs').then(() => console.log('loaded fs')).catch((e) => console.log('import blocked:', e.name));
    console.log(typeof globalThis.require, typeof globalThis.process, typeof globalThis.fetch);
    console.log(typeof globalThis.WebAssembly, typeof globalThis.SharedArrayBuffer, typeof Atomics.wait);
    console.log(Function('return typeof this.process')(), (0, eval)('typeof require'));
    """
    body = call(attacker, source).json()
    texts = [e["text"] for e in body["stdout"]]
    assert texts[:3] == [
        "undefined undefined undefined",
        "undefined undefined undefined",
        "undefined undefined",
    ]
    assert texts[3].startswith("import blocked:")
    assert "loaded fs" not in texts


def test_prototype_pollution_never_reaches_the_next_run(attacker, settings):
    pollute = """
    Object.prototype.polluted = 'yes';
    Array.prototype.push = function () { throw new Error('hijacked') };
    JSON.stringify = () => 'hijacked';
    globalThis.leaked = 42;
    var leakedVar = 1;
    console.log = () => {};
    Object.defineProperty(globalThis, 'sticky', { value: 1, configurable: false });
    """
    check = """
    console.log(({}).polluted, typeof leaked, typeof leakedVar, typeof sticky,
                JSON.stringify([1]), [].push === Array.prototype.push && [1].push(2));
    """
    # Every worker of the pool gets polluted, then every worker is checked.
    for _ in range(settings.SANDBOX_POOL_SIZE * 2):
        assert call(attacker, pollute).json()["status"] == "ok"
    for _ in range(settings.SANDBOX_POOL_SIZE * 2):
        body = call(attacker, check).json()
        assert body["stdout"] == [{"level": "log", "text": "undefined undefined undefined undefined [1] 2"}]


def test_the_harness_cannot_be_replaced(attacker):
    source = """
    try { __mrict = null } catch (e) {}
    try { delete globalThis.__mrict } catch (e) {}
    try { Object.defineProperty(globalThis, '__mrict', { value: {} }) } catch (e) { console.log('locked') }
    console.log(Object.isFrozen(__mrict));
    """
    body = call(attacker, source).json()
    assert [e["text"] for e in body["stdout"]] == ["locked", "true"]


def test_fifty_concurrent_runs_from_one_user(attacker, bystander, settings):
    """Two at a time run, the rest wait a bounded time, then get 429 + Retry-After;
    none of it stops another user from being served."""
    settings.SANDBOX_QUEUE_WAIT_MS = 700
    settings.SANDBOX_MAX_CONCURRENT = 3
    responses = []
    lock = threading.Lock()

    def one():
        response = call(attacker, "const t = Date.now(); while (Date.now() - t < 150) {} console.log('done')")
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=one) for _ in range(50)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    other = call(bystander, "console.log('served')")
    for t in threads:
        t.join(timeout=60)
    assert other.status_code == 200 and other.json()["status"] == "ok"
    assert len(responses) == 50
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 429}
    ok = [r for r in responses if r.status_code == 200]
    busy = [r for r in responses if r.status_code == 429]
    assert len(ok) >= settings.SANDBOX_MAX_CONCURRENT_PER_USER
    assert all(r.json()["stdout"] == [{"level": "log", "text": "done"}] for r in ok)
    # At 2 at a time and ~150 ms each, 50 cannot all fit in a 700 ms wait.
    assert busy
    for r in busy:
        assert int(r["Retry-After"]) >= 1
        assert r.json()["errors"][0]["code"] == "sandbox_busy"
    # and afterwards the user runs normally again
    assert call(attacker, "console.log('again')").json()["status"] == "ok"
