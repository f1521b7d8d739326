"""Asking a system under test (pure, no Django): an OpenAI-compatible chat endpoint called over HTTP with the
standard library, a per-request timeout, retries with back-off, a rate limit (requests per minute, a token bucket
shared by the threads) and at most `concurrency` requests in flight (a thread pool of that size).

`ask_all` calls `done(key, Outcome)` in the calling thread as each answer arrives, so the caller stores each
answer once, as it comes, and a run killed half-way keeps what it had."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

MAX_REPLY_BYTES = 1 << 20  # a reply larger than this is malformed


@dataclass(frozen=True)
class Endpoint:
    url: str            # base URL, e.g. http://127.0.0.1:8080/v1 (…/chat/completions is added)
    model: str
    key: str = ""
    timeout: float = 30.0
    retries: int = 2
    concurrency: int = 1
    rate_per_minute: int = 600
    max_tokens: int = 256


@dataclass(frozen=True)
class Outcome:
    answer: str | None   # None: no usable answer after every attempt
    error: str           # "" or timeout, http_<status>, connection, malformed
    attempts: int
    seconds: float


class EndpointError(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def completions_url(base: str) -> str:
    base = base.rstrip("/")
    return base if base.endswith("/chat/completions") else base + "/chat/completions"


def chat(endpoint: Endpoint, messages: list[dict[str, str]]) -> str:
    """One request: the first choice's message content, or EndpointError naming what went wrong."""
    body = json.dumps({"model": endpoint.model, "messages": messages, "max_tokens": endpoint.max_tokens,
                       "temperature": 0}).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if endpoint.key:
        headers["Authorization"] = f"Bearer {endpoint.key}"
    request = urllib.request.Request(completions_url(endpoint.url), data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=endpoint.timeout) as response:
            raw = response.read(MAX_REPLY_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise EndpointError(f"http_{error.code}") from None
    except TimeoutError:
        raise EndpointError("timeout") from None
    except urllib.error.URLError as error:
        raise EndpointError("timeout" if isinstance(error.reason, TimeoutError) else "connection") from None
    except OSError:
        raise EndpointError("connection") from None
    if len(raw) > MAX_REPLY_BYTES:
        raise EndpointError("malformed")
    try:
        content = json.loads(raw)["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise EndpointError("malformed") from None
    if not isinstance(content, str):
        raise EndpointError("malformed")
    return content


class RateLimiter:
    """At most `per_minute` starts in any minute, spaced evenly; thread-safe."""

    def __init__(self, per_minute: int) -> None:
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)


def ask(endpoint: Endpoint, messages: list[dict[str, str]], limiter: RateLimiter,
        chat_call: Callable[[Endpoint, list[dict[str, str]]], str] = chat) -> Outcome:
    """One item: the request, retried up to `retries` times after a timeout, a server error or a malformed reply
    (a 4xx other than 429 is not retried)."""
    began = time.monotonic()
    error = ""
    attempts = 0
    for attempt in range(endpoint.retries + 1):
        attempts = attempt + 1
        limiter.wait()
        try:
            answer = chat_call(endpoint, messages)
            return Outcome(answer, "", attempts, time.monotonic() - began)
        except EndpointError as problem:
            error = problem.kind
            if error.startswith("http_4") and error != "http_429":
                break
            if attempt < endpoint.retries:
                time.sleep(min(2.0, 0.1 * 2 ** attempt))
    return Outcome(None, error, attempts, time.monotonic() - began)


def ask_all[K](endpoint: Endpoint, work: Iterable[tuple[K, list[dict[str, str]]]],
               done: Callable[[K, Outcome], bool | None],
               chat_call: Callable[[Endpoint, list[dict[str, str]]], str] = chat) -> int:
    """Ask every item with at most `endpoint.concurrency` in flight; `done` is called in this thread for each
    outcome as it arrives (returning False stops the run: nothing more is sent). Returns how many were asked."""
    limiter = RateLimiter(endpoint.rate_per_minute)
    width = max(1, endpoint.concurrency)
    pending = iter(work)
    asked = 0
    with ThreadPoolExecutor(max_workers=width) as pool:
        flying: dict[Future[Outcome], K] = {}

        def fill() -> None:
            nonlocal asked
            while len(flying) < width:
                entry = next(pending, None)
                if entry is None:
                    return
                key, messages = entry
                flying[pool.submit(ask, endpoint, messages, limiter, chat_call)] = key
                asked += 1

        fill()
        while flying:
            finished, _rest = wait(flying, return_when=FIRST_COMPLETED)
            for future in finished:
                key = flying.pop(future)
                if done(key, future.result()) is False:
                    for other in flying:
                        other.cancel()
                    return asked
            fill()
    return asked
