"""Car packs (docs/car-protocol.md section 6): parsing and numpy inference.

Inference is float64 over the stored float32/int8 values: each dense layer computes
``(x @ kernel) * kernel_scale + bias * bias_scale``, each conv2d layer the same over every
k x k patch of its channels-last image ('valid', with its stride), then the activations; a parallel
layer runs its branches on consecutive slices of its input and concatenates them. Discrete packs take
the argmax of the outputs (first index on ties), continuous packs clip the mean to [-1, 1] and
rescale it to the steering and speed ranges. This matches the browser's ``packPolicyAct``.
Packs of version 1 (dense layers) and version 2 (also conv2d and parallel) are read.
"""
from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import List, Optional, Tuple, Union

import numpy as np

MAGIC = b"RLPK"
HASH_SIZE = 32
RESERVED_LAYERS = {0x11: "max_pool2d", 0x12: "flatten"}
PACK_VERSIONS = (1, 2)


class PackError(ValueError):
    """A pack this runtime cannot read or run."""


@dataclass
class Dense:
    kernel: np.ndarray  # [in, out] float64 (stored values; multiply by scale)
    scale: float
    bias: np.ndarray  # [out] float64, already scaled


@dataclass
class Conv2D:
    in_shape: Tuple[int, int, int]  # height, width, channels (channels last)
    kernel: np.ndarray  # [k, k, in, filters] float64 (stored values; multiply by scale)
    scale: float
    bias: np.ndarray  # [filters] float64, already scaled
    stride: int

    @property
    def out_shape(self) -> Tuple[int, int, int]:
        k = self.kernel.shape[0]
        h, w, _ = self.in_shape
        return (h - k) // self.stride + 1, (w - k) // self.stride + 1, self.kernel.shape[3]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        k, s = self.kernel.shape[0], self.stride
        oh, ow, f = self.out_shape
        image = x.reshape(self.in_shape)
        # Every k x k patch as a row (a strided view, no copy), then one matrix product.
        hs, ws, cs = image.strides
        patches = np.lib.stride_tricks.as_strided(image, (oh, ow, k, k, self.in_shape[2]), (hs * s, ws * s, hs, ws, cs))
        y = patches.reshape(oh * ow, -1) @ self.kernel.reshape(-1, f)
        return (y * self.scale + self.bias).reshape(-1)


@dataclass
class Parallel:
    branches: List[Tuple[int, list]]  # (input size, layers)


Layer = Union[Dense, Conv2D, Parallel, str]  # str: "relu" or "tanh"


@dataclass
class Pack:
    name: str
    weight_type: int  # 1 float32, 2 int8
    sensors: List[Tuple[str, int]]
    preprocessing: List[Tuple[int, float, float]]  # (op, a, b): 1 clip(low, high), 2 affine(scale, offset)
    discrete: Optional[List[Tuple[float, float]]]  # [(steering deg, speed m/s)], or None
    continuous: Optional[Tuple[float, float, float, float]]  # steering low, high, speed low, high
    layers: List[Layer]
    hash: bytes

    @property
    def observation_size(self) -> int:
        return sum(size for _, size in self.sensors)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, n: int, what: str) -> bytes:
        if self.at + n > len(self.data):
            raise PackError(f"pack: {what}: needs {n} bytes at offset {self.at}, only {len(self.data) - self.at} left")
        b = self.data[self.at : self.at + n]
        self.at += n
        return b

    def unpack(self, fmt: str, what: str):
        s = struct.Struct("<" + fmt)
        return s.unpack(self.take(s.size, what))

    def string(self, what: str) -> str:
        (n,) = self.unpack("B", what)
        return self.take(n, what).decode("utf-8", "replace")

    def align(self, what: str) -> None:
        self.take((4 - self.at % 4) % 4, what + " padding")


def _tensor(r: _Reader, what: str) -> Tuple[np.ndarray, float]:
    dtype, rank, _ = r.unpack("BBH", what)
    if dtype not in (1, 2):
        raise PackError(f"pack: {what} has dtype {dtype}")
    shape = r.unpack(f"{rank}I", what + " dims")
    (scale,) = r.unpack("f", what + " scale")
    count = int(np.prod(shape)) if shape else 1
    raw = r.take(count * (4 if dtype == 1 else 1), what + " values")
    values = np.frombuffer(raw, dtype="<f4" if dtype == 1 else np.int8).astype(np.float64).reshape(shape)
    r.align(what)
    return values, float(scale)


