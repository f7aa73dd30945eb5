/* plots/plot.h -- charts of a result directory: the public interface.
 *
 * A chart is built as data first (struct plot_chart: series of plain
 * numbers, labels and styles), then drawn as often as needed: to PNG, SVG
 * and PDF files, to a page of report.pdf, or to any cairo_t. Keeping the
 * data apart from the drawing is what lets every format show the same
 * numbers and lets plots/<chart>.csv hold exactly what was drawn.
 *
 * Ownership: every function that takes arrays or strings copies them; a
 * chart owns all it holds and plot_chart_free() releases it.
 */
#ifndef PLOTS_PLOT_H
#define PLOTS_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <cairo.h>
#include "plots/kit.h"
#include "sim/err.h"

/* `gpumarket plot DIR [--format png,svg,pdf] [--only NAMES]`; argv[0] is
 * "plot". Returns the exit status. */
int plot_main(int argc, char **argv);

/* Draws the default set (and sweep/contrast charts when summary.csv has a
 * sweep axis or contrasts.csv has rows) into DIR/plots/ and gathers them in DIR/report.pdf.
 * 'formats' is a comma list of png, svg, pdf (NULL: all three); 'only' a
 * comma list of chart names (NULL: all). Returns 0 or a SIM_E* code; input
 * problems are reported to 'd' as "file:row: error: ...". */
int plot_result_dir(const char *dir, const char *formats, const char *only,
                    struct diag *d);

/* ---- charts ---- */

enum plot_type {
    PLOT_LINE,          /* lines, optional shaded band or error bars */
    PLOT_ECDF,          /* step functions, y in [0, 1] */
    PLOT_HIST,          /* x = bin lower edges, shared edges, one panel each */
    PLOT_BARS,          /* categories on x, one bar per series, from zero */
    PLOT_SCATTER,       /* points, plus fitted lines or a frontier */
    PLOT_AREA,          /* series stacked in the order added */
    PLOT_FOREST         /* categories as rows, x = difference with CI, 0 line */
};

/* How a series' lo/hi are shown on a line chart. */
enum plot_unc { PLOT_UNC_BAND, PLOT_UNC_BARS };

/* How a series is drawn; AUTO follows the chart type. */
enum plot_draw { PLOT_DRAW_AUTO, PLOT_DRAW_LINE, PLOT_DRAW_POINTS,
                 PLOT_DRAW_LINE_POINTS, PLOT_DRAW_STEP };

enum plot_fit { PLOT_FIT_OLS, PLOT_FIT_FRONTIER };

struct plot_chart;

struct plot_chart *plot_chart_new(enum plot_type type, const char *title);
void plot_chart_free(struct plot_chart *c);                 /* NULL is a no-op */

void plot_chart_subtitle(struct plot_chart *c, const char *text);
/* Axis labels with units, e.g. "Price [USD/GPU-h]". */
void plot_chart_axes(struct plot_chart *c, const char *xlabel,
                     const char *ylabel);
/* Column names of the x and y numbers in the chart's CSV ("t_days"). */
void plot_chart_csv_names(struct plot_chart *c, const char *x, const char *y);
void plot_chart_log(struct plot_chart *c, bool xlog, bool ylog);
/* Fixed axis ranges; NAN for either end keeps it from the data. */
void plot_chart_xrange(struct plot_chart *c, double lo, double hi);
void plot_chart_yrange(struct plot_chart *c, double lo, double hi);
/* A grey x interval under the data (warm-up), named in the legend. */
void plot_chart_shade_x(struct plot_chart *c, double x0, double x1,
                        const char *label);
/* Legend entry explaining the shaded bands ("band: P10-P90 across runs"). */
void plot_chart_band_note(struct plot_chart *c, const char *text);
/* Footnote under the chart; also shown in the middle of an empty chart. */
void plot_chart_note(struct plot_chart *c, const char *text);
/* Small multiples: 'n' panels with titles; series choose one. */
void plot_chart_panels(struct plot_chart *c, size_t n,
                       const char *const *titles);
/* Category names of a bar chart's x or a forest plot's rows. */
void plot_chart_categories(struct plot_chart *c, size_t n,
                           const char *const *names);

/* Adds a series and returns its index. 'lo'/'hi' may be NULL. For PLOT_BARS
 * x is ignored (may be NULL) and y[i] is category i; for PLOT_FOREST x is
 * the difference, y the row index and lo/hi bound x. NaN values are gaps. */
