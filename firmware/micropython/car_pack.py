# Raceline car pack (docs/car-protocol.md section 6): parsing and pure-Python inference.
# Runs on MicroPython (no numpy) and CPython. Weights are kept as compact arrays: float32 kernels
# in array('f'), int8 kernels in array('b') (4x smaller, the usual choice on an ESP32).
import struct
from array import array
import math

HASH_SIZE = 32
RESERVED = {0x10: "conv2d", 0x11: "max_pool2d", 0x12: "flatten"}


class PackError(Exception):
    pass


def _tanh(x):
    if x > 20:
        return 1.0
    if x < -20:
        return -1.0
    e = math.exp(2 * x)
    return (e - 1) / (e + 1)


tanh = getattr(math, "tanh", _tanh)


class Pack:
    def __init__(self):
        self.name = ""
        self.weight_type = 1
        self.sensors = []        # [(name, size)]
        self.pre = []            # [(op, a, b)]: 1 clip(low, high), 2 affine(scale, offset)
        self.discrete = None     # [(steering deg, speed m/s)]
        self.continuous = None   # (steer low, steer high, speed low, speed high)
        self.layers = []         # ("dense", n_in, n_out, kernel, kscale, bias, bscale) | ("relu",) | ("tanh",)
        self.hash = b""

    def observation_size(self):
        n = 0
        for s in self.sensors:
            n += s[1]
        return n


def _load(code, data, at, count):
    # A typed array of `count` values from data[at:]; filled in pieces to bound temporary memory.
    out = array("f" if code == 1 else "b")
    step = 64
    width = 4 if code == 1 else 1
    fmt = "f" if code == 1 else "b"
    done = 0
    while done < count:
        n = min(step, count - done)
        out.extend(struct.unpack_from("<%d%s" % (n, fmt), data, at + done * width))
        done += n
    return out


def parse(data):
    # Parse pack bytes (the SHA-256 is checked by the caller). Raises PackError.
    if len(data) < 12 + HASH_SIZE or data[:4] != b"RLPK":
        raise PackError("not a car pack (magic is not RLPK)")
    version, wtype, _, body_len = struct.unpack_from("<BBHI", data, 4)
    if version != 1:
        raise PackError("pack version %d is not supported (this runtime reads version 1: dense layers; camera packs need the Python runtime)" % version)
    if body_len + HASH_SIZE != len(data):
        raise PackError("pack length does not match its header")
    p = Pack()
    p.weight_type = wtype
    at = 12

    def string(at):
        n = data[at]
        return bytes(data[at + 1:at + 1 + n]).decode(), at + 1 + n

    p.name, at = string(at)
    count = data[at]
    at += 1
    for _ in range(count):
        name, at = string(at)
        p.sensors.append((name, struct.unpack_from("<H", data, at)[0]))
        at += 2
    count = data[at]
    at += 1
    for _ in range(count):
        p.pre.append(struct.unpack_from("<Bff", data, at))
        at += 9
    kind = data[at]
    at += 1
    if kind == 1:
        n = struct.unpack_from("<H", data, at)[0]
        at += 2
        p.discrete = []
        for _ in range(n):
            p.discrete.append(struct.unpack_from("<ff", data, at))
            at += 8
    elif kind == 2:
        p.continuous = struct.unpack_from("<ffff", data, at)
        at += 16
    else:
        raise PackError("action kind %d is unknown" % kind)
    at += (4 - at % 4) % 4
    count = struct.unpack_from("<H", data, at)[0]
    at += 4
    width = p.observation_size()
    for i in range(count):
        code = data[at]
        at += 4
        if code == 2:
            p.layers.append(("relu",))
        elif code == 3:
            p.layers.append(("tanh",))
        elif code == 1:
            n_in, n_out = struct.unpack_from("<HH", data, at)
            at += 4
            tensors = []
            for _ in range(2):
                dtype, rank = data[at], data[at + 1]
                dims = struct.unpack_from("<%dI" % rank, data, at + 4)
                at += 4 + 4 * rank
                scale = struct.unpack_from("<f", data, at)[0]
                at += 4
                n = 1
                for d in dims:
                    n *= d
                tensors.append((_load(dtype, data, at, n), scale))
                at += n * (4 if dtype == 1 else 1)
                at += (4 - at % 4) % 4
            if n_in != width or len(tensors[0][0]) != n_in * n_out or len(tensors[1][0]) != n_out:
                raise PackError("layer %d shapes do not chain" % i)
            p.layers.append(("dense", n_in, n_out, tensors[0][0], tensors[0][1], tensors[1][0], tensors[1][1]))
            width = n_out
        elif code in RESERVED:
            raise PackError("layer %d is %s, which this runtime does not run yet" % (i, RESERVED[code]))
        else:
            raise PackError("layer %d has unknown kind %d" % (i, code))
    if at != body_len:
        raise PackError("unexpected bytes after the last layer")
    outputs = len(p.discrete) if p.discrete is not None else 2
    if width != outputs:
        raise PackError("the network gives %d outputs, the action space needs %d" % (width, outputs))
    p.hash = bytes(data[body_len:])
    return p


def forward(p, obs):
    x = [float(v) for v in obs]
    for op, a, b in p.pre:
        if op == 1:
            x = [a if v < a else (b if v > b else v) for v in x]
        else:
            x = [v * a + b for v in x]
    for layer in p.layers:
        if layer[0] == "relu":
            x = [v if v > 0 else 0.0 for v in x]
        elif layer[0] == "tanh":
            x = [tanh(v) for v in x]
        else:
            _, n_in, n_out, k, ks, bias, bs = layer
            y = [0.0] * n_out
            for i in range(n_in):
                xi = x[i]
                if xi == 0:
                    continue
                base = i * n_out
                for j in range(n_out):
                    y[j] += xi * k[base + j]
            x = [y[j] * ks + bias[j] * bs for j in range(n_out)]
    return x


def act(p, obs):
    # (action index or -1, steering deg, speed m/s): argmax (first on ties) or the clipped, rescaled mean.
    y = forward(p, obs)
    if p.discrete is not None:
        best = 0
        for i in range(1, len(y)):
            if y[i] > y[best]:
                best = i
        return best, p.discrete[best][0], p.discrete[best][1]
    s = min(1.0, max(-1.0, y[0]))
    v = min(1.0, max(-1.0, y[1]))
    lo, hi, vlo, vhi = p.continuous
    return -1, lo + (s + 1) / 2 * (hi - lo), vlo + (v + 1) / 2 * (vhi - vlo)
