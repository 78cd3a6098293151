#!/bin/bash
# direct checks of "both pass" probes: one env at a time, removed afterwards
set -u
. /work/main/.venv/bin/activate
export UV_CACHE_DIR=/tmp/tsb-direct/uv-cache
for spec in "2.14.0 2.4.6" "2.12.0 2.4.6" "2.1.0 1.26.4"; do
  set -- $spec; v=$1; np=$2; d=/tmp/tsb-direct/torch-$v
  start=$(date +%s)
  uv venv -q --python 3.11 $d && uv pip install -q --python $d/bin/python torch==$v numpy==$np
  echo "torch $v env in $(( $(date +%s) - start )) s"
  OMP_NUM_THREADS=1 nice $d/bin/python - <<'PY'
import torch
print("torch", torch.__version__)
bf = torch.ones(3, dtype=torch.bfloat16)
print("result_type(bf16, 1j):", torch.result_type(bf, 1j), "| has bcomplex32:", hasattr(torch, "bcomplex32"))
try:
    print("bf16 + 1j dtype:", (bf + 1j).dtype)
except Exception as e:
    print("bf16 + 1j:", type(e).__name__, e)
h = torch.ones(3, 3, dtype=torch.half)
for name, f in [("sqrt", lambda: h.sqrt()), ("sqrt_", lambda: h.clone().sqrt_()), ("clamp_", lambda: h.clone().clamp_(0, 1)),
                ("matmul", lambda: h @ h), ("prod", lambda: h.prod()), ("neg bool", lambda: -torch.ones(2, dtype=torch.bool)), ("mv f32.f64", lambda: torch.ones(2, 2).mv(torch.ones(2, dtype=torch.float64))), ("2-D @ 1-D", lambda: torch.ones(2, 2) @ torch.ones(2, dtype=torch.float64))]:
    try:
        f(); print(name, "ok")
    except Exception as e:
        print(name, type(e).__name__, str(e)[:100])
PY
  rm -rf $d
done
rm -rf /tmp/tsb-direct
