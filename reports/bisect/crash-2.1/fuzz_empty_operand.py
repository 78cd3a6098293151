"""Which binary calls crash this torch?  Each case runs in a forked child; prints the crashing ones and
compares with a predicate."""
import itertools, os, sys, torch, numpy as np
R = (torch.float16, torch.bfloat16)
dtypes = [torch.float16, torch.bfloat16, torch.float32, torch.int64]
shapes = [(), (0,), (2, 0), (1,), (0, 1), (1, 0), (3,)]
def makers(shape, dt):
    yield "torch.empty", torch.empty(shape, dtype=dt) if shape != () else torch.ones((), dtype=dt)
    if 0 in shape:
        yield "zero-strided", torch.empty_strided(shape, (0,) * len(shape), dtype=dt)
ops = {
  "mul": lambda a, b: torch.mul(a, b), "a*b": lambda a, b: a * b, "div": lambda a, b: torch.div(a, b),
  "div_floor": lambda a, b: torch.div(a, b, rounding_mode="floor"), "div_trunc": lambda a, b: torch.div(a, b, rounding_mode="trunc"),
  "a/b": lambda a, b: a / b,
  "a//b": lambda a, b: a // b, "add": lambda a, b: torch.add(a, b), "pow": lambda a, b: torch.pow(a, b),
  
  "mul_": lambda a, b: a.clone().mul_(b), "div_": lambda a, b: a.clone().div_(b),
}
def operands():
    for dt in dtypes:
        for s in shapes:
            for kind, t in makers(s, dt):
                yield f"{kind}{s}:{str(dt)[6:]}", t
    yield "py2", 2
    yield "py2.5", 2.5
def predicted(op, a, b):
    if not isinstance(b, torch.Tensor):
        return False
    try:
        rt = torch.result_type(a, b)
    except Exception:
        return False
    return (op in ("mul", "a*b", "div", "a/b", "mul_", "div_", "div_floor", "div_trunc", "a//b") and rt in R
            and b.numel() == 0 and all(s == 0 for s in b.stride()) and tuple(getattr(a, "shape", ())) != tuple(b.shape))
crash = mism = total = 0
for (op, f), (an, a), (bn, b) in itertools.product(ops.items(), list(operands()), list(operands())):
    if not isinstance(a, torch.Tensor) and not isinstance(b, torch.Tensor):
        continue
    if op in ("mul_", "div_") and not isinstance(a, torch.Tensor):
        continue
    total += 1
    pid = os.fork()
    if pid == 0:
        try:
            f(a, b)
        except Exception:
            pass
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    crashed = os.WIFSIGNALED(status)
    crash += crashed
    if crashed != predicted(op, a, b):
        mism += 1
        print(("CRASH" if crashed else "ok   "), "not predicted" if crashed else "predicted", op, an, bn, flush=True)
print(torch.__version__, f"{total} cases, {crash} crashed, {mism} mismatches with the predicate")
