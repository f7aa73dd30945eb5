/* plots/kit.c -- colours, styles, ticks and text for the charts.
 *
 * The house style is fixed here once (ECOSYSTEM.md 7.2): Okabe-Ito for
 * categories, viridis for sequential data, DejaVu Sans through Pango, and
 * a dash and marker per category so a chart printed in grey still tells
 * its lines apart.
 */
#include "plots/kit.h"
#include "sim/err.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pango/pangocairo.h>

#define PI 3.14159265358979323846

const struct plot_rgb plot_okabe_ito[8] = {
    { 0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0 },   /* orange */
    { 0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0 },   /* sky blue */
    { 0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0 },   /* bluish green */
    { 0xF0 / 255.0, 0xE4 / 255.0, 0x42 / 255.0 },   /* yellow */
    { 0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0 },   /* blue */
    { 0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0 },   /* vermillion */
    { 0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0 },   /* reddish purple */
    { 0x00 / 255.0, 0x00 / 255.0, 0x00 / 255.0 },   /* black */
};

/* viridis(16) as matplotlib and viridisLite define it. */
static const unsigned viridis16[16] = {
    0x440154, 0x481A6C, 0x472F7D, 0x414487, 0x39568C, 0x31688E, 0x2A788E,
    0x23888E, 0x1F988B, 0x22A884, 0x35B779, 0x54C568, 0x7AD151, 0xA5DB36,
    0xD2E21B, 0xFDE725,
};

struct plot_rgb plot_viridis(double t)
{
    double x;
    size_t i;
    struct plot_rgb a, b, c;

    if (!(t > 0.0))
        t = 0.0;
    if (t > 1.0)
        t = 1.0;
    x = t * 15.0;
    i = (size_t)x;
    if (i >= 15)
        i = 14;
    x -= (double)i;
    a = (struct plot_rgb){ (viridis16[i] >> 16) / 255.0,
                           ((viridis16[i] >> 8) & 0xff) / 255.0,
                           (viridis16[i] & 0xff) / 255.0 };
    b = (struct plot_rgb){ (viridis16[i + 1] >> 16) / 255.0,
                           ((viridis16[i + 1] >> 8) & 0xff) / 255.0,
                           (viridis16[i + 1] & 0xff) / 255.0 };
    c.r = a.r + (b.r - a.r) * x;
    c.g = a.g + (b.g - a.g) * x;
    c.b = a.b + (b.b - a.b) * x;
    return c;
}

/* Okabe-Ito without the yellow, which vanishes as a thin line on white. */
static const int line_colors[7] = { 0, 1, 2, 4, 5, 6, 7 };

/* Dash patterns in points; index 0 is solid. */
static const double dash_tab[5][4] = {
    { 0, 0, 0, 0 }, { 4.0, 2.0, 0, 0 }, { 1.0, 1.6, 0, 0 },
    { 4.0, 1.6, 1.0, 1.6 }, { 7.0, 2.2, 0, 0 },
};
static const int dash_len[5] = { 0, 2, 2, 4, 2 };

struct plot_style plot_style_nth(size_t i)
{
    struct plot_style s;

    /* Past seven lines the colours repeat; the marker moves on one and the
     * dash three, so lines i and i + 7 differ in both (with the marker tied
     * to the colour, the dashes alone told apart 'dashed' and 'long dashed'
     * lines of one colour, which read as one style in a legend). Colour and
     * marker repeat together only after 49. */
    s.color = plot_okabe_ito[line_colors[i % 7]];
    s.dash = (int)((i + i / 7) % 5);
    s.marker = (enum plot_marker)(1 + (i + i / 7) % 7);
    return s;
}

struct plot_style plot_style_grey(void)
{
    struct plot_style s = { { 0.55, 0.55, 0.55 }, 0, PLOT_MARK_NONE };

    return s;
}

/* ---- palette ---- */

struct pal_entry {
    char *kind, *name;          /* owned */
    size_t index;               /* position within its kind */
};

struct plot_palette {
    struct pal_entry *e;
    size_t n, cap;
};

struct plot_palette *plot_palette_new(void)
{
    return calloc(1, sizeof(struct plot_palette));
}

void plot_palette_free(struct plot_palette *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->e[i].kind);
        free(p->e[i].name);
    }
    free(p->e);
    free(p);
}

struct plot_style plot_palette_style(struct plot_palette *p, const char *kind,
                                     const char *name)
{
    size_t in_kind = 0;

    for (size_t i = 0; i < p->n; i++) {
        if (strcmp(p->e[i].kind, kind) != 0)
            continue;
        if (strcmp(p->e[i].name, name) == 0)
            return plot_style_nth(p->e[i].index);
        in_kind++;
    }
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 32;
        p->e = realloc(p->e, p->cap * sizeof *p->e);
        if (!p->e)
            SIM_OOM("plot: out of memory");
    }
    p->e[p->n].kind = strdup(kind);
    p->e[p->n].name = strdup(name);
    p->e[p->n].index = in_kind;
    if (!p->e[p->n].kind || !p->e[p->n].name)
        SIM_OOM("plot: out of memory");
    p->n++;
    return plot_style_nth(in_kind);
}

