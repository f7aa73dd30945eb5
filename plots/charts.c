/* plots/charts.c -- the chart types: data model, layout, drawing, output.
 *
 * One layout routine serves every type: title block, legend column on the
 * right (outside the data, so it can never cover a point), a grid of
 * panels sharing both axes, tick labels only where they do not repeat.
 * Each type then draws its marks inside a panel clipped to the data area.
 * Layout uses unhinted text metrics, so PNG, SVG and PDF agree exactly and
 * plot_chart_locate() can tell a test where a data point landed.
 */
#include "plots/plot.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <gsl/gsl_fit.h>
#include "sim/table.h"

#define PI 3.14159265358979323846

struct series {
    char *label;                /* owned; NULL or "" keeps it off the legend */
    struct plot_style st;
    size_t panel;
    enum plot_draw draw;
    enum plot_unc unc;
    size_t n;
    double *x, *y, *lo, *hi;    /* owned; lo/hi may be NULL */
    char **cols;                /* owned, n x chart's ncols texts, or NULL */
};

struct plot_chart {
    enum plot_type type;
    char *title, *subtitle, *xlabel, *ylabel, *xname, *yname;   /* owned */
    char *band_note, *note, *shade_label;                       /* owned */
    bool xlog, ylog;
    double xr[2], yr[2];        /* fixed ranges, NAN = from data */
    double shade[2];            /* NAN = none */
    size_t npanels;
    char **ptitles;             /* owned, npanels entries (may be NULL) */
    size_t ncats;
    char **cats;                /* owned */
    struct series *s;
    size_t ns, cap;
    size_t ncols;               /* extra CSV columns (plot_chart_columns) */
    char **colnames;            /* owned */
};

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        SIM_OOM("plot: out of memory");
    return p;
}

static char *xstrdup(const char *s)
{
    char *p;

    if (!s)
        return NULL;
    p = xmalloc(strlen(s) + 1);
    strcpy(p, s);
    return p;
}

static double *dup_nums(const double *v, size_t n)
{
    double *p;

    if (!v)
        return NULL;
    p = xmalloc(n * sizeof *p);
    memcpy(p, v, n * sizeof *p);
    return p;
}

