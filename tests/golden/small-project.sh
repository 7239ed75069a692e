# Builds the small fixed project the daily and report goldens are made
# from, in the current directory, through the CLI only. Sourced by
# tests/cli/t0600-daily.sh, tests/cli/t0700-report.sh and tests/golden.sh,
# which define `lablog`. Every command has its own LABLOG_NOW, so the log
# (and everything rendered from it) is the same on every run; nothing
# printed from it depends on uids, hashes, the host or the directory.
#
# The story, Mon 2026-11-16 to Thu 2026-11-19; the daily is made on
# Fri 2026-11-20 09:00, so its default period is Thursday.

# at TIME ARGS...: runs lablog ARGS at TIME; its output (an entry id) is
# left in $LAST. A failure is reported on stderr.
at() {
    at_time=$1
    shift
    if ! LAST=$(LABLOG_NOW=$at_time lablog "$@"); then
        echo "small-project: 'lablog $*' failed" >&2
        return 1
    fi
}

# A 1x1 PNG, for an image attachment.
small_png() {
    echo 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' |
        base64 -d >"$1"
}

build_small_project() {
    at 2026-11-16T09:00:00Z init --name bon-sampling \
        --goal 'Find out whether best-of-N sampling makes answers more helpful, and at what N the gains stop.'
    at 2026-11-16T09:05:00Z exp new bon-n8 \
        --hypothesis 'Best-of-8 beats greedy decoding on the helpfulness eval.' \
        --param n=8 --param temperature=0.7 --param model=llama-3-8b \
        --tag bon
    at 2026-11-16T09:10:00Z exp start bon-n8
    at 2026-11-16T10:00:00Z metric --exp bon-n8 --step 0 win_rate=0.55 loss=1.31
    at 2026-11-16T11:00:00Z metric --exp bon-n8 --step 1 win_rate=0.6 loss=1.22
    at 2026-11-16T12:00:00Z metric --exp bon-n8 --step 2 win_rate=0.62 loss=1.18
    at 2026-11-16T12:05:00Z exp done bon-n8
    at 2026-11-16T12:30:00Z note --exp bon-n8 --takeaway \
        'Best-of-8 wins **62%** of comparisons against greedy.'
    at 2026-11-17T09:00:00Z next --priority 1 --exp bon-n8 'Try best-of-100'
    next_id=$LAST
    at 2026-11-17T09:30:00Z block 'Eval harness is flaky: about 1 in 20 runs hangs'
    block_id=$LAST
    at 2026-11-18T10:00:00Z ask 'Which judge model should we use?'
    ask_id=$LAST
    at 2026-11-18T10:05:00Z note 'Read the judge prompts; they favour long answers.'
    at 2026-11-18T10:30:00Z exp new rm-baseline \
        --hypothesis 'The reward model trains stably at the default learning rate.' \
        --param lr=1e-4 --param warmup=100 --tag rm
    at 2026-11-18T10:35:00Z exp start rm-baseline
    at 2026-11-18T11:00:00Z metric --exp rm-baseline --step 0 loss=2.1
    at 2026-11-18T15:00:00Z metric --exp rm-baseline --step 1 loss=1.6

    # Thursday: the daily's default period.
    at 2026-11-19T09:00:00Z exp new bon-n100 --confirm \
        --hypothesis 'Best-of-100 beats best-of-8 by at least 5 points.' \
        --param n=100 --param temperature=0.7 --param model=llama-3-8b \
        --tag bon
    at 2026-11-19T09:05:00Z exp start bon-n100
    at 2026-11-19T10:00:00Z metric --exp bon-n100 --step 0 win_rate=0.65 loss=1.2
    at 2026-11-19T10:15:00Z metric --exp rm-baseline --step 2 loss=1.2
    at 2026-11-19T10:30:00Z metric --exp bon-n100 --step 1 win_rate=0.69 loss=1.05
    at 2026-11-19T11:00:00Z metric --exp bon-n100 --step 2 win_rate=0.71 loss=0.98
    at 2026-11-19T11:10:00Z exp done bon-n100
    at 2026-11-19T11:30:00Z note --exp bon-n100 --takeaway \
        'Best-of-100 wins **71%** of comparisons; the gain over N=8 is +9 points.'
    at 2026-11-19T12:00:00Z note --exp bon-n100 \
        'Samples are longer than greedy ones.'
    at 2026-11-19T12:40:00Z amend "$LAST" \
        "$(printf 'Samples are about 30%% longer than greedy ones; check the *length bias*.\n\nThe judge may be rewarding length.')"
    at 2026-11-19T13:00:00Z done "$next_id" -m 'ran as bon-n100'
    at 2026-11-19T13:10:00Z exp new lr-sweep-3e-4 \
        --hypothesis 'A larger learning rate speeds up the reward model.' \
        --param lr=3e-4 --param warmup=100 --tag rm
    at 2026-11-19T13:15:00Z exp start lr-sweep-3e-4
    at 2026-11-19T13:30:00Z metric --exp lr-sweep-3e-4 --step 0 loss=2.3
    at 2026-11-19T13:45:00Z metric --exp lr-sweep-3e-4 --step 1 loss=1.9
    at 2026-11-19T14:00:00Z metric --exp lr-sweep-3e-4 --step 2 loss=nan
    at 2026-11-19T14:05:00Z exp fail lr-sweep-3e-4 -m 'loss went NaN at step 2'
    at 2026-11-19T14:10:00Z block 'GPU quota used up for this week'
    at 2026-11-19T15:00:00Z unblock "$block_id" -m 'pinned the harness version'
    at 2026-11-19T15:20:00Z answer "$ask_id" 'The same judge as last week, for comparability.'
    at 2026-11-19T15:25:00Z ask --exp bon-n100 'Are 300 prompts enough for a clean signal?'
    at 2026-11-19T16:00:00Z decide 'Use N=32 as the default for the next runs.'
    at 2026-11-19T16:05:00Z metric --exp rm-baseline --step 3 loss=1.05
    at 2026-11-19T16:10:00Z next --priority 1 --exp bon-n100 'Run bon-n32 with 3 seeds'
    at 2026-11-19T16:11:00Z next --priority 3 'Write up the best-of-N results'
    at 2026-11-19T16:12:00Z next --priority 2 'Measure the length bias of the judge'
    at 2026-11-19T16:20:00Z note 'The win rate of bon-n100 is 0.91.'
    at 2026-11-19T16:25:00Z retract "$LAST" -m 'misread the table'
    small_png win-rate.png
    at 2026-11-19T16:30:00Z attach win-rate.png --exp bon-n100 \
        --caption 'Win rate by step'
    rm -f win-rate.png
}

# The sample project (samples/build.sh) records `lablog run` details of the
# machine it was built on: the host and the checkout's path. This replaces
# them by HOST and TOP (the checkout is $1), so its goldens compare
# anywhere.
normalize_machine() {
    sed -e "s| on $(uname -n) in | on HOST in |g" -e "s|$1|TOP|g" \
        -e "s|\([@ ]\)$(uname -n)\$|\1HOST|" -e "s|\([@ ]\)$(uname -n) · |\1HOST · |g"
}
