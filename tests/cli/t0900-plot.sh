#!/bin/sh
# lablog plot: line and bar charts in PNG, SVG and PDF; errors.
. "$LABLOG_TOP/tests/cli/lib.sh"
lablog init --name p >/dev/null 2>&1
for lr in 1e-4 3e-4; do
    for seed in 0 1; do
        lablog exp new lr$lr-s$seed --param lr=$lr --param seed=$seed --tag sweep >/dev/null
        python3 -c "
import math
for s in range(500):
    v = 2.3 * math.exp(-s / (100 if '$lr' == '3e-4' else 200)) + 0.01 * $seed
    print('{\"step\": %d, \"loss\": %s, \"acc\": %f}' % (s, 'NaN' if ('$lr' == '3e-4' and $seed == 1 and s > 400) else v, 1 - v / 3))
" | lablog ingest --exp lr$lr-s$seed 2>/dev/null
    done
done
png_size() { python3 -c "
import struct, sys
d = open(sys.argv[1], 'rb').read(24)
assert d[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
print('%dx%d' % struct.unpack('>II', d[16:24]))" "$1"; }

test_expect 'a line chart as PNG, 2x pixels by default' '
    lablog plot --exp lr1e-4-s0,lr3e-4-s1 --metric loss -o l.png &&
    test "$(png_size l.png)" = 1440x810
'
test_expect 'SVG and PDF by extension' '
    lablog plot --exp lr1e-4-s0 --metric loss,acc -o l.svg && grep -q "<svg" l.svg &&
    lablog plot --exp lr1e-4-s0 --metric loss --smooth 0.6 --baseline 1.386:chance -o l.pdf &&
    head -c 5 l.pdf | grep -q "%PDF-" && pdfinfo l.pdf | grep -q "Pages: *1"
'
test_expect 'bar chart grouped by a param (seeds become error bars)' '
    lablog plot --exp lr1e-4-s0,lr1e-4-s1,lr3e-4-s0,lr3e-4-s1 --metric acc --bar best --group-by lr -o b.png &&
    test "$(png_size b.png)" = 1440x810
'
test_expect 'plot --size WxH sets the PNG pixels, and the layout follows' '
    lablog plot --exp lr1e-4-s0,lr3e-4-s1 --metric loss --size 801x500 -o s.png &&
    test "$(png_size s.png)" = 801x500 &&
    lablog plot --exp lr1e-4-s0 --metric loss --size 2000x1000 -o s.svg &&
    grep -q "width=\"1000pt\" height=\"500pt\"" s.svg
'
test_fails 2 "--size expects WxH in pixels" lablog plot --exp lr1e-4-s0 --metric loss --size 800
test_fails 2 "--size 10x10 is out of range" lablog plot --exp lr1e-4-s0 --metric loss --size 10x10
test_expect 'group-by lines: a mean per value with a band, n in the legend, failed runs left out' '
    E=lr1e-4-s0,lr1e-4-s1,lr3e-4-s0,lr3e-4-s1 &&
    lablog plot --exp $E --metric loss --group-by lr -o m.pdf &&
    pdftotext m.pdf m.txt 2>/dev/null &&
    grep -q "loss: mean of the runs by lr, band ± sd" m.txt &&
    grep -q "lr=1e-4 (n=2)" m.txt && grep -q "lr=3e-4 (n=1)" m.txt &&
    lablog plot --exp $E --metric loss --group-by lr --band ci -o c.pdf &&
    pdftotext c.pdf c.txt 2>/dev/null && grep -q "band 95% interval" c.txt &&
    lablog plot --exp $E --metric acc --group-by lr -o m.png &&
    lablog plot --exp $E --metric acc --group-by lr --band ci -o c.png &&
    lablog plot --exp $E --metric acc -o p.png &&
    test "$(png_size m.png)" = 1440x810 &&
    ! cmp -s m.png c.png && ! cmp -s m.png p.png &&
    lablog plot --exp $E --metric acc --group-by lr --x time -o mt.png
'
test_expect '--exp takes globs, --tag selects by tag' '
    lablog plot --exp "lr1e-4-*,lr3e-4-s0" --metric loss -o gl.pdf &&
    pdftotext gl.pdf gl.txt 2>/dev/null &&
    grep -q "lr1e-4-s0" gl.txt && grep -q "lr1e-4-s1" gl.txt &&
    grep -q "lr3e-4-s0" gl.txt && ! grep -q "lr3e-4-s1" gl.txt &&
    lablog plot --tag sweep --metric acc --group-by lr -o tg.pdf &&
    pdftotext tg.pdf tg.txt 2>/dev/null && grep -q "lr=1e-4 (n=2)" tg.txt
'
test_expect '--x PARAM: last values against a param, log x over 2 decades' '
    for n in 1 8 32 100; do
        lablog exp new bon$n --param N=$n --tag bon >/dev/null &&
        lablog metric --exp bon$n --step 0 win_rate=0.$((40 + n / 3)) >/dev/null || return 1
    done &&
    lablog plot --tag bon --metric win_rate --x N -o bx.pdf &&
    pdftotext -layout bx.pdf bx.txt 2>/dev/null &&
    grep -q "win_rate by N" bx.txt &&
    grep -q "1 .* 2 .* 5 .* 10 .* 20 .* 50 .* 100" bx.txt &&
    lablog plot --exp "lr*" --metric acc --x lr -o lx.pdf &&
    pdftotext -layout lx.pdf lx.txt 2>/dev/null && grep -q "acc by lr" lx.txt &&
    ! grep -q " 10 .* 100" lx.txt &&
    lablog plot --exp lr1e-4-s0 --metric loss --log-x -o sx.pdf &&
    pdftotext -layout sx.pdf sx.txt 2>/dev/null && grep -q "1 .* 10 .* 100" sx.txt
'
test_expect 'time on the x axis and log-y' '
    lablog plot --exp lr1e-4-s0 --metric loss --x time -o t.png &&
    lablog plot --exp lr1e-4-s0 --metric loss --log-y -o g.png
'
before=$(log_state)
test_fails 2 "plot needs --exp and --metric" lablog plot --exp lr1e-4-s0
test_fails 1 "unknown experiment 'nope'" lablog plot --exp nope --metric loss
test_fails 1 "no points of zzz" lablog plot --exp lr1e-4-s0 --metric zzz
test_fails 2 "unknown image type '.gif'" lablog plot --exp lr1e-4-s0 --metric loss -o x.gif
test_fails 2 "--smooth expects a weight in [0, 1)" lablog plot --exp lr1e-4-s0 --metric loss --smooth 1.5
test_fails 2 "--group-by lines average one metric" lablog plot --exp lr1e-4-s0 --metric loss,acc --group-by lr
test_fails 2 "--band goes with --group-by lines (not --bar)" lablog plot --exp lr1e-4-s0 --metric loss --band ci
test_fails 2 "--band is sd or ci, not 'iqr'" lablog plot --exp lr1e-4-s0 --metric loss --group-by lr --band iqr
test_fails 1 "no experiment matches 'zz*'" lablog plot --exp "zz*" --metric loss
test_fails 1 "no experiment has the tag 'nope'" lablog plot --tag nope --metric loss
test_fails 1 "no experiment here has a numeric param 'model'" lablog plot --exp lr1e-4-s0 --metric loss --x model
test_fails 2 "--log-x goes with --x step or a param, not time" lablog plot --exp lr1e-4-s0 --metric loss --x time --log-x
test_fails 2 "--x lr puts a param on the x axis: not with --bar" lablog plot --exp lr1e-4-s0 --metric loss --x lr --bar last
test_fails 2 "--bar is last or best" lablog plot --exp lr1e-4-s0 --metric loss --bar mean
test_fails 1 "cannot write 'nodir/x.png'" lablog plot --exp lr1e-4-s0 --metric loss -o nodir/x.png
lablog metric --exp lr1e-4-s0 --step 600 loss=0 >/dev/null
test_fails 1 "log scale needs positive values" lablog plot --exp lr1e-4-s0 --metric loss --log-y -o z.png
test_expect 'no partial file is left behind by a failed plot' 'test ! -e z.png && test ! -e nodir'
test_done
