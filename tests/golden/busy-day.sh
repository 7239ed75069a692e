# Builds a busy day in the current directory through the CLI only: 25 runs
# on Thursday 2026-11-19 (an lr sweep and a batch-size sweep, 3 seeds each,
# and four prompt variants), with takeaways, decisions, blockers, next
# steps and notes. The daily of Friday 09:00 must keep every takeaway,
# decision, blocker and next step, and collapse the runs into their
# groups. Sourced by tests/cli/t0750-truth.sh and tests/golden.sh, which
# define `lablog`.

busy_at() {
    busy_time=$1
    shift
    LABLOG_NOW=$busy_time lablog "$@" >/dev/null ||
        echo "busy-day: 'lablog $*' failed" >&2
}

# busy_acc LR SEED: the final accuracy of a run, seeds 0.01 apart.
busy_acc() {
    case $1 in 0.03) b=80 ;; 0.1) b=90 ;; 0.3) b=95 ;; *) b=70 ;; esac
    case $2 in 0) d=0 ;; 1) d=-1 ;; *) d=1 ;; esac
    echo "0.$((b + d))"
}

build_busy_day() {
    busy_at 2026-11-16T09:00:00Z init --name busy \
        --goal "Find the learning rate and batch size for the refusal fine-tune."
    busy_at 2026-11-16T09:00:00Z metric-info acc --primary --chance 0.25
    h=8
    for lr in 0.03 0.1 0.3 1.0; do
        hh=$(printf %02d $h)
        for s in 0 1 2; do
            n=lr$lr-s$s
            busy_at 2026-11-19T$hh:00:00Z exp new $n --param lr=$lr \
                --param seed=$s --param bs=32 --tag lr-sweep --confirm \
                --hypothesis "A larger learning rate trains faster up to a point."
            busy_at 2026-11-19T$hh:01:00Z exp start $n
            busy_at 2026-11-19T$hh:10:00Z metric --exp $n --step 0 acc=0.3 loss=2.0
            busy_at 2026-11-19T$hh:20:00Z metric --exp $n --step 1 acc=0.6 loss=1.2
            if [ $lr = 1.0 ] && [ $s = 2 ]; then
                busy_at 2026-11-19T$hh:30:00Z metric --exp $n --step 2 acc=0.25 loss=nan
                busy_at 2026-11-19T$hh:31:00Z exp fail $n -m "loss went NaN at step 2"
            else
                busy_at 2026-11-19T$hh:30:00Z metric --exp $n --step 2 \
                    acc=$(busy_acc $lr $s) loss=0.5
                busy_at 2026-11-19T$hh:31:00Z exp done $n
            fi
        done
        h=$((h + 1))
    done
    for bs in 16 32 64; do
        for s in 0 1 2; do
            n=bs$bs-s$s
            busy_at 2026-11-19T13:00:00Z exp new $n --param lr=0.3 \
                --param seed=$s --param bs=$bs --tag bs-sweep
            busy_at 2026-11-19T13:01:00Z exp start $n
            busy_at 2026-11-19T13:30:00Z metric --exp $n --step 0 acc=0.$((90 + s)) loss=0.6
            busy_at 2026-11-19T13:40:00Z exp done $n
        done
    done
    for p in v1 v2 v3 v4; do
        busy_at 2026-11-19T15:00:00Z exp new prompt-$p --param prompt=$p --tag prompts
        busy_at 2026-11-19T15:10:00Z metric --exp prompt-$p --step 0 acc=0.$((60 + ${p#v}))
        busy_at 2026-11-19T15:11:00Z exp done prompt-$p
    done
    busy_at 2026-11-19T16:00:00Z note --exp lr0.3-s0 --takeaway \
        "lr = 0.3 is best: 0.95 ± 0.01 over 3 seeds; 1.0 is unstable (one seed went NaN)."
    busy_at 2026-11-19T16:01:00Z note --exp bs32-s0 --takeaway \
        "Batch size barely matters between 16 and 64 at lr = 0.3."
    busy_at 2026-11-19T16:02:00Z note --exp prompt-v4 --takeaway \
        "Prompt v4 is the best prompt but still 30 points below fine-tuning."
    busy_at 2026-11-19T16:03:00Z note --takeaway \
        "The eval is saturating above 0.95: we need a harder test set."
    for i in 1 2 3 4 5 6; do
        busy_at 2026-11-19T16:1$i:00Z note --exp lr0.$((i % 2 ? 1 : 3))-s0 \
            "Observation $i: read 40 samples of this run. Most are fluent; a few refusals are too long and repeat the policy text at length, and two answers to medical questions hedge so much they say nothing. Worth a length penalty."
    done
    busy_at 2026-11-19T17:00:00Z decide "Fine-tune with lr = 0.3, batch size 32, from now on."
    busy_at 2026-11-19T17:01:00Z decide "Stop tuning prompts; fine-tuning wins."
    busy_at 2026-11-19T17:02:00Z block "The harder test set needs 300 labelled prompts we do not have."
    busy_at 2026-11-19T17:03:00Z block "GPU quota runs out on Monday."
    busy_at 2026-11-19T17:04:00Z block "The grader times out on long answers."
    busy_at 2026-11-19T17:05:00Z next --priority 1 "Label 300 hard prompts for a new test set"
    busy_at 2026-11-19T17:06:00Z next --priority 1 "Re-run lr = 0.3 with 5 seeds on the new set"
    busy_at 2026-11-19T17:07:00Z next --priority 2 "Add gradient clipping and retry lr = 1.0"
    busy_at 2026-11-19T17:08:00Z next --priority 2 "Ask for more GPU quota"
    busy_at 2026-11-19T17:09:00Z next --priority 3 "Write up the sweep for the team doc"
}
