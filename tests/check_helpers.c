/* tests/check_helpers.c -- small file helpers shared by the suites. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/suites.h"

char *test_tmpdir(void)
{
    char tmpl[] = "/tmp/gmtest-XXXXXX";
    char *d = mkdtemp(tmpl);

    return d ? strdup(d) : NULL;
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (!f)
        return NULL;
    do {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            buf = realloc(buf, cap);
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}
