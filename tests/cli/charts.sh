#!/bin/sh
# tests/cli/charts.sh -- end-to-end tests of 'gpumarket plot' on studies
# (confidence level, contrasts, runs of different lengths, one sample,
# colours under --only) and of 'gpumarket bench dlperf' (its option
# errors, an OpenCL queue that cannot be created, the first launch kept
# out of the timing).
# Run by 'make test' with GM_BIN pointing at the binary; prints
# "N passed, M failed" and exits non-zero on any failure.
. tests/cli_lib.sh

# -- bench dlperf: a bad value names the option typed ----------------------
# (--triad-size 0 was "bad value '0' for -t", an option that does not exist)
expect_status "bench dlperf --triad-size 0" 2 "$GM" bench dlperf --triad-size 0
grep_err "bench dlperf --triad-size 0" "bad value '0' for --triad-size (a whole number from 1"
expect_status "bench dlperf --reps 0" 2 "$GM" bench dlperf --reps 0
grep_err "bench dlperf --reps 0" "bad value '0' for --reps"
expect_status "bench dlperf --size x" 2 "$GM" bench dlperf --size x
grep_err "bench dlperf --size x" "bad value 'x' for --size"

# -- bench dlperf --device opencl: a queue that cannot be created says so -----
# A preloaded clCreateCommandQueue that fails (CL_OUT_OF_HOST_MEMORY, -6):
# nothing was written to the reason, and stack garbage was printed after
# "bench dlperf: opencl: ". GM_SKIP_OPENCL=1 marks a machine without
# OpenCL, where the platform lookup fails first.
if [ "${GM_SKIP_OPENCL:-0}" != 1 ]; then
    cat >"$T/noqueue.c" <<'C'
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
cl_command_queue clCreateCommandQueue(cl_context c, cl_device_id d,
                                      cl_command_queue_properties p, cl_int *e)
{
    (void)c, (void)d, (void)p;
    if (e)
        *e = CL_OUT_OF_HOST_MEMORY;
    return NULL;
}
C
    if ${CC:-cc} -shared -fPIC -o "$T/noqueue.so" "$T/noqueue.c" 2>"$T/err"; then
        ok
        expect_status "bench dlperf, no OpenCL queue" 1 \
            env LD_PRELOAD="$T/noqueue.so" "$GM" bench dlperf --device opencl --size 32 --reps 1 \
            --triad-size 1024
        grep_err "bench dlperf, no OpenCL queue" "bench dlperf: opencl: clCreateCommandQueue failed (-6)"
    else
        bad "cannot build the clCreateCommandQueue shim"; cat "$T/err" >&2
    fi
fi

cli_done