static void free_texts(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static void set_str(char **dst, const char *s)
{
    free(*dst);
    *dst = xstrdup(s);
}

struct plot_chart *plot_chart_new(enum plot_type type, const char *title)
{
    struct plot_chart *c = calloc(1, sizeof *c);

    if (!c)
        return NULL;
    c->type = type;
    c->title = xstrdup(title);
    c->xr[0] = c->xr[1] = c->yr[0] = c->yr[1] = NAN;
    c->shade[0] = c->shade[1] = NAN;
    c->npanels = 1;
    if (type == PLOT_ECDF) {
        c->yr[0] = 0.0;
        c->yr[1] = 1.0;
    }
    return c;
}

void plot_chart_free(struct plot_chart *c)
{
    if (!c)
        return;
    free(c->title);
    free(c->subtitle);
    free(c->xlabel);
    free(c->ylabel);
    free(c->xname);
    free(c->yname);
    free(c->band_note);
    free(c->note);
    free(c->shade_label);
    for (size_t i = 0; c->ptitles && i < c->npanels; i++)
        free(c->ptitles[i]);
    free(c->ptitles);
    for (size_t i = 0; i < c->ncats; i++)
        free(c->cats[i]);
    free(c->cats);
    for (size_t i = 0; i < c->ns; i++) {
        free(c->s[i].label);
        free(c->s[i].x);
        free(c->s[i].y);
        free(c->s[i].lo);
        free(c->s[i].hi);
        free_texts(c->s[i].cols, c->s[i].n * c->ncols);
    }
    free(c->s);
    free_texts(c->colnames, c->ncols);
    free(c);
}

void plot_chart_subtitle(struct plot_chart *c, const char *t) { set_str(&c->subtitle, t); }
void plot_chart_band_note(struct plot_chart *c, const char *t) { set_str(&c->band_note, t); }
void plot_chart_note(struct plot_chart *c, const char *t) { set_str(&c->note, t); }
size_t plot_chart_series_count(const struct plot_chart *c) { return c->ns; }

void plot_chart_axes(struct plot_chart *c, const char *xl, const char *yl)
{
    set_str(&c->xlabel, xl);
    set_str(&c->ylabel, yl);
}

void plot_chart_csv_names(struct plot_chart *c, const char *x, const char *y)
{
    set_str(&c->xname, x);
    set_str(&c->yname, y);
}

void plot_chart_log(struct plot_chart *c, bool xlog, bool ylog)
{
    c->xlog = xlog;
    c->ylog = ylog;
}

void plot_chart_xrange(struct plot_chart *c, double lo, double hi)
{
    c->xr[0] = lo;
    c->xr[1] = hi;
}

void plot_chart_yrange(struct plot_chart *c, double lo, double hi)
{
    c->yr[0] = lo;
    c->yr[1] = hi;
}

void plot_chart_shade_x(struct plot_chart *c, double x0, double x1,
                        const char *label)
{
    c->shade[0] = x0;
    c->shade[1] = x1;
    set_str(&c->shade_label, label);
}

void plot_chart_panels(struct plot_chart *c, size_t n, const char *const *titles)
{
    for (size_t i = 0; c->ptitles && i < c->npanels; i++)
        free(c->ptitles[i]);
    free(c->ptitles);
    c->npanels = n ? n : 1;
    c->ptitles = xmalloc(c->npanels * sizeof *c->ptitles);
    for (size_t i = 0; i < c->npanels; i++)
        c->ptitles[i] = titles && i < n ? xstrdup(titles[i]) : NULL;
}

void plot_chart_categories(struct plot_chart *c, size_t n,
                           const char *const *names)
{
    for (size_t i = 0; i < c->ncats; i++)
        free(c->cats[i]);
    free(c->cats);
    c->ncats = n;
    c->cats = xmalloc(n * sizeof *c->cats);
    for (size_t i = 0; i < n; i++)
        c->cats[i] = xstrdup(names[i] ? names[i] : "");
}

size_t plot_chart_add(struct plot_chart *c, const char *label,
                      const struct plot_style *style, size_t n,
                      const double *x, const double *y, const double *lo,
                      const double *hi)
{
    struct series *s;

    if (c->ns == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 8;
        c->s = realloc(c->s, c->cap * sizeof *c->s);
        if (!c->s)
            SIM_OOM("plot: out of memory");
    }
    s = &c->s[c->ns];
    memset(s, 0, sizeof *s);
    s->label = xstrdup(label);
    s->st = style ? *style : plot_style_nth(c->ns);
    s->n = n;
    s->x = dup_nums(x, n);
    s->y = dup_nums(y, n);
    s->lo = dup_nums(lo, n);
    s->hi = dup_nums(hi, n);
    if (!s->x) {                        /* bars: x is the category index */
        s->x = xmalloc((n ? n : 1) * sizeof *s->x);
        for (size_t i = 0; i < n; i++)
            s->x[i] = (double)i;
    }
    if (!s->y) {
        s->y = xmalloc((n ? n : 1) * sizeof *s->y);
        for (size_t i = 0; i < n; i++)
            s->y[i] = NAN;
    }
    return c->ns++;
}

void plot_series_panel(struct plot_chart *c, size_t i, size_t panel)
{
    SIM_ASSERT(i < c->ns);
    c->s[i].panel = panel;
}

void plot_series_draw(struct plot_chart *c, size_t i, enum plot_draw d)
{
    SIM_ASSERT(i < c->ns);
    c->s[i].draw = d;
}

void plot_series_unc(struct plot_chart *c, size_t i, enum plot_unc u)
{
    SIM_ASSERT(i < c->ns);
    c->s[i].unc = u;
}

void plot_chart_columns(struct plot_chart *c, size_t n, const char *const *names)
{
    /* Values already given were laid out for the old count. */
    for (size_t i = 0; i < c->ns; i++) {
        free_texts(c->s[i].cols, c->s[i].n * c->ncols);
        c->s[i].cols = NULL;
    }
    free_texts(c->colnames, c->ncols);
    c->ncols = n;
    c->colnames = xmalloc((n ? n : 1) * sizeof *c->colnames);
    for (size_t k = 0; k < n; k++)
        c->colnames[k] = xstrdup(names[k] ? names[k] : "");
}

void plot_series_columns(struct plot_chart *c, size_t i, const char *const *values)
{
    struct series *s;

    SIM_ASSERT(i < c->ns);
    s = &c->s[i];
    free_texts(s->cols, s->n * c->ncols);
    s->cols = xmalloc(s->n * c->ncols * sizeof *s->cols);
    for (size_t k = 0; k < s->n * c->ncols; k++)
        s->cols[k] = xstrdup(values[k] ? values[k] : "");
}

void plot_chart_row_columns(struct plot_chart *c, const char *const *values)
{
    SIM_ASSERT(c->type == PLOT_FOREST);
    for (size_t i = 0; i < c->ns; i++) {
        struct series *s = &c->s[i];

        free_texts(s->cols, s->n * c->ncols);
        s->cols = xmalloc(s->n * c->ncols * sizeof *s->cols);
        for (size_t j = 0; j < s->n; j++) {
            /* A forest point's y is its row. */
            size_t r = isfinite(s->y[j]) && s->y[j] >= 0 ? (size_t)s->y[j] : SIZE_MAX;

            for (size_t k = 0; k < c->ncols; k++)
                s->cols[j * c->ncols + k] = xstrdup(r < c->ncats && values[r * c->ncols + k]
                                                        ? values[r * c->ncols + k] : "");
        }
    }
}

/* By x, and for equal x by y descending: the frontier walks from the
 * last point down, so of two points with one x it must meet the lower y
 * first (ascending y kept the dearer of two equal performers, which the
 * cheaper one dominates). */
static int cmp_xy(const void *a, const void *b)
{
    const double *p = a, *q = b;

    if (p[0] != q[0])
        return p[0] < q[0] ? -1 : 1;
    return (p[1] < q[1]) - (p[1] > q[1]);
}

size_t plot_chart_add_fit(struct plot_chart *c, size_t series,
                          enum plot_fit fit, const char *label)
{
    size_t n = 0, k = 0, idx, panel = 0;
    double *xy, *fx, *fy;
    struct plot_style st = { { 0.15, 0.15, 0.15 }, fit == PLOT_FIT_OLS ? 1 : 0,
                             PLOT_MARK_NONE };

    for (size_t i = 0; i < c->ns; i++)
        if (series == SIZE_MAX || i == series)
            n += c->s[i].n;
    xy = xmalloc(2 * (n ? n : 1) * sizeof *xy);
    for (size_t i = 0; i < c->ns; i++) {
        if (!(series == SIZE_MAX || i == series))
            continue;
        panel = c->s[i].panel;
        for (size_t j = 0; j < c->s[i].n; j++)
            if (isfinite(c->s[i].x[j]) && isfinite(c->s[i].y[j])) {
                xy[2 * k] = c->s[i].x[j];
                xy[2 * k + 1] = c->s[i].y[j];
                k++;
            }
    }
    if (k < 2) {
        free(xy);
        return SIZE_MAX;
    }
    qsort(xy, k, 2 * sizeof *xy, cmp_xy);
    fx = xmalloc(k * sizeof *fx);
    fy = xmalloc(k * sizeof *fy);
    if (fit == PLOT_FIT_OLS) {
        double c0, c1, cov00, cov01, cov11, sumsq;

        gsl_fit_linear(xy, 2, xy + 1, 2, k, &c0, &c1, &cov00, &cov01, &cov11,
                       &sumsq);
        fx[0] = xy[0];
        fx[1] = xy[2 * (k - 1)];
        fy[0] = c0 + c1 * fx[0];
        fy[1] = c0 + c1 * fx[1];
        n = 2;
    } else {
        /* Walk from the best performer down: a point is on the frontier
         * when it is cheaper than everything that performs better. */
        double best = INFINITY;
        size_t m = 0;

        for (size_t i = k; i-- > 0;) {
            if (xy[2 * i + 1] < best) {
                best = xy[2 * i + 1];
                fx[m] = xy[2 * i];
                fy[m] = best;
                m++;
            }
        }
        for (size_t i = 0; i < m / 2; i++) {
            double t = fx[i];

            fx[i] = fx[m - 1 - i];
            fx[m - 1 - i] = t;
            t = fy[i];
            fy[i] = fy[m - 1 - i];
            fy[m - 1 - i] = t;
        }
        n = m;
    }
    idx = plot_chart_add(c, label, &st, n, fx, fy, NULL, NULL);
    plot_series_draw(c, idx, fit == PLOT_FIT_OLS ? PLOT_DRAW_LINE
                                                 : PLOT_DRAW_LINE_POINTS);
    c->s[idx].panel = panel;
    free(xy);
    free(fx);
    free(fy);
    return idx;
}

/* ---- layout ---- */

static const struct plot_font f_title = { 10.0, true, { 0.1, 0.1, 0.1 } };
static const struct plot_font f_sub = { 7.0, false, { 0.35, 0.35, 0.35 } };
static const struct plot_font f_label = { 8.0, false, { 0.15, 0.15, 0.15 } };
static const struct plot_font f_tick = { 7.0, false, { 0.25, 0.25, 0.25 } };
static const struct plot_font f_legend = { 7.0, false, { 0.15, 0.15, 0.15 } };
static const struct plot_font f_panel = { 7.5, true, { 0.2, 0.2, 0.2 } };
static const struct plot_font f_note = { 6.5, false, { 0.4, 0.4, 0.4 } };

#define MARGIN 8.0
#define LEGEND_MAX_W 140.0
#define CAT_MAX_W 130.0

struct axis {
    double lo, hi;
    bool log, cat;              /* cat: categorical, no numeric ticks */
    struct plot_ticks t;
};

struct layout {
    double x0, y0, x1, y1;      /* the panel block */
    size_t cols, rows;
    double pw, ph, gx, gy;      /* panel size and the gaps between panels */
    double ptitle_h;
    struct axis x, y;
    double lx, ly, lw;          /* legend column */
    double title_h;
};

static bool finite_for(double v, bool log)
{
    return isfinite(v) && (!log || v > 0.0);
}

static void grow(double *lo, double *hi, double v, bool log)
{
    if (!finite_for(v, log))
        return;
    if (v < *lo)
        *lo = v;
    if (v > *hi)
        *hi = v;
}

static bool has_data(const struct plot_chart *c)
{
    for (size_t i = 0; i < c->ns; i++)
        for (size_t j = 0; j < c->s[i].n; j++)
            if (isfinite(c->s[i].y[j]) &&
                (c->type == PLOT_BARS || isfinite(c->s[i].x[j])))
                return true;
    return false;
}

static double bin_width(const struct series *s)
{
    double w = INFINITY;

    for (size_t j = 1; j < s->n; j++)
        if (s->x[j] - s->x[j - 1] > 0 && s->x[j] - s->x[j - 1] < w)
            w = s->x[j] - s->x[j - 1];
    return isfinite(w) ? w : 1.0;
}

/* Data extent of the chart, by type. */
static void data_range(const struct plot_chart *c, double *xlo, double *xhi,
                       double *ylo, double *yhi)
{
    *xlo = *ylo = INFINITY;
    *xhi = *yhi = -INFINITY;
    if (c->type == PLOT_AREA) {
        size_t n = 0;

        for (size_t i = 0; i < c->ns; i++)
            if (c->s[i].n > n)
                n = c->s[i].n;
        for (size_t j = 0; j < n; j++) {
            double sum = 0.0;

            for (size_t i = 0; i < c->ns; i++)
                if (j < c->s[i].n && isfinite(c->s[i].y[j]) && c->s[i].y[j] > 0) {
                    sum += c->s[i].y[j];
                    grow(xlo, xhi, c->s[i].x[j], c->xlog);
                }
            grow(ylo, yhi, sum, false);
        }
        *ylo = 0.0;
        return;
    }
    for (size_t i = 0; i < c->ns; i++) {
        const struct series *s = &c->s[i];
        double w = c->type == PLOT_HIST ? bin_width(s) : 0.0;

        for (size_t j = 0; j < s->n; j++) {
            if (c->type == PLOT_FOREST) {
                grow(xlo, xhi, s->x[j], c->xlog);
                if (s->lo)
                    grow(xlo, xhi, s->lo[j], c->xlog);
                if (s->hi)
                    grow(xlo, xhi, s->hi[j], c->xlog);
                continue;
            }
            if (c->type != PLOT_BARS && !isfinite(s->x[j]))
                continue;
            if (c->type != PLOT_BARS && !isfinite(s->y[j]) &&
                !(s->lo && isfinite(s->lo[j])))
                continue;
            grow(xlo, xhi, s->x[j], c->xlog);
            if (w > 0)
                grow(xlo, xhi, s->x[j] + w, c->xlog);
            grow(ylo, yhi, s->y[j], c->ylog);
            if (s->lo)
                grow(ylo, yhi, s->lo[j], c->ylog);
            if (s->hi)
                grow(ylo, yhi, s->hi[j], c->ylog);
        }
    }
}

static void make_axis(struct axis *a, double lo, double hi, const double fix[2],
                      bool log, bool loose, bool from_zero, int want)
{
    memset(a, 0, sizeof *a);
    a->log = log;
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = log ? 1.0 : 0.0;
        hi = log ? 10.0 : 1.0;
    }
    if (from_zero && !log) {
        if (lo > 0)
            lo = 0.0;
        if (hi < 0)
            hi = 0.0;
    }
    if (!isnan(fix[0]))
        lo = fix[0];
    if (!isnan(fix[1]))
        hi = fix[1];
    /* One end fixed and nothing between (one sample, at t = 0): widen
     * away from the fixed end rather than around the value, so a time
     * axis fixed at 0 does not run from -1 day. */
    if (!log && hi - lo <= 1e-12 * fmax(fabs(lo), fabs(hi)) && isnan(fix[0]) != isnan(fix[1])) {
        double d = lo == 0.0 ? 1.0 : 0.1 * fabs(lo);

        if (isnan(fix[1]))
            hi = lo + d;
        else
            lo = hi - d;
    }
    if (log) {
        plot_ticks_log(lo, hi, &a->t);
    } else {
        /* Fixed ends stay exact; free ends round out to a tick. */
        plot_ticks_linear(lo, hi, want, loose && isnan(fix[0]) && isnan(fix[1]),
                          &a->t);
        if (loose && isnan(fix[0]) != isnan(fix[1])) {
            struct plot_ticks t2;

            plot_ticks_linear(lo, hi, want, true, &t2);
            if (isnan(fix[0]))
                lo = t2.lo;
            if (isnan(fix[1]))
                hi = t2.hi;
            plot_ticks_linear(lo, hi, want, false, &a->t);
        }
    }
    a->lo = a->t.lo;
    a->hi = a->t.hi;
}