/* ---- ticks ---- */

/* Heckbert, "Nice numbers for graph labels", Graphics Gems (1990). */
static double nicenum(double x, bool round)
{
    double e = floor(log10(x)), f = x / pow(10.0, e), nf;

    if (round)
        nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    else
        nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nf * pow(10.0, e);
}

void plot_ticks_linear(double lo, double hi, int want, bool loose,
                       struct plot_ticks *t)
{
    double step, gmin, gmax;

    if (!isfinite(lo) || !isfinite(hi)) {
        lo = 0.0;
        hi = 1.0;
    }
    if (hi < lo) {
        double x = lo;

        lo = hi;
        hi = x;
    }
    if (hi - lo <= 1e-12 * fmax(fabs(lo), fabs(hi))) {
        double d = lo == 0.0 ? 1.0 : 0.1 * fabs(lo);

        lo -= d;
        hi += d;
    }
    if (want < 2)
        want = 2;
    step = nicenum(nicenum(hi - lo, false) / (want - 1), true);
    gmin = floor(lo / step + 1e-9) * step;
    gmax = ceil(hi / step - 1e-9) * step;
    t->lo = loose ? gmin : lo;
    t->hi = loose ? gmax : hi;
    t->n = 0;
    for (int k = 0; t->n < PLOT_MAX_TICKS; k++) {
        double v = gmin + k * step;

        if (v > t->hi + 1e-9 * step)
            break;
        if (fabs(v) < 1e-9 * step)
            v = 0.0;                    /* not "-0" or "1e-17" */
        if (v < t->lo - 1e-9 * step)
            continue;
        t->major[t->n] = true;
        t->v[t->n++] = v;
    }
    t->decimals = (int)fmax(0.0, -floor(log10(step) + 1e-9));
}

void plot_ticks_log(double lo, double hi, struct plot_ticks *t)
{
    int a, b, every;
    static const double mid[2] = { 2.0, 5.0 };

    if (!(lo > 0.0) || !isfinite(lo))
        lo = 1.0;
    if (!(hi > lo) || !isfinite(hi))
        hi = lo * 10.0;
    a = (int)floor(log10(lo) + 1e-9);
    b = (int)ceil(log10(hi) - 1e-9);
    if (b <= a)
        b = a + 1;
    t->lo = pow(10.0, a);
    t->hi = pow(10.0, b);
    t->n = 0;
    t->decimals = 0;
    every = (b - a + 7) / 8;            /* at most about 8 labelled decades */
    for (int k = a; k <= b && t->n < PLOT_MAX_TICKS; k++) {
        double d = pow(10.0, k);

        t->v[t->n] = d;
        t->major[t->n++] = (k - a) % every == 0;
        if (k == b)
            break;
        if (b - a <= 2) {
            /* A short range needs labels between decades to be readable. */
            for (int m = 0; m < 2 && t->n < PLOT_MAX_TICKS; m++) {
                t->v[t->n] = mid[m] * d;
                t->major[t->n++] = true;
            }
        } else if (b - a <= 6) {
            for (int m = 2; m <= 9 && t->n < PLOT_MAX_TICKS; m++) {
                t->v[t->n] = m * d;
                t->major[t->n++] = false;
            }
        }
    }
}

void plot_tick_label(const struct plot_ticks *t, double v, bool log, char *buf,
                     size_t len)
{
    double a = fabs(v);

    if (log) {
        if (a >= 1e6)
            snprintf(buf, len, "%gM", v / 1e6);
        else if (a >= 1e4)
            snprintf(buf, len, "%gk", v / 1e3);
        else
            snprintf(buf, len, "%g", v);
        return;
    }
    if (a >= 1e6 && t->decimals == 0 && fmod(v, 1e5) == 0.0)
        snprintf(buf, len, "%gM", v / 1e6);
    else if (a >= 1e4 && t->decimals == 0 && fmod(v, 100.0) == 0.0)
        snprintf(buf, len, "%gk", v / 1e3);
    else
        snprintf(buf, len, "%.*f", t->decimals, v);
}

/* ---- text ---- */