size_t plot_chart_add(struct plot_chart *c, const char *label,
                      const struct plot_style *style, size_t n,
                      const double *x, const double *y, const double *lo,
                      const double *hi);
void plot_series_panel(struct plot_chart *c, size_t series, size_t panel);
void plot_series_draw(struct plot_chart *c, size_t series, enum plot_draw d);
void plot_series_unc(struct plot_chart *c, size_t series, enum plot_unc u);
/* Extra text columns of the chart's CSV, after the numbers: say which
 * source row a point came from (a contrast's axes, the CI level). Set the
 * names first; then each series' values, n x ncols row-major, or for a
 * forest plot the values of each row (category), nrows x ncols. Points
 * without values get empty cells. */
void plot_chart_columns(struct plot_chart *c, size_t ncols, const char *const *names);
void plot_series_columns(struct plot_chart *c, size_t series, const char *const *values);
void plot_chart_row_columns(struct plot_chart *c, const char *const *values);
/* Appends a line computed from the points of 'series' (all of them when
 * series == SIZE_MAX): ordinary least squares (gsl_fit_linear), or the
 * price-performance frontier (the points no other point dominates: none
 * has at least their x at no more than their y).
 * Returns its index, or SIZE_MAX when there are too few points. */
size_t plot_chart_add_fit(struct plot_chart *c, size_t series,
                          enum plot_fit fit, const char *label);

size_t plot_chart_series_count(const struct plot_chart *c);

/* Draws the chart into a PLOT_W_PT x PLOT_H_PT box at the user-space
 * origin of 'cr' (scale 'cr' first for other sizes). */
void plot_chart_draw(const struct plot_chart *c, cairo_t *cr);

/* Where data point (x, y) of 'panel' lands on the canvas, in points; for
 * bars x is the category index. For tests and annotations. */
void plot_chart_locate(const struct plot_chart *c, size_t panel, double x,
                       double y, double *cx, double *cy);

/* Output formats, a bit set. */
enum { PLOT_FMT_PNG = 1, PLOT_FMT_SVG = 2, PLOT_FMT_PDF = 4, PLOT_FMT_CSV = 8 };

/* Parses "png,svg,pdf" into bits; "file:line:"-less error on a bad name. */
int plot_parse_formats(const char *s, unsigned *out, struct diag *d);

/* Writes DIR/NAME.png (1600x1000), .svg, .pdf and .csv as 'formats' asks,
 * each under a temporary name renamed when complete. */
int plot_chart_save(const struct plot_chart *c, const char *dir,
                    const char *name, unsigned formats, struct diag *d);
/* Writes exactly the plotted numbers as tidy CSV. 0 or SIM_EIO. */
int plot_chart_write_csv(const struct plot_chart *c, const char *path);

/* ---- charts from plain arrays, for sweep and contrast analyses ---- */

/* Sweep response: one line per name (styled by 'pal' under 'kind', e.g.
 * "policy"), x = the swept values, mean/lo/hi as nlines x nx row-major
 * arrays (lo/hi may be NULL), drawn with markers and CI error bars. The
 * note names no confidence level: set one that does (plot_chart_note). */
struct plot_chart *plot_sweep(const char *title, const char *xlabel,
                              const char *ylabel, struct plot_palette *pal,
                              const char *kind, size_t nlines,
                              const char *const *names, size_t nx,
                              const double *x, const double *mean,
                              const double *lo, const double *hi);

/* Forest plot of paired differences: one row per label, the point at
 * diff[i] with its CI [lo[i], hi[i]] and a zero line; groups[i] (e.g. the
 * policy, may be NULL) picks the colour through 'pal' under 'kind'. As for
 * plot_sweep, the caller's note says the confidence level. */
struct plot_chart *plot_forest(const char *title, const char *xlabel,
                               struct plot_palette *pal, const char *kind,
                               size_t nrows, const char *const *labels,
                               const char *const *groups, const double *diff,
                               const double *lo, const double *hi);

/* ---- report ---- */

/* Title-page facts; any field may be NULL. */
struct plot_report_info {
    const char *scenario, *config, *seed, *version, *digest, *runs;
    const char *const *facts;   /* "label\tvalue" lines, key figures */
    size_t nfacts;
};

/* Writes a multi-page PDF: the title page, then one chart per page. */
int plot_report(const char *path, const struct plot_report_info *info,
                const struct plot_chart *const *charts, size_t n,
                struct diag *d);

#endif
