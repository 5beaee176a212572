"""Grad mode and the transforms' nesting depth are per thread; no_grad on generators.

The thread tests force the interleavings of the two reproductions in issue 13 with events,
so they fail on a process-wide flag every time, not by chance.
"""

from __future__ import annotations

import contextvars
import math
import threading
from collections.abc import Callable, Iterator

import pytest

import autograd_lite as ag

TIMEOUT = 10.0


def _in_thread(target: Callable[[], None]) -> tuple[threading.Thread, list[BaseException]]:
    """Start `target` in a thread; its exception, if any, lands in the returned list."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def _join(thread: threading.Thread, errors: list[BaseException]) -> None:
    thread.join(TIMEOUT)
    assert not thread.is_alive(), "the helper thread did not finish"
    if errors:
        raise errors[0]


def _square_grad() -> float:
    x = ag.Value(3.0)
    (x * x).backward()
    return x.grad


def test_no_grad_in_one_thread_leaves_another_thread_recording() -> None:
    inside, done = threading.Event(), threading.Event()

    def hold_no_grad() -> None:
        with ag.no_grad():
            inside.set()
            assert done.wait(TIMEOUT)
            assert not ag.is_grad_enabled()

    thread, errors = _in_thread(hold_no_grad)
    assert inside.wait(TIMEOUT)
    try:
        assert ag.is_grad_enabled()
        assert _square_grad() == 6.0
    finally:
        done.set()
        _join(thread, errors)


def test_overlapping_no_grad_blocks_in_two_threads_restore_recording() -> None:
    # The order: A enters, B enters, A leaves, B leaves. With one flag for the
    # process, B saved A's False and restored it last: recording stayed off for good.
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a() -> None:
        with ag.no_grad():
            a_in.set()
            assert b_in.wait(TIMEOUT)
        a_out.set()

    def b() -> None:
        assert a_in.wait(TIMEOUT)
        with ag.no_grad():
            b_in.set()
            assert a_out.wait(TIMEOUT)

    first, first_errors = _in_thread(a)
    second, second_errors = _in_thread(b)
    _join(first, first_errors)
    _join(second, second_errors)
    assert ag.is_grad_enabled()
    assert _square_grad() == 6.0
    seen: list[tuple[bool, float]] = []
    thread, errors = _in_thread(lambda: seen.append((ag.is_grad_enabled(), _square_grad())))
    _join(thread, errors)
    assert seen == [(True, 6.0)]


def test_grad_in_one_thread_is_not_nested_by_a_grad_running_in_another() -> None:
    inside, done = threading.Event(), threading.Event()

    def slow(x: ag.Value) -> ag.Value:
        inside.set()
        assert done.wait(TIMEOUT)
        return x * x

    results: list[object] = []
    thread, errors = _in_thread(lambda: results.append(ag.grad(slow)(2.0)))
    assert inside.wait(TIMEOUT)
    try:
        result = ag.grad(lambda x: x * x)(3.0)
        assert type(result) is float
        assert result == 6.0
    finally:
        done.set()
        _join(thread, errors)
    assert results == [4.0]


def test_a_plain_jvp_in_one_thread_leaves_another_thread_recording() -> None:
    # While thread A is inside ag.jvp's f, every thread's nodes are made by the checking
    # constructors; only A's take the short path of a plain jvp (`grad_mode.dual`).
    inside, done = threading.Event(), threading.Event()

    def slow(x: ag.Value) -> ag.Value:
        y = x * x
        inside.set()
        assert done.wait(TIMEOUT)
        return y.tanh()

    results: list[object] = []
    thread, errors = _in_thread(lambda: results.append(ag.jvp(slow, (0.5,), (1.0,))))
    assert inside.wait(TIMEOUT)
    try:
        assert _square_grad() == 6.0  # recorded here, while A records nothing
        assert ag.jvp(lambda x: x * x * x, (2.0,), (1.0,)) == (8.0, 12.0)
    finally:
        done.set()
        _join(thread, errors)
    [(value, tangent)] = results
    assert value == pytest.approx(math.tanh(0.25))
    assert tangent == pytest.approx((1 - math.tanh(0.25) ** 2) * 2 * 0.5, rel=1e-12)


def _tensor_square_grad() -> list[float]:
    x = ag.Tensor([3.0], requires_grad=True)
    (x * x).sum().backward()
    return x.grad.tolist()


def test_a_context_copied_inside_a_jvp_records_again_once_run_outside_it() -> None:
    # The constructors read the plain jvp's level from a context variable; a copy of
    # the context made inside f (an asyncio task's, say) still holds the level after
    # the jvp, and is run here while a watching mode keeps the checking constructors in.
    copies: list[contextvars.Context] = []

    def f(x: ag.Value) -> ag.Value:
        copies.append(contextvars.copy_context())
        return x * x

    assert ag.jvp(f, (2.0,), (1.0,)) == (4.0, 4.0)
    with ag.detect_anomaly():
        assert copies[0].run(_square_grad) == 6.0
        assert copies[0].run(_tensor_square_grad) == [6.0]


def test_a_thread_started_in_a_copy_of_a_jvps_context_records_its_own_graph() -> None:
    # As a thread inherits its starter's context on Pythons that let it (free-threaded
    # 3.14): the copy holds the jvp's level, the thread's own modes say it is in none.
    results: list[object] = []

    def f(x: ag.Value) -> ag.Value:
        def work() -> None:
            results.extend([_square_grad(), _tensor_square_grad()])
            results.append(ag.jvp(lambda u: u * u, (3.0,), (1.0,)))

        thread = threading.Thread(target=contextvars.copy_context().run, args=(work,))
        thread.start()
        thread.join(TIMEOUT)
        return x.tanh()

    value, tangent = ag.jvp(f, (0.5,), (2.0,))
    assert results == [6.0, [6.0], (9.0, 6.0)]
    assert value == math.tanh(0.5)
    assert tangent == pytest.approx(2.0 * (1.0 - math.tanh(0.5) ** 2), rel=1e-15)


def test_a_new_thread_starts_with_recording_on_even_inside_no_grad() -> None:
    seen: list[bool] = []
    with ag.no_grad():
        thread, errors = _in_thread(lambda: seen.append(ag.is_grad_enabled()))
        _join(thread, errors)
    assert seen == [True]


def test_no_grad_on_a_generator_records_nothing_in_its_body_at_every_resumption() -> None:
    w = ag.Value(2.0)
    modes: list[bool] = []

    @ag.no_grad()
    def scaled(times: int) -> Iterator[ag.Value]:
        for k in range(times):
            modes.append(ag.is_grad_enabled())
            yield w * k

    outputs = []
    for out in scaled(3):
        assert ag.is_grad_enabled()  # the caller's own mode between resumptions
        outputs.append(out)
    assert modes == [False, False, False]
    assert all(out._parents == () for out in outputs)
    assert [out.data for out in outputs] == [0.0, 2.0, 4.0]
    assert scaled.__name__ == "scaled"


def test_no_grad_generator_passes_send_throw_close_and_its_return_value() -> None:
    log: list[object] = []

    @ag.no_grad()
    def echo() -> Iterator[object]:
        try:
            received = yield "ready"
            while True:
                log.append((received, ag.is_grad_enabled()))
                try:
                    received = yield received
                except KeyError:
                    log.append(("caught", ag.is_grad_enabled()))
                    received = "after"
        finally:
            log.append(("closed", ag.is_grad_enabled()))

    gen = echo()
    assert next(gen) == "ready"
    assert gen.send(1) == 1
    assert gen.throw(KeyError("k")) == "after"
    gen.close()
    assert log == [(1, False), ("caught", False), ("after", False), ("closed", False)]

    @ag.no_grad()
    def returns() -> Iterator[int]:
        yield 1
        return 7

    def delegate() -> Iterator[int]:
        result = yield from returns()
        log.append(result)

    assert list(delegate()) == [1]
    assert log[-1] == 7


def test_enable_grad_on_a_generator_records_inside_no_grad() -> None:
    w = ag.Value(2.0)

    @ag.enable_grad()
    def recorded() -> Iterator[ag.Value]:
        yield w * 3

    with ag.no_grad():
        out = next(recorded())
        assert not ag.is_grad_enabled()
    assert out._parents != ()


def test_no_grad_refuses_an_async_function_with_the_fix() -> None:
    async def forward() -> None:
        return None

    with pytest.raises(TypeError, match=r"async function forward.*with ag\.no_grad\(\)"):
        ag.no_grad()(forward)


def test_the_modes_decorate_without_brackets_as_in_pytorch() -> None:
    from autograd_lite.anomaly import is_anomaly_enabled

    w = ag.Value(2.0)

    @ag.no_grad
    def quiet() -> tuple[object, ...]:
        return (w * 3)._parents

    @ag.enable_grad
    def loud() -> bool:
        return bool((w * 3)._parents)

    @ag.detect_anomaly
    def watched() -> bool:
        return is_anomaly_enabled()

    assert quiet() == ()
    assert quiet.__name__ == "quiet"
    with ag.no_grad():
        assert loud()
    assert watched()
    assert not is_anomaly_enabled()
    for mode in (ag.no_grad, ag.enable_grad, ag.detect_anomaly):
        with pytest.raises(TypeError, match=rf"ag\.{mode.__name__}\(\) takes no arguments"):
            mode(3)


def test_one_no_grad_object_shared_by_two_threads_restores_each_threads_mode() -> None:
    shared = ag.no_grad()
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def a() -> None:
        with shared:
            a_in.set()
            assert b_in.wait(TIMEOUT)
        a_out.set()
        seen.append(ag.is_grad_enabled())

    def b() -> None:
        with ag.enable_grad():
            assert a_in.wait(TIMEOUT)
            with shared:
                b_in.set()
                assert a_out.wait(TIMEOUT)
            seen.append(ag.is_grad_enabled())

    first, first_errors = _in_thread(a)
    second, second_errors = _in_thread(b)
    _join(first, first_errors)
    _join(second, second_errors)
    assert seen == [True, True]


def test_the_fast_flag_is_back_once_every_block_is_closed() -> None:
    # While no block is open anywhere, operations read a plain class attribute, as fast
    # as before the mode was per thread; inside a block, each thread reads its own.
    from autograd_lite import grad_mode

    assert type(grad_mode._State) is grad_mode._Everywhere
    with ag.no_grad():
        assert type(grad_mode._State) is grad_mode._PerThread
        with ag.enable_grad():
            assert ag.is_grad_enabled()
        assert not ag.is_grad_enabled()
    assert type(grad_mode._State) is grad_mode._Everywhere
    with pytest.raises(KeyError), ag.no_grad():
        raise KeyError("escapes")
    assert type(grad_mode._State) is grad_mode._Everywhere
