/* sim/table.h -- CSV tables: a writer for results and a reader for data.
 *
 * Writer: tidy CSV with a header row. Strings go through libcsv's
 * csv_fwrite (which always quotes), numbers through "%.17g" so they
 * round-trip exactly; no comment lines. Reader: libcsv in strict mode,
 * whole table in memory, rows counted by us so every message can say
 * "file:row: error: ...", where row is the 1-based line of the record
 * (the header is row 1).
 */
#ifndef SIM_TABLE_H
#define SIM_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "sim/err.h"
#include "sim/money.h"

/* ---- writing ---- */

struct tbl_writer;

/* Opens 'path' for writing and writes the header. NULL with errno set. */
struct tbl_writer *tbl_create(const char *path, const char *const *cols,
                              size_t ncols);
/* Same, appending to an existing file without a header when 'append'. */
struct tbl_writer *tbl_open(const char *path, const char *const *cols,
                            size_t ncols, bool append);
void tbl_str(struct tbl_writer *w, const char *s);   /* NULL -> empty field */
void tbl_num(struct tbl_writer *w, double v);        /* NaN -> empty field */
void tbl_int(struct tbl_writer *w, int64_t v);
void tbl_uint(struct tbl_writer *w, uint64_t v);     /* seeds: all 64 bits */
void tbl_money(struct tbl_writer *w, money m);       /* as USD, exact text */
/* Ends the row; writing more or fewer fields than columns is a bug. */
void tbl_end_row(struct tbl_writer *w);
/* Flushes and closes; returns 0 or SIM_EIO (disk full...). NULL is a no-op. */
int tbl_close(struct tbl_writer *w);

/* Writes one field the way the writer does (for non-table files). */
void tbl_fput_str(FILE *f, const char *s);

/* ---- reading ---- */

struct tbl;

/* Reads a whole CSV file whose first record is the header. Malformed CSV,
 * a row with the wrong number of fields, or an unreadable file are
 * reported to 'd' as "path:row: error: ..." and give NULL. */
struct tbl *tbl_load(const char *path, struct diag *d);
void tbl_free(struct tbl *t);

const char *tbl_path(const struct tbl *t);
size_t tbl_rows(const struct tbl *t);             /* data rows, header excluded */
size_t tbl_cols(const struct tbl *t);
const char *tbl_col_name(const struct tbl *t, size_t col);
/* Column index by name, or -1. */
int tbl_col(const struct tbl *t, const char *name);
/* Like tbl_col but reports "path: error: missing column 'name'" to 'd'. */
int tbl_need_col(const struct tbl *t, const char *name, struct diag *d);
const char *tbl_get(const struct tbl *t, size_t row, size_t col);
/* File line of data row 'row' (for messages). */
int tbl_line(const struct tbl *t, size_t row);

/* Streams a CSV file one record at a time without keeping it, for tables
 * too big to hold as strings (a year of hourly time series is millions of
 * rows). 'fn' sees the header first (line 1), then every data row with its
 * file line; 'fields' is valid only during the call. A non-zero return from
 * 'fn' stops the scan and is returned. Malformed CSV, a row with the wrong
 * number of fields or an unreadable file are reported as tbl_load does and
 * give SIM_EPARSE or SIM_EIO. */
typedef int (*tbl_row_fn)(void *ctx, const char *const *fields, size_t n,
                          int line);
int tbl_scan(const char *path, tbl_row_fn fn, void *ctx, struct diag *d);

/* Typed cells: on a bad value, report "path:line: error: column 'c':
 * expected a number, got \"x\"" and return SIM_EINVAL. */
int tbl_get_num(const struct tbl *t, size_t row, size_t col, double *out,
                struct diag *d);
int tbl_get_int(const struct tbl *t, size_t row, size_t col, int64_t *out,
                struct diag *d);

#endif
