"""Peer timing for docs/performance.md: PyTorch causal multi-head self-attention (float32) at the
benchmark shapes, 1 and 2 threads, nn.MultiheadAttention and a hand-written variant; median ms of
30 forward and forward+backward steps after 20 warm-up steps.

    python3 bench/peers/torch_mha.py            # the two small shapes
    python3 bench/peers/torch_mha.py big        # the two long shapes (fewer repetitions)

torch.set_num_threads does not limit OpenBLAS's own thread pool: run once with
OPENBLAS_NUM_THREADS=1 (a true single thread for threads=1) and once without it (OpenBLAS then
uses every core for the products, even at threads=1); PyTorch's best is the fastest of those.
"""
import sys, time, statistics, torch
import torch.nn.functional as F
torch.manual_seed(0)
big = len(sys.argv) > 1 and sys.argv[1] == 'big'
shapes = [(4, 1024, 512, 8), (1, 4096, 512, 8)] if big else [(32, 64, 128, 4), (8, 256, 256, 8)]
warm, reps = (3, 5) if big else (20, 30)
def hand(x, w_in, b_in, w_out, b_out, h, mask):
    B, T, E = x.shape
    qkv = F.linear(x, w_in, b_in).view(B, T, 3, h, E // h).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    s = (q @ k.transpose(-2, -1)) * (E // h) ** -0.5
    s = s.masked_fill(mask, float('-inf'))
    o = (s.softmax(-1) @ v).transpose(1, 2).reshape(B, T, E)
    return F.linear(o, w_out, b_out)
for threads in (1, 2):
    torch.set_num_threads(threads)
    for (B, T, E, H) in shapes:
        mha = torch.nn.MultiheadAttention(E, H, batch_first=True)
        x = torch.randn(B, T, E, requires_grad=True)
        g = torch.randn(B, T, E)
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
        res = {}
        for name, f in [("mha", lambda: mha(x, x, x, attn_mask=mask, need_weights=False)[0]),
                        ("hand", lambda: hand(x, mha.in_proj_weight, mha.in_proj_bias, mha.out_proj.weight, mha.out_proj.bias, H, mask))]:
            for _ in range(warm):
                f().backward(g)
            fw, fb = [], []
            for _ in range(reps):
                t0 = time.perf_counter(); y = f(); t1 = time.perf_counter(); y.backward(g); t2 = time.perf_counter()
                fw.append((t1 - t0) * 1e3); fb.append((t2 - t0) * 1e3)
            res[name] = (statistics.median(fw), statistics.median(fb))
        print(f"threads={threads} shape=({B},{T},{E},{H}) mha fwd/fwd+bwd {res['mha'][0]:.2f}/{res['mha'][1]:.2f} ms, hand {res['hand'][0]:.2f}/{res['hand'][1]:.2f} ms", flush=True)