def _layers(r: _Reader, count: int, version: int, width: int, where: str, top: bool) -> Tuple[List[Layer], int]:
    """Reads `count` layers taking `width` inputs; returns them and their output width."""
    layers: List[Layer] = []
    for i in range(count):
        name = f"{where} {i}"
        code, _, _ = r.unpack("BBH", name)
        if code == 2:
            layers.append("relu")
        elif code == 3:
            layers.append("tanh")
        elif code == 1:
            n_in, n_out = r.unpack("HH", f"{name} sizes")
            kernel, kscale = _tensor(r, f"{name} kernel")
            bias, bscale = _tensor(r, f"{name} bias")
            if n_in != width or kernel.shape != (n_in, n_out) or bias.shape != (n_out,):
                raise PackError(f"pack: {name} shapes do not chain ({width} inputs, kernel {kernel.shape})")
            layers.append(Dense(kernel, kscale, bias * bscale))
            width = n_out
        elif code == 0x10 and version >= 2:
            h, w, c, f, k, stride, _ = r.unpack("HHHHBBH", f"{name} shape")
            kernel, kscale = _tensor(r, f"{name} kernel")
            bias, bscale = _tensor(r, f"{name} bias")
            conv = Conv2D((h, w, c), kernel, kscale, bias * bscale, stride)
            if h * w * c != width or kernel.shape != (k, k, c, f) or bias.shape != (f,) or min(conv.out_shape) < 1 or stride < 1:
                raise PackError(f"pack: {name} (conv2d on {h}x{w}x{c}) does not chain ({width} inputs, kernel {kernel.shape})")
            layers.append(conv)
            width = int(np.prod(conv.out_shape))
        elif code == 0x13 and version >= 2 and top:
            (n,) = r.unpack("B3x", f"{name} branch count")
            branches, total_in, total_out = [], 0, 0
            for b in range(n):
                size, count_b, _ = r.unpack("IHH", f"{name} branch {b}")
                sub, out = _layers(r, count_b, version, size, f"{name} branch {b} layer", False)
                branches.append((size, sub))
                total_in += size
                total_out += out
            if total_in != width or n < 1:
                raise PackError(f"pack: {name} (parallel) splits {total_in} inputs, the previous layer gives {width}")
            layers.append(Parallel(branches))
            width = total_out
        elif code in RESERVED_LAYERS:
            raise PackError(f"pack: {name} is {RESERVED_LAYERS[code]}, which this runtime does not run yet")
        else:
            raise PackError(f"pack: {name} has unknown kind 0x{code:02x}" + (" (not allowed here)" if code in (0x10, 0x13) else ""))
    return layers, width


def parse_pack(data: bytes, check_hash: bool = True) -> Pack:
    """Parse pack bytes. Raises PackError naming what is wrong."""
    r = _Reader(data)
    if r.take(4, "magic") != MAGIC:
        raise PackError("pack: not a car pack (magic is not RLPK)")
    version, weight_type, _, body_length = r.unpack("BBHI", "header")
    if version not in PACK_VERSIONS:
        raise PackError(f"pack: version {version} is not supported (this runtime reads 1 and 2)")
    if weight_type not in (1, 2):
        raise PackError(f"pack: weight type {weight_type} is unknown")
    if body_length + HASH_SIZE != len(data):
        raise PackError(f"pack: header says {body_length} + {HASH_SIZE} bytes, pack has {len(data)}")
    if check_hash and hashlib.sha256(data[:body_length]).digest() != data[body_length:]:
        raise PackError("pack: model hash does not match the pack's bytes")
    name = r.string("name")
    sensors = []
    for _ in range(r.unpack("B", "sensor count")[0]):
        sname = r.string("sensor name")
        sensors.append((sname, r.unpack("H", "sensor size")[0]))
    pre = [r.unpack("Bff", "preprocessing") for _ in range(r.unpack("B", "preprocessing count")[0])]
    for op, _, _ in pre:
        if op not in (1, 2):
            raise PackError(f"pack: preprocessing op {op} is unknown")
    (kind,) = r.unpack("B", "action kind")
    discrete = continuous = None
    if kind == 1:
        (n,) = r.unpack("H", "action count")
        discrete = [r.unpack("ff", "action") for _ in range(n)]
    elif kind == 2:
        continuous = r.unpack("ffff", "continuous ranges")
    else:
        raise PackError(f"pack: action kind {kind} is unknown")
    r.align("layers")
    count, _ = r.unpack("HH", "layer count")
    layers, width = _layers(r, count, version, sum(s for _, s in sensors), "layer", True)
    if r.at != body_length:
        raise PackError(f"pack: {body_length - r.at} unexpected bytes after the last layer")
    outputs = len(discrete) if discrete is not None else 2
    if width != outputs:
        raise PackError(f"pack: the network gives {width} outputs, the action space needs {outputs}")
    return Pack(name, weight_type, sensors, pre, discrete, continuous, layers, bytes(data[body_length:]))


def forward(pack: Pack, observation) -> np.ndarray:
    """The network's outputs for one observation ([observation_size] values)."""
    x = np.asarray(observation, dtype=np.float64).reshape(-1)
    if x.size != pack.observation_size:
        raise ValueError(f"observation has {x.size} values, the pack reads {pack.observation_size}")
    for op, a, b in pack.preprocessing:
        x = np.clip(x, a, b) if op == 1 else x * a + b
    return _run(pack.layers, x)


def _run(layers: List[Layer], x: np.ndarray) -> np.ndarray:
    for layer in layers:
        if isinstance(layer, str):
            x = np.maximum(x, 0.0) if layer == "relu" else np.tanh(x)
        elif isinstance(layer, Dense):
            x = (x @ layer.kernel) * layer.scale + layer.bias
        elif isinstance(layer, Conv2D):
            x = layer(x)
        else:
            parts, at = [], 0
            for size, sub in layer.branches:
                parts.append(_run(sub, x[at : at + size]))
                at += size
            x = np.concatenate(parts)
    return x


def act(pack: Pack, observation) -> Tuple[int, float, float]:
    """(action index or -1, steering degrees, speed m/s) of the greedy policy."""
    y = forward(pack, observation)
    if pack.discrete is not None:
        i = int(np.argmax(y))
        steering, speed = pack.discrete[i]
        return i, steering, speed
    s_lo, s_hi, v_lo, v_hi = pack.continuous
    s, v = (float(np.clip(y[k], -1.0, 1.0)) for k in (0, 1))
    return -1, s_lo + (s + 1) / 2 * (s_hi - s_lo), v_lo + (v + 1) / 2 * (v_hi - v_lo)
