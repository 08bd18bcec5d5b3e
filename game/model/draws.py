"""Random draws and array helpers shared by the turn step: same seed, same numbers."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

F32 = NDArray[np.float32]
B = NDArray[np.bool_]

_TWO_PI = np.float32(2.0 * np.pi)


# --------------------------------------------------------------------------------------
# random numbers


def _mantissas(rng: np.random.Generator, n: int, exponent: int) -> F32:
    """``n`` float32 with 23 random mantissa bits and the given exponent bits: two per
    64-bit output of the bit generator (``random_raw``), about half the cost of
    ``rng.random(n, dtype=np.float32)``, which spends a call per float."""
    bits = rng.bit_generator.random_raw((n + 1) // 2).view(np.uint32)[:n]
    bits >>= np.uint32(9)
    bits |= np.uint32(exponent)
    return bits.view(np.float32)


def uniforms(rng: np.random.Generator, n: int) -> F32:
    """``n`` float32 uniforms on [0, 1), in steps of 2**-23."""
    u = _mantissas(rng, n, 0x3F800000)  # [1, 2)
    u -= np.float32(1.0)
    return u


def _signed_uniforms(rng: np.random.Generator, n: int) -> F32:
    """2u - 1 for ``n`` uniforms u as above: on [-1, 1), in steps of 2**-22."""
    v = _mantissas(rng, n, 0x40000000)  # [2, 4)
    v -= np.float32(3.0)
    return v


def _happen(rng: np.random.Generator, zh: F32) -> B:
    """bool, shaped as ``zh``: each True with probability sigmoid(2·zh) (the tables
    hold half-logits). ``zh`` is used up: u < (1 + tanh zh) / 2 is 2u - 1 < tanh zh."""
    np.tanh(zh, out=zh)
    return _signed_uniforms(rng, zh.size).reshape(zh.shape) < zh


def normals(rng: np.random.Generator, n: int) -> F32:
    """``n`` standard normals (float32), Box–Muller from float32 uniforms."""
    h = (n + 1) // 2
    f = _mantissas(rng, 2 * h, 0x3F800000)  # 1 + u, u uniform on [0, 1)
    r = f[:h]
    # 1 - u = 2 - f is in (0, 1] (exact in float32): the log is finite
    np.subtract(np.float32(2.0), r, out=r)
    np.log(r, out=r)
    r *= np.float32(-2.0)
    np.sqrt(r, out=r)
    t = f[h:]
    t *= _TWO_PI  # the angle 2 pi (1 + u): the same cosine and sine as 2 pi u
    out = np.empty(2 * h, dtype=np.float32)
    np.cos(t, out=out[:h])
    np.sin(t, out=out[h:])
    out[:h] *= r
    out[h:] *= r
    return out[:n]


# --------------------------------------------------------------------------------------
# array helpers


def _take(a: NDArray, idx: NDArray, axis: int | None = None) -> NDArray:
    """``np.take`` for indices that are in range by construction: mode "clip" (a no-op
    then) runs NumPy's loop without the error path, about 15% faster; and the method
    skips ``np.take``'s Python wrapper (the kernel takes a few hundred times a turn)."""
    return a.take(idx, axis=axis, mode="clip")


# OpenBLAS multiplies small matrices with dedicated kernels only while rows x inner x
# columns stays under 1e6; past that its general path is several times slower for our
# short, wide products ([<= 2M, M] @ [M, n]; measured: 11 x 11 x 8,400 takes five times
# as long as 11 x 11 x 8,200). So: column blocks under that.
_MM_BLOCK = 900_000


def _mm(a: NDArray, b: NDArray) -> NDArray:
    """``a @ b`` for a small table ``a`` [r, k] and wide rows ``b`` [k, n]."""
    r, k = a.shape
    n = b.shape[1]
    w = max(1024, _MM_BLOCK // max(r * k, 1))
    if n <= w:
        return a @ b
    out = np.empty((r, n), dtype=np.result_type(a, b))
    for s in range(0, n, w):
        np.matmul(a, b[:, s : s + w], out=out[:, s : s + w])
    return out