static double frac(const struct axis *a, double v)
{
    if (a->log) {
        if (!(v > 0))
            return -1e9;
        return (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    }
    return (v - a->lo) / (a->hi - a->lo);
}

struct legend_entry {
    const char *label;
    const struct plot_style *st;
    int kind;                   /* 0 line, 1 box, 2 point, 3 band, 4 shade,
                                 * 5 line without marker */
};

static int entry_kind(const struct plot_chart *c, const struct series *s)
{
    if (c->type == PLOT_BARS || c->type == PLOT_HIST || c->type == PLOT_AREA)
        return 1;
    if (s->draw == PLOT_DRAW_POINTS ||
        (s->draw == PLOT_DRAW_AUTO && (c->type == PLOT_SCATTER || c->type == PLOT_FOREST)))
        return 2;
    return c->type == PLOT_ECDF ? 5 : 0;       /* ECDF steps carry no markers */
}

/* Is series i's P10-P90 (or CI) drawn as a band? */
static bool drawn_as_band(const struct plot_chart *c, size_t i)
{
    return c->s[i].lo && c->s[i].hi && c->s[i].unc == PLOT_UNC_BAND &&
           (c->type == PLOT_LINE || c->type == PLOT_SCATTER);
}

/* Unique labels in series order, then the band and shade notes (the band
 * note only when some band is drawn: a one-run price chart whose result
 * has no P10/P90 columns said "band: P10-P90 of rentals" over none). */
static size_t legend_entries(const struct plot_chart *c,
                             struct legend_entry *e, size_t max)
{
    static const struct plot_style band = { { 0.5, 0.5, 0.5 }, 0, PLOT_MARK_NONE };
    static const struct plot_style shade = { { 0.85, 0.85, 0.85 }, 0, PLOT_MARK_NONE };
    size_t n = 0;
    bool bands = false;

    for (size_t i = 0; i < c->ns && !bands; i++)
        bands = drawn_as_band(c, i);
    for (size_t i = 0; i < c->ns && n < max; i++) {
        bool dup = false;

        if (!c->s[i].label || !*c->s[i].label)
            continue;
        for (size_t j = 0; j < n && !dup; j++)
            dup = strcmp(e[j].label, c->s[i].label) == 0;
        if (dup)
            continue;
        e[n].label = c->s[i].label;
        e[n].st = &c->s[i].st;
        e[n].kind = entry_kind(c, &c->s[i]);
        n++;
    }
    if (c->band_note && bands && n < max) {
        e[n].label = c->band_note;
        e[n].st = &band;
        e[n++].kind = 3;
    }
    if (c->shade_label && isfinite(c->shade[0]) && n < max) {
        e[n].label = c->shade_label;
        e[n].st = &shade;
        e[n++].kind = 4;
    }
    return n;
}

#define MAX_LEGEND 40
#define LEGEND_ROW 10.0

static void compute_layout(const struct plot_chart *c, cairo_t *cr,
                           struct layout *L)
{
    double xlo, xhi, ylo, yhi, w, h, tickw = 0.0, left, bottom;
    struct legend_entry e[MAX_LEGEND];
    size_t ne = legend_entries(c, e, MAX_LEGEND);
    bool bars = c->type == PLOT_BARS || c->type == PLOT_HIST;

    memset(L, 0, sizeof *L);
    data_range(c, &xlo, &xhi, &ylo, &yhi);
    if (c->type == PLOT_BARS) {
        L->x.lo = 0.0;
        L->x.hi = c->ncats ? (double)c->ncats : 1.0;
        L->x.cat = true;
    } else {
        bool loose = c->type == PLOT_SCATTER || c->type == PLOT_FOREST ||
                     c->type == PLOT_HIST || c->type == PLOT_ECDF;

        make_axis(&L->x, xlo, xhi, c->xr, c->xlog, loose,
                  c->type == PLOT_FOREST, 7);
    }
    if (c->type == PLOT_FOREST) {
        L->y.lo = 0.0;
        L->y.hi = c->ncats ? (double)c->ncats : 1.0;
        L->y.cat = true;
    } else {
        make_axis(&L->y, ylo, yhi, c->yr, c->ylog, true,
                  bars || c->type == PLOT_AREA, 6);
    }

    /* Title block. */
    plot_text_extent(cr, "Ag", &f_title, &w, &h);
    L->title_h = MARGIN + h + 2;
    if (c->subtitle) {
        plot_text_extent(cr, "Ag", &f_sub, &w, &h);
        L->title_h += h + 1;
    }
    L->title_h += 4;

    /* Legend column: as wide as its longest entry, capped. */
    for (size_t i = 0; i < ne; i++) {
        plot_text_extent(cr, e[i].label, &f_legend, &w, &h);
        if (w > L->lw)
            L->lw = w;
    }
    if (ne) {
        if (L->lw > LEGEND_MAX_W)
            L->lw = LEGEND_MAX_W;
        L->lw += 20.0;          /* swatch and padding */
    }

    /* Left margin: y label, then tick labels or category names. */
    if (L->y.cat) {
        for (size_t i = 0; i < c->ncats; i++) {
            plot_text_extent(cr, c->cats[i], &f_tick, &w, &h);
            if (w > tickw)
                tickw = w;
        }
        if (tickw > CAT_MAX_W)
            tickw = CAT_MAX_W;
    } else {
        for (size_t i = 0; i < L->y.t.n; i++) {
            char buf[64];

            if (!L->y.t.major[i])
                continue;
            plot_tick_label(&L->y.t, L->y.t.v[i], L->y.log, buf, sizeof buf);
            plot_text_extent(cr, buf, &f_tick, &w, &h);
            if (w > tickw)
                tickw = w;
        }
    }
    plot_text_extent(cr, "Ag", &f_label, &w, &h);
    left = MARGIN + (c->ylabel ? h + 4 : 0) + tickw + 4;
    bottom = MARGIN + (c->xlabel ? h + 3 : 0);
    plot_text_extent(cr, "Ag", &f_tick, &w, &h);
    bottom += h + 3;
    if (c->note) {
        plot_text_extent(cr, "Ag", &f_note, &w, &h);
        bottom += h + 2;
    }
    L->x0 = left;
    L->x1 = PLOT_W_PT - MARGIN - (ne ? L->lw + 6 : 0);
    L->y0 = L->title_h;
    L->y1 = PLOT_H_PT - bottom;

    /* Panels: side by side up to three, then a near-square grid. */
    L->cols = c->npanels <= 3 ? c->npanels : (size_t)ceil(sqrt((double)c->npanels));
    L->rows = (c->npanels + L->cols - 1) / L->cols;
    plot_text_extent(cr, "Ag", &f_panel, &w, &h);
    L->ptitle_h = c->npanels > 1 ? h + 2 : 0;
    plot_text_extent(cr, "Ag", &f_tick, &w, &h);
    L->gx = L->cols > 1 ? 16.0 : 0.0;
    L->gy = L->rows > 1 ? h + 6 : 0.0;
    L->pw = (L->x1 - L->x0 - L->gx * (double)(L->cols - 1)) / (double)L->cols;
    L->ph = (L->y1 - L->y0 - L->gy * (double)(L->rows - 1)) / (double)L->rows -
            L->ptitle_h;
    L->lx = L->x1 + 6;
    L->ly = L->y0;
}

static void panel_rect(const struct layout *L, size_t p, double *x0, double *y0,
                       double *x1, double *y1)
{
    size_t col = p % L->cols, row = p / L->cols;

    *x0 = L->x0 + (double)col * (L->pw + L->gx);
    *x1 = *x0 + L->pw;
    *y0 = L->y0 + (double)row * (L->ph + L->ptitle_h + L->gy) + L->ptitle_h;
    *y1 = *y0 + L->ph;
}

struct pan {
    double x0, y0, x1, y1;
    const struct axis *ax, *ay;
};

static double px(const struct pan *p, double x)
{
    return p->x0 + frac(p->ax, x) * (p->x1 - p->x0);
}

static double py(const struct pan *p, double y)
{
    return p->y1 - frac(p->ay, y) * (p->y1 - p->y0);
}

void plot_chart_locate(const struct plot_chart *c, size_t panel, double x,
                       double y, double *cx, double *cy)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 4, 4);
    cairo_t *cr = cairo_create(s);
    struct layout L;
    struct pan p;

    compute_layout(c, cr, &L);
    panel_rect(&L, panel, &p.x0, &p.y0, &p.x1, &p.y1);
    p.ax = &L.x;
    p.ay = &L.y;
    if (c->type == PLOT_BARS)
        x += 0.5;
    if (c->type == PLOT_FOREST)
        y = (double)c->ncats - y - 0.5;
    *cx = px(&p, x);
    *cy = py(&p, y);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

