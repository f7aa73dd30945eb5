#!/bin/sh
# Corrupts the shipped scenario files at random (a line deleted or copied
# elsewhere, a token such as '[', '${', '"', ';', 'include ' or a sweep
# written into a line), 1 to 4 edits at a time, and validates each
# corrupted file with a random config (none, Quick, or X, which exists
# only where an edit wrote '[Config X]'). A run must end valid (0), with
# errors (1) or as unreadable input (2), never with a crash, an
# assertion, a sanitizer report or a hang. The edits come from awk's
# generator seeded by (SEED, iteration), so a finding reruns from its
# seed and number. Part of `make fuzz`.
#
#   sh tests/fuzz_syntax.sh [GPUMARKET] [ITERATIONS] [SEED]
#
# Prints one line per finding (the corrupted file is kept in
# fuzz-syntax-findings/) and a summary; exits 1 if anything was found.
GM=${1:-build/gpumarket}
N=${2:-2000}
SEED=${3:-1}
LIMIT=10
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
case $GM in /*) ;; *) GM=$PWD/$GM ;; esac

# the tree is copied so a corrupted file's includes resolve beside it
cp -r scenarios "$OUT/scn"
files=$(cd "$OUT/scn" && ls *.ini */*.ini | sort)
nfiles=$(echo "$files" | wc -l)
found=0
i=0
while [ $i -lt "$N" ]; do
    i=$((i + 1))
    pick=$(awk -v s="$SEED" -v i="$i" -v n="$nfiles" \
        'BEGIN { srand(s * 1000003 + i); print int(rand() * n) + 1 }')
    src=$(echo "$files" | sed -n "${pick}p")
    dst="$OUT/scn/$(dirname "$src")/_fuzz.ini"
    cfg=$(awk -v s="$SEED" -v i="$i" 'BEGIN { srand(s * 1000003 + i + 7);
        r = rand(); print r < 0.5 ? "" : r < 0.85 ? "Quick" : "X" }')
    awk -v s="$SEED" -v i="$i" '
        { line[++n] = $0 }
        END {
            srand(s * 1000003 + i + 13)
            nt = split("[|]|${|}|\"|=|;|#|,|..| step |!|*|.|include |extends = |" \
                       "[Config X]|[archetype a]|${x=1,2}|${x=1..3 step 0}|\\|\t|" \
                       "\377|repeat = 3|seed-set = 5|-|1e999|nan|0x10|[General]|" \
                       "${=}|${a=1 ! b}|${b=1,2 ! a}|${x=\"a,b\",c}|  ", tok, "|")
            edits = 1 + int(rand() * 4)
            for (e = 0; e < edits && n > 0; e++) {
                op = rand(); k = 1 + int(rand() * n)
                if (op < 0.25) {                        # delete line k
                    for (j = k; j < n; j++) line[j] = line[j + 1]
                    n--
                } else if (op < 0.4) {                  # copy a line before k
                    c = line[1 + int(rand() * n)]
                    for (j = n; j >= k; j--) line[j + 1] = line[j]
                    line[k] = c; n++
                } else {                                # a token into line k
                    l = line[k]; p = int(rand() * (length(l) + 1))
                    line[k] = substr(l, 1, p) tok[1 + int(rand() * nt)] \
                              substr(l, p + 1 + int(rand() * 4))
                }
            }
            for (j = 1; j <= n; j++) print line[j]
        }' "$OUT/scn/$src" >"$dst"
    set -- validate "$dst"
    [ -n "$cfg" ] && set -- "$@" -c "$cfg"
    timeout $LIMIT "$GM" "$@" >/dev/null 2>"$OUT/err"
    rc=$?
    why=
    case $rc in
    0|1|2) ;;
    124) why="hang (> ${LIMIT}s)" ;;
    *) why="exit $rc" ;;
    esac
    if [ -z "$why" ] && grep -q -e 'internal error' -e 'AddressSanitizer' -e 'runtime error' "$OUT/err"; then
        why="exit $rc: $(grep -m 1 -e 'internal error' -e 'AddressSanitizer' -e 'runtime error' "$OUT/err")"
    fi
    if [ -n "$why" ]; then
        found=$((found + 1))
        mkdir -p fuzz-syntax-findings
        cp "$dst" "fuzz-syntax-findings/seed$SEED-$i-$(basename "$(dirname "$src")")-$(basename "$src")"
        echo "finding: seed $SEED iteration $i ($src${cfg:+ -c $cfg}): $why"
    fi
done
echo "fuzz_syntax: $N corrupted scenario files, $found findings"
[ $found = 0 ]
