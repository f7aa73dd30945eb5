#!/bin/sh
# tests/cli/bt.sh -- 'gpumarket reproduce' T7 (bathtub), T3 (ckpt) and T6
# (spotckpt): expected values away from the default tables, from closed
# forms worked outside the program, so that a slip in a formula that the
# default parameters hide (a term that happens to equal 2 h, a panel count)
# shows. Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# The value of the repro.expected row of scalars.csv whose target starts
# with $2 (the next-to-last field: a target's name may hold a comma).
expected() {   # expected DIR TARGET-PREFIX
    awk -F, -v t="\"$2" '$2 == "\"repro.expected\"" && index($4, t) == 1 { print $(NF-1) }' \
        "$1/scalars.csv"
}
near() {   # near NAME GOT WANT RELTOL: |GOT - WANT| <= RELTOL x |WANT|
    if awk -v g="$2" -v w="$3" -v r="$4" 'BEGIN { d = g - w; if (d < 0) d = -d
            a = w < 0 ? -w : w; exit !(g != "" && d <= r * a) }'; then ok
    else bad "$1: got '$2', want $3 (+-$4 relative)"; fi
}

# -- T7: closed forms at a 10 h job --------------------------------------------------
# int_0^x of the mixture's survival is w s1/k1 g(1/k1, (x/s1)^k1) + (1 - w)
# s2/k2 g(1/k2, (x/s2)^k2), g the lower incomplete gamma (series), 0 past
# the 24 h cap. With w = 0.35, k1 = 0.5, s1 = 0.01 h, k2 = 30, s2 = 23.8 h,
# L = 10 h, safe age 3 h (A = [3, 14] h):
#   P_mem = G(10) / G(24) = 0.43027568, P_aware = 0.067711522,
#   E[attempt] = int_A (G(a + 10) - G(a)) da / int_A S (20,000 Simpson
#   panels of the smooth G) and the overhead E[attempt] / (1 - P_aware) / L
#   - 1 = 0.066378070.
# The default job is 2 h, so a closed form that used 2 for L (or a coarse
# inner integral: 20 panels read 0.0663786) passed the default table.
# P_mem's Simpson sum meets the infant density's 1/sqrt(t) at 0: it is
# good to about 2e-5 there, the others to 1e-6.
"$GM" run scenarios/reproduce/bathtub.ini -c Fast --set sim.horizon=4d --set bathtub.job=10h \
    --set bathtub.infant-scale=0.01h -o "$T/bt10" -q --no-plots >/dev/null 2>&1
near "T7 L=10h: P_mem" "$(expected "$T/bt10" "T7 P(fail) memoryless")" 0.43027568 5e-5
near "T7 L=10h: P_aware" "$(expected "$T/bt10" "T7 P(fail) bathtub-aware")" 0.067711522 1e-6
near "T7 L=10h: overhead" "$(expected "$T/bt10" "T7 preemptible overhead")" 0.066378070 1e-6
near "T7 L=10h: ratio" "$(expected "$T/bt10" "T7 P(fail) ratio")" 6.3545416 5e-5

# -- T7: a zero price ratio is refused ------------------------------------------------
# bathtub.price-ratio is a probability, so the parameter table lets 0 in;
# the cost ratio L / (price ratio x paid hours) would be infinite, so the
# model's setup refuses it (exit 2, the parameter named).
expect_status "T7 price ratio 0" 2 "$GM" reproduce --fast --set bathtub.price-ratio=0 bathtub
grep_err "T7 price ratio 0" "bathtub.price-ratio: price ratio must be > 0"

cli_done
