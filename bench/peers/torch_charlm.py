"""Peer timing for docs/experiments/charlm.md: a character GPT in PyTorch with nanoGPT's small CPU
configuration (4 layers, 4 heads, 128 dims, context 64, batch 12, AdamW, grad-norm clip 1,
tied head, no biases in the linear layers), median ms per iteration (batch sampling included)
over the last two thirds of the run.

    python3 bench/peers/torch_charlm.py tinyshakespeare.txt THREADS ITERATIONS

THREADS sets PyTorch's pool only; OpenBLAS keeps its own (every core) unless
OPENBLAS_NUM_THREADS is set, so THREADS=1 without OPENBLAS_NUM_THREADS=1 runs the products on
two threads on this machine (that mix was PyTorch's fastest setting here).
"""
import sys, time, math, statistics, torch, torch.nn as nn, torch.nn.functional as F
threads = int(sys.argv[2]); iters = int(sys.argv[3])
torch.set_num_threads(threads); torch.manual_seed(1337)
text = open(sys.argv[1]).read(); chars = sorted(set(text)); V = len(chars)
stoi = {c: i for i, c in enumerate(chars)}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long); n = int(0.9 * len(data)); train = data[:n]
B, T, C, L, H = 12, 64, 128, 4, 4
class Block(nn.Module):
    def __init__(s):
        super().__init__(); s.ln1 = nn.LayerNorm(C); s.attn = nn.Linear(C, 3 * C, bias=False)
        s.proj = nn.Linear(C, C, bias=False); s.ln2 = nn.LayerNorm(C); s.fc = nn.Linear(C, 4 * C, bias=False); s.fc2 = nn.Linear(4 * C, C, bias=False)
        s.register_buffer("mask", torch.triu(torch.ones(T, T, dtype=torch.bool), 1))
    def forward(s, x):
        b, t, c = x.shape
        q, k, v = s.attn(s.ln1(x)).split(C, 2)
        q, k, v = [z.view(b, t, H, c // H).transpose(1, 2) for z in (q, k, v)]
        a = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(c // H))
        a = a.masked_fill(s.mask[:t, :t], float('-inf')).softmax(-1)
        y = (a @ v).transpose(1, 2).reshape(b, t, c)
        x = x + s.proj(y)
        return x + s.fc2(F.gelu(s.fc(s.ln2(x))))
class GPT(nn.Module):
    def __init__(s):
        super().__init__(); s.wte = nn.Embedding(V, C); s.wpe = nn.Embedding(T, C); s.blocks = nn.ModuleList([Block() for _ in range(L)]); s.lnf = nn.LayerNorm(C)
    def forward(s, idx, tgt):
        x = s.wte(idx) + s.wpe(torch.arange(idx.shape[1]))
        for blk in s.blocks: x = blk(x)
        logits = s.lnf(x) @ s.wte.weight.t()
        return F.cross_entropy(logits.view(-1, V), tgt.view(-1))
m = GPT(); opt = torch.optim.AdamW(m.parameters(), lr=1e-3, betas=(0.9, 0.99), weight_decay=0.1)
ts = []
for it in range(iters):
    t0 = time.perf_counter()
    ix = torch.randint(len(train) - T - 1, (B,)); x = torch.stack([train[i:i + T] for i in ix]); y = torch.stack([train[i + 1:i + T + 1] for i in ix])
    loss = m(x, y); opt.zero_grad(set_to_none=True); loss.backward(); torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step()
    ts.append((time.perf_counter() - t0) * 1e3)
print(f"threads={threads} median ms/iter {statistics.median(ts[iters // 3:]):.1f} (loss {loss.item():.3f})")