static PangoLayout *layout_for(cairo_t *cr, const char *text,
                               const struct plot_font *f)
{
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_new();
    cairo_font_options_t *fo = cairo_font_options_create();

    /* Unhinted metrics: text measures the same on PNG, SVG and PDF
     * surfaces, so one layout fits all of them. */
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(pango_layout_get_context(l), fo);
    pango_layout_context_changed(l);
    cairo_font_options_destroy(fo);
    pango_font_description_set_family(fd, "DejaVu Sans");
    pango_font_description_set_absolute_size(fd, f->size * PANGO_SCALE);
    pango_font_description_set_weight(fd, f->bold ? PANGO_WEIGHT_BOLD
                                                   : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_text(l, text, -1);
    return l;
}

void plot_text_extent(cairo_t *cr, const char *text, const struct plot_font *f,
                      double *w, double *h)
{
    PangoLayout *l = layout_for(cr, text, f);
    PangoRectangle ink, logical;

    pango_layout_get_extents(l, &ink, &logical);
    *w = (double)logical.width / PANGO_SCALE;
    *h = (double)logical.height / PANGO_SCALE;
    g_object_unref(l);
}

void plot_text(cairo_t *cr, double x, double y, const char *text,
               const struct plot_font *f, double ax, double ay, double angle,
               double max_w)
{
    PangoLayout *l = layout_for(cr, text, f);
    PangoRectangle logical;

    if (max_w > 0) {
        pango_layout_set_width(l, (int)(max_w * PANGO_SCALE));
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    }
    pango_layout_get_extents(l, NULL, &logical);
    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_rotate(cr, angle);
    cairo_move_to(cr, -ax * logical.width / PANGO_SCALE - (double)logical.x / PANGO_SCALE,
                  -ay * logical.height / PANGO_SCALE);
    cairo_set_source_rgb(cr, f->color.r, f->color.g, f->color.b);
    pango_cairo_show_layout(cr, l);
    cairo_restore(cr);
    g_object_unref(l);
}

/* ---- lines and markers ---- */

void plot_set_line(cairo_t *cr, const struct plot_style *s, double width)
{
    int d = s->dash < 0 || s->dash > 4 ? 0 : s->dash;

    cairo_set_source_rgb(cr, s->color.r, s->color.g, s->color.b);
    cairo_set_line_width(cr, width);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, d == 2 ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
    cairo_set_dash(cr, dash_tab[d], dash_len[d], 0.0);
}

void plot_marker(cairo_t *cr, enum plot_marker m, double x, double y,
                 double size, const struct plot_rgb *fill)
{
    double r = size / 2.0;

    cairo_save(cr);
    cairo_set_dash(cr, NULL, 0, 0.0);
    cairo_new_path(cr);
    switch (m) {
    case PLOT_MARK_NONE:
        cairo_restore(cr);
        return;
    case PLOT_MARK_CIRCLE:
        cairo_arc(cr, x, y, r, 0, 2 * PI);
        break;
    case PLOT_MARK_SQUARE:
        cairo_rectangle(cr, x - 0.85 * r, y - 0.85 * r, 1.7 * r, 1.7 * r);
        break;
    case PLOT_MARK_TRIANGLE:
        cairo_move_to(cr, x, y - 1.1 * r);
        cairo_line_to(cr, x + r, y + 0.75 * r);
        cairo_line_to(cr, x - r, y + 0.75 * r);
        cairo_close_path(cr);
        break;
    case PLOT_MARK_TRIANGLE_DOWN:
        cairo_move_to(cr, x, y + 1.1 * r);
        cairo_line_to(cr, x + r, y - 0.75 * r);
        cairo_line_to(cr, x - r, y - 0.75 * r);
        cairo_close_path(cr);
        break;
    case PLOT_MARK_DIAMOND:
        cairo_move_to(cr, x, y - 1.15 * r);
        cairo_line_to(cr, x + 0.9 * r, y);
        cairo_line_to(cr, x, y + 1.15 * r);
        cairo_line_to(cr, x - 0.9 * r, y);
        cairo_close_path(cr);
        break;
    case PLOT_MARK_CROSS:
        cairo_move_to(cr, x - r, y - r);
        cairo_line_to(cr, x + r, y + r);
        cairo_move_to(cr, x - r, y + r);
        cairo_line_to(cr, x + r, y - r);
        break;
    case PLOT_MARK_PLUS:
        cairo_move_to(cr, x - 1.1 * r, y);
        cairo_line_to(cr, x + 1.1 * r, y);
        cairo_move_to(cr, x, y - 1.1 * r);
        cairo_line_to(cr, x, y + 1.1 * r);
        break;
    }
    if (m == PLOT_MARK_CROSS || m == PLOT_MARK_PLUS) {
        cairo_set_line_width(cr, 0.9);
        cairo_set_source_rgb(cr, fill->r, fill->g, fill->b);
        cairo_stroke(cr);
    } else {
        cairo_set_source_rgb(cr, fill->r, fill->g, fill->b);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 0.4);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
}

void plot_file_open(struct plot_file *pf, const char *path)
{
    pf->f = fopen(path, "wb");
    pf->err = pf->f ? 0 : (errno ? errno : EIO);
}

cairo_status_t plot_file_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct plot_file *pf = closure;

    if (pf->err)
        return CAIRO_STATUS_WRITE_ERROR;
    errno = 0;
    if (fwrite(data, 1, len, pf->f) != len) {
        pf->err = errno ? errno : EIO;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

int plot_file_close(struct plot_file *pf)
{
    if (pf->f) {
        errno = 0;
        if (fclose(pf->f) != 0 && !pf->err)
            pf->err = errno ? errno : EIO;
        pf->f = NULL;
    }
    return pf->err;
}

void plot_pdf_date(char *buf, size_t len)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    char *end;
    long long s;

    if (e && *e) {
        s = strtoll(e, &end, 10);
        if (*end == '\0' && s >= 0) {
            time_t tt = (time_t)s;
            struct tm tm;

            if (gmtime_r(&tt, &tm)) {
                strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
                return;
            }
        }
    }
    snprintf(buf, len, "2026-01-01T00:00:00Z");
}