/* ---- marks ---- */

static void set_rgb(cairo_t *cr, const struct plot_rgb *c, double alpha)
{
    cairo_set_source_rgba(cr, c->r, c->g, c->b, alpha);
}

/* A year of hourly samples has far more points than a panel has pixel
 * columns. Points are pooled into columns RES points wide (under a pixel
 * at 1600 px) and only what a column can show is drawn: for a line its
 * first, lowest, highest and last point in order, for a band its highest
 * top and lowest bottom. The picture is the same; PDF, SVG and PNG get
 * much cheaper. The CSV keeps every point. */
#define RES 0.25

static long column(const struct pan *p, double x)
{
    return (long)floor((px(p, x) - p->x0) / RES);
}

static void draw_band(cairo_t *cr, const struct pan *p, const struct series *s)
{
    size_t j = 0;
    double *tx = xmalloc((s->n ? s->n : 1) * sizeof *tx);
    double *th = xmalloc((s->n ? s->n : 1) * sizeof *th);
    double *tl = xmalloc((s->n ? s->n : 1) * sizeof *tl);

    while (j < s->n) {
        size_t a, b, m = 0;

        while (j < s->n && !(isfinite(s->x[j]) && isfinite(s->lo[j]) &&
                             isfinite(s->hi[j])))
            j++;
        a = j;
        while (j < s->n && isfinite(s->x[j]) && isfinite(s->lo[j]) &&
               isfinite(s->hi[j]))
            j++;
        b = j;
        if (b <= a)
            continue;
        for (size_t k = a; k < b; k++) {
            double x = px(p, s->x[k]), h = py(p, s->hi[k]), l = py(p, s->lo[k]);

            if (m && k > a && column(p, s->x[k]) == column(p, s->x[k - 1])) {
                th[m - 1] = fmin(th[m - 1], h);     /* canvas y grows down */
                tl[m - 1] = fmax(tl[m - 1], l);
                continue;
            }
            tx[m] = x;
            th[m] = h;
            tl[m] = l;
            m++;
        }
        cairo_new_path(cr);
        for (size_t k = 0; k < m; k++)
            cairo_line_to(cr, tx[k], th[k]);
        for (size_t k = m; k-- > 0;)
            cairo_line_to(cr, tx[k], tl[k]);
        cairo_close_path(cr);
        set_rgb(cr, &s->st.color, 0.18);
        cairo_fill(cr);
    }
    free(tx);
    free(th);
    free(tl);
}

/* Long lines get a handful of markers, staggered per series so lines that
 * run together still show all their markers. */
static void draw_markers(cairo_t *cr, const struct pan *p,
                         const struct series *s, size_t which, bool all)
{
    size_t step = all || s->n <= 40 ? 1 : s->n / 8, start = 0;

    if (step > 1)
        start = (which * step / 5 + step / 2) % step;
    for (size_t j = start; j < s->n; j += step)
        if (isfinite(s->x[j]) && isfinite(s->y[j]))
            plot_marker(cr, s->st.marker, px(p, s->x[j]), py(p, s->y[j]), 3.6,
                        &s->st.color);
}

static void draw_line(cairo_t *cr, const struct pan *p, const struct series *s,
                      bool step)
{
    bool pen = false;
    size_t j = 0;

    cairo_new_path(cr);
    while (j < s->n) {
        double x, y;

        if (!isfinite(s->x[j]) || !isfinite(s->y[j]) ||
            (p->ay->log && !(s->y[j] > 0))) {
            pen = false;
            j++;
            continue;
        }
        x = px(p, s->x[j]);
        y = py(p, s->y[j]);
        if (!pen)
            cairo_move_to(cr, x, y);
        else if (step) {
            double cx, cy;

            cairo_get_current_point(cr, &cx, &cy);
            cairo_line_to(cr, x, cy);
            cairo_line_to(cr, x, y);
        } else
            cairo_line_to(cr, x, y);
        pen = true;
        if (!step) {
            /* The rest of this column: its extremes, then its last point. */
            long col = column(p, s->x[j]);
            size_t k = j + 1, lo = j, hi = j, last = j;

            while (k < s->n && isfinite(s->x[k]) && isfinite(s->y[k]) &&
                   !(p->ay->log && !(s->y[k] > 0)) && column(p, s->x[k]) == col) {
                if (s->y[k] < s->y[lo])
                    lo = k;
                if (s->y[k] > s->y[hi])
                    hi = k;
                last = k++;
            }
            if (last != j) {
                size_t a = lo < hi ? lo : hi, b = lo < hi ? hi : lo;

                if (a != j)
                    cairo_line_to(cr, px(p, s->x[a]), py(p, s->y[a]));
                if (b != a && b != j)
                    cairo_line_to(cr, px(p, s->x[b]), py(p, s->y[b]));
                if (last != b)
                    cairo_line_to(cr, px(p, s->x[last]), py(p, s->y[last]));
            }
            j = last + 1;
            continue;
        }
        j++;
    }
    plot_set_line(cr, &s->st, 1.2);
    cairo_stroke(cr);
}

