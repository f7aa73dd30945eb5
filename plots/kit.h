/* plots/kit.h -- the drawing kit under every chart: colours, line styles,
 * markers, nice-number ticks and text through PangoCairo.
 *
 * Everything draws in points on a 460.8 x 288 pt canvas (6.4 x 4.0 in,
 * ECOSYSTEM.md 7.2); PNG output scales that to 1600 x 1000 px (250 dpi),
 * so one layout serves PNG, SVG, PDF and the report. Nothing here keeps
 * state between calls: a palette is an object its owner passes around.
 */
#ifndef PLOTS_KIT_H
#define PLOTS_KIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <cairo.h>

#define PLOT_W_PT 460.8         /* canvas width, points */
#define PLOT_H_PT 288.0
#define PLOT_PNG_W 1600         /* pixels */
#define PLOT_PNG_H 1000

struct plot_rgb {
    double r, g, b;
};

enum plot_marker {
    PLOT_MARK_NONE, PLOT_MARK_CIRCLE, PLOT_MARK_SQUARE, PLOT_MARK_TRIANGLE,
    PLOT_MARK_DIAMOND, PLOT_MARK_TRIANGLE_DOWN, PLOT_MARK_CROSS,
    PLOT_MARK_PLUS
};

/* How one category (GPU model, archetype, policy, state) is drawn: colour
 * plus a dash pattern and a marker, so lines stay apart in greyscale. */
struct plot_style {
    struct plot_rgb color;
    int dash;                   /* index into the kit's dash table, 0 = solid */
    enum plot_marker marker;
};

/* Okabe-Ito, in the order of ECOSYSTEM.md 7.2 (index 3 is the yellow). */
extern const struct plot_rgb plot_okabe_ito[8];

/* Viridis at t in [0, 1] (clamped), interpolated from 16 stops. */
struct plot_rgb plot_viridis(double t);

/* The i-th categorical style: the seven Okabe-Ito colours that read as
 * thin lines (no yellow), each with its own dash and marker; after seven
 * the colours repeat with the next dash pattern. */
struct plot_style plot_style_nth(size_t i);
/* Neutral grey, for "other" and reference lines. */
struct plot_style plot_style_grey(void);

/* ---- palette: one style per (kind, name) for the whole report ---- */

struct plot_palette;

struct plot_palette *plot_palette_new(void);          /* NULL on OOM */
void plot_palette_free(struct plot_palette *p);
/* The style of 'name' within 'kind' ("gpu", "archetype", "policy"...):
 * the next unused categorical style the first time a name is seen, the
 * same one afterwards. Register names in a stable order (sorted, or by
 * importance) before drawing so colours do not depend on chart order. */
struct plot_style plot_palette_style(struct plot_palette *p, const char *kind,
                                     const char *name);

/* ---- ticks ---- */

#define PLOT_MAX_TICKS 64

struct plot_ticks {
    double lo, hi;              /* axis range after rounding (loose) */
    double v[PLOT_MAX_TICKS];   /* tick values inside [lo, hi] */
    bool major[PLOT_MAX_TICKS]; /* labelled (log axes have minor ticks) */
    size_t n;
    int decimals;               /* digits after the point for labels */
};

/* Heckbert's nice numbers: about 'want' ticks covering [lo, hi]. With
 * 'loose' the range grows to whole ticks; otherwise it stays as given and
 * only ticks inside it are kept. lo == hi is widened around the value. */
void plot_ticks_linear(double lo, double hi, int want, bool loose,
                       struct plot_ticks *t);
/* Decades (and 2, 5 between them when the range is short); lo > 0. */
void plot_ticks_log(double lo, double hi, struct plot_ticks *t);
/* Tick label: fixed decimals, thousands as "12k", millions as "3M". */
void plot_tick_label(const struct plot_ticks *t, double v, bool log, char *buf,
                     size_t len);

/* ---- drawing helpers ---- */

/* Anchors for text: 0 = left/top, 0.5 = centre, 1 = right/bottom. */
struct plot_font {
    double size;                /* points */
    bool bold;
    struct plot_rgb color;
};

/* Draws 'text' (UTF-8, plain) with its anchor point at (x, y), rotated by
 * 'angle' radians around it. 'max_w' > 0 ellipsizes longer text. */
void plot_text(cairo_t *cr, double x, double y, const char *text,
               const struct plot_font *f, double ax, double ay, double angle,
               double max_w);
/* Width and height the text would take. */
void plot_text_extent(cairo_t *cr, const char *text, const struct plot_font *f,
                      double *w, double *h);

void plot_set_line(cairo_t *cr, const struct plot_style *s, double width);
void plot_marker(cairo_t *cr, enum plot_marker m, double x, double y,
                 double size, const struct plot_rgb *fill);

/* The fixed creation date of every PDF, so outputs are byte-reproducible:
 * SOURCE_DATE_EPOCH when set (as ISO 8601), else 2026-01-01T00:00:00Z. */
void plot_pdf_date(char *buf, size_t len);

/* A chart file written through a cairo stream (plot_file_write is the
 * cairo_write_func_t, the plot_file its closure). It keeps the errno of
 * the first write that failed: cairo reports only a write error, and
 * by the time its caller looked, errno held whatever a later call had
 * left there (a file past the size limit once read "Resource
 * temporarily unavailable"). */
struct plot_file {
    FILE *f;
    int err;                        /* the first failure's errno; 0: none */
};

/* Opens 'path' for writing; a failure is kept for plot_file_close. */
void plot_file_open(struct plot_file *pf, const char *path);
cairo_status_t plot_file_write(void *closure, const unsigned char *data, unsigned int len);
/* Closes the file: 0, or the errno of its first failure. */
int plot_file_close(struct plot_file *pf);

#endif
