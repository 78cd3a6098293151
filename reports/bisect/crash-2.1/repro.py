import sys, torch, numpy as np
print(torch.__version__, flush=True)
cases = {
  "torch.empty(0) bf16, scalar first": lambda: torch.mul(2, torch.empty(0, dtype=torch.bfloat16)),
  "empty(0,1,0,0,2) zero strides bf16": lambda: torch.mul(2, torch.empty_strided((0,1,0,0,2),(0,0,0,0,0), dtype=torch.bfloat16)),
  "half tensor * empty half (0,)": lambda: torch.ones(1, dtype=torch.half) * torch.empty(0, dtype=torch.half),
  "half from_numpy empty": lambda: torch.from_numpy(np.ones((1,), np.float16)) * torch.from_numpy(np.zeros((0,), np.float16)),
  "half empty 0-stride": lambda: torch.ones(3, dtype=torch.half) * torch.empty_strided((0,3),(0,0), dtype=torch.half),
}
for name in sys.argv[1:] or cases:
    print(name, flush=True)
    print("  ->", tuple(cases[name]().shape), flush=True)