static void draw_errbars(cairo_t *cr, const struct pan *p,
                         const struct series *s, bool horizontal, double off)
{
    cairo_save(cr);
    set_rgb(cr, &s->st.color, 1.0);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_width(cr, 0.8);
    for (size_t j = 0; j < s->n; j++) {
        double a, b, c0;

        if (!s->lo || !s->hi || !isfinite(s->lo[j]) || !isfinite(s->hi[j]))
            continue;
        if (horizontal) {
            c0 = py(p, s->y[j]) + off;
            a = px(p, s->lo[j]);
            b = px(p, s->hi[j]);
            cairo_move_to(cr, a, c0);
            cairo_line_to(cr, b, c0);
            cairo_move_to(cr, a, c0 - 2);
            cairo_line_to(cr, a, c0 + 2);
            cairo_move_to(cr, b, c0 - 2);
            cairo_line_to(cr, b, c0 + 2);
        } else {
            c0 = px(p, s->x[j]) + off;
            a = py(p, s->lo[j]);
            b = py(p, s->hi[j]);
            cairo_move_to(cr, c0, a);
            cairo_line_to(cr, c0, b);
            cairo_move_to(cr, c0 - 2, a);
            cairo_line_to(cr, c0 + 2, a);
            cairo_move_to(cr, c0 - 2, b);
            cairo_line_to(cr, c0 + 2, b);
        }
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void draw_ecdf(cairo_t *cr, const struct pan *p, const struct series *s,
                      size_t which)
{
    bool pen = false;
    double lastx = 0, lasty = 0;

    cairo_new_path(cr);
    for (size_t j = 0; j < s->n; j++) {
        double xv = s->x[j], x, y;

        if (!isfinite(xv) || !isfinite(s->y[j]))
            continue;
        /* Zero waits sit at the left edge of a log axis. */
        if (p->ax->log && !(xv > p->ax->lo))
            xv = p->ax->lo;
        x = px(p, xv);
        y = py(p, s->y[j]);
        if (!pen) {
            cairo_move_to(cr, p->x0, py(p, 0.0));
            cairo_line_to(cr, x, py(p, 0.0));
        } else
            cairo_line_to(cr, x, lasty);
        cairo_line_to(cr, x, y);
        lastx = x;
        lasty = y;
        pen = true;
    }
    if (pen)
        cairo_line_to(cr, fmax(lastx, p->x1), lasty);
    plot_set_line(cr, &s->st, 1.3);
    cairo_stroke(cr);
    (void)which;
}

static void draw_bars(cairo_t *cr, const struct pan *p,
                      const struct plot_chart *c, size_t panel)
{
    size_t nb = 0, k = 0;

    for (size_t i = 0; i < c->ns; i++)
        if (c->s[i].panel == panel)
            nb++;
    if (!nb)
        return;
    for (size_t i = 0; i < c->ns; i++) {
        const struct series *s = &c->s[i];
        double slot = (p->x1 - p->x0) / (p->ax->hi - p->ax->lo);
        double bw = slot * 0.78 / (double)nb;

        if (s->panel != panel)
            continue;
        for (size_t j = 0; j < s->n && j < c->ncats; j++) {
            double x = p->x0 + slot * ((double)j + 0.11) + bw * (double)k;
            double y0 = py(p, 0.0), y1;

            if (!isfinite(s->y[j]) || s->y[j] == 0.0)
                continue;       /* nothing to show, not even a hairline */
            y1 = py(p, s->y[j]);
            cairo_rectangle(cr, x, fmin(y0, y1), bw, fabs(y1 - y0));
            set_rgb(cr, &s->st.color, 1.0);
            cairo_fill(cr);
        }
        /* 95% CI whiskers at the bar centres, in near-black. */
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_set_line_width(cr, 0.8);
        cairo_set_dash(cr, NULL, 0, 0);
        for (size_t j = 0; s->lo && s->hi && j < s->n && j < c->ncats; j++) {
            double xc = p->x0 + slot * ((double)j + 0.11) + bw * ((double)k + 0.5);
            double cap = fmin(2.5, bw / 3);

            if (!isfinite(s->lo[j]) || !isfinite(s->hi[j]))
                continue;
            cairo_move_to(cr, xc, py(p, s->lo[j]));
            cairo_line_to(cr, xc, py(p, s->hi[j]));
            cairo_move_to(cr, xc - cap, py(p, s->lo[j]));
            cairo_line_to(cr, xc + cap, py(p, s->lo[j]));
            cairo_move_to(cr, xc - cap, py(p, s->hi[j]));
            cairo_line_to(cr, xc + cap, py(p, s->hi[j]));
        }
        cairo_stroke(cr);
        k++;
    }
}

static void draw_hist(cairo_t *cr, const struct pan *p, const struct series *s)
{
    double w = bin_width(s);

    for (size_t j = 0; j < s->n; j++) {
        double xa, xb, ya, yb;

        if (!isfinite(s->x[j]) || !isfinite(s->y[j]) || !(s->y[j] > 0))
            continue;           /* an empty bin draws nothing */
        xa = px(p, s->x[j]);
        xb = px(p, s->x[j] + w);
        ya = py(p, 0.0);
        yb = py(p, s->y[j]);
        cairo_rectangle(cr, xa, yb, xb - xa, ya - yb);
        set_rgb(cr, &s->st.color, 1.0);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 0.3);
        cairo_stroke(cr);
    }
}

/* A stack of one time (a run with a single sample) has no width as an
 * area and drew nothing: it is drawn as a bar there instead. True when
 * every finite x of the chart is one value. */
static bool single_x(const struct plot_chart *c)
{
    bool seen = false;
    double x0 = 0.0;

    for (size_t i = 0; i < c->ns; i++)
        for (size_t j = 0; j < c->s[i].n; j++) {
            if (!isfinite(c->s[i].x[j]))
                continue;
            if (seen && c->s[i].x[j] != x0)
                return false;
            x0 = c->s[i].x[j];
            seen = true;
        }
    return seen;
}

static void draw_area(cairo_t *cr, const struct pan *p,
                      const struct plot_chart *c)
{
    size_t n = 0;
    double *base, *top;
    bool bar = single_x(c);

    for (size_t i = 0; i < c->ns; i++)
        if (c->s[i].n > n)
            n = c->s[i].n;
    base = xmalloc((n ? n : 1) * sizeof *base);
    top = xmalloc((n ? n : 1) * sizeof *top);
    for (size_t j = 0; j < n; j++)
        base[j] = 0.0;
    for (size_t i = 0; i < c->ns; i++) {
        const struct series *s = &c->s[i];
        size_t m = 0;

        for (size_t j = 0; j < s->n; j++) {
            double v = isfinite(s->y[j]) && s->y[j] > 0 ? s->y[j] : 0.0;

            top[j] = base[j] + v;
        }
        cairo_new_path(cr);
        for (size_t j = 0; bar && j < s->n; j++)
            if (isfinite(s->x[j]) && top[j] > base[j]) {
                /* 12 pt wide, inside the panel */
                double w = fmin(12.0, (p->x1 - p->x0) / 4);
                double x = fmin(fmax(px(p, s->x[j]) - w / 2, p->x0), p->x1 - w);

                cairo_rectangle(cr, x, py(p, top[j]), w, py(p, base[j]) - py(p, top[j]));
                m++;
            }
        for (size_t j = 0; !bar && j < s->n; j++)
            if (isfinite(s->x[j])) {
                cairo_line_to(cr, px(p, s->x[j]), py(p, top[j]));
                m++;
            }
        for (size_t j = s->n; !bar && j-- > 0;)
            if (isfinite(s->x[j]))
                cairo_line_to(cr, px(p, s->x[j]), py(p, base[j]));
        if (!bar)
            cairo_close_path(cr);
        if (m) {
            set_rgb(cr, &s->st.color, 1.0);
            cairo_fill(cr);
        } else
            cairo_new_path(cr);
        for (size_t j = 0; j < s->n; j++)
            base[j] = top[j];
    }
    free(base);
    free(top);
}

static void draw_forest(cairo_t *cr, const struct pan *p,
                        const struct plot_chart *c)
{
    /* The zero line first: it is the question the chart answers. */
    if (0.0 >= p->ax->lo && 0.0 <= p->ax->hi) {
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        cairo_set_line_width(cr, 0.8);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_move_to(cr, px(p, 0.0), p->y0);
        cairo_line_to(cr, px(p, 0.0), p->y1);
        cairo_stroke(cr);
    }
    for (size_t i = 0; i < c->ns; i++) {
        struct series e = c->s[i];
        double *ys = xmalloc((e.n ? e.n : 1) * sizeof *ys);

        for (size_t j = 0; j < e.n; j++)
            ys[j] = (double)c->ncats - e.y[j] - 0.5;
        e.y = ys;
        draw_errbars(cr, p, &e, true, 0.0);
        for (size_t j = 0; j < e.n; j++)
            if (isfinite(e.x[j]) && isfinite(ys[j]))
                plot_marker(cr, e.st.marker, px(p, e.x[j]), py(p, ys[j]), 4.2,
                            &e.st.color);
        free(ys);
    }
}

static void draw_series(cairo_t *cr, const struct pan *p,
                        const struct plot_chart *c, size_t i)
{
    const struct series *s = &c->s[i];
    enum plot_draw d = s->draw;

    if (d == PLOT_DRAW_AUTO)
        d = c->type == PLOT_SCATTER ? PLOT_DRAW_POINTS : PLOT_DRAW_LINE;
    switch (c->type) {
    case PLOT_ECDF:
        draw_ecdf(cr, p, s, i);
        return;
    case PLOT_HIST:
        draw_hist(cr, p, s);
        return;
    default:
        break;
    }
    if (d == PLOT_DRAW_POINTS) {
        for (size_t j = 0; j < s->n; j++)
            if (isfinite(s->x[j]) && isfinite(s->y[j]))
                plot_marker(cr, s->st.marker == PLOT_MARK_NONE ? PLOT_MARK_CIRCLE
                                                               : s->st.marker,
                            px(p, s->x[j]), py(p, s->y[j]), 3.4, &s->st.color);
        draw_errbars(cr, p, s, false, 0.0);
        return;
    }
    if (s->lo && s->hi && s->unc == PLOT_UNC_BARS)
        draw_errbars(cr, p, s, false, 0.0);
    draw_line(cr, p, s, d == PLOT_DRAW_STEP);
    if (d == PLOT_DRAW_LINE_POINTS || (s->lo && s->unc == PLOT_UNC_BARS))
        draw_markers(cr, p, s, i, true);
    else if (d == PLOT_DRAW_LINE)
        draw_markers(cr, p, s, i, false);
}

/* ---- axes, grid, legend ---- */

static void draw_grid_and_ticks(cairo_t *cr, const struct plot_chart *c,
                                const struct pan *p, bool xlabels, bool ylabels)
{
    const struct axis *ax = p->ax, *ay = p->ay;
    char buf[64];

    cairo_save(cr);
    cairo_set_line_width(cr, 0.4);
    cairo_set_dash(cr, NULL, 0, 0);
    /* Light grid on major ticks, lighter on minor ones. */
    for (size_t i = 0; !ax->cat && i < ax->t.n; i++) {
        double x = px(p, ax->t.v[i]);

        cairo_set_source_rgb(cr, ax->t.major[i] ? 0.88 : 0.94,
                             ax->t.major[i] ? 0.88 : 0.94,
                             ax->t.major[i] ? 0.88 : 0.94);
        cairo_move_to(cr, x, p->y0);
        cairo_line_to(cr, x, p->y1);
        cairo_stroke(cr);
    }
    for (size_t i = 0; !ay->cat && i < ay->t.n; i++) {
        double y = py(p, ay->t.v[i]);

        cairo_set_source_rgb(cr, ay->t.major[i] ? 0.88 : 0.94,
                             ay->t.major[i] ? 0.88 : 0.94,
                             ay->t.major[i] ? 0.88 : 0.94);
        cairo_move_to(cr, p->x0, y);
        cairo_line_to(cr, p->x1, y);
        cairo_stroke(cr);
    }
    /* Axis lines on the left and bottom. */
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, p->x0, p->y0);
    cairo_line_to(cr, p->x0, p->y1);
    cairo_line_to(cr, p->x1, p->y1);
    cairo_stroke(cr);
    cairo_restore(cr);

    if (xlabels && !ax->cat) {
        double lastr = -INFINITY;

        for (size_t i = 0; i < ax->t.n; i++) {
            double x = px(p, ax->t.v[i]), w, h;

            if (!ax->t.major[i])
                continue;
            plot_tick_label(&ax->t, ax->t.v[i], ax->log, buf, sizeof buf);
            plot_text_extent(cr, buf, &f_tick, &w, &h);
            /* Drop a label that would touch its neighbour, the next
             * panel's labels or the edge. */
            if (x - w / 2 < lastr + 3 || x + w / 2 > PLOT_W_PT - 2 ||
                x - w / 2 < p->x0 - 7.5 || x + w / 2 > p->x1 + 7.5)
                continue;
            plot_text(cr, x, p->y1 + 2.5, buf, &f_tick, 0.5, 0.0, 0.0, 0.0);
            lastr = x + w / 2;
        }
    } else if (xlabels && c->type == PLOT_BARS) {
        double slot = (p->x1 - p->x0) / (ax->hi - ax->lo);

        for (size_t i = 0; i < c->ncats; i++)
            plot_text(cr, p->x0 + slot * ((double)i + 0.5), p->y1 + 2.5,
                      c->cats[i], &f_tick, 0.5, 0.0, 0.0, slot - 3);
    }
    if (ylabels && !ay->cat) {
        double lasttop = INFINITY;

        for (size_t i = 0; i < ay->t.n; i++) {
            double y = py(p, ay->t.v[i]), w, h;

            if (!ay->t.major[i])
                continue;
            plot_tick_label(&ay->t, ay->t.v[i], ay->log, buf, sizeof buf);
            plot_text_extent(cr, buf, &f_tick, &w, &h);
            if (y + h / 2 > lasttop - 1)
                continue;
            plot_text(cr, p->x0 - 3, y, buf, &f_tick, 1.0, 0.5, 0.0, 0.0);
            lasttop = y - h / 2;
        }
    } else if (ylabels && c->type == PLOT_FOREST) {
        double row = (p->y1 - p->y0) / (ay->hi - ay->lo);

        for (size_t i = 0; i < c->ncats; i++)
            plot_text(cr, p->x0 - 4, p->y0 + row * ((double)i + 0.5),
                      c->cats[i], &f_tick, 1.0, 0.5, 0.0, CAT_MAX_W);
    }
}

