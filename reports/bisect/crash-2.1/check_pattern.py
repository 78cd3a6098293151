"""python check_pattern.py fuzz_210.log (on torch 2.1.x, from this folder): check known_crashes.crash_pattern against the fuzz's outcomes, offline: the fuzz logged every case
where its first predicate and the outcome differed; elsewhere the outcome is that predicate's."""
import itertools, re, sys, torch
LOG = sys.argv[1] if len(sys.argv) > 1 else "fuzz_210.log"
sys.argv = ["x"]
exec(open(__file__.replace("check_pattern.py", "fuzz_empty_operand.py")).read().split("crash = mism = total = 0")[0])
from tensorspec.testing.known_crashes import aten_order, crash_pattern
logged = set()
for line in open(LOG):
    m = re.match(r"^(CRASH|ok)\s+(?:not predicted|predicted) (\S+) (.*)$", line.strip())
    if m: logged.add((m.group(2), m.group(3)))
FORM = {"mul": "torch.mul(a, b)", "a*b": "a * b", "div": "torch.div(a, b)", "div_floor": "torch.div(a, b)",
        "div_trunc": "torch.div(a, b)", "a/b": "a / b", "a//b": "a // b", "add": "torch.add(a, b)",
        "pow": "torch.pow(a, b)", "mul_": "a.mul_(b)", "div_": "a.div_(b)"}
ATEN = {"mul": "mul", "a*b": "mul", "div": "div", "div_floor": "div", "div_trunc": "div", "a/b": "div", "a//b": "div",
        "add": "add", "pow": "pow", "mul_": "mul", "div_": "div"}
bad = checked = raises_first = 0
for (op, f), (an, a), (bn, b) in itertools.product(ops.items(), list(operands()), list(operands())):
    if not isinstance(a, torch.Tensor) and not isinstance(b, torch.Tensor):
        continue
    if op in ("mul_", "div_") and not isinstance(a, torch.Tensor):
        continue
    old = predicted(op, a, b)
    crashed = (not old) if (op, f"{an} {bn}") in logged else old
    if op in ("mul_", "div_"):
        try:
            if tuple(torch.broadcast_shapes(a.shape, getattr(b, "shape", ()))) != tuple(a.shape) \
                    or not torch.can_cast(torch.result_type(a, b), a.dtype):
                raises_first += 1; assert not crashed; continue
        except RuntimeError:
            raises_first += 1; assert not crashed; continue
    new = crash_pattern(ATEN[op], *aten_order(FORM[op], a, b))
    checked += 1
    if new != crashed:
        bad += 1; print("MISMATCH", op, an, bn, "crashed" if crashed else "ok")
print(f"{LOG} (checked with torch {torch.__version__}): {checked} calls, crash_pattern wrong on {bad}; {raises_first} in-place calls into another shape or a dtype that cannot hold the result raise first")
