# Builds a messy week in the current directory through the CLI only
# (Mon 2026-11-16 to Fri 2026-11-20, the deck made Friday 10:00): an lr
# sweep of 5 settings x 3 seeds in which one seed diverged and one crashed
# at once, a run that crashed with nothing logged, a run whose loss went
# NaN at step 25, an image attached to it, a multi-line note, takeaways,
# blockers and next steps. Sourced by tests/cli/t0750-truth.sh and
# tests/golden.sh, which define `lablog`.

messy_at() {
    messy_time=$1
    shift
    LABLOG_NOW=$messy_time lablog "$@" >/dev/null ||
        echo "messy-week: 'lablog $*' failed" >&2
}

# messy_curve LR SEED: 10 steps of acc and loss as JSONL; lr 1.0 seed 1
# goes NaN at step 6.
messy_curve() {
    python3 - "$1" "$2" <<'PY'
import json, math, sys
lr, seed = float(sys.argv[1]), int(sys.argv[2])
top = {0.01: 0.70, 0.03: 0.80, 0.1: 0.92, 0.3: 0.88, 1.0: 0.75}[lr]
for step in range(10):
    p = 1 - math.exp(-step / 3)
    acc = 0.25 + (top - 0.25) * p + (seed - 1) * 0.01
    loss = 1.4 - 0.9 * p - (seed - 1) * 0.02
    if lr == 1.0 and seed == 1 and step >= 6:
        loss = float("nan")
        acc = 0.25
    print(json.dumps({"step": step, "acc": round(acc, 4), "loss": loss}))
PY
}

# A 120x80 PNG (a gradient), written with the standard library only.
messy_png() {
    python3 - "$1" <<'PY'
import struct, sys, zlib
w, h = 120, 80
rows = b"".join(b"\x00" + bytes(v for x in range(w)
                                for v in (x * 2, y * 3, 160))
                for y in range(h))
def chunk(t, d):
    c = struct.pack(">I", len(d)) + t + d
    return c + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
}

build_messy_week() {
    messy_at 2026-11-16T09:00:00Z init --name messy \
        --goal "Tune the refusal fine-tune and find out why runs keep dying."
    messy_at 2026-11-16T09:00:00Z metric-info acc --primary --chance 0.25
    d=16
    for lr in 0.01 0.03 0.1 0.3 1.0; do
        for s in 0 1 2; do
            n=lr$lr-s$s
            messy_at 2026-11-${d}T09:00:00Z exp new $n --param lr=$lr \
                --param seed=$s --tag lr --confirm \
                --hypothesis "Somewhere between 0.01 and 1.0 the fine-tune is fast and stable."
            messy_at 2026-11-${d}T09:01:00Z exp start $n
            if [ $lr = 1.0 ] && [ $s = 2 ]; then
                messy_at 2026-11-${d}T09:02:00Z exp fail $n -m "CUDA out of memory at start"
                continue
            fi
            messy_curve $lr $s >c.jsonl
            LABLOG_NOW=2026-11-${d}T10:00:00Z lablog ingest --exp $n c.jsonl \
                >/dev/null 2>&1
            if [ $lr = 1.0 ] && [ $s = 1 ]; then
                messy_at 2026-11-${d}T10:01:00Z exp fail $n -m "loss went NaN at step 6"
            else
                messy_at 2026-11-${d}T10:01:00Z exp done $n
            fi
        done
        d=$((d + 1))
        [ $d -gt 19 ] && d=19
    done
    rm -f c.jsonl
    messy_at 2026-11-18T11:00:00Z exp new quick-crash --param script=eval.py
    messy_at 2026-11-18T11:01:00Z exp start quick-crash
    messy_at 2026-11-18T11:02:00Z exp fail quick-crash -m "ImportError: no module named judge"
    messy_at 2026-11-18T12:00:00Z exp new long-run --param lr=0.3 --param warmup=0 \
        --hypothesis "No warmup is fine at lr 0.3."
    messy_at 2026-11-18T12:01:00Z exp start long-run
    python3 -c '
import json
for s in range(50):
    loss = 2.0 - 0.03 * s if s < 25 else float("nan")
    print(json.dumps({"step": s, "loss": loss, "acc": 0.3 + 0.01 * min(s, 24)}))
' >l.jsonl
    LABLOG_NOW=2026-11-18T14:00:00Z lablog ingest --exp long-run l.jsonl >/dev/null 2>&1
    rm -f l.jsonl
    messy_at 2026-11-18T14:01:00Z exp fail long-run -m "loss went NaN at step 25"
    messy_png curve.png
    messy_at 2026-11-18T14:30:00Z attach curve.png --exp long-run \
        --caption "Gradient norm before the NaN"
    rm -f curve.png
    messy_at 2026-11-19T09:00:00Z note --exp lr0.1-s0 --takeaway \
        "lr = 0.1 is the best setting: acc 0.92 over 3 seeds; 1.0 diverges or crashes."
    messy_at 2026-11-19T09:05:00Z note --exp long-run --takeaway \
        "Without warmup the loss goes NaN at step 25: keep 100 warmup steps."
    printf -- '- lr 0.3 starts fastest\n- but plateaus below lr 0.1 after step 6\n- two of its seeds show loss spikes at step 4\n- samples look the same as lr 0.1\n- worth a rerun with warmup\n- and gradient clipping at 1.0\n- before we drop it\n' |
        messy_at 2026-11-19T09:10:00Z note --exp lr0.3-s0 -
    messy_at 2026-11-19T10:00:00Z block "Runs at lr 1.0 run out of GPU memory"
    messy_at 2026-11-19T10:05:00Z next --priority 1 "Rerun lr 0.1 with 5 seeds and warmup" --minutes 10
    messy_at 2026-11-19T10:06:00Z next --priority 2 "Add gradient clipping" --minutes 5
    messy_at 2026-11-19T10:07:00Z ask "Is acc 0.92 good enough to stop the sweep?"
}