static void draw_legend(cairo_t *cr, const struct plot_chart *c,
                        const struct layout *L)
{
    struct legend_entry e[MAX_LEGEND];
    size_t ne = legend_entries(c, e, MAX_LEGEND);
    double y = L->ly + 4;

    for (size_t i = 0; i < ne; i++) {
        double x = L->lx, cy = y + LEGEND_ROW / 2;

        if (y + LEGEND_ROW > PLOT_H_PT - 2)
            break;              /* never run off the canvas */
        switch (e[i].kind) {
        case 0:
        case 5:
            plot_set_line(cr, e[i].st, 1.3);
            cairo_move_to(cr, x, cy);
            cairo_line_to(cr, x + 14, cy);
            cairo_stroke(cr);
            if (e[i].kind == 0)
                plot_marker(cr, e[i].st->marker, x + 7, cy, 3.6, &e[i].st->color);
            break;
        case 2:
            plot_marker(cr, e[i].st->marker == PLOT_MARK_NONE ? PLOT_MARK_CIRCLE
                                                             : e[i].st->marker,
                        x + 7, cy, 4.0, &e[i].st->color);
            break;
        case 3:
            set_rgb(cr, &e[i].st->color, 0.3);
            cairo_rectangle(cr, x, cy - 3, 14, 6);
            cairo_fill(cr);
            break;
        default:
            set_rgb(cr, &e[i].st->color, 1.0);
            cairo_rectangle(cr, x + 1, cy - 3.5, 12, 7);
            cairo_fill(cr);
            break;
        }
        plot_text(cr, x + 18, cy, e[i].label, &f_legend, 0.0, 0.5, 0.0,
                  L->lw - 20);
        y += LEGEND_ROW;
    }
}

void plot_chart_draw(const struct plot_chart *c, cairo_t *cr)
{
    struct layout L;
    bool any = has_data(c);
    double w, h;

    cairo_save(cr);
    compute_layout(c, cr, &L);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, 0, 0, PLOT_W_PT, PLOT_H_PT);
    cairo_fill(cr);

    plot_text(cr, MARGIN + 2, MARGIN, c->title ? c->title : "", &f_title, 0, 0,
              0, PLOT_W_PT - 2 * MARGIN);
    if (c->subtitle) {
        plot_text_extent(cr, "Ag", &f_title, &w, &h);
        plot_text(cr, MARGIN + 2, MARGIN + h + 2, c->subtitle, &f_sub, 0, 0, 0,
                  PLOT_W_PT - 2 * MARGIN);
    }
    for (size_t p = 0; p < c->npanels; p++) {
        struct pan P;
        bool first_col = p % L.cols == 0;
        /* x tick labels on the bottom panel of each column. */
        bool bottom = p + L.cols >= c->npanels;
        bool panel_data = false;

        panel_rect(&L, p, &P.x0, &P.y0, &P.x1, &P.y1);
        P.ax = &L.x;
        P.ay = &L.y;
        if (c->npanels > 1 && c->ptitles && c->ptitles[p])
            plot_text(cr, P.x0 + 2, P.y0 - 1.5, c->ptitles[p], &f_panel, 0, 1, 0,
                      L.pw - 4);
        cairo_save(cr);
        cairo_rectangle(cr, P.x0, P.y0, P.x1 - P.x0, P.y1 - P.y0);
        cairo_clip(cr);
        if (isfinite(c->shade[0]) && isfinite(c->shade[1])) {
            double a = fmax(px(&P, c->shade[0]), P.x0);
            double b = fmin(px(&P, c->shade[1]), P.x1);

            if (b > a) {
                cairo_set_source_rgb(cr, 0.92, 0.92, 0.92);
                cairo_rectangle(cr, a, P.y0, b - a, P.y1 - P.y0);
                cairo_fill(cr);
            }
        }
        cairo_restore(cr);
        draw_grid_and_ticks(cr, c, &P, bottom, first_col);
        cairo_save(cr);
        /* Clip slightly outside the frame so lines on the edge show. */
        cairo_rectangle(cr, P.x0 - 1, P.y0 - 2, P.x1 - P.x0 + 3, P.y1 - P.y0 + 3);
        cairo_clip(cr);
        if (c->type == PLOT_BARS) {
            draw_bars(cr, &P, c, p);
        } else if (c->type == PLOT_AREA) {
            if (p == 0)
                draw_area(cr, &P, c);
        } else if (c->type == PLOT_FOREST) {
            if (p == 0)
                draw_forest(cr, &P, c);
        } else {
            for (size_t i = 0; i < c->ns; i++)
                if (c->s[i].panel == p && drawn_as_band(c, i))
                    draw_band(cr, &P, &c->s[i]);
            for (size_t i = 0; i < c->ns; i++)
                if (c->s[i].panel == p)
                    draw_series(cr, &P, c, i);
        }
        cairo_restore(cr);
        for (size_t i = 0; i < c->ns && !panel_data; i++)
            for (size_t j = 0; j < c->s[i].n && !panel_data; j++)
                panel_data = (c->s[i].panel == p || c->type == PLOT_AREA ||
                              c->type == PLOT_FOREST) &&
                             isfinite(c->s[i].y[j]);
        if (!panel_data)
            plot_text(cr, (P.x0 + P.x1) / 2, (P.y0 + P.y1) / 2,
                      any ? "no data" : (c->note ? c->note : "no data"), &f_label,
                      0.5, 0.5, 0, P.x1 - P.x0 - 8);
    }
    plot_text_extent(cr, "Ag", &f_label, &w, &h);
    if (c->xlabel) {
        double ty;

        plot_text_extent(cr, "Ag", &f_tick, &w, &h);
        ty = L.y1 + h + 5;
        plot_text(cr, (L.x0 + L.x1) / 2, ty, c->xlabel, &f_label, 0.5, 0.0, 0,
                  L.x1 - L.x0);
    }
    if (c->ylabel)
        plot_text(cr, MARGIN, (L.y0 + L.y1) / 2, c->ylabel, &f_label, 0.5, 0.0,
                  -PI / 2, L.y1 - L.y0);
    if (c->note && any)
        plot_text(cr, MARGIN + 2, PLOT_H_PT - MARGIN + 2, c->note, &f_note, 0, 1,
                  0, PLOT_W_PT - 2 * MARGIN);
    draw_legend(cr, c, &L);
    cairo_restore(cr);
}

/* ---- output ---- */

int plot_parse_formats(const char *s, unsigned *out, struct diag *d)
{
    char *copy, *tok, *save = NULL;
    int rc = SIM_OK;

    *out = 0;
    if (!s || !*s) {
        *out = PLOT_FMT_PNG | PLOT_FMT_SVG | PLOT_FMT_PDF;
        return SIM_OK;
    }
    copy = xstrdup(s);
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "png") == 0)
            *out |= PLOT_FMT_PNG;
        else if (strcmp(tok, "svg") == 0)
            *out |= PLOT_FMT_SVG;
        else if (strcmp(tok, "pdf") == 0)
            *out |= PLOT_FMT_PDF;
        else if (strcmp(tok, "csv") == 0)
            *out |= PLOT_FMT_CSV;
        else
            rc = diag_error(d, NULL, "unknown format '%s' (png, svg, pdf)", tok);
    }
    free(copy);
    return rc;
}

static const char *panel_name(const struct plot_chart *c, size_t p)
{
    return c->npanels > 1 && c->ptitles && c->ptitles[p] ? c->ptitles[p] : "";
}

int plot_chart_write_csv(const struct plot_chart *c, const char *path)
{
    const char *xn = c->xname ? c->xname : "x", *yn = c->yname ? c->yname : "y";
    char lo[96], hi[96];
    const char **cols = xmalloc((7 + c->ncols) * sizeof *cols);
    size_t nc = 0;
    struct tbl_writer *w;

    snprintf(lo, sizeof lo, "%s_low", c->type == PLOT_FOREST ? xn : yn);
    snprintf(hi, sizeof hi, "%s_high", c->type == PLOT_FOREST ? xn : yn);
    cols[nc++] = "series";
    switch (c->type) {
    case PLOT_BARS:
        cols[nc++] = "category";
        cols[nc++] = yn;
        cols[nc++] = lo;
        cols[nc++] = hi;
        break;
    case PLOT_FOREST:
        cols[nc++] = "row";
        cols[nc++] = xn;
        cols[nc++] = lo;
        cols[nc++] = hi;
        break;
    case PLOT_HIST:
        cols[nc++] = "panel";
        cols[nc++] = xn;
        cols[nc++] = "bin_width";
        cols[nc++] = yn;
        break;
    default:
        cols[nc++] = "panel";
        cols[nc++] = xn;
        cols[nc++] = yn;
        cols[nc++] = lo;
        cols[nc++] = hi;
        break;
    }
    for (size_t k = 0; k < c->ncols; k++)
        cols[nc++] = c->colnames[k];
    w = tbl_create(path, cols, nc);
    free(cols);
    if (!w)
        return SIM_EIO;
    for (size_t i = 0; i < c->ns; i++) {
        const struct series *s = &c->s[i];
        double bw = c->type == PLOT_HIST ? bin_width(s) : 0.0;

        for (size_t j = 0; j < s->n; j++) {
            tbl_str(w, s->label ? s->label : "");
            switch (c->type) {
            case PLOT_BARS:
                tbl_str(w, j < c->ncats ? c->cats[j] : "");
                tbl_num(w, s->y[j]);
                break;
            case PLOT_FOREST: {
                size_t r = isfinite(s->y[j]) && s->y[j] >= 0 ? (size_t)s->y[j] : SIZE_MAX;

                tbl_str(w, r < c->ncats ? c->cats[r] : "");
                tbl_num(w, s->x[j]);
                break;
            }
            case PLOT_HIST:
                tbl_str(w, panel_name(c, s->panel));
                tbl_num(w, s->x[j]);
                tbl_num(w, bw);
                tbl_num(w, s->y[j]);
                break;
            default:
                tbl_str(w, panel_name(c, s->panel));
                tbl_num(w, s->x[j]);
                tbl_num(w, s->y[j]);
                break;
            }
            if (c->type != PLOT_HIST) {
                tbl_num(w, s->lo ? s->lo[j] : (double)NAN);
                tbl_num(w, s->hi ? s->hi[j] : (double)NAN);
            }
            for (size_t k = 0; k < c->ncols; k++)
                tbl_str(w, s->cols ? s->cols[j * c->ncols + k] : "");
            tbl_end_row(w);
        }
    }
    return tbl_close(w);
}

static char *out_path(const char *dir, const char *name, const char *ext,
                      bool tmp)
{
    size_t n = strlen(dir) + strlen(name) + strlen(ext) + 40;
    char *p = xmalloc(n);

    if (tmp)
        snprintf(p, n, "%s/.%s.%s.tmp-%ld", dir, name, ext, (long)getpid());
    else
        snprintf(p, n, "%s/%s.%s", dir, name, ext);
    return p;
}

/* 'err': the errno of what failed, when the caller kept it (plot_file);
 * 0 reads errno. */
static int finish_file(const char *tmp, const char *final, int rc, int err,
                       struct diag *d)
{
    if (rc == SIM_OK && rename(tmp, final) != 0)
        rc = SIM_EIO;
    if (rc != SIM_OK) {
        struct srcloc at = { final, 0 };

        if (!err)
            err = errno ? errno : EIO;
        diag_error(d, &at, "cannot write: %s", strerror(err));
        remove(tmp);
    }
    return rc;
}

static int status_of(cairo_surface_t *s)
{
    return cairo_surface_status(s) == CAIRO_STATUS_SUCCESS ? SIM_OK : SIM_EIO;
}

struct membuf {
    char *p;
    size_t n, cap;
};

static cairo_status_t mem_write(void *closure, const unsigned char *data,
                                unsigned int len)
{
    struct membuf *m = closure;

    if (m->n + len + 1 > m->cap) {
        while (m->n + len + 1 > m->cap)
            m->cap = m->cap ? 2 * m->cap : 65536;
        m->p = realloc(m->p, m->cap);
        if (!m->p)
            return CAIRO_STATUS_NO_MEMORY;
    }
    memcpy(m->p + m->n, data, len);
    m->n += len;
    m->p[m->n] = '\0';
    return CAIRO_STATUS_SUCCESS;
}

/* Cairo names SVG groups after a process-wide surface counter
 * ("surface17"), so a second chart drawn by the same process would differ
 * from the first. Renumber those names by first appearance: then the file
 * depends on the chart alone. */
static int write_svg(const char *path, const struct membuf *m, int *err)
{
    struct plot_file pf;
    const char *p = m->p, *end = m->p + m->n;
    unsigned long seen[64];
    size_t nseen = 0;

    plot_file_open(&pf, path);
    while (p < end && !pf.err) {
        const char *q = strstr(p, "surface");

        if (!q) {
            plot_file_write(&pf, (const unsigned char *)p, (unsigned int)(end - p));
            break;
        }
        q += 7;
        plot_file_write(&pf, (const unsigned char *)p, (unsigned int)(q - p));
        if (*q >= '0' && *q <= '9') {
            char *e, num[24];
            unsigned long id = strtoul(q, &e, 10);
            size_t k = 0;

            while (k < nseen && seen[k] != id)
                k++;
            if (k == nseen && nseen < 64)
                seen[nseen++] = id;
            plot_file_write(&pf, (const unsigned char *)num,
                            (unsigned int)snprintf(num, sizeof num, "%zu", k + 1));
            q = e;
        }
        p = q;
    }
    *err = plot_file_close(&pf);
    return *err ? SIM_EIO : SIM_OK;
}

int plot_chart_save(const struct plot_chart *c, const char *dir,
                    const char *name, unsigned formats, struct diag *d)
{
    int rc = SIM_OK;

    if (formats & PLOT_FMT_PNG) {
        char *tmp = out_path(dir, name, "png", true), *fin = out_path(dir, name, "png", false);
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
                                                        PLOT_PNG_W, PLOT_PNG_H);
        cairo_t *cr = cairo_create(s);
        struct plot_file pf;
        int r, e;

        cairo_scale(cr, PLOT_PNG_W / PLOT_W_PT, PLOT_PNG_H / PLOT_H_PT);
        plot_chart_draw(c, cr);
        cairo_destroy(cr);
        plot_file_open(&pf, tmp);
        r = cairo_surface_write_to_png_stream(s, plot_file_write, &pf) == CAIRO_STATUS_SUCCESS
            ? SIM_OK : SIM_EIO;
        cairo_surface_destroy(s);
        if ((e = plot_file_close(&pf)) != 0)
            r = SIM_EIO;
        if (finish_file(tmp, fin, r, e, d) != SIM_OK)
            rc = SIM_EIO;
        free(tmp);
        free(fin);
    }
    if (formats & PLOT_FMT_SVG) {
        char *tmp = out_path(dir, name, "svg", true), *fin = out_path(dir, name, "svg", false);
        struct membuf m = { NULL, 0, 0 };
        cairo_surface_t *s = cairo_svg_surface_create_for_stream(mem_write, &m,
                                                                 PLOT_W_PT, PLOT_H_PT);
        cairo_t *cr = cairo_create(s);
        int r, e = 0;

        plot_chart_draw(c, cr);
        cairo_destroy(cr);
        cairo_surface_finish(s);
        r = status_of(s);
        cairo_surface_destroy(s);
        if (r == SIM_OK)
            r = write_svg(tmp, &m, &e);
        free(m.p);
        if (finish_file(tmp, fin, r, e, d) != SIM_OK)
            rc = SIM_EIO;
        free(tmp);
        free(fin);
    }
    if (formats & PLOT_FMT_PDF) {
        char *tmp = out_path(dir, name, "pdf", true), *fin = out_path(dir, name, "pdf", false);
        struct plot_file pf;
        cairo_surface_t *s;
        cairo_t *cr;
        char date[40];
        int r, e;

        plot_file_open(&pf, tmp);
        s = cairo_pdf_surface_create_for_stream(plot_file_write, &pf, PLOT_W_PT, PLOT_H_PT);
        plot_pdf_date(date, sizeof date);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
                                       c->title ? c->title : name);
        cr = cairo_create(s);
        plot_chart_draw(c, cr);
        cairo_destroy(cr);
        cairo_surface_finish(s);
        r = status_of(s);
        cairo_surface_destroy(s);
        if ((e = plot_file_close(&pf)) != 0)
            r = SIM_EIO;
        if (finish_file(tmp, fin, r, e, d) != SIM_OK)
            rc = SIM_EIO;
        free(tmp);
        free(fin);
    }
    if (formats & PLOT_FMT_CSV) {
        char *tmp = out_path(dir, name, "csv", true), *fin = out_path(dir, name, "csv", false);

        if (finish_file(tmp, fin, plot_chart_write_csv(c, tmp), 0, d) != SIM_OK)
            rc = SIM_EIO;
        free(tmp);
        free(fin);
    }
    return rc;
}

/* ---- charts from plain arrays ---- */

struct plot_chart *plot_sweep(const char *title, const char *xlabel,
                              const char *ylabel, struct plot_palette *pal,
                              const char *kind, size_t nlines,
                              const char *const *names, size_t nx,
                              const double *x, const double *mean,
                              const double *lo, const double *hi)
{
    struct plot_chart *c = plot_chart_new(PLOT_LINE, title);

    if (!c)
        return NULL;
    plot_chart_axes(c, xlabel, ylabel);
    plot_chart_csv_names(c, "x", "mean");
    for (size_t i = 0; i < nlines; i++) {
        struct plot_style st = pal ? plot_palette_style(pal, kind ? kind : "policy",
                                                        names[i])
                                   : plot_style_nth(i);
        size_t k = plot_chart_add(c, names[i], &st, nx, x, mean + i * nx,
                                  lo ? lo + i * nx : NULL,
                                  hi ? hi + i * nx : NULL);

        plot_series_draw(c, k, PLOT_DRAW_LINE_POINTS);
        plot_series_unc(c, k, PLOT_UNC_BARS);
    }
    /* No level here: the arrays do not say it, and a fixed "95%" once
     * sat under intervals at --level 0.8 (the caller's note says it). */
    if (lo && hi)
        plot_chart_note(c, "error bars: confidence interval of the mean");
    return c;
}

struct plot_chart *plot_forest(const char *title, const char *xlabel,
                               struct plot_palette *pal, const char *kind,
                               size_t nrows, const char *const *labels,
                               const char *const *groups, const double *diff,
                               const double *lo, const double *hi)
{
    struct plot_chart *c = plot_chart_new(PLOT_FOREST, title);
    double *x, *y, *l, *h;
    bool *done;

    if (!c)
        return NULL;
    plot_chart_axes(c, xlabel, NULL);
    plot_chart_csv_names(c, "mean_diff", "row");
    plot_chart_categories(c, nrows, labels);
    x = xmalloc((nrows ? nrows : 1) * sizeof *x);
    y = xmalloc((nrows ? nrows : 1) * sizeof *y);
    l = xmalloc((nrows ? nrows : 1) * sizeof *l);
    h = xmalloc((nrows ? nrows : 1) * sizeof *h);
    done = calloc(nrows ? nrows : 1, sizeof *done);
    if (!done)
        SIM_OOM("plot: out of memory");
    /* One series per group, so each group has one colour and one legend
     * entry; rows keep the order given. */
    for (size_t i = 0; i < nrows; i++) {
        const char *g = groups && groups[i] ? groups[i] : "";
        struct plot_style st;
        size_t n = 0;

        if (done[i])
            continue;
        for (size_t j = i; j < nrows; j++) {
            const char *gj = groups && groups[j] ? groups[j] : "";

            if (done[j] || strcmp(g, gj) != 0)
                continue;
            done[j] = true;
            x[n] = diff[j];
            y[n] = (double)j;
            l[n] = lo ? lo[j] : (double)NAN;
            h[n] = hi ? hi[j] : (double)NAN;
            n++;
        }
        st = pal && *g ? plot_palette_style(pal, kind ? kind : "policy", g)
                       : plot_style_nth(0);
        if (!*g)
            st.marker = PLOT_MARK_SQUARE;
        plot_chart_add(c, g, &st, n, x, y, l, h);
    }
    plot_chart_note(c, "bars: confidence interval of the paired difference");
    free(x);
    free(y);
    free(l);
    free(h);
    free(done);
    return c;
}
