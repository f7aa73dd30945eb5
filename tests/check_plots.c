/* tests/check_plots.c -- the chart kit: ticks, every chart type drawn and
 * inspected pixel by pixel, deterministic SVG/PDF, and the default set from
 * the fixture result directory tests/fixtures/plots/. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cairo.h>
#include "plots/plot.h"
#include "sim/table.h"
#include "tests/suites.h"

#define FIXTURE "tests/fixtures/plots"

static char *join(const char *a, const char *b)
{
    char *p = malloc(strlen(a) + strlen(b) + 2);

    sprintf(p, "%s/%s", a, b);
    return p;
}

/* Deletes the plain files in 'dir' (not its subdirectories). */
static void remove_files(const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *de;

    ck_assert_ptr_nonnull(dp);
    while ((de = readdir(dp)) != NULL) {
        char *p = join(dir, de->d_name);
        struct stat st;

        if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
            ck_assert_int_eq(remove(p), 0);
        free(p);
    }
    closedir(dp);
}

static bool file_exists(const char *dir, const char *name)
{
    char *p = join(dir, name);
    struct stat st;
    bool ok = stat(p, &st) == 0 && st.st_size > 0;

    free(p);
    return ok;
}

/* Renders at PNG size and keeps the image for pixel checks. */
static cairo_surface_t *render(const struct plot_chart *c)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
                                                    PLOT_PNG_W, PLOT_PNG_H);
    cairo_t *cr = cairo_create(s);

    cairo_scale(cr, PLOT_PNG_W / PLOT_W_PT, PLOT_PNG_H / PLOT_H_PT);
    plot_chart_draw(c, cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    return s;
}

/* Colour of the pixel under canvas point (x, y) in points. */
static struct plot_rgb pixel(cairo_surface_t *s, double x, double y)
{
    int px = (int)(x * PLOT_PNG_W / PLOT_W_PT), py = (int)(y * PLOT_PNG_H / PLOT_H_PT);
    const unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    uint32_t v = *(const uint32_t *)(const void *)(d + py * stride + px * 4);
    struct plot_rgb c = { ((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0,
                          (v & 0xff) / 255.0 };

    return c;
}

static bool near(struct plot_rgb a, struct plot_rgb b, double tol)
{
    return fabs(a.r - b.r) <= tol && fabs(a.g - b.g) <= tol && fabs(a.b - b.b) <= tol;
}

static bool at(const struct plot_chart *c, cairo_surface_t *s, size_t panel,
               double x, double y, struct plot_rgb want, double tol)
{
    double cx, cy;

    plot_chart_locate(c, panel, x, y, &cx, &cy);
    return near(pixel(s, cx, cy), want, tol);
}

static size_t non_white(cairo_surface_t *s)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    size_t n = 0;

    for (int y = 0; y < PLOT_PNG_H; y++)
        for (int x = 0; x < PLOT_PNG_W; x++)
            if ((*(const uint32_t *)(const void *)(d + y * stride + x * 4) & 0xffffff) != 0xffffff)
                n++;
    return n;
}

static const struct plot_rgb white = { 1, 1, 1 };

START_TEST(nice_ticks)
{
    struct plot_ticks t;
    char buf[32];

    plot_ticks_linear(0.0, 9.3, 6, true, &t);
    ck_assert(t.lo == 0.0 && t.hi == 10.0);
    ck_assert_uint_eq(t.n, 6);
    ck_assert(t.v[1] == 2.0);
    plot_ticks_linear(0.013, 0.0871, 5, true, &t);
    ck_assert(fabs(t.lo - 0.0) < 1e-12 && fabs(t.hi - 0.1) < 1e-12);
    ck_assert_int_eq(t.decimals, 2);
    plot_tick_label(&t, t.v[1], false, buf, sizeof buf);
    ck_assert_str_eq(buf, "0.02");
    plot_ticks_linear(0.0, 40000.0, 5, true, &t);
    plot_tick_label(&t, 20000.0, false, buf, sizeof buf);
    ck_assert_str_eq(buf, "20k");
    plot_ticks_linear(5.0, 5.0, 5, true, &t);      /* degenerate range */
    ck_assert(t.lo < 5.0 && t.hi > 5.0);
    plot_ticks_log(0.5, 300.0, &t);
    ck_assert(fabs(t.lo - 0.1) < 1e-12 && fabs(t.hi - 1000.0) < 1e-9);
    plot_tick_label(&t, 1000.0, true, buf, sizeof buf);
    ck_assert_str_eq(buf, "1000");
}
END_TEST

START_TEST(palette_is_stable)
{
    struct plot_palette *p = plot_palette_new();
    struct plot_style a = plot_palette_style(p, "gpu", "H100");
    struct plot_style b = plot_palette_style(p, "gpu", "A100");
    struct plot_style c = plot_palette_style(p, "archetype", "academic");
    struct plot_style a2 = plot_palette_style(p, "gpu", "H100");

    ck_assert(near(a.color, a2.color, 0) && a.dash == a2.dash && a.marker == a2.marker);
    ck_assert(!near(a.color, b.color, 0.01));
    ck_assert(near(a.color, c.color, 0));         /* each kind starts afresh */
    ck_assert(near(a.color, plot_okabe_ito[0], 0));
    for (size_t i = 0; i < 7; i++)                 /* no yellow for lines */
        ck_assert(!near(plot_style_nth(i).color, plot_okabe_ito[3], 0.01));
    ck_assert(plot_style_nth(0).dash != plot_style_nth(1).dash);
    ck_assert(plot_style_nth(0).marker != plot_style_nth(1).marker);
    /* The first 49 lines differ in colour or marker, not in a dash alone
     * (a sweep chart's 4th and 11th line were alike but for dashed / long
     * dashed). */
    for (size_t i = 0; i < 49; i++)
        for (size_t j = i + 1; j < 49; j++)
            ck_assert_msg(!near(plot_style_nth(i).color, plot_style_nth(j).color, 0) ||
                          plot_style_nth(i).marker != plot_style_nth(j).marker,
                          "lines %zu and %zu differ only in dash", i, j);
    plot_palette_free(p);
}
END_TEST

START_TEST(line_with_band)
{
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "line");
    double x[5] = { 0, 1, 2, 3, 4 }, y[5] = { 2, 2, 2, 2, 2 };
    double lo[5] = { 1, 1, 1, 1, 1 }, hi[5] = { 3, 3, 3, 3, 3 };
    struct plot_style st = plot_style_nth(3);      /* blue */
    cairo_surface_t *s;

    st.dash = 0;
    plot_chart_axes(c, "Time [days]", "Price [USD/GPU-h]");
    plot_chart_yrange(c, 0, 4);
    plot_chart_add(c, "A", &st, 5, x, y, lo, hi);
    s = render(c);
    ck_assert_int_eq(cairo_image_surface_get_width(s), 1600);
    ck_assert(non_white(s) > 5000);
    ck_assert(at(c, s, 0, 1.5, 2.0, st.color, 0.05));      /* the line */
    /* The band: a light tint of the colour, neither white nor the line. */
    {
        double cx, cy;
        struct plot_rgb b;

        plot_chart_locate(c, 0, 1.5, 2.6, &cx, &cy);
        b = pixel(s, cx, cy);
        ck_assert(!near(b, white, 0.02) && !near(b, st.color, 0.2));
        ck_assert(b.b > b.r);
    }
    ck_assert(at(c, s, 0, 1.5, 3.6, white, 0.13));         /* above the band */
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

/* Is any pixel within 3 pixels left or right of data point (x, y) near
 * 'want'? (A thin vertical stroke may fall between two pixel centres.) */
static bool near_row(const struct plot_chart *c, cairo_surface_t *s, double x, double y,
                     struct plot_rgb want, double tol)
{
    double cx, cy;

    plot_chart_locate(c, 0, x, y, &cx, &cy);
    for (int d = -3; d <= 3; d++)
        if (near(pixel(s, cx + d * PLOT_W_PT / PLOT_PNG_W, cy), want, tol))
            return true;
    return false;
}

/* A long series has many points per pixel column; each column is drawn
 * as its first point, its extremes and its last, so a one-point spike in
 * 40,000 still shows at full height, up and down, and flat stretches stay
 * one thin line. */
START_TEST(dense_line_keeps_each_columns_extremes)
{
    enum { N = 40000 };
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "dense");
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    struct plot_style st = plot_style_nth(3);
    cairo_surface_t *s;

    st.dash = 0;
    for (int i = 0; i < N; i++) {
        x[i] = i;
        y[i] = 0.0;
    }
    y[12345] = 1.0;
    y[27001] = -1.0;
    plot_chart_yrange(c, -1.2, 1.2);
    plot_chart_add(c, "A", &st, N, x, y, NULL, NULL);
    s = render(c);
    ck_assert(near_row(c, s, 12345, 0.9, st.color, 0.15));     /* up to the spike */
    ck_assert(near_row(c, s, 27001, -0.9, st.color, 0.15));    /* down to the dip */
    ck_assert(near_row(c, s, 5000, 0.0, st.color, 0.15));      /* the flat line */
    ck_assert(at(c, s, 0, 5000, 0.3, white, 0.02));            /* nothing above it, */
    ck_assert(at(c, s, 0, 5000, -0.3, white, 0.02));           /* or below */
    ck_assert(at(c, s, 0, 21000, -0.3, white, 0.02));
    cairo_surface_destroy(s);
    plot_chart_free(c);
    free(x);
    free(y);
}
END_TEST

START_TEST(bars_zero_height_draws_nothing)
{
    static const char *const cats[3] = { "a", "b", "c" };
    struct plot_chart *c = plot_chart_new(PLOT_BARS, "bars");
    double y[3] = { 4, 0, 2 }, lo[3] = { 3.5, 0, 1.5 }, hi[3] = { 4.5, 0, 2.5 };
    struct plot_style st = plot_style_nth(2);
    cairo_surface_t *s;

    plot_chart_categories(c, 3, cats);
    plot_chart_add(c, "policy", &st, 3, NULL, y, lo, hi);
    s = render(c);
    ck_assert(at(c, s, 0, 0.0, 2.0, st.color, 0.02));
    ck_assert(at(c, s, 0, 2.0, 1.0, st.color, 0.02));
    ck_assert(!at(c, s, 0, 1.0, 0.05, st.color, 0.3));    /* no bar at all */
    ck_assert(!at(c, s, 0, 1.0, 0.5, st.color, 0.3));
    ck_assert(at(c, s, 0, 2.0, 2.8, white, 0.15));         /* above bar c */
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

START_TEST(histogram_shared_bins)
{
    static const char *const panels[2] = { "datacenter", "hobby" };
    struct plot_chart *c = plot_chart_new(PLOT_HIST, "hist");
    double x[4] = { 0.90, 0.91, 0.92, 0.93 }, y1[4] = { 5, 0, 3, 1 }, y2[4] = { 0, 4, 0, 2 };
    struct plot_style a = plot_style_nth(0), b = plot_style_nth(1);
    size_t i;
    cairo_surface_t *s;

    plot_chart_panels(c, 2, panels);
    i = plot_chart_add(c, "datacenter", &a, 4, x, y1, NULL, NULL);
    plot_series_panel(c, i, 0);
    i = plot_chart_add(c, "hobby", &b, 4, x, y2, NULL, NULL);
    plot_series_panel(c, i, 1);
    s = render(c);
    ck_assert(at(c, s, 0, 0.905, 2.0, a.color, 0.02));
    ck_assert(!at(c, s, 0, 0.915, 0.1, a.color, 0.3));    /* empty bin */
    ck_assert(at(c, s, 1, 0.915, 2.0, b.color, 0.02));
    ck_assert(!at(c, s, 1, 0.905, 0.1, b.color, 0.3));
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

START_TEST(stacked_area_and_ecdf)
{
    struct plot_chart *c = plot_chart_new(PLOT_AREA, "area");
    double x[3] = { 0, 1, 2 }, a[3] = { 2, 2, 2 }, b[3] = { 1, 1, 1 };
    struct plot_style sa = plot_style_nth(3), sb = plot_style_nth(0);
    cairo_surface_t *s;

    plot_chart_add(c, "low", &sa, 3, x, a, NULL, NULL);
    plot_chart_add(c, "high", &sb, 3, x, b, NULL, NULL);
    s = render(c);
    ck_assert(at(c, s, 0, 1.0, 1.0, sa.color, 0.02));
    ck_assert(at(c, s, 0, 1.0, 2.5, sb.color, 0.02));      /* stacked on top */
    cairo_surface_destroy(s);
    plot_chart_free(c);

    c = plot_chart_new(PLOT_ECDF, "ecdf");
    {
        double w[3] = { 1, 10, 100 }, q[3] = { 0.2, 0.5, 1.0 };

        plot_chart_log(c, true, false);
        plot_chart_add(c, "academic", &sa, 3, w, q, NULL, NULL);
        s = render(c);
        ck_assert(at(c, s, 0, 3.0, 0.2, sa.color, 0.05));  /* flat step */
        ck_assert(at(c, s, 0, 30.0, 0.5, sa.color, 0.05));
        ck_assert(at(c, s, 0, 30.0, 0.8, white, 0.15));
        cairo_surface_destroy(s);
    }
    plot_chart_free(c);
}
END_TEST

/* A stack of one sample (a run shorter than its sample interval) drew
 * nothing, on an axis from -1 to 1 day: it is a bar at t = 0 now, on an
 * axis fixed at 0 that widens to the right. */
START_TEST(stacked_area_of_one_sample)
{
    struct plot_chart *c = plot_chart_new(PLOT_AREA, "one sample");
    double x[1] = { 0 }, a[1] = { 4 }, b[1] = { 2 }, cx, cy, rx, ry;
    struct plot_style sa = plot_style_nth(3), sb = plot_style_nth(0);
    cairo_surface_t *s;

    plot_chart_xrange(c, 0.0, NAN);
    plot_chart_add(c, "low", &sa, 1, x, a, NULL, NULL);
    plot_chart_add(c, "high", &sb, 1, x, b, NULL, NULL);
    s = render(c);
    plot_chart_locate(c, 0, 0.0, 2.0, &cx, &cy);
    plot_chart_locate(c, 0, 1.0, 2.0, &rx, &ry);
    ck_assert(cx < 0.2 * PLOT_W_PT);            /* t = 0 at the left edge */
    ck_assert(rx > cx + 0.5 * PLOT_W_PT);       /* 0 to 1, not -1 to 1 */
    ck_assert(near(pixel(s, cx + 3, cy), sa.color, 0.02));
    plot_chart_locate(c, 0, 0.0, 5.0, &cx, &cy);
    ck_assert(near(pixel(s, cx + 3, cy), sb.color, 0.02));   /* stacked on top */
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

START_TEST(scatter_frontier_and_forest)
{
    struct plot_chart *c = plot_chart_new(PLOT_SCATTER, "scatter");
    double x[4] = { 1, 2, 3, 4 }, y[4] = { 1, 3, 2, 4 };
    struct plot_style st = plot_style_nth(1);
    size_t f;
    cairo_surface_t *s;

    plot_chart_add(c, "offers", &st, 4, x, y, NULL, NULL);
    f = plot_chart_add_fit(c, SIZE_MAX, PLOT_FIT_FRONTIER, "frontier");
    ck_assert_uint_ne(f, SIZE_MAX);
    /* (2, 3) is dominated by (3, 2): faster and cheaper. */
    ck_assert_uint_ne(plot_chart_add_fit(c, 0, PLOT_FIT_OLS, "ols"), SIZE_MAX);
    ck_assert_uint_eq(plot_chart_series_count(c), 3);
    s = render(c);
    ck_assert(at(c, s, 0, 2.0, 3.0, st.color, 0.05));
    cairo_surface_destroy(s);
    {
        char *dir = test_tmpdir(), *p = join(dir, "s.csv"), *text;

        ck_assert_int_eq(plot_chart_write_csv(c, p), SIM_OK);
        text = test_read_file(p, NULL);
        ck_assert_ptr_nonnull(strstr(text, "\"frontier\",\"\",1,1,,\n\"frontier\",\"\",3,2,,\n"
                                           "\"frontier\",\"\",4,4,,\n"));
        free(text);
        free(p);
        free(dir);
    }
    plot_chart_free(c);

    {
        static const char *const rows[2] = { "wait_h_mean academic", "cost startup" };
        static const char *const groups[2] = { "auction", "auction" };
        double d[2] = { -1.0, 0.5 }, lo[2] = { -1.5, -0.2 }, hi[2] = { -0.5, 1.2 };
        struct plot_palette *pal = plot_palette_new();
        struct plot_style ps = plot_palette_style(pal, "policy", "auction");

        c = plot_forest("contrasts", "difference", pal, "policy", 2, rows, groups, d, lo, hi);
        s = render(c);
        ck_assert(at(c, s, 0, -1.0, 0.0, ps.color, 0.05));
        ck_assert(at(c, s, 0, 0.5, 1.0, ps.color, 0.05));
        ck_assert(at(c, s, 0, 0.0, 0.5, (struct plot_rgb){ 0.3, 0.3, 0.3 }, 0.12)); /* zero line */
        cairo_surface_destroy(s);
        plot_chart_free(c);
        plot_palette_free(pal);
    }
}
END_TEST

START_TEST(sweep_from_arrays)
{
    static const char *const names[2] = { "fixed", "auction" };
    double x[3] = { 0.5, 1.0, 2.0 }, m[6] = { 1, 2, 3, 2, 2, 2 };
    double lo[6] = { 0.8, 1.8, 2.8, 1.9, 1.9, 1.9 }, hi[6] = { 1.2, 2.2, 3.2, 2.1, 2.1, 2.1 };
    struct plot_chart *c = plot_sweep("sweep", "demand.scale", "cost [USD]", NULL, NULL,
                                      2, names, 3, x, m, lo, hi);
    cairo_surface_t *s = render(c);

    ck_assert(at(c, s, 0, 1.0, 2.0, plot_style_nth(0).color, 0.35) ||
              at(c, s, 0, 1.0, 2.0, plot_style_nth(1).color, 0.35));
    ck_assert(at(c, s, 0, 2.0, 3.0, plot_style_nth(0).color, 0.05));
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

START_TEST(empty_chart_draws_axes_and_note)
{
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "nothing recorded");
    double x[2] = { NAN, NAN }, y[2] = { NAN, NAN };
    cairo_surface_t *s;

    plot_chart_axes(c, "Time [days]", "Price [USD/GPU-h]");
    plot_chart_add(c, "A", NULL, 2, x, y, NULL, NULL);
    plot_chart_add(c, "B", NULL, 0, NULL, NULL, NULL, NULL);
    s = render(c);
    ck_assert(non_white(s) > 2000);               /* title, axes, "no data" */
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

/* Binary-safe search (PDF streams hold NUL bytes). */
static bool contains(const char *buf, size_t n, const char *needle)
{
    size_t k = strlen(needle);

    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(buf + i, needle, k) == 0)
            return true;
    return false;
}

static char *save_twice_and_compare(const char *ext, unsigned fmt, size_t *len)
{
    static const char *const cats[2] = { "a", "b" };
    struct plot_chart *c = plot_chart_new(PLOT_BARS, "determinism");
    double y[2] = { 1, 2 };
    char *d1 = test_tmpdir(), *d2 = test_tmpdir(), name[16], *p1, *p2, *t1, *t2;
    size_t n1, n2;
    struct diag d = DIAG_INIT(stderr);
    bool same;

    plot_chart_categories(c, 2, cats);
    plot_chart_add(c, "x", NULL, 2, NULL, y, NULL, NULL);
    ck_assert_int_eq(plot_chart_save(c, d1, "c", fmt, &d), SIM_OK);
    ck_assert_int_eq(plot_chart_save(c, d2, "c", fmt, &d), SIM_OK);
    snprintf(name, sizeof name, "c.%s", ext);
    p1 = join(d1, name);
    p2 = join(d2, name);
    t1 = test_read_file(p1, &n1);
    t2 = test_read_file(p2, &n2);
    ck_assert_ptr_nonnull(t1);
    same = n1 == n2 && memcmp(t1, t2, n1) == 0;
    *len = n1;
    free(t2);
    free(p1);
    free(p2);
    free(d1);
    free(d2);
    plot_chart_free(c);
    return same ? t1 : (free(t1), NULL);
}

START_TEST(svg_and_pdf_are_deterministic)
{
    size_t ns, np;
    char *svg = save_twice_and_compare("svg", PLOT_FMT_SVG, &ns);
    char *pdf = save_twice_and_compare("pdf", PLOT_FMT_PDF, &np);

    ck_assert_ptr_nonnull(svg);
    ck_assert_ptr_nonnull(pdf);
    ck_assert(strncmp(pdf, "%PDF", 4) == 0);
    ck_assert(contains(pdf, np, "/CreationDate (20260101000000Z)"));
    ck_assert(contains(svg, ns, "<svg"));
    free(svg);
    free(pdf);
}
END_TEST

/* The report's title page leaves out a fact with no value: a field that
 * is NULL and one that is "" (a config the run did not name, a key
 * figure "label\t" with nothing after the tab) draw the same page, no
 * label without its value. A "Quick" config and a figure with a value
 * are drawn (the comparison sees a row). */
static char *report_bytes(const struct plot_report_info *info, size_t *len)
{
    char *dir = test_tmpdir(), *p = join(dir, "r.pdf"), *t;
    struct diag d = DIAG_INIT(stderr);

    ck_assert_int_eq(plot_report(p, info, NULL, 0, &d), SIM_OK);
    t = test_read_file(p, len);
    ck_assert_ptr_nonnull(t);
    free(p);
    free(dir);
    return t;
}

static bool same_report(const struct plot_report_info *a, const struct plot_report_info *b)
{
    size_t na, nb;
    char *ta = report_bytes(a, &na), *tb = report_bytes(b, &nb);
    bool same = na == nb && memcmp(ta, tb, na) == 0;

    free(ta);
    free(tb);
    return same;
}

START_TEST(title_page_skips_facts_without_a_value)
{
    static const char *const empty_fig[] = { "Served\t" };
    static const char *const fig[] = { "Served\t12" };
    struct plot_report_info none = { .scenario = "s.ini", .seed = "1" };
    struct plot_report_info blank = none, named = none;

    blank.config = "";
    blank.digest = "";
    blank.facts = empty_fig;
    blank.nfacts = 1;
    ck_assert(same_report(&none, &blank));
    named.config = "Quick";
    ck_assert(!same_report(&none, &named));
    named = none;
    named.facts = fig;
    named.nfacts = 1;
    ck_assert(!same_report(&none, &named));
}
END_TEST

/* The numbers after 'prefix' on the line of 'csv' that starts with it
 * (an empty field is NaN); returns how many were read, 0 when no line
 * starts so. */
static size_t row_nums(const char *csv, const char *prefix, double *v, size_t max)
{
    const char *l = csv;
    size_t k = 0, plen = strlen(prefix);

    while (l && strncmp(l, prefix, plen) != 0) {
        l = strchr(l, '\n');
        l = l ? l + 1 : NULL;
    }
    if (!l)
        return 0;
    l += plen;
    while (k < max && *l && *l != '\n') {
        char *end;

        v[k] = strtod(l, &end);
        if (end == l)
            v[k] = NAN;
        k++;
        l = end;
        if (*l != ',')
            break;
        l++;
    }
    return k;
}

START_TEST(default_set_from_fixture)
{
    static const char *const files[] = {
        "runs.csv", "params.csv", "scalars.csv", "timeseries.csv", "manifest.ini",
    };
    static const char *const charts[] = {
        "price", "utilisation", "supply", "wait_ecdf", "reliability", "cost", "price_perf",
    };
    char *dir = test_tmpdir(), *pd, *p, *text;
    struct diag d = DIAG_INIT(stderr);

    for (size_t i = 0; i < 5; i++) {
        char *src = join(FIXTURE, files[i]), *dst = join(dir, files[i]);

        text = test_read_file(src, NULL);
        ck_assert_ptr_nonnull(text);
        test_write_file(dst, text);
        free(text);
        free(src);
        free(dst);
    }
    ck_assert_int_eq(plot_result_dir(dir, NULL, NULL, &d), SIM_OK);
    ck_assert_int_eq(d.nerrors, 0);
    pd = join(dir, "plots");
    for (size_t i = 0; i < 7; i++) {
        char name[64];

        snprintf(name, sizeof name, "%s.png", charts[i]);
        ck_assert_msg(file_exists(pd, name), "%s missing", name);
        snprintf(name, sizeof name, "%s.svg", charts[i]);
        ck_assert(file_exists(pd, name));
        snprintf(name, sizeof name, "%s.pdf", charts[i]);
        ck_assert(file_exists(pd, name));
        snprintf(name, sizeof name, "%s.csv", charts[i]);
        ck_assert(file_exists(pd, name));
    }
    ck_assert(file_exists(dir, "report.pdf"));
    /* the spot charts are T5's and T6's alone: no empty ones here */
    ck_assert(!file_exists(pd, "spot.png"));
    ck_assert(!file_exists(pd, "spotckpt.png"));
    {
        /* report.pdf: a title page, then one page per chart drawn (7
         * PNGs here). A report that dropped its last chart passed. */
        size_t n, pages = 0;
        char *pdf;

        p = join(dir, "report.pdf");
        pdf = test_read_file(p, &n);
        ck_assert_ptr_nonnull(pdf);
        for (size_t i = 0; i + 12 <= n; i++)
            if (memcmp(pdf + i, "/Type /Page", 11) == 0 && pdf[i + 11] != 's')
                pages++;
        ck_assert_uint_eq(pages, 1 + 7);
        free(pdf);
        free(p);
    }
    /* Cost: mean over the two runs (1.0 and 1.2) with a 95% t-interval:
     * sd 0.1 sqrt 2, standard error 0.1, and the t quantile for one
     * degree of freedom (Cauchy) tan(0.475 pi) = 12.7062. A 90% interval
     * (quantile 0.95, 6.3138) passed every test. */
    p = join(pd, "cost.csv");
    text = test_read_file(p, NULL);
    ck_assert_ptr_nonnull(strstr(text, "series,category,cost_usd_per_work_h,"));
    ck_assert_ptr_nonnull(strstr(text, "\"base\",\"academic\",1.1000000000000001,"));
    {
        double v[3], half = 0.1 * tan(0.475 * 3.14159265358979323846);

        ck_assert_uint_eq(row_nums(text, "\"base\",\"academic\",", v, 3), 3);
        ck_assert_double_eq_tol(v[1], 1.1 - half, 1e-9);
        ck_assert_double_eq_tol(v[2], 1.1 + half, 1e-9);
    }
    ck_assert_ptr_nonnull(strstr(text, "\"base\",\"hobbyist\",0.10000000000000001,"));
    {
        /* one bar per archetype: the fixture's three, each in both runs,
         * not a bar per (run, archetype) row of scalars.csv */
        size_t rows = 0;

        for (const char *q = strstr(text, "\n\"base\","); q; q = strstr(q + 1, "\n\"base\","))
            rows++;
        ck_assert_uint_eq(rows, 3);
    }
    free(text);
    free(p);
    /* Price: the H100 (most GPUs listed) comes first; median of two runs. */
    p = join(pd, "price.csv");
    text = test_read_file(p, NULL);
    ck_assert_ptr_nonnull(strstr(text, "\"H100 SXM\",\"On-demand\",0,2.0499999999999998,"));
    free(text);
    free(p);
    /* --only redraws one chart in one format and leaves the report alone:
     * with plots/ emptied and report.pdf gone, what comes back is the
     * one chart's PNG and its data table (plot_result_dir adds the CSV
     * to every format list) and nothing else. */
    remove_files(pd);
    p = join(dir, "report.pdf");
    ck_assert_int_eq(remove(p), 0);
    free(p);
    ck_assert_int_eq(plot_result_dir(dir, "png", "cost", &d), SIM_OK);
    ck_assert(file_exists(pd, "cost.png"));
    ck_assert(file_exists(pd, "cost.csv"));
    ck_assert(!file_exists(dir, "report.pdf"));
    {
        DIR *dp = opendir(pd);
        struct dirent *de;

        ck_assert_ptr_nonnull(dp);
        while ((de = readdir(dp)) != NULL)
            ck_assert_msg(de->d_name[0] == '.' || strcmp(de->d_name, "cost.png") == 0 ||
                          strcmp(de->d_name, "cost.csv") == 0,
                          "--only png cost wrote %s", de->d_name);
        closedir(dp);
    }
    ck_assert_int_ne(plot_result_dir(dir, "gif", NULL, &d), SIM_OK);
    ck_assert_int_ne(plot_result_dir(dir, NULL, "pie", &d), SIM_OK);
    free(pd);
    free(dir);
}
END_TEST

static char *errors_for(const char *file, const char *content)
{
    static const char *const files[] = { "runs.csv", "scalars.csv", "timeseries.csv" };
    char *dir = test_tmpdir(), *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));

    for (size_t i = 0; i < 3; i++) {
        char *src = join(FIXTURE, files[i]), *dst = join(dir, files[i]), *text;

        text = test_read_file(src, NULL);
        test_write_file(dst, strcmp(files[i], file) == 0 ? content : text);
        free(text);
        free(src);
        free(dst);
    }
    ck_assert_int_ne(plot_result_dir(dir, "png", NULL, &d), SIM_OK);
    fclose(d.out);
    free(dir);
    return buf;
}

START_TEST(malformed_csv_names_file_and_row)
{
    char *e = errors_for("timeseries.csv",
                         "run_id,t_h,metric,entity_kind,entity,value\n"
                         "\"base-0\",0,\"utilisation\",\"gpu\",\"A\",0.5\n"
                         "\"base-0\",1,\"utilisation\",\"gpu\",\"A\",0.5,7\n");

    ck_assert_ptr_nonnull(strstr(e, "timeseries.csv:3: error: expected 6 fields, got 7"));
    free(e);
    e = errors_for("timeseries.csv",
                   "run_id,t_h,metric,entity_kind,entity,value\n"
                   "\"base-0\",0,\"utilisation\",\"gpu\",\"A\",zero\n");
    ck_assert_ptr_nonnull(strstr(e, "timeseries.csv:2: error: column 'value': expected a number"));
    free(e);
    e = errors_for("timeseries.csv",
                   "run_id,t_h,metric,entity_kind,entity,value\n"
                   "\"base-0\",0,\"util\"x,\"gpu\",\"A\",1\n");
    ck_assert_ptr_nonnull(strstr(e, "timeseries.csv:2: error: malformed CSV"));
    free(e);
    e = errors_for("scalars.csv",
                   "run_id,metric,entity_kind,entity,value,unit\n"
                   "\"base-0\",\"cost_per_work_usd\",\"archetype\",\"a\",1,\"USD\"\n"
                   "\"base-0\",\"cost_per_work_usd\",\"archetype\",\"b\",abc,\"USD\"\n");
    ck_assert_ptr_nonnull(strstr(e, "scalars.csv:3: error: column 'value'"));
    free(e);
}
END_TEST

START_TEST(empty_result_directory)
{
    char *dir = test_tmpdir(), *p = join(dir, "runs.csv"), *pd;
    struct diag d = DIAG_INIT(stderr);

    test_write_file(p, "run_id,config,status\n\"x-0\",\"x\",\"ok\"\n");
    free(p);
    p = join(dir, "timeseries.csv");
    test_write_file(p, "run_id,t_h,metric,entity_kind,entity,value\n");
    ck_assert_int_eq(plot_result_dir(dir, "png", NULL, &d), SIM_OK);
    pd = join(dir, "plots");
    ck_assert(file_exists(pd, "price.png"));
    ck_assert(file_exists(dir, "report.pdf"));
    free(pd);
    free(p);
    free(dir);
}
END_TEST

/* A result directory of the given files (NULL: left out), drawn with
 * --only 'only' in PNG; '*rc' gets plot_result_dir's status, '*dir' the
 * directory (caller frees). Returns what it reported, malloc'd. */
static char *plot_files(const char *runs, const char *summary, const char *scalars,
                        const char *only, int *rc, char **dir)
{
    const char *const names[] = { "runs.csv", "summary.csv", "scalars.csv" };
    const char *const texts[] = { runs, summary, scalars };
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));

    *dir = test_tmpdir();
    for (size_t i = 0; i < 3; i++)
        if (texts[i]) {
            char *p = join(*dir, names[i]);

            test_write_file(p, texts[i]);
            free(p);
        }
    *rc = plot_result_dir(*dir, "png", only, &d);
    fclose(d.out);
    return buf;
}

/* plots/<name> of 'dir', or NULL when it was not drawn. */
static char *plotted(const char *dir, const char *name)
{
    char *pd = join(dir, "plots"), *p = join(pd, name), *text = test_read_file(p, NULL);

    free(pd);
    free(p);
    return text;
}

static char *drawn_csv(char *msg, int rc, char *dir, const char *csv)
{
    char *text;

    ck_assert_msg(rc == SIM_OK, "plot failed: %s", msg ? msg : "");
    text = plotted(dir, csv);
    ck_assert_msg(text != NULL, "no plots/%s", csv);
    free(msg);
    free(dir);
    return text;
}

static char *files_chart(const char *runs, const char *summary, const char *scalars,
                         const char *only, const char *csv)
{
    int rc;
    char *dir, *msg = plot_files(runs, summary, scalars, only, &rc, &dir);

    return drawn_csv(msg, rc, dir, csv);
}

#define ONE_RUN "run_id,config,status\n\"x-0\",\"x\",\"ok\"\n"
#define SUM_HDR(vars) "config," vars ",metric,entity,mean,ci_low,ci_high\n"

/* The sweep charts' x is the first sweep variable besides the policy
 * whose values are numbers: ipolicy of scenarios/serverless.ini -c
 * Scalers (vast, queue-delay, fixed) once went through strtod, every
 * point at x = 0. With no numeric variable there is no chart, and a
 * note says why. */
START_TEST(sweep_x_is_a_numeric_variable)
{
    int rc;
    char *dir, *csv, *msg;

    msg = plot_files(ONE_RUN, SUM_HDR("policy,ipolicy")
                     "\"x\",\"vast\",\"vast\",\"cost_per_work_usd\",\"\",1,,\n"
                     "\"x\",\"fixed\",\"fixed\",\"cost_per_work_usd\",\"\",2,,\n",
                     NULL, "sweep", &rc, &dir);
    ck_assert_int_eq(rc, SIM_OK);
    ck_assert_ptr_null(plotted(dir, "sweep_cost_per_work_usd.csv"));
    ck_assert_ptr_nonnull(strstr(msg, "summary.csv: note: no sweep charts: 1 sweep variable "
                                      "besides 'policy', none with numbers"));
    free(msg);
    free(dir);
    /* a text variable first, then a numeric one: x is the numeric one */
    msg = plot_files(ONE_RUN, SUM_HDR("ipolicy,scale")
                     "\"x\",\"vast\",\"1\",\"cost_per_work_usd\",\"\",1,,\n"
                     "\"x\",\"vast\",\"2\",\"cost_per_work_usd\",\"\",2,,\n",
                     NULL, "sweep", &rc, &dir);
    ck_assert_int_eq(rc, SIM_OK);
    csv = plotted(dir, "sweep_cost_per_work_usd.csv");
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(strstr(csv, "\"x\",\"\",1,1,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"x\",\"\",2,2,"));
    /* drawn as sweep_<metric>: --only sweep notes nothing undrawn
     * (note_undrawn) */
    ck_assert_ptr_nonnull(msg);
    ck_assert_ptr_null(strstr(msg, "no 'sweep' chart"));
    free(csv);
    free(msg);
    free(dir);
}
END_TEST

/* A metric per entity under a policy axis is drawn in small multiples:
 * a panel per policy (first-appearance order), a line per entity, so
 * 3 policies x 6 archetypes are not 18 lines in 8 recycled colours.
 * With one entity it stays one panel of policy lines. */
START_TEST(sweep_panels_per_policy)
{
    char *csv;

    csv = files_chart(ONE_RUN, SUM_HDR("policy,fee")
                      "\"x\",\"b\",\"0.1\",\"cost_per_work_usd\",\"e1\",1,,\n"
                      "\"x\",\"b\",\"0.1\",\"cost_per_work_usd\",\"e2\",2,,\n"
                      "\"x\",\"a\",\"0.1\",\"cost_per_work_usd\",\"e1\",3,,\n"
                      "\"x\",\"a\",\"0.2\",\"cost_per_work_usd\",\"e2\",4,,\n",
                      NULL, "sweep", "sweep_cost_per_work_usd.csv");
    ck_assert_ptr_nonnull(strstr(csv, "\"e1\",\"policy=b\",0.10000000000000001,1,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"e2\",\"policy=b\",0.10000000000000001,2,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"e1\",\"policy=a\",0.10000000000000001,3,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"e2\",\"policy=a\",0.20000000000000001,4,"));
    free(csv);
    csv = files_chart(ONE_RUN, SUM_HDR("policy,fee")
                      "\"x\",\"b\",\"0.1\",\"cost_per_work_usd\",\"all\",1,,\n"
                      "\"x\",\"a\",\"0.1\",\"cost_per_work_usd\",\"all\",3,,\n",
                      NULL, "sweep", "sweep_cost_per_work_usd.csv");
    ck_assert_ptr_nonnull(strstr(csv, "\"b all\",\"\",0.10000000000000001,1,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"a all\",\"\",0.10000000000000001,3,"));
    free(csv);
    /* A policy set with x (scenarios/reliability-filter.ini: ${policy=0,
     * 0.9} ! filter) takes one value per x: it names no line, each entity
     * runs across x in one panel (a line per policy and entity had one
     * point each) */
    csv = files_chart(ONE_RUN, SUM_HDR("policy,filter")
                      "\"x\",\"0\",\"0\",\"cost_per_work_usd\",\"e1\",1,,\n"
                      "\"x\",\"0\",\"0\",\"cost_per_work_usd\",\"e2\",2,,\n"
                      "\"x\",\"0.9\",\"0.9\",\"cost_per_work_usd\",\"e1\",3,,\n"
                      "\"x\",\"0.9\",\"0.9\",\"cost_per_work_usd\",\"e2\",4,,\n",
                      NULL, "sweep", "sweep_cost_per_work_usd.csv");
    ck_assert_ptr_nonnull(strstr(csv, "\"e1\",\"\",0,1,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"e1\",\"\",0.90000000000000002,3,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"e2\",\"\",0,2,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"e2\",\"\",0.90000000000000002,4,"));
    free(csv);
}
END_TEST

/* A second sweep variable splits the lines: rows that differ in it once
 * shared a line and x, the last overwriting the others. One that is set
 * with x (${lambda=... ! c}) splits nothing. */
START_TEST(sweep_second_variable_splits_lines)
{
    char *csv;

    csv = files_chart(ONE_RUN, SUM_HDR("scale,fee")
                      "\"x\",\"1\",\"0.1\",\"cost_per_work_usd\",\"\",1,0.9,1.1\n"
                      "\"x\",\"2\",\"0.1\",\"cost_per_work_usd\",\"\",2,1.9,2.1\n"
                      "\"x\",\"1\",\"0.2\",\"cost_per_work_usd\",\"\",3,2.9,3.1\n"
                      "\"x\",\"2\",\"0.2\",\"cost_per_work_usd\",\"\",4,3.9,4.1\n",
                      NULL, "sweep", "sweep_cost_per_work_usd.csv");
    ck_assert_ptr_nonnull(strstr(csv, "\"x fee=0.1\",\"\",1,1,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"x fee=0.1\",\"\",2,2,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"x fee=0.2\",\"\",1,3,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"x fee=0.2\",\"\",2,4,"));
    free(csv);
    csv = files_chart(ONE_RUN, SUM_HDR("c,lambda")
                      "\"x\",\"2\",\"1.6\",\"cost_per_work_usd\",\"\",1,,\n"
                      "\"x\",\"8\",\"7.2\",\"cost_per_work_usd\",\"\",2,,\n",
                      NULL, "sweep", "sweep_cost_per_work_usd.csv");
    ck_assert_ptr_nonnull(strstr(csv, "\"x\",\"\",2,1,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"x\",\"\",8,2,"));
    free(csv);
    /* x groups interleaved, the differing value only in a group's third
     * row, another metric's rows between: sweep_splits sorts rows by x
     * (it once compared every pair) and must still find it */
    csv = files_chart(ONE_RUN, SUM_HDR("scale,fee")
                      "\"x\",\"1\",\"0.1\",\"cost_per_work_usd\",\"\",1,,\n"
                      "\"x\",\"2\",\"0.1\",\"cost_per_work_usd\",\"\",2,,\n"
                      "\"x\",\"1\",\"0.3\",\"price_usd\",\"\",9,,\n"
                      "\"x\",\"1\",\"0.1\",\"cost_per_work_usd\",\"\",1,,\n"
                      "\"x\",\"2\",\"0.1\",\"cost_per_work_usd\",\"\",2,,\n"
                      "\"x\",\"1\",\"0.2\",\"cost_per_work_usd\",\"\",3,,\n",
                      NULL, "sweep", "sweep_cost_per_work_usd.csv");
    ck_assert_ptr_nonnull(strstr(csv, "\"x fee=0.2\",\"\",1,3,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"x fee=0.1\",\"\",2,2,"));
    free(csv);
}
END_TEST

/* A result directory of the named files, drawn with --only 'only' in
 * PNG: as plot_files, for any set of files. */
static char *plot_dir(const char *const *names, const char *const *texts, size_t n,
                      const char *only, int *rc, char **dir)
{
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));

    *dir = test_tmpdir();
    for (size_t i = 0; i < n; i++) {
        char *p = join(*dir, names[i]);

        test_write_file(p, texts[i]);
        free(p);
    }
    *rc = plot_result_dir(*dir, "png", only, &d);
    fclose(d.out);
    return buf;
}

/* Draws chart 'only' from result files and returns the text of the CSV
 * it wrote beside the image, plots/'csv': the draw must succeed and
 * write it. dir_chart writes names[i] = texts[i]; files_chart writes
 * runs.csv, summary.csv and scalars.csv (plot_files). */
static char *dir_chart(const char *const *names, const char *const *texts, size_t n,
                       const char *only, const char *csv)
{
    int rc;
    char *dir, *msg = plot_dir(names, texts, n, only, &rc, &dir);

    return drawn_csv(msg, rc, dir, csv);
}

/* The intervals of summary.csv and contrasts.csv follow --level: the
 * sweep and contrast charts said "95%" under 80% intervals. Each point's
 * level goes to the chart's CSV (the note says the same in words). */
START_TEST(sweep_and_contrast_intervals_keep_their_level)
{
    static const char *const names[] = { "runs.csv", "summary.csv", "contrasts.csv" };
    const char *texts[] = {
        ONE_RUN,
        "config,fee,metric,entity_kind,entity,n,mean,sd,ci_level,ci_low,ci_high,p05,p50,p95,unit\n"
        "\"x\",\"0.1\",\"utilisation\",\"platform\",\"all\",2,0.5,0,0.80000000000000004,0.4,0.6,"
        "0,0,0,\"1\"\n"
        "\"x\",\"0.3\",\"utilisation\",\"platform\",\"all\",2,0.6,0,0.80000000000000004,0.5,0.7,"
        "0,0,0,\"1\"\n",
        "config,metric,entity_kind,entity,axis,level,baseline_level,n,mean_diff,sd_diff,"
        "ci_level,ci_low,ci_high,method,common_seeds\n"
        "\"x\",\"utilisation\",\"platform\",\"all\",\"fee\",\"0.3\",\"0.1\",2,0.1,0,"
        "0.80000000000000004,0.05,0.15,\"paired-t\",1\n",
    };
    int rc;
    char *dir, *csv, *msg = plot_dir(names, texts, 3, "sweep,contrasts", &rc, &dir);

    ck_assert_int_eq(rc, SIM_OK);
    csv = plotted(dir, "sweep_utilisation.csv");
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(strstr(csv, "series,panel,x,mean,mean_low,mean_high,ci_level\n"));
    ck_assert_ptr_nonnull(strstr(csv, ",0.5,0.40000000000000002,0.59999999999999998,"
                                      "\"0.80000000000000004\"\n"));
    free(csv);
    csv = plotted(dir, "contrasts_utilisation.csv");
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(strstr(csv, ",\"0.80000000000000004\"\n"));
    free(csv);
    free(msg);
    free(dir);
}
END_TEST

/* Contrasts: one forest per headline metric, as for the sweep charts,
 * each row labelled with the other sweep axes that vary (two clearing
 * rules once gave two rows of one label, 6,286 labels on one axis) and
 * the chart's CSV carrying contrasts.csv's own columns. */
START_TEST(contrasts_chart_headline_metrics_with_their_axes)
{
    static const char *const names[] = { "runs.csv", "contrasts.csv" };
#define CON_HDR "config,clearing,metric,entity_kind,entity,axis,level,baseline_level,n," \
                "mean_diff,sd_diff,ci_level,ci_low,ci_high,method,common_seeds\n"
    const char *texts[] = {
        ONE_RUN,
        CON_HDR
        "\"x\",\"pay-as-bid\",\"cost_per_work_usd\",\"archetype\",\"academic\",\"fee\",\"0.3\","
        "\"0.1\",2,0.1,0,0.95,0.05,0.15,\"paired-t\",1\n"
        "\"x\",\"uniform\",\"cost_per_work_usd\",\"archetype\",\"academic\",\"fee\",\"0.3\","
        "\"0.1\",2,0.2,0,0.95,0.15,0.25,\"paired-t\",1\n"
        "\"x\",\"pay-as-bid\",\"platform_revenue_usd\",\"platform\",\"all\",\"fee\",\"0.3\","
        "\"0.1\",2,20000,0,0.95,19000,21000,\"paired-t\",1\n"
        "\"x\",\"uniform\",\"gpus_joined\",\"gpu\",\"RTX 3060\",\"fee\",\"0.3\","
        "\"0.1\",2,0,0,0.95,0,0,\"paired-t\",1\n",
    };
    int rc;
    char *dir, *csv, *msg = plot_dir(names, texts, 2, "contrasts", &rc, &dir);

    ck_assert_int_eq(rc, SIM_OK);
    ck_assert_ptr_null(plotted(dir, "contrasts.csv"));
    ck_assert_ptr_null(plotted(dir, "contrasts_gpus_joined.csv"));
    csv = plotted(dir, "contrasts_cost_per_work_usd.csv");
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(strstr(csv, "series,row,mean_diff,mean_diff_low,mean_diff_high,config,"
                                      "clearing,metric,entity_kind,entity,axis,level,"
                                      "baseline_level,ci_level\n"));
    ck_assert_ptr_nonnull(strstr(csv, "\"fee=0.3 vs 0.1\",\"academic clearing=pay-as-bid\","
                                      "0.10000000000000001,"
                                      "0.050000000000000003,0.14999999999999999,\"x\","
                                      "\"pay-as-bid\",\"cost_per_work_usd\",\"archetype\","
                                      "\"academic\",\"fee\",\"0.3\",\"0.1\",\"0.95\"\n"));
    ck_assert_ptr_nonnull(strstr(csv, "\"fee=0.3 vs 0.1\",\"academic clearing=uniform\","
                                      "0.20000000000000001,"));
    ck_assert_ptr_null(strstr(csv, "platform_revenue_usd"));
    free(csv);
    /* one row: no axis varies, the label is the entity */
    csv = plotted(dir, "contrasts_platform_revenue_usd.csv");
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(strstr(csv, "\"fee=0.3 vs 0.1\",\"all\",20000,19000,21000,"));
    free(csv);
    free(msg);
    free(dir);
    /* no headline metric: no chart, and a note says why */
    texts[1] = CON_HDR
        "\"x\",\"uniform\",\"gpus_joined\",\"gpu\",\"RTX 3060\",\"fee\",\"0.3\","
        "\"0.1\",2,0,0,0.95,0,0,\"paired-t\",1\n";
#undef CON_HDR
    msg = plot_dir(names, texts, 2, "contrasts", &rc, &dir);
    ck_assert_int_eq(rc, SIM_OK);
    ck_assert_ptr_nonnull(strstr(msg, "contrasts.csv: note: no contrast charts"));
    free(msg);
    free(dir);
}
END_TEST

/* A study whose 'policy' axis is not the contrast axis (--contrast fee):
 * the 'policy' column is one of the other axes, and the comparison is
 * labelled with the compared values, 'level' and 'baseline_level' (fee=0.1
 * vs 0.3), not with the policy (when both were named 'policy' it read
 * "fee=pay-as-bid vs 0.3"). */
START_TEST(contrasts_chart_other_axis_named_policy)
{
    static const char *const names[] = { "runs.csv", "contrasts.csv" };
    const char *texts[] = {
        ONE_RUN,
        "config,policy,metric,entity_kind,entity,axis,level,baseline_level,n,"
        "mean_diff,sd_diff,ci_level,ci_low,ci_high,method,common_seeds\n"
        "\"x\",\"pay-as-bid\",\"utilisation\",\"platform\",\"all\",\"fee\",\"0.1\","
        "\"0.3\",2,0.1,0,0.95,0.05,0.15,\"paired-t\",1\n"
        "\"x\",\"uniform\",\"utilisation\",\"platform\",\"all\",\"fee\",\"0.2\","
        "\"0.3\",2,0.2,0,0.95,0.15,0.25,\"paired-t\",1\n",
    };
    int rc;
    char *dir, *csv, *msg = plot_dir(names, texts, 2, "contrasts", &rc, &dir);

    ck_assert_int_eq(rc, SIM_OK);
    csv = plotted(dir, "contrasts_utilisation.csv");
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(strstr(csv, "\"fee=0.1 vs 0.3\",\"all policy=pay-as-bid\","));
    ck_assert_ptr_nonnull(strstr(csv, "\"fee=0.2 vs 0.3\",\"all policy=uniform\","));
    ck_assert_ptr_null(strstr(csv, "fee=pay-as-bid"));
    /* --only contrasts drew contrasts_utilisation: no note that the
     * 'contrasts' chart was not drawn (note_undrawn: charts drawn as
     * contrasts_<metric> count for 'contrasts') */
    ck_assert_ptr_nonnull(msg);
    ck_assert_ptr_null(strstr(msg, "no 'contrasts' chart"));
    /* and names only the charts --only asked for: price was not */
    ck_assert_ptr_null(strstr(msg, "no 'price' chart"));
    free(csv);
    free(msg);
    free(dir);
}
END_TEST

/* Runs of different lengths (a swept sim.horizon): every chart over time
 * runs on the union of their sample times and averages the runs that have
 * a sample at each. Supply divided by every run, an ended one counting as
 * 0 GPUs; price and utilisation kept the first run's grid alone. */
START_TEST(runs_of_different_lengths)
{
    static const char *const names[] = { "runs.csv", "timeseries.csv" };
    char ts[4096] = "run_id,t_h,metric,entity_kind,entity,value\n";
    const char *texts[2] = {
        "run_id,config,base_seed,h,status\n\"x-0\",\"x\",1,\"2d\",\"ok\"\n"
        "\"x-1\",\"x\",1,\"4d\",\"ok\"\n",
        ts,
    };
    int rc;
    char *dir, *csv, *msg;

    for (int r = 0; r < 2; r++)
        for (int h = 0; h <= (r ? 96 : 48); h += 24) {
            size_t len = strlen(ts);

            snprintf(ts + len, sizeof ts - len,
                     "\"x-%d\",%d,\"gpus_rented_ondemand\",\"gpu\",\"G\",%d\n"
                     "\"x-%d\",%d,\"utilisation\",\"gpu\",\"G\",%s\n",
                     r, h, r ? 20 : 10, r, h, r ? "0.5" : "0.25");
        }
    msg = plot_dir(names, texts, 2, "supply,utilisation", &rc, &dir);
    ck_assert_int_eq(rc, SIM_OK);
    csv = plotted(dir, "supply.csv");
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(strstr(csv, "\"rented on-demand\",\"\",1,15,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"rented on-demand\",\"\",3,20,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"rented on-demand\",\"\",4,20,"));
    free(csv);
    csv = plotted(dir, "utilisation.csv");
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(strstr(csv, "\"G\",\"\",4,50,50,50\n"));
    free(csv);
    free(msg);
    free(dir);
}
END_TEST

/* Colours do not depend on --only: the cost chart took the first
 * "policy" style for the config, so a sweep line got another colour in
 * the full report than under --only sweep. Each family of charts now
 * styles its names under a kind of its own. */
START_TEST(sweep_colours_do_not_depend_on_only)
{
    static const char *const summary = SUM_HDR("scale")
        "\"x\",\"1\",\"cost_per_work_usd\",\"a\",1,0.9,1.1\n"
        "\"x\",\"2\",\"cost_per_work_usd\",\"a\",2,1.9,2.1\n";
    static const char *const scalars = "run_id,metric,entity_kind,entity,value,unit\n"
        "\"x-0\",\"cost_per_work_usd\",\"archetype\",\"a\",1,\"USD\"\n";
    int rc;
    char *d1, *d2, *m1, *m2, *pd, *p, *png1, *png2;
    size_t n1, n2;

    m1 = plot_files(ONE_RUN, summary, scalars, NULL, &rc, &d1);
    ck_assert_int_eq(rc, SIM_OK);
    m2 = plot_files(ONE_RUN, summary, scalars, "sweep", &rc, &d2);
    ck_assert_int_eq(rc, SIM_OK);
    pd = join(d1, "plots");
    p = join(pd, "sweep_cost_per_work_usd.png");
    png1 = test_read_file(p, &n1);
    free(p);
    free(pd);
    pd = join(d2, "plots");
    p = join(pd, "sweep_cost_per_work_usd.png");
    png2 = test_read_file(p, &n2);
    free(p);
    free(pd);
    ck_assert_ptr_nonnull(png1);
    ck_assert_ptr_nonnull(png2);
    ck_assert_msg(n1 == n2 && memcmp(png1, png2, n1) == 0,
                  "sweep chart differs between a full plot and --only sweep");
    free(png1);
    free(png2);
    free(m1);
    free(m2);
    free(d1);
    free(d2);
}
END_TEST

/* A run listed twice in runs.csv is bad input at its row: the serverless
 * chart once aborted on it (exit 134). */
START_TEST(duplicate_run_is_an_input_error)
{
    int rc;
    char *dir, *msg = plot_files("run_id,config,policy,status\n\"x-0\",\"x\",\"a\",\"ok\"\n"
                                 "\"x-1\",\"x\",\"b\",\"ok\"\n"
                                 "\"x-0\",\"x\",\"a\",\"ok\"\n", NULL,
                                 "run_id,metric,entity_kind,entity,value,unit\n"
                                 "\"x-0\",\"latency_p99_s\",\"endpoint\",\"e\",1,\"s\"\n",
                                 NULL, &rc, &dir);

    ck_assert_int_eq(rc, SIM_EPARSE);
    ck_assert_ptr_nonnull(strstr(msg, "runs.csv:4: error: run x-0 is listed again "
                                      "(first at line 2)"));
    free(msg);
    free(dir);
}
END_TEST

/* The serverless chart colours runs by their sweep point when runs.csv
 * has no policy (the two pools of scenarios/reproduce/serverless.ini once
 * shared the config's colour), and leaves a run of cost 0 (sls-mmc has no
 * market) off its log axes. */
START_TEST(serverless_chart_points_by_sweep_point)
{
    char *csv = files_chart(
        "run_id,config,run_number,repetition,seed_set,base_seed,c,lambda,status\n"
        "\"F-0\",\"F\",0,0,0,1,\"2\",\"1.6\",\"ok\"\n"
        "\"F-1\",\"F\",1,0,0,1,\"8\",\"7.2\",\"ok\"\n"
        "\"F-2\",\"F\",2,0,0,1,\"9\",\"8\",\"ok\"\n", NULL,
        "run_id,metric,entity_kind,entity,value,unit\n"
        "\"F-0\",\"latency_p99_s\",\"endpoint\",\"e\",12,\"s\"\n"
        "\"F-0\",\"cost_per_1000_requests_usd\",\"endpoint\",\"e\",0.5,\"USD\"\n"
        "\"F-1\",\"latency_p99_s\",\"endpoint\",\"e\",7,\"s\"\n"
        "\"F-1\",\"cost_per_1000_requests_usd\",\"endpoint\",\"e\",0.7,\"USD\"\n"
        "\"F-2\",\"latency_p99_s\",\"endpoint\",\"e\",6,\"s\"\n"
        "\"F-2\",\"cost_per_1000_requests_usd\",\"endpoint\",\"e\",0,\"USD\"\n",
        "serverless", "serverless.csv");

    ck_assert_ptr_nonnull(strstr(csv, "\"c=2 lambda=1.6\",\"\",0.5,12,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"c=8 lambda=7.2\",\"\",0.69999999999999996,7,"));
    ck_assert_ptr_null(strstr(csv, "c=9"));
    free(csv);
}
END_TEST

/* The price chart's On-demand row of GPU model G at day 1, drawn from a
 * result directory of runs.csv 'runs' and timeseries.csv 'ts', must be
 * median 'mid' between 'lo' and 'hi'. */
static void price_band_is(const char *runs, const char *ts, double mid, double lo, double hi)
{
    static const char *const names[] = { "runs.csv", "timeseries.csv" };
    const char *texts[2] = { runs, ts };
    int rc;
    double v[4];
    char *dir, *csv, *msg = plot_dir(names, texts, 2, "price", &rc, &dir);

    ck_assert_int_eq(rc, SIM_OK);
    csv = plotted(dir, "price.csv");
    ck_assert_ptr_nonnull(csv);
    /* x (days), median, P10, P90 */
    ck_assert_uint_eq(row_nums(csv, "\"G\",\"On-demand\",", v, 4), 4);
    ck_assert_double_eq_tol(v[0], 1.0, 1e-12);
    ck_assert_double_eq_tol(v[1], mid, 1e-12);
    ck_assert_double_eq_tol(v[2], lo, 1e-12);
    ck_assert_double_eq_tol(v[3], hi, 1e-12);
    free(csv);
    free(msg);
    free(dir);
}

/* The price bands are P10 below and P90 above: across three runs of
 * prices 1, 2 and 3 (gsl's quantile, linear between order statistics:
 * P10 = 1 + 0.1 x 2 = 1.2, P90 = 2.8), and in one run its own
 * price_ondemand_p10 and _p90 series. Mutations that survived every test:
 * across_runs' lo and hi quantiles swapped (0.9, 0.1), and the one-run
 * chart reading the p90 series as its lower edge. */
START_TEST(price_bands_are_p10_below_and_p90_above)
{
    price_band_is("run_id,config,status\n\"x-0\",\"x\",\"ok\"\n\"x-1\",\"x\",\"ok\"\n"
                  "\"x-2\",\"x\",\"ok\"\n",
                  "run_id,t_h,metric,entity_kind,entity,value\n"
                  "\"x-0\",24,\"price_ondemand_p50\",\"gpu\",\"G\",1\n"
                  "\"x-1\",24,\"price_ondemand_p50\",\"gpu\",\"G\",3\n"
                  "\"x-2\",24,\"price_ondemand_p50\",\"gpu\",\"G\",2\n", 2.0, 1.2, 2.8);
    price_band_is(ONE_RUN,
                  "run_id,t_h,metric,entity_kind,entity,value\n"
                  "\"x-0\",24,\"price_ondemand_p10\",\"gpu\",\"G\",1.5\n"
                  "\"x-0\",24,\"price_ondemand_p50\",\"gpu\",\"G\",2\n"
                  "\"x-0\",24,\"price_ondemand_p90\",\"gpu\",\"G\",2.5\n", 2.0, 1.5, 2.5);
}
END_TEST

/* With more GPU models than the charts give colours (7), the price chart
 * draws the 7 with most GPUs listed: of models M1..M8 listing 1..8 GPUs,
 * M1 is left out. Mutation that survived (default_set_from_fixture has
 * fewer than 8 models): rank_gpus sorting ascending, which kept M1..M7
 * and dropped the largest. */
START_TEST(price_chart_keeps_the_models_with_most_gpus)
{
    static const char *const names[] = { "runs.csv", "timeseries.csv" };
    char ts[4096] = "run_id,t_h,metric,entity_kind,entity,value\n", *dir, *csv, *msg;
    const char *texts[2] = { ONE_RUN, ts };
    int rc;

    for (int k = 1; k <= 8; k++) {
        size_t len = strlen(ts);

        snprintf(ts + len, sizeof ts - len,
                 "\"x-0\",0,\"gpus_listed\",\"gpu\",\"M%d\",%d\n"
                 "\"x-0\",0,\"price_ondemand_p50\",\"gpu\",\"M%d\",1\n", k, k, k);
    }
    msg = plot_dir(names, texts, 2, "price", &rc, &dir);
    ck_assert_int_eq(rc, SIM_OK);
    csv = plotted(dir, "price.csv");
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_null(strstr(csv, "\"M1\""));
    for (int k = 2; k <= 8; k++) {
        char want[16];

        snprintf(want, sizeof want, "\"M%d\"", k);
        ck_assert_msg(strstr(csv, want) != NULL, "%s missing from price.csv", want);
    }
    free(csv);
    free(msg);
    free(dir);
}
END_TEST

/* The wait-time ECDF's x is in minutes (its axis says so): a median wait
 * of 0.5 h is at 30. The reliability histogram's CSV has each bin's low
 * edge, its width and the machines in it, in that order: bins 0.50, 0.51
 * and 0.52 are 0.01 wide. Mutations that survived: hours times 3600 as
 * "minutes"; bin_width and machines written in each other's column. */
START_TEST(wait_in_minutes_and_histogram_columns)
{
    int rc;
    double v[3];
    char *dir, *csv, *msg = plot_files(
        ONE_RUN, NULL,
        "run_id,metric,entity_kind,entity,value,unit\n"
        "\"x-0\",\"wait_h_quantile_a\",\"q\",\"0.5\",0.5,\"h\"\n"
        "\"x-0\",\"wait_h_quantile_a\",\"q\",\"1\",2,\"h\"\n"
        "\"x-0\",\"reliability_hist_dc\",\"bin\",\"0.50\",3,\"1\"\n"
        "\"x-0\",\"reliability_hist_dc\",\"bin\",\"0.51\",0,\"1\"\n"
        "\"x-0\",\"reliability_hist_dc\",\"bin\",\"0.52\",7,\"1\"\n",
        "wait_ecdf,reliability", &rc, &dir);

    ck_assert_int_eq(rc, SIM_OK);
    csv = plotted(dir, "wait_ecdf.csv");
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(strstr(csv, "series,panel,wait_min,fraction,"));
    ck_assert_uint_ge(row_nums(csv, "\"a\",\"\",", v, 2), 2);
    ck_assert_double_eq_tol(v[0], 30.0, 1e-9);
    ck_assert_double_eq_tol(v[1], 0.5, 1e-12);
    free(csv);
    csv = plotted(dir, "reliability.csv");
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(strstr(csv, "series,panel,bin_low,bin_width,machines\n"));
    ck_assert_uint_eq(row_nums(csv, "\"dc\",\"\",", v, 3), 3);      /* the first bin */
    ck_assert_double_eq_tol(v[0], 0.5, 1e-12);
    ck_assert_double_eq_tol(v[1], 0.01, 1e-9);
    ck_assert_double_eq_tol(v[2], 3.0, 1e-12);
    free(csv);
    free(msg);
    free(dir);
}
END_TEST

/* t holds n ticks 0, step, 2 step, ... (to 1e-12). */
static void ticks_from_zero(const struct plot_ticks *t, size_t n, double step)
{
    ck_assert_uint_eq(t->n, n);
    for (size_t i = 0; i < t->n; i++)
        ck_assert_double_eq_tol(t->v[i], step * (double)i, 1e-12);
}

/* ---- ticks, scales and marks checked against hand-derived values ---- */

/* Heckbert's nice steps are 1, 2 and 5 times a power of ten: 0..20 in
 * about 6 ticks steps by 5 (20 / 5 = 4 rounds to 5), 0..4 in about 5 by
 * 1 (4 is loosely 5, over 4 intervals 1.25, rounding to 1). A tight
 * (not loose) axis keeps its ends and only the ticks inside them.
 * Mutations that survived: the 5 of the rounded table as 4 (steps of 4),
 * the 5 of the loose table dropped (0..4 in steps of 2), tight axes
 * keeping the tick below their low end. */
START_TEST(linear_ticks_are_one_two_five)
{
    struct plot_ticks t;

    plot_ticks_linear(0.0, 20.0, 6, true, &t);
    ticks_from_zero(&t, 5, 5.0);
    plot_ticks_linear(0.0, 4.0, 5, true, &t);
    ticks_from_zero(&t, 5, 1.0);
    /* 0.3..9.3 tight: step 2, ticks 2, 4, 6, 8; not the 0 below it. */
    plot_ticks_linear(0.3, 9.3, 6, false, &t);
    ck_assert(t.lo == 0.3 && t.hi == 9.3);
    ck_assert_uint_eq(t.n, 4);
    for (size_t i = 0; i < t.n; i++) {
        ck_assert_double_eq_tol(t.v[i], 2.0 * (double)(i + 1), 1e-12);
        ck_assert(t.major[i]);
    }
}
END_TEST

/* Log axes: over three decades (1..1000) every decade is labelled and
 * 2..9 times each decade is an unlabelled minor tick, 1 2 3 ... 9 10 20
 * ... 90 100 ... 1000 (28 ticks); over two decades the labels are 1, 2, 5
 * per decade; over twelve (1..1e12) only decades are ticks and every
 * other one is labelled (at most about 8 labels). Labels of 20000 and
 * 3e6 on a log axis read "20k" and "3M". Mutations that survived: minor
 * ticks 2..8, at 20..90 times the decade, labelled; every decade
 * labelled on long axes; 1-2-5 labels only for one decade; minor ticks
 * only up to three decades; "k" labels divided by 1e4. */
START_TEST(log_ticks_minor_and_decades)
{
    struct plot_ticks t;
    char buf[32];
    size_t k = 0;

    plot_ticks_log(1.0, 1000.0, &t);
    ck_assert_uint_eq(t.n, 28);
    for (int dec = 0; dec < 3; dec++)
        for (int m = 1; m <= 9; m++, k++) {
            ck_assert_double_eq_tol(t.v[k], m * pow(10.0, dec), 1e-9 * pow(10.0, dec));
            ck_assert_msg(t.major[k] == (m == 1), "tick %g major %d", t.v[k], t.major[k]);
        }
    ck_assert_double_eq_tol(t.v[27], 1000.0, 1e-9);
    ck_assert(t.major[27]);
    /* Six decades still get minor ticks: 6 x 9 + 1. */
    plot_ticks_log(1.0, 1e6, &t);
    ck_assert_uint_eq(t.n, 55);
    ck_assert(!t.major[1] && t.v[1] == 2.0);
    /* Two decades: 1 2 5 10 20 50 100, all labelled. */
    plot_ticks_log(1.0, 100.0, &t);
    {
        static const double want[7] = { 1, 2, 5, 10, 20, 50, 100 };

        ck_assert_uint_eq(t.n, 7);
        for (size_t i = 0; i < 7; i++) {
            ck_assert_double_eq_tol(t.v[i], want[i], 1e-9);
            ck_assert(t.major[i]);
        }
    }
    plot_ticks_log(1.0, 1e12, &t);
    ck_assert_uint_eq(t.n, 13);
    for (size_t i = 0; i < t.n; i++) {
        ck_assert_double_eq_tol(t.v[i], pow(10.0, (double)i), 1e-6 * pow(10.0, (double)i));
        ck_assert_msg(t.major[i] == (i % 2 == 0), "1e%zu major %d", i, t.major[i]);
    }
    plot_tick_label(&t, 20000.0, true, buf, sizeof buf);
    ck_assert_str_eq(buf, "20k");
    plot_tick_label(&t, 3e6, true, buf, sizeof buf);
    ck_assert_str_eq(buf, "3M");
}
END_TEST

/* Heckbert's nice numbers at their boundaries, worked by hand from the
 * paper's rules (nicenum unrounded: f <= 1, 2, 5 -> 1, 2, 5, else 10;
 * rounded: f < 1.5, 3, 7 -> 1, 2, 5, else 10; step = rounded(unrounded
 * (hi - lo) / (want - 1))):
 *   0..10, want 5: nice(10) = 10 (f = 1 exactly), 10/4 = 2.5 -> step 2,
 *     ticks 0 2 4 6 8 10 (f < 1 took 10 to 20, step 5, 3 ticks);
 *   0..5, want 6: nice(5) = 5 (f = 5 exactly), 5/5 = 1 -> step 1, ticks
 *     0..5 (f < 5 took 5 to 10, step 2, 0 2 4 6);
 *   10..0 is the same range as 0..10 (the swap dropped gave nonsense);
 *   want 1 counts as 2: nice(10) / 1 = 10 -> ticks 0, 10 (without the
 *     clamp the step divided by zero);
 *   0.3..0.7, want 5: nice(0.4) = 0.5, 0.125 -> step 0.1; 0.3 / 0.1 is
 *     2.9999999999999996 in doubles, and the loose axis must still start
 *     at 0.3 with 5 ticks, not at 0.2 with 6 (the +1e-9 in floor dropped);
 *   -1..-0.3, want 11: nice(0.7) = 1, 0.1 -> step 0.1; -0.3 / 0.1 is
 *     -2.9999999999999996 and the axis must end at -0.3 with 8 ticks, not
 *     -0.2 (the -1e-9 in ceil dropped);
 *   5..5 tight widens by a tenth of the value each way, 4.5..5.5; 0..0 by
 *     one, -1..1 (kit.c's degenerate rule; 0.2 and 2 survived);
 *   0..10, want 4: nice(10) = 10, 10/3 = 3.33 rounds to 5 (f >= 3): ticks
 *     0 5 10 (the rounded table's 3 as 4 gave a step of 2);
 *   0..6, want 8: nice(6) = 10 (f above 5), 10/7 = 1.43 rounds to 1: ticks
 *     0..6 (the unrounded table's 10 as 11 gave 1.57, a step of 2). */
START_TEST(linear_ticks_at_heckbert_boundaries)
{
    struct plot_ticks t;

    plot_ticks_linear(0.0, 10.0, 5, true, &t);
    ticks_from_zero(&t, 6, 2.0);
    plot_ticks_linear(10.0, 0.0, 5, true, &t);
    ck_assert(t.lo == 0.0 && t.hi == 10.0);
    ck_assert_uint_eq(t.n, 6);
    ck_assert_double_eq_tol(t.v[1], 2.0, 1e-12);
    plot_ticks_linear(0.0, 5.0, 6, true, &t);
    ticks_from_zero(&t, 6, 1.0);
    plot_ticks_linear(0.0, 10.0, 1, true, &t);
    ck_assert_uint_eq(t.n, 2);
    ck_assert(t.v[0] == 0.0 && t.v[1] == 10.0);
    ck_assert(t.lo == 0.0 && t.hi == 10.0);
    plot_ticks_linear(0.3, 0.7, 5, true, &t);
    ck_assert_double_eq_tol(t.lo, 0.3, 1e-12);
    ck_assert_double_eq_tol(t.hi, 0.7, 1e-12);
    ck_assert_uint_eq(t.n, 5);
    ck_assert_int_eq(t.decimals, 1);
    plot_ticks_linear(-1.0, -0.3, 11, true, &t);
    ck_assert_double_eq_tol(t.lo, -1.0, 1e-12);
    ck_assert_double_eq_tol(t.hi, -0.3, 1e-12);
    ck_assert_uint_eq(t.n, 8);
    plot_ticks_linear(5.0, 5.0, 5, false, &t);
    ck_assert_double_eq_tol(t.lo, 4.5, 1e-12);
    ck_assert_double_eq_tol(t.hi, 5.5, 1e-12);
    plot_ticks_linear(0.0, 0.0, 5, false, &t);
    ck_assert(t.lo == -1.0 && t.hi == 1.0);
    plot_ticks_linear(0.0, 10.0, 4, true, &t);
    ticks_from_zero(&t, 3, 5.0);
    plot_ticks_linear(0.0, 6.0, 8, true, &t);
    ticks_from_zero(&t, 7, 1.0);
}
END_TEST

/* Log axes at their edges (kit.h: decades, minor ticks on short ranges,
 * at most about 8 labelled decades, i.e. every ceil(decades / 8)-th):
 *   no usable hi: one decade above lo, 1..10 (hi = 100 lo survived);
 *   1 .. 1 + 1e-10: rounding noise above a decade still gets a whole
 *     decade, 1..10, not a zero-width axis (b <= a widening dropped);
 *   1000 (1 - 1e-12) .. 1e5: noise below a decade does not add one, the
 *     axis is 1000..1e5; likewise 1 .. 1000 (1 + 1e-12) ends at 1000
 *     (the 1e-9 slack in floor/ceil dropped);
 *   seven decades: decades only, 8 ticks (minor ticks up to seven
 *     decades survived);
 *   eight decades: every = ceil(8 / 8) = 1, all nine labelled ((b - a +
 *     8) / 8 labelled every other one). */
START_TEST(log_ticks_at_their_edges)
{
    struct plot_ticks t;

    plot_ticks_log(1.0, NAN, &t);
    ck_assert(t.lo == 1.0 && t.hi == 10.0);
    plot_ticks_log(1.0, 1.0 + 1e-10, &t);
    ck_assert(t.lo == 1.0 && t.hi == 10.0);
    plot_ticks_log(1000.0 * (1.0 - 1e-12), 1e5, &t);
    ck_assert_double_eq_tol(t.lo, 1000.0, 1e-9);
    ck_assert_double_eq_tol(t.hi, 1e5, 1e-6);
    plot_ticks_log(1.0, 1000.0 * (1.0 + 1e-12), &t);
    ck_assert_double_eq_tol(t.hi, 1000.0, 1e-9);
    plot_ticks_log(1.0, 1e7, &t);
    ck_assert_uint_eq(t.n, 8);
    plot_ticks_log(1.0, 1e8, &t);
    ck_assert_uint_eq(t.n, 9);
    for (size_t i = 0; i < t.n; i++)
        ck_assert_msg(t.major[i], "1e%zu not labelled", i);
}
END_TEST

/* Tick labels (kit.h: fixed decimals, thousands as "12k", millions as
 * "3M"; kit.c: k from 10 000 on and for whole hundreds, M from 1e6 on
 * and for whole 100 000s): 1e6 is "1M" on both axes (not "1000k"),
 * 1.5e6 "1.5M" (not "1500k"), 12 500 "12.5k" (not "12500"), 5000 stays
 * "5000" (not "5k"). */
START_TEST(tick_labels_k_and_m)
{
    struct plot_ticks t;
    char buf[32];

    plot_ticks_linear(0.0, 4e6, 5, true, &t);
    ck_assert_int_eq(t.decimals, 0);
    plot_tick_label(&t, 1e6, false, buf, sizeof buf);
    ck_assert_str_eq(buf, "1M");
    plot_tick_label(&t, 1.5e6, false, buf, sizeof buf);
    ck_assert_str_eq(buf, "1.5M");
    plot_tick_label(&t, 12500.0, false, buf, sizeof buf);
    ck_assert_str_eq(buf, "12.5k");
    plot_tick_label(&t, 5000.0, false, buf, sizeof buf);
    ck_assert_str_eq(buf, "5000");
    plot_ticks_log(1.0, 1e7, &t);
    plot_tick_label(&t, 1e6, true, buf, sizeof buf);
    ck_assert_str_eq(buf, "1M");
}
END_TEST

/* Labels at the k boundary and below zero (kit.h: thousands as "12k";
 * kit.c: k from 10 000 on, so 10 000 itself is "10k" on a linear and on
 * a log axis; the sign does not change the unit: -20 000 is "-20k",
 * -1.5e6 "-1.5M"). Mutations that survived: '>= 1e4' as '> 1e4' on
 * either axis ("10000"), the magnitude taken as v, not |v| ("-20000"). */
START_TEST(tick_labels_at_ten_thousand_and_negative)
{
    struct plot_ticks t;
    char buf[32];

    plot_ticks_linear(0.0, 40000.0, 5, true, &t);
    plot_tick_label(&t, 10000.0, false, buf, sizeof buf);
    ck_assert_str_eq(buf, "10k");
    plot_tick_label(&t, -20000.0, false, buf, sizeof buf);
    ck_assert_str_eq(buf, "-20k");
    plot_tick_label(&t, -1.5e6, false, buf, sizeof buf);
    ck_assert_str_eq(buf, "-1.5M");
    plot_ticks_log(1.0, 1e5, &t);
    plot_tick_label(&t, 10000.0, true, buf, sizeof buf);
    ck_assert_str_eq(buf, "10k");
}
END_TEST

/* Viridis clamps t to [0, 1] (kit.h): below 0 is viridis(0), #440154,
 * and NaN counts as 0 too (the '!(t > 0)' clamp dropped indexed the
 * table with a negative, then wrapped, position). */
START_TEST(viridis_clamps_below_zero)
{
    static const double bad[2] = { -0.5, NAN };

    for (size_t i = 0; i < 2; i++) {
        struct plot_rgb v = plot_viridis(bad[i]);

        ck_assert_msg(near(v, (struct plot_rgb){ 0x44 / 255.0, 0x01 / 255.0, 0x54 / 255.0 },
                           0.5 / 255), "viridis(%g) = %g %g %g", bad[i],
                      v.r * 255, v.g * 255, v.b * 255);
    }
}
END_TEST

/* A palette numbers names within their kind (kit.c's pal_entry: "position
 * within its kind"): the first name of a second kind is style 0 on every
 * lookup, not only the first (the index stored as the position among all
 * entries gave "academic" style 0, then style 2). */
START_TEST(palette_second_kind_keeps_its_style)
{
    struct plot_palette *p = plot_palette_new();
    struct plot_style s0 = plot_style_nth(0), c, c2;

    plot_palette_style(p, "gpu", "H100");
    plot_palette_style(p, "gpu", "A100");
    c = plot_palette_style(p, "archetype", "academic");
    c2 = plot_palette_style(p, "archetype", "academic");
    ck_assert(near(c.color, s0.color, 0) && c.dash == s0.dash && c.marker == s0.marker);
    ck_assert(near(c2.color, s0.color, 0) && c2.dash == s0.dash && c2.marker == s0.marker);
    plot_palette_free(p);
}
END_TEST

/* The PDF date (kit.h): SOURCE_DATE_EPOCH as ISO 8601 when it is a
 * whole number of seconds, 0 being 1970-01-01T00:00:00Z and 86400 one
 * day later; a value that is not a number ("86400x") is not an epoch,
 * and the fixed 2026-01-01T00:00:00Z is used (the check of the end of
 * the number dropped read "86400x" as 86400). */
START_TEST(pdf_date_from_source_date_epoch)
{
    char buf[32];
    const char *old = getenv("SOURCE_DATE_EPOCH");
    char *keep = old ? strdup(old) : NULL;

    setenv("SOURCE_DATE_EPOCH", "86400", 1);
    plot_pdf_date(buf, sizeof buf);
    ck_assert_str_eq(buf, "1970-01-02T00:00:00Z");
    setenv("SOURCE_DATE_EPOCH", "86400x", 1);
    plot_pdf_date(buf, sizeof buf);
    ck_assert_str_eq(buf, "2026-01-01T00:00:00Z");
    unsetenv("SOURCE_DATE_EPOCH");
    plot_pdf_date(buf, sizeof buf);
    ck_assert_str_eq(buf, "2026-01-01T00:00:00Z");
    if (keep)
        setenv("SOURCE_DATE_EPOCH", keep, 1);
    free(keep);
}
END_TEST

/* Reads chart 'c' back as its CSV text (caller frees). */
static char *chart_csv(const struct plot_chart *c)
{
    char *dir = test_tmpdir(), *p = join(dir, "chart.csv"), *text;

    ck_assert_int_eq(plot_chart_write_csv(c, p), SIM_OK);
    text = test_read_file(p, NULL);
    ck_assert_ptr_nonnull(text);
    free(p);
    free(dir);
    return text;
}

/* Fitted lines (plot.h): OLS through y = 2x + 1 exactly, points at x = 0,
 * 1, 2, 4 and a NaN at x = 3 that must be left out, spans the data from
 * its smallest x to its largest: (0, 1) to (4, 9) by the closed form (the
 * line ending at the second-largest x, ending at the left end's height,
 * or the NaN kept in the fit all survived). The fit lands in the panel of
 * its series ("right", not the first panel: that survived too). One
 * point is too few for either fit: SIZE_MAX (k < 1 survived, drawing a
 * one-point "line"). */
START_TEST(ols_fit_spans_the_data_in_its_panel)
{
    static const char *const titles[2] = { "left", "right" };
    struct plot_chart *c = plot_chart_new(PLOT_SCATTER, "fit");
    double x[5] = { 0, 1, 2, 3, 4 }, y[5] = { 1, 3, 5, NAN, 9 };
    size_t s, f;
    char *text;

    plot_chart_panels(c, 2, titles);
    s = plot_chart_add(c, "pts", NULL, 5, x, y, NULL, NULL);
    plot_series_panel(c, s, 1);
    f = plot_chart_add_fit(c, s, PLOT_FIT_OLS, "ols");
    ck_assert_uint_eq(f, 1);
    text = chart_csv(c);
    ck_assert_msg(strstr(text, "\"ols\",\"right\",0,1,,\n\"ols\",\"right\",4,9,,\n"),
                  "%s", text);
    free(text);
    plot_chart_free(c);

    c = plot_chart_new(PLOT_SCATTER, "one");
    s = plot_chart_add(c, "pts", NULL, 1, x, y, NULL, NULL);
    ck_assert_uint_eq(plot_chart_add_fit(c, s, PLOT_FIT_OLS, "ols"), SIZE_MAX);
    ck_assert_uint_eq(plot_chart_add_fit(c, s, PLOT_FIT_FRONTIER, "f"), SIZE_MAX);
    ck_assert_uint_eq(plot_chart_series_count(c), 1);
    plot_chart_free(c);
}
END_TEST

/* The frontier keeps the points no other point dominates (plot.h: none
 * has at least their x at no more than their y). Worked by hand for
 * performance x, price y:
 *   (1, 1) (3, 4) (3, 2) (5, 5) (6, 5) (7, 8): (3, 4) is dominated by (3, 2),
 *     same performance and cheaper; (5, 5) by (6, 5), more performance
 *     at the same price. (7, 8), the fastest, is dominated by nothing.
 *     Frontier: (1, 1) (3, 2) (6, 5) (7, 8).
 * Two offers of one GPU model at different prices are exactly this
 * tie in x; the walk from the best performer used to meet the dearer
 * one first and keep it (kills the tie order of cmp_xy dropped and
 * "<= best", which kept (5, 5)). The walk finds the frontier from its
 * far end and reverses it: with four points two pairs swap (with three,
 * one did, and a reversal writing past its middle survived). */
START_TEST(frontier_drops_dominated_ties)
{
    /* Both orders of the tied pair, so no sort that leaves ties as given
     * passes by luck. */
    static const double xs[2][6] = { { 1, 3, 3, 5, 6, 7 }, { 1, 3, 3, 5, 6, 7 } };
    static const double ys[2][6] = { { 1, 4, 2, 5, 5, 8 }, { 1, 2, 4, 5, 5, 8 } };
    const char *want = "\"frontier\",\"\",1,1,,\n\"frontier\",\"\",3,2,,\n"
                       "\"frontier\",\"\",6,5,,\n\"frontier\",\"\",7,8,,\n";

    for (int o = 0; o < 2; o++) {
        struct plot_chart *c = plot_chart_new(PLOT_SCATTER, "frontier");
        char *text;

        plot_chart_add(c, "offers", NULL, 6, xs[o], ys[o], NULL, NULL);
        ck_assert_uint_ne(plot_chart_add_fit(c, 0, PLOT_FIT_FRONTIER, "frontier"), SIZE_MAX);
        text = chart_csv(c);
        ck_assert_msg(strstr(text, want), "order %d:\n%s", o, text);
        ck_assert_ptr_null(strstr(text, "\"frontier\",\"\",3,4"));
        free(text);
        plot_chart_free(c);
    }
}
END_TEST

/* Viridis from its published ends: matplotlib's viridis(0) is #440154,
 * viridis(1) #FDE725 and viridis(0.5) #21918C; the 16-stop interpolation
 * lands within 2/255 of each (t scaled by 16 instead of 15 missed the
 * middle by 7/255 in green). Style i + 7 keeps the colour, moves the
 * marker one on and the dash three (kit.c's comment; i % 5 moved it
 * two). */
START_TEST(viridis_ends_and_style_cycle)
{
    struct plot_rgb v;

    v = plot_viridis(0.0);
    ck_assert(near(v, (struct plot_rgb){ 0x44 / 255.0, 0x01 / 255.0, 0x54 / 255.0 }, 0.5 / 255));
    v = plot_viridis(1.0);
    ck_assert(near(v, (struct plot_rgb){ 0xFD / 255.0, 0xE7 / 255.0, 0x25 / 255.0 }, 0.5 / 255));
    v = plot_viridis(0.5);
    ck_assert_msg(near(v, (struct plot_rgb){ 0x21 / 255.0, 0x91 / 255.0, 0x8C / 255.0 }, 2.0 / 255),
                  "%g %g %g", v.r * 255, v.g * 255, v.b * 255);
    for (size_t i = 0; i < 7; i++) {
        struct plot_style a = plot_style_nth(i), b = plot_style_nth(i + 7);

        ck_assert(near(a.color, b.color, 0));
        ck_assert_int_eq(b.dash, (a.dash + 3) % 5);
    }
}
END_TEST

/* Dash pattern 4 (long dashes, 7 pt on, 2.2 off) is drawn dashed, not
 * solid: on a 1:1 surface a 2 pt line from x = 0 leaves white at x = 8,
 * inside the first gap (7 to 9.2), and ink at x = 3 (the upper bound
 * checked as 3 drew dash 4 solid). */
START_TEST(long_dash_has_gaps)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 40, 20);
    cairo_t *cr = cairo_create(s);
    struct plot_style st = { { 0, 0, 0 }, 4, PLOT_MARK_NONE };
    unsigned char *d;
    int stride;

    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    plot_set_line(cr, &st, 2.0);
    cairo_move_to(cr, 0, 10);
    cairo_line_to(cr, 40, 10);
    cairo_stroke(cr);
    cairo_surface_flush(s);
    d = cairo_image_surface_get_data(s);
    stride = cairo_image_surface_get_stride(s);
    ck_assert_uint_lt(((uint32_t *)(d + 10 * stride))[3] & 0xff, 64);
    ck_assert_uint_gt(((uint32_t *)(d + 10 * stride))[8] & 0xff, 192);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}
END_TEST

/* True when data point (x, y) lands on the same canvas spot in 'c' as in
 * 'ref', a copy of the chart whose axes are fixed at the ranges 'c' is
 * expected to choose: equal spots mean equal axis ranges. */
static bool same_spot(const struct plot_chart *c, const struct plot_chart *ref,
                      double x, double y)
{
    double ax, ay, bx, by;

    plot_chart_locate(c, 0, x, y, &ax, &ay);
    plot_chart_locate(ref, 0, x, y, &bx, &by);
    return fabs(ax - bx) < 1e-6 && fabs(ay - by) < 1e-6;
}

/* A one-series chart of 'type'; the tests build it twice, once as the
 * reference with fixed ranges. */
static struct plot_chart *line_of(enum plot_type type, size_t n, const double *x,
                                  const double *y, const double *lo, const double *hi)
{
    struct plot_chart *c = plot_chart_new(type, "axes");

    plot_chart_add(c, "s", NULL, n, x, y, lo, hi);
    return c;
}

/* Axis ranges chosen from the data, each expectation worked by hand with
 * Heckbert's rules (see linear_ticks_at_heckbert_boundaries):
 *   a line's x stops at its last point with a y: x 0, 1, 2 and a gap at
 *     10 give a tight 0..2 (points without y widening x to 10 survived);
 *   a forest plot's x spans the intervals, diff 1 with CI [-3, 2]: loose
 *     -3..2 (step 1) (the CI's low end left out gave 0..2);
 *   a forest plot's x includes 0 (plot.h: a 0 line): diffs 1, 2 with CIs
 *     0.5..2.5 give 0..2.5, loose 0..3 (not 0.5..2.5);
 *   bars from zero when all are negative: -1, -2 give -2..0 (the "hi < 0"
 *     clamp dropped gave -2..-1, bars hanging from nowhere);
 *   one end fixed, the free end still rounds out to a tick: y fixed at 0
 *     with data to 9.3 gives 0..10; y fixed at 10 with data from 0.7 gives
 *     0..10 (both t2 round-outs dropped survived);
 *   an ECDF's x is loose: 0.3..9.3 (want 7: nice(9) = 10, /6 -> step 2)
 *     gives 0..10, not the tight 0.3..9.3;
 *   a stacked area's height is the sum of the positive parts, as drawn:
 *     3 and -1 stack to 3, 0..3 (step 1), not to 2. */
START_TEST(axis_ranges_from_the_data)
{
    struct plot_chart *c, *ref;

    {
        double x[4] = { 0, 1, 2, 10 }, y[4] = { 1, 2, 3, NAN };

        c = line_of(PLOT_LINE, 4, x, y, NULL, NULL);
        ref = line_of(PLOT_LINE, 4, x, y, NULL, NULL);
        plot_chart_yrange(c, 0, 4);
        plot_chart_yrange(ref, 0, 4);
        plot_chart_xrange(ref, 0, 2);
        ck_assert(same_spot(c, ref, 1.0, 2.0));
        plot_chart_free(c);
        plot_chart_free(ref);
    }
    {
        double d[1] = { 1 }, r[1] = { 0 }, lo[1] = { -3 }, hi[1] = { 2 };

        c = line_of(PLOT_FOREST, 1, d, r, lo, hi);
        ref = line_of(PLOT_FOREST, 1, d, r, lo, hi);
        plot_chart_xrange(ref, -3, 2);
        ck_assert(same_spot(c, ref, 0.0, 0.0));
    }
    plot_chart_free(c);
    plot_chart_free(ref);
    {
        double d[2] = { 1, 2 }, r[2] = { 0, 1 }, lo[2] = { 0.5, 1.5 }, hi[2] = { 1.5, 2.5 };

        c = line_of(PLOT_FOREST, 2, d, r, lo, hi);
        ref = line_of(PLOT_FOREST, 2, d, r, lo, hi);
        plot_chart_xrange(ref, 0, 3);
        ck_assert(same_spot(c, ref, 1.0, 0.0));
    }
    plot_chart_free(c);
    plot_chart_free(ref);
    {
        double y[2] = { -1, -2 };

        c = line_of(PLOT_BARS, 2, NULL, y, NULL, NULL);
        ref = line_of(PLOT_BARS, 2, NULL, y, NULL, NULL);
        plot_chart_yrange(ref, -2, 0);
        ck_assert(same_spot(c, ref, 0.0, -1.0));
    }
    plot_chart_free(c);
    plot_chart_free(ref);
    {
        double x[3] = { 0, 1, 2 }, y[3] = { 1, 9.3, 4 };

        c = line_of(PLOT_LINE, 3, x, y, NULL, NULL);
        ref = line_of(PLOT_LINE, 3, x, y, NULL, NULL);
        plot_chart_yrange(c, 0, NAN);
        plot_chart_yrange(ref, 0, 10);
        ck_assert(same_spot(c, ref, 1.0, 5.0));
        plot_chart_free(c);
        plot_chart_free(ref);
        y[0] = 0.7;
        y[1] = 10;
        c = line_of(PLOT_LINE, 3, x, y, NULL, NULL);
        ref = line_of(PLOT_LINE, 3, x, y, NULL, NULL);
        plot_chart_yrange(c, NAN, 10);
        plot_chart_yrange(ref, 0, 10);
        ck_assert(same_spot(c, ref, 1.0, 5.0));
    }
    plot_chart_free(c);
    plot_chart_free(ref);
    {
        double x[2] = { 0.3, 9.3 }, y[2] = { 0.5, 1 };

        c = line_of(PLOT_ECDF, 2, x, y, NULL, NULL);
        ref = line_of(PLOT_ECDF, 2, x, y, NULL, NULL);
        plot_chart_xrange(ref, 0, 10);
        ck_assert(same_spot(c, ref, 5.0, 0.5));
    }
    plot_chart_free(c);
    plot_chart_free(ref);
    {
        double x[2] = { 0, 1 }, a[2] = { 3, 3 }, b[2] = { -1, -1 };

        c = line_of(PLOT_AREA, 2, x, a, NULL, NULL);
        plot_chart_add(c, "b", NULL, 2, x, b, NULL, NULL);
        ref = line_of(PLOT_AREA, 2, x, a, NULL, NULL);
        plot_chart_add(ref, "b", NULL, 2, x, b, NULL, NULL);
        plot_chart_yrange(ref, 0, 3);
        ck_assert(same_spot(c, ref, 0.5, 1.5));
    }
    plot_chart_free(c);
    plot_chart_free(ref);
}
END_TEST

/* A histogram of one bin has no neighbour to take its width from; it is
 * drawn one unit wide and its CSV says so (a width of 0 survived, a bin
 * nobody could see). */
START_TEST(lone_histogram_bin_is_one_wide)
{
    struct plot_chart *c = plot_chart_new(PLOT_HIST, "one bin");
    double x[1] = { 5 }, y[1] = { 0.4 };
    char *text;

    plot_chart_csv_names(c, "x", "share");
    plot_chart_add(c, "s", NULL, 1, x, y, NULL, NULL);
    text = chart_csv(c);
    ck_assert_msg(strstr(text, "\"s\",\"\",5,1,0.4"), "%s", text);
    free(text);
    plot_chart_free(c);
}
END_TEST

/* Bar chart CSV: one row per category with its name, the last one too
 * (j + 1 < ncats left the last category's name empty). */
START_TEST(bars_csv_names_every_category)
{
    static const char *const cats[3] = { "A100", "H100", "V100" };
    struct plot_chart *c = plot_chart_new(PLOT_BARS, "bars");
    double y[3] = { 1, 2, 3 };
    char *text;

    plot_chart_categories(c, 3, cats);
    plot_chart_csv_names(c, "gpu", "n");
    plot_chart_add(c, "s", NULL, 3, NULL, y, NULL, NULL);
    text = chart_csv(c);
    ck_assert_msg(strstr(text, "\"s\",\"A100\",1,,\n\"s\",\"H100\",2,,\n\"s\",\"V100\",3,,\n"),
                  "%s", text);
    free(text);
    plot_chart_free(c);
}
END_TEST

/* plot_forest (plot.h): one series per group, so groups a, b, a give two
 * series; a's rows are 0 and 2 and each keeps its own interval (the
 * group's first interval copied to its later rows, or one series per
 * row, both survived). Its x axis carries the label given: setting that
 * label again moves no point (a label takes a line under the plot; the
 * label dropped survived). */
START_TEST(forest_groups_rows_with_their_intervals)
{
    static const char *const labels[3] = { "r0", "r1", "r2" };
    static const char *const groups[3] = { "a", "b", "a" };
    double d[3] = { 1, 2, 3 }, lo[3] = { 0.5, 1.5, 2.5 }, hi[3] = { 1.5, 2.5, 3.5 };
    struct plot_chart *c = plot_forest("f", "diff", NULL, NULL, 3, labels, groups, d, lo, hi);
    struct plot_chart *ref = plot_forest("f", "diff", NULL, NULL, 3, labels, groups, d, lo, hi);
    char *text;

    plot_chart_axes(ref, "diff", NULL);
    ck_assert(same_spot(c, ref, 1.0, 0.0));
    plot_chart_free(ref);

    ck_assert_uint_eq(plot_chart_series_count(c), 2);
    text = chart_csv(c);
    ck_assert_msg(strstr(text, "\"a\",\"r0\",1,0.5,1.5\n\"a\",\"r2\",3,2.5,3.5\n"
                               "\"b\",\"r1\",2,1.5,2.5\n"), "%s", text);
    free(text);
    plot_chart_free(c);
}
END_TEST

/* A sweep with intervals carries the note saying what its bars are
 * (plot.h); the note takes a line under the chart, so its points sit
 * where those of a chart given a note by hand do (the note dropped moved
 * them). */
START_TEST(sweep_with_intervals_has_a_note)
{
    static const char *const names[1] = { "fixed" };
    double x[2] = { 1, 2 }, m[2] = { 1, 2 }, lo[2] = { 0.5, 1.5 }, hi[2] = { 1.5, 2.5 };
    struct plot_chart *c = plot_sweep("s", "x", "y", NULL, NULL, 1, names, 2, x, m, lo, hi);
    struct plot_chart *ref = plot_sweep("s", "x", "y", NULL, NULL, 1, names, 2, x, m, NULL, NULL);

    plot_chart_yrange(c, 0, 3);
    plot_chart_yrange(ref, 0, 3);
    plot_chart_note(ref, "a note");
    ck_assert(same_spot(c, ref, 1.5, 1.0));
    plot_chart_free(c);
    plot_chart_free(ref);
}
END_TEST

/* "csv" is a format (plot.h's PLOT_FMT_CSV): "png,csv" parses to both
 * bits without an error (dropping it made it an unknown format). */
START_TEST(csv_is_a_format)
{
    struct diag d = DIAG_INIT(stderr);
    unsigned f = 0;

    ck_assert_int_eq(plot_parse_formats("png,csv", &f, &d), SIM_OK);
    ck_assert_uint_eq(f, PLOT_FMT_PNG | PLOT_FMT_CSV);
}
END_TEST

/* Series added without a style take the i-th categorical style (plot.h
 * via plot_style_nth), so two of them differ: series 1's point is drawn
 * in style 1's colour (every series in style 0 survived). */
START_TEST(unstyled_series_take_successive_styles)
{
    struct plot_chart *c = plot_chart_new(PLOT_SCATTER, "two");
    double x[1] = { 1 }, y0[1] = { 1 }, y1[1] = { 2 };
    cairo_surface_t *s;

    plot_chart_xrange(c, 0, 2);
    plot_chart_yrange(c, 0, 3);
    plot_chart_add(c, "a", NULL, 1, x, y0, NULL, NULL);
    plot_chart_add(c, "b", NULL, 1, x, y1, NULL, NULL);
    s = render(c);
    ck_assert(at(c, s, 0, 1.0, 1.0, plot_style_nth(0).color, 0.05));
    ck_assert(at(c, s, 0, 1.0, 2.0, plot_style_nth(1).color, 0.05));
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

/* What takes a legend entry (plot.h, charts.c's legend_entries): a label
 * "" stays off the legend like NULL; a shade label without a shaded
 * interval names nothing; a band note names only bands, and bars draw
 * their lo/hi as error bars, not bands. Each chart here has no entry at
 * all, so it lays out exactly like its twin without the label or note
 * (a legend column would move every point). Kills: "" labels listed, the
 * shade label listed with no interval, bars' intervals counted as
 * bands. */
START_TEST(legend_lists_only_what_is_drawn)
{
    double x[2] = { 0, 1 }, y[2] = { 1, 2 }, lo[2] = { 0.5, 1.5 }, hi[2] = { 1.5, 2.5 };
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "l"), *ref = plot_chart_new(PLOT_LINE, "l");

    plot_chart_add(c, "", NULL, 2, x, y, NULL, NULL);
    plot_chart_add(ref, NULL, NULL, 2, x, y, NULL, NULL);
    plot_chart_shade_x(c, NAN, NAN, "warm-up");
    ck_assert(same_spot(c, ref, 0.5, 1.5));
    plot_chart_free(c);
    plot_chart_free(ref);

    c = plot_chart_new(PLOT_BARS, "b");
    ref = plot_chart_new(PLOT_BARS, "b");
    plot_chart_add(c, NULL, NULL, 2, NULL, y, lo, hi);
    plot_chart_add(ref, NULL, NULL, 2, NULL, y, lo, hi);
    plot_chart_band_note(c, "band: P10-P90");
    ck_assert(same_spot(c, ref, 0.0, 1.0));
    plot_chart_free(c);
    plot_chart_free(ref);
}
END_TEST

/* Extra CSV columns (plot.h: points without values get empty cells): a
 * NULL value is an empty cell, not a placeholder ("-" survived); a
 * forest point on a row past the categories gets empty cells, not the
 * values of the row after the last (r <= ncats survived, reading one
 * row too far). */
START_TEST(extra_columns_empty_where_no_value)
{
    static const char *const names[1] = { "axis" };
    static const char *const vals[2] = { "fee", NULL };
    static const char *const rowvals[2] = { "row0", "beyond" };
    static const char *const cats[1] = { "only" };
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "cols");
    double x[2] = { 0, 1 }, y[2] = { 1, 2 };
    char *text;

    plot_chart_columns(c, 1, names);
    plot_series_columns(c, plot_chart_add(c, "s", NULL, 2, x, y, NULL, NULL), vals);
    text = chart_csv(c);
    ck_assert_msg(strstr(text, ",\"fee\"\n") && strstr(text, ",2,,,\"\"\n"), "%s", text);
    free(text);
    plot_chart_free(c);

    c = plot_chart_new(PLOT_FOREST, "f");
    plot_chart_categories(c, 1, cats);
    plot_chart_add(c, "g", NULL, 2, x, x, NULL, NULL);     /* rows 0 and 1 */
    plot_chart_columns(c, 1, names);
    plot_chart_row_columns(c, rowvals);
    text = chart_csv(c);
    ck_assert_msg(strstr(text, "\"row0\"\n") && !strstr(text, "beyond"), "%s", text);
    free(text);
    plot_chart_free(c);
}
END_TEST

/* Grey level (mean of r, g, b) of the pixel under canvas point (x, y). */
static double grey_at(cairo_surface_t *s, double x, double y)
{
    struct plot_rgb c = pixel(s, x, y);

    return (c.r + c.g + c.b) / 3.0;
}

/* The minor ticks of a log axis are drawn where they belong: light grid
 * lines at 2..9 times each decade (lighter than the decades' lines),
 * white paper halfway between them. Same mutations as above, seen in
 * the picture. */
START_TEST(log_axis_draws_minor_grid_at_two_to_nine)
{
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "log");
    double x[2] = { 1, 1000 }, y[2] = { 1, 1 }, cx, cy;
    cairo_surface_t *s;

    plot_chart_log(c, true, false);
    plot_chart_yrange(c, 0, 10);
    plot_chart_add(c, "A", NULL, 2, x, y, NULL, NULL);
    s = render(c);
    for (int dec = 0; dec < 3; dec++) {
        double d = pow(10.0, dec), g;

        if (dec > 0) {
            plot_chart_locate(c, 0, d, 7.0, &cx, &cy);
            g = grey_at(s, cx, cy);
            ck_assert_msg(g > 0.85 && g < 0.93, "decade %g: grey %.3f", d, g);
        }
        for (int m = 2; m <= 9; m++) {
            plot_chart_locate(c, 0, m * d, 7.0, &cx, &cy);
            g = grey_at(s, cx, cy);
            ck_assert_msg(g > 0.93 && g < 0.975, "minor %g: grey %.3f", m * d, g);
            plot_chart_locate(c, 0, sqrt(m * (m - 1.0)) * d, 7.0, &cx, &cy);
            g = grey_at(s, cx, cy);
            ck_assert_msg(g > 0.99, "between %g and %g: grey %.3f", (m - 1) * d, m * d, g);
        }
    }
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

/* An ECDF is a step function from the left edge at 0 to the right edge
 * of the axis: with x fixed to 0..5 and points (1, 0.2), (2, 0.5),
 * (3, 0.8), it runs along 0 from x = 0 to 1, holds 0.5 up to 3, rises
 * there to 0.8 and holds it to 5, past its last point. Mutations that
 * survived: the last step stopping at the last point, the first one
 * starting at the first point. */
START_TEST(ecdf_steps_from_left_edge_to_right_edge)
{
    struct plot_chart *c = plot_chart_new(PLOT_ECDF, "ecdf");
    double x[3] = { 1, 2, 3 }, q[3] = { 0.2, 0.5, 0.8 };
    struct plot_style st = plot_style_nth(4);           /* vermillion */
    cairo_surface_t *s;

    st.dash = 0;
    plot_chart_xrange(c, 0.0, 5.0);
    plot_chart_add(c, "a", &st, 3, x, q, NULL, NULL);
    s = render(c);
    ck_assert(at(c, s, 0, 4.6, 0.8, st.color, 0.1));     /* right of the last point */
    ck_assert(at(c, s, 0, 4.0, 0.8, st.color, 0.1));
    ck_assert(at(c, s, 0, 4.6, 0.9, white, 0.02));
    ck_assert(at(c, s, 0, 2.5, 0.5, st.color, 0.1));     /* a step holds */
    ck_assert(at(c, s, 0, 2.5, 0.65, white, 0.02));
    ck_assert(at(c, s, 0, 3.0, 0.65, st.color, 0.15));   /* and rises at the next x */
    ck_assert(at(c, s, 0, 0.5, 0.0, st.color, 0.1));     /* from the left edge at 0 */
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

/* Kinds of non-white runs met walking down column 'px' of 's' from pixel
 * row y0 on: one letter per run, the index into 'cols' ('a' + i) of the
 * colour its middle pixel has, 'g' for the light grey of the band and
 * shade swatches, '?' for anything else. */
static void runs_down(cairo_surface_t *s, int px, int y0, const struct plot_rgb *cols,
                      size_t ncols, char *out, size_t len)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    size_t n = 0;
    int y = y0;

    while (y < PLOT_PNG_H && n + 1 < len) {
        int a;
        uint32_t v;
        struct plot_rgb c;
        char k = '?';

        while (y < PLOT_PNG_H &&
               (*(const uint32_t *)(const void *)(d + y * stride + px * 4) & 0xffffff) == 0xffffff)
            y++;
        if (y >= PLOT_PNG_H)
            break;
        a = y;
        while (y < PLOT_PNG_H &&
               (*(const uint32_t *)(const void *)(d + y * stride + px * 4) & 0xffffff) != 0xffffff)
            y++;
        v = *(const uint32_t *)(const void *)(d + ((a + y) / 2) * stride + px * 4);
        c = (struct plot_rgb){ ((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0,
                               (v & 0xff) / 255.0 };
        for (size_t i = 0; i < ncols && k == '?'; i++)
            if (near(c, cols[i], 0.06))
                k = (char)('a' + i);
        if (k == '?' && near(c, (struct plot_rgb){ 0.85, 0.85, 0.85 }, 0.04))
            k = 'g';
        out[n++] = k;
    }
    out[n] = '\0';
}

/* The legend lists the series in the order they were added (not sorted,
 * not reversed), each label once with its first style, then the band
 * note and the shaded interval. Series "zeta", "alpha", "mid" (with a
 * P10-P90 band) and "zeta" again, in four colours: the swatch column
 * reads zeta, alpha, mid, band, shade. Mutations that survived: entries
 * in reverse order, repeated labels listed twice, the band or shade
 * entry left out. Without the band (loop 1) the note goes too: a one-run
 * price chart without P10/P90 columns listed "band: P10-P90 of rentals"
 * over no band. */
START_TEST(legend_in_series_order)
{
    double lo[2] = { 2.2, 2.2 }, hi[2] = { 2.8, 2.8 };
    bool band = _i == 0;
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "L");
    static const char *const names[4] = { "zeta", "alpha", "mid", "zeta" };
    static const size_t style[4] = { 4, 1, 2, 3 };
    struct plot_rgb cols[4];
    double x[2] = { 0, 4 }, y[2] = { 1, 1 }, x1, y0, cx, cy;
    char seq[16];
    int col = -1;
    cairo_surface_t *s;

    plot_chart_xrange(c, 0, 4);
    plot_chart_yrange(c, 0, 4);
    for (size_t i = 0; i < 4; i++) {
        struct plot_style st = plot_style_nth(style[i]);

        st.dash = 0;
        st.marker = PLOT_MARK_NONE;
        cols[i] = st.color;
        y[0] = y[1] = 0.5 + (double)i;
        plot_chart_add(c, names[i], &st, 2, x, y, band && i == 2 ? lo : NULL,
                       band && i == 2 ? hi : NULL);
    }
    plot_chart_band_note(c, "band: P10-P90");
    plot_chart_shade_x(c, 0.0, 1.0, "warm-up");
    s = render(c);
    plot_chart_locate(c, 0, 4.0, 4.0, &x1, &y0);        /* panel's top right */
    /* The legend column: the first pixel column right of the panel that
     * shows a series' colour, a little into its swatch. */
    for (int px = (int)(x1 * PLOT_PNG_W / PLOT_W_PT) + 4; px < PLOT_PNG_W && col < 0; px++)
        for (int py = 0; py < PLOT_PNG_H && col < 0; py++) {
            cx = (px + 0.5) * PLOT_W_PT / PLOT_PNG_W;
            cy = (py + 0.5) * PLOT_H_PT / PLOT_PNG_H;
            for (size_t i = 0; i < 4; i++)
                if (near(pixel(s, cx, cy), cols[i], 0.06))
                    col = px + 4;
        }
    ck_assert_int_ge(col, 0);
    runs_down(s, col, (int)(y0 * PLOT_PNG_H / PLOT_H_PT), cols, 4, seq, sizeof seq);
    ck_assert_str_eq(seq, band ? "abcgg" : "abcg");
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

/* Bars start at zero even when every value is far from it, and the bars
 * of several series share a category side by side in series order: of
 * category 0's slot the left half is series 0's bar, the right half
 * series 1's. Mutations that survived: bar axes not extended to zero
 * (values 3 and 4 drew from 3); both series' bars at the slot's left;
 * each bar as wide as the whole group. */
START_TEST(bars_from_zero_side_by_side)
{
    static const char *const cats[2] = { "a", "b" };
    struct plot_chart *c = plot_chart_new(PLOT_BARS, "bars");
    double y0[2] = { 3, 4 }, y1[2] = { 4, 3 };
    struct plot_style s0 = plot_style_nth(4), s1 = plot_style_nth(3);
    cairo_surface_t *s;

    plot_chart_categories(c, 2, cats);
    plot_chart_add(c, "first", &s0, 2, NULL, y0, NULL, NULL);
    plot_chart_add(c, "second", &s1, 2, NULL, y1, NULL, NULL);
    s = render(c);
    for (int j = 0; j < 2; j++) {
        ck_assert(at(c, s, 0, j - 0.15, 0.3, s0.color, 0.02));   /* down to zero */
        ck_assert(at(c, s, 0, j + 0.15, 0.3, s1.color, 0.02));
        ck_assert(at(c, s, 0, j - 0.15, 2.0, s0.color, 0.02));
        ck_assert(at(c, s, 0, j + 0.15, 2.0, s1.color, 0.02));
    }
    ck_assert(at(c, s, 0, -0.15, 3.5, white, 0.15));     /* series 0 is 3 in a */
    ck_assert(at(c, s, 0, 0.15, 3.5, s1.color, 0.02));   /* series 1 is 4 */
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

/* A histogram's axis covers its last bin to the bin's upper edge: bins
 * at 0.90..0.93, 0.01 wide, the last with 1 machine, draw up to 0.94.
 * Mutation that survived: the x range ending at the last bin's lower
 * edge, which cut the last bin off the chart. */
START_TEST(histogram_shows_its_last_bin)
{
    struct plot_chart *c = plot_chart_new(PLOT_HIST, "hist");
    double x[4] = { 0.90, 0.91, 0.92, 0.93 }, y[4] = { 5, 0, 3, 1 };
    struct plot_style a = plot_style_nth(0);
    cairo_surface_t *s;

    plot_chart_add(c, "dc", &a, 4, x, y, NULL, NULL);
    s = render(c);
    ck_assert(at(c, s, 0, 0.935, 0.5, a.color, 0.02));
    ck_assert(at(c, s, 0, 0.905, 4.5, a.color, 0.02));
    ck_assert(at(c, s, 0, 0.935, 1.5, white, 0.15));
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

/* A step series holds each value until the next x, then rises or falls
 * there: (0, 1), (1, 3), (2, 2) is flat at 1 over 0..1, vertical at 1,
 * flat at 3 over 1..2 (down to 2 at x = 2). Mutation that survived: steps drawn as straight
 * lines between the points (through (0.5, 2)). */
START_TEST(step_series_holds_until_the_next_x)
{
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "step");
    double x[3] = { 0, 1, 2 }, y[3] = { 1, 3, 2 };
    struct plot_style st = plot_style_nth(3);
    size_t i;
    cairo_surface_t *s;

    st.dash = 0;
    st.marker = PLOT_MARK_NONE;
    plot_chart_yrange(c, 0, 4);
    i = plot_chart_add(c, "Ready", &st, 3, x, y, NULL, NULL);
    plot_series_draw(c, i, PLOT_DRAW_STEP);
    s = render(c);
    ck_assert(at(c, s, 0, 0.5, 1.0, st.color, 0.1));
    ck_assert(at(c, s, 0, 0.25, 1.9, white, 0.02));    /* off the grid lines */
    ck_assert(at(c, s, 0, 1.0, 2.2, st.color, 0.15));
    ck_assert(at(c, s, 0, 1.5, 3.0, st.color, 0.1));
    ck_assert(at(c, s, 0, 1.75, 2.3, white, 0.02));
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

/* On a log y axis a value <= 0 has no place: the line breaks there and
 * starts again after it, rather than joining its neighbours across the
 * gap (or drawing towards log 0). Points (0, 1), (1, 5.5), (2, 0),
 * (3, 5.5), (4, 1): the segments either side are drawn (their middles,
 * on a log axis, at the geometric mean sqrt(5.5) = 2.345), and nothing
 * runs at 5.5 between x = 1 and 3 (checked at x = 1.8, off the grid: a
 * 5.5 lies between the minor lines at 5 and 6), nor down from either
 * towards the bottom (a 0 placed at log 0 drew a vertical line from each
 * neighbour out of the panel: checked at y = 0.75, below them). */
START_TEST(log_line_breaks_at_nonpositive_values)
{
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "log");
    double x[5] = { 0, 1, 2, 3, 4 }, y[5] = { 1, 5.5, 0, 5.5, 1 };
    struct plot_style st = plot_style_nth(0);
    cairo_surface_t *s;

    st.dash = 0;
    st.marker = PLOT_MARK_NONE;
    plot_chart_log(c, false, true);
    plot_chart_xrange(c, 0, 4);
    plot_chart_yrange(c, 0.5, 20);
    plot_chart_add(c, "a", &st, 5, x, y, NULL, NULL);
    s = render(c);
    ck_assert(near_row(c, s, 0.5, sqrt(5.5), st.color, 0.15));
    ck_assert(near_row(c, s, 3.5, sqrt(5.5), st.color, 0.15));
    ck_assert(at(c, s, 0, 1.8, 5.5, white, 0.02));
    ck_assert(at(c, s, 0, 2.2, 5.5, white, 0.02));
    ck_assert(!near_row(c, s, 1.0, 0.75, st.color, 0.15));
    ck_assert(!near_row(c, s, 3.0, 0.75, st.color, 0.15));
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

/* Up to three panels stand side by side in one row (on-demand and
 * interruptible prices, three host classes); more go in a grid of
 * ceil(sqrt(n)) columns, filled row by row: four panels make 2 x 2, five
 * 3 + 2. Each panel's data origin is located: the same height along a row,
 * further right along it; a new row starts lower, under the first. */
START_TEST(panels_one_row_up_to_three_then_a_grid)
{
    static const size_t counts[] = { 2, 3, 4, 5 }, cols[] = { 2, 3, 2, 3 };
    size_t n = counts[_i], k = cols[_i];
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "panels");
    double x[2] = { 0, 1 }, y[2] = { 0, 1 }, px[5], py[5];
    struct plot_style st = plot_style_nth(0);

    plot_chart_panels(c, n, NULL);
    for (size_t p = 0; p < n; p++)
        plot_series_panel(c, plot_chart_add(c, NULL, &st, 2, x, y, NULL, NULL), p);
    for (size_t p = 0; p < n; p++)
        plot_chart_locate(c, p, 0.0, 0.0, &px[p], &py[p]);
    for (size_t p = 1; p < n; p++) {
        if (p % k) {            /* along a row */
            ck_assert_double_eq_tol(py[p], py[p - 1], 1e-9);
            ck_assert_double_gt(px[p], px[p - 1] + 10);
        } else {                /* a new row, under the first */
            ck_assert_double_gt(py[p], py[p - k] + 10);
            ck_assert_double_eq_tol(px[p], px[0], 1e-9);
        }
    }
    plot_chart_free(c);
}
END_TEST

/* A sweep line shows each point's interval as an error bar: mean 2,
 * interval 1..3 at x = 1, 2, 3 draws a vertical bar through 1.3 and 2.7
 * at each x and nothing beside it. Mutation that survived: the error
 * bars of PLOT_UNC_BARS lines not drawn (sweep charts without their
 * confidence intervals). */
START_TEST(sweep_draws_error_bars)
{
    static const char *const names[1] = { "fixed" };
    double x[3] = { 1, 2, 3 }, m[3] = { 2, 2, 2 }, lo[3] = { 1, 1, 1 }, hi[3] = { 3, 3, 3 };
    struct plot_chart *c = plot_sweep("sweep", "scale", "cost", NULL, NULL, 1, names, 3,
                                      x, m, lo, hi);
    struct plot_rgb col = plot_style_nth(0).color;
    cairo_surface_t *s = render(c);

    for (int k = 1; k <= 3; k++) {
        ck_assert(at(c, s, 0, k, 2.7, col, 0.15));
        ck_assert(at(c, s, 0, k, 1.3, col, 0.15));
    }
    ck_assert(at(c, s, 0, 1.25, 2.7, white, 0.02));    /* off the grid lines */
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

/* Pooling a dense band into pixel columns keeps each column's highest
 * top and lowest bottom: 40,000 points whose top alternates 0.5 and 1.0
 * over points 10,000..12,000 (and bottom -0.5 and -1.0 over
 * 26,000..28,000) shade up to 1.0 (down to -1.0) there, while elsewhere
 * the band stops at +-0.5. Mutations that survived: the pooled top or
 * bottom taking the inner value, which thinned the band to +-0.5. */
START_TEST(dense_band_keeps_each_columns_extremes)
{
    enum { N = 40000 };
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "dense band");
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    double *lo = malloc(N * sizeof *lo), *hi = malloc(N * sizeof *hi);
    struct plot_style st = plot_style_nth(3);             /* blue */
    cairo_surface_t *s;
    double cx, cy;
    struct plot_rgb b;

    for (int i = 0; i < N; i++) {
        x[i] = i;
        y[i] = 0.0;
        lo[i] = -0.5;
        hi[i] = 0.5;
        if (i >= 10000 && i < 12000 && i % 2 == 0)
            hi[i] = 1.0;
        if (i >= 26000 && i < 28000 && i % 2 == 0)
            lo[i] = -1.0;
    }
    plot_chart_yrange(c, -1.2, 1.2);
    plot_chart_add(c, "A", &st, N, x, y, lo, hi);
    s = render(c);
    plot_chart_locate(c, 0, 11000, 0.85, &cx, &cy);
    b = pixel(s, cx, cy);
    ck_assert(!near(b, white, 0.05) && b.b > b.r);
    plot_chart_locate(c, 0, 27000, -0.85, &cx, &cy);
    b = pixel(s, cx, cy);
    ck_assert(!near(b, white, 0.05) && b.b > b.r);
    ck_assert(at(c, s, 0, 5000, 0.85, white, 0.02));
    ck_assert(at(c, s, 0, 5000, -0.85, white, 0.02));
    plot_chart_locate(c, 0, 5000, 0.3, &cx, &cy);       /* the band itself */
    b = pixel(s, cx, cy);
    ck_assert(!near(b, white, 0.05) && b.b > b.r);
    cairo_surface_destroy(s);
    plot_chart_free(c);
    free(x);
    free(y);
    free(lo);
    free(hi);
}
END_TEST

/* The warm-up shading is in the time axis's units (days): a warm-up of
 * 30 h on a 4-day run (samples 0..96 h) shades the first 1.25 days, 5/16
 * of the panel, from its left edge. Read back from price.png: the
 * panel's extent is the dark bottom axis line (the longest dark run of
 * any pixel row, the left panel's), the shade is the light grey 40 px
 * above it. Mutation that survived: the band given in hours (30 "days",
 * the whole panel grey). */
START_TEST(warmup_shade_is_in_days)
{
    static const char *const names[] = { "runs.csv", "params.csv", "timeseries.csv" };
    char ts[1024] = "run_id,t_h,metric,entity_kind,entity,value\n";
    const char *texts[3] = { ONE_RUN,
                             "run_id,key,value,unit,source\n"
                             "\"x-0\",\"sim.horizon\",\"4d\",\"d\",\"scenario\"\n"
                             "\"x-0\",\"sim.warmup\",\"30h\",\"d\",\"scenario\"\n", ts };
    int rc, best = 0, ya = -1, xa = 0, stride;
    char *dir, *msg, *pd, *p;
    cairo_surface_t *s;
    const unsigned char *d;

    for (int h = 0; h <= 96; h += 12) {
        size_t len = strlen(ts);

        snprintf(ts + len, sizeof ts - len,
                 "\"x-0\",%d,\"price_ondemand_p50\",\"gpu\",\"G\",2\n", h);
    }
    msg = plot_dir(names, texts, 3, "price", &rc, &dir);
    ck_assert_int_eq(rc, SIM_OK);
    pd = join(dir, "plots");
    p = join(pd, "price.png");
    s = cairo_image_surface_create_from_png(p);
    ck_assert_int_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    ck_assert_int_eq(cairo_image_surface_get_width(s), PLOT_PNG_W);
    d = cairo_image_surface_get_data(s);
    stride = cairo_image_surface_get_stride(s);
#define GREY_AT(x, y) ((*(const uint32_t *)(const void *)(d + (y) * stride + (x) * 4)) & 0xff)
    for (int y = 0; y < PLOT_PNG_H; y++)
        for (int x = 0, run = 0; x < PLOT_PNG_W; x++) {
            run = GREY_AT(x, y) < 140 ? run + 1 : 0;
            if (run > best) {
                best = run;
                ya = y;
                xa = x - run + 1;
            }
        }
    ck_assert_int_gt(best, PLOT_PNG_W / 4);             /* an axis, not text */
    {
        int y = ya - 40;
        double f[4] = { 0.05, 0.28, 0.345, 0.6 };
        int want[4] = { 235, 235, 255, 255 };           /* 0.92 grey, then paper */

        for (int k = 0; k < 4; k++) {
            int x = xa + (int)(f[k] * best), g = GREY_AT(x, y);

            ck_assert_msg(abs(g - want[k]) <= 3, "at %.3f of the panel: %d, want %d",
                          f[k], g, want[k]);
        }
    }
#undef GREY_AT
    cairo_surface_destroy(s);
    free(p);
    free(pd);
    free(msg);
    free(dir);
}
END_TEST

/* Appends "line:field|field;" for each record. */
static int collect(void *ctx, const char *const *f, size_t n, int line)
{
    FILE *out = ctx;

    fprintf(out, "%d:", line);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%s", i ? "|" : "", f[i]);
    fputc(';', out);
    return 0;
}

START_TEST(scan_streams_quoted_fields)
{
    char *dir = test_tmpdir(), *p = join(dir, "q.csv");
    struct diag d = DIAG_INIT(stderr);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);

    test_write_file(p, "a,b\n\"x \"\"y\"\"\",\"multi\nline\"\r\n\n  3 ,\"\"\n4,5");
    ck_assert_int_eq(tbl_scan(p, collect, out, &d), SIM_OK);
    fclose(out);
    ck_assert_str_eq(buf, "1:a|b;2:x \"y\"|multi\nline;5:3|;6:4|5;");
    free(buf);
    free(p);
    free(dir);
}
END_TEST

/* A quote left open before the file's last newline is a malformed
 * record at its line, reported: the reader once waited for more input
 * for ever (a truncated or hand-edited timeseries.csv hung `plot`). The
 * same without the final newline was already an error. */
START_TEST(scan_reports_a_quote_open_at_the_end)
{
    char *dir = test_tmpdir(), *p = join(dir, "u.csv");
    char *err = NULL, *buf = NULL;
    size_t elen = 0, len = 0;
    struct diag d = DIAG_INIT(open_memstream(&err, &elen));
    FILE *out = open_memstream(&buf, &len);

    test_write_file(p, "h,x\n1,2\n1,\"abc\n");
    ck_assert_int_eq(tbl_scan(p, collect, out, &d), SIM_EPARSE);
    fclose(out);
    fclose(d.out);
    ck_assert_ptr_nonnull(strstr(err, "u.csv:3: error: malformed CSV"));
    free(err);
    free(buf);
    free(p);
    free(dir);
}
END_TEST

/* ---- the default set's numbers, derived by hand from tiny inputs ---- */

/* A run without a price at a sample time (no rentals then: the value is
 * empty) is left out of that time's median and band: of three runs at
 * day 1 priced 3, (none) and 1, the median is 2 and gsl's P10/P90 of
 * {1, 3} are 1 + 0.1 x 2 = 1.2 and 2.8. A defect this found: the median
 * call packed the finite values to the front of the shared buffer, and
 * the P10/P90 calls then read {1, 1, 3} (band 1 to 2.6). Mutation
 * killed: quantile() keeping the NaN, which qsort cannot order. */
START_TEST(price_band_skips_runs_without_a_price)
{
    price_band_is("run_id,config,status\n\"x-0\",\"x\",\"ok\"\n\"x-1\",\"x\",\"ok\"\n"
                  "\"x-2\",\"x\",\"ok\"\n",
                  "run_id,t_h,metric,entity_kind,entity,value\n"
                  "\"x-0\",24,\"price_ondemand_p50\",\"gpu\",\"G\",3\n"
                  "\"x-1\",24,\"price_ondemand_p50\",\"gpu\",\"G\",\n"
                  "\"x-2\",24,\"price_ondemand_p50\",\"gpu\",\"G\",1\n", 2.0, 1.2, 2.8);
    price_band_is("run_id,config,status\n\"x-0\",\"x\",\"ok\"\n\"x-1\",\"x\",\"ok\"\n"
                  "\"x-2\",\"x\",\"ok\"\n",
                  "run_id,t_h,metric,entity_kind,entity,value\n"
                  "\"x-0\",24,\"price_ondemand_p50\",\"gpu\",\"G\",\n"
                  "\"x-1\",24,\"price_ondemand_p50\",\"gpu\",\"G\",3\n"
                  "\"x-2\",24,\"price_ondemand_p50\",\"gpu\",\"G\",1\n", 2.0, 1.2, 2.8);
}
END_TEST

/* The charts over time are by GPU model: the entity of a row whose
 * entity_kind is "gpu". A utilisation row of the platform ("all") is not
 * a model (docs/METRICS.md names both kinds). Utilisation 0.25 is 25 %.
 * Mutation killed: on_ts_row dropping its entity_kind test, which drew a
 * GPU model "all". */
START_TEST(series_charts_take_gpu_rows_only)
{
    static const char *const names[] = { "runs.csv", "timeseries.csv" };
    const char *texts[2] = {
        ONE_RUN,
        "run_id,t_h,metric,entity_kind,entity,value\n"
        "\"x-0\",24,\"utilisation\",\"gpu\",\"G\",0.25\n"
        "\"x-0\",24,\"utilisation\",\"platform\",\"all\",0.75\n",
    };
    double v[4];
    char *csv = dir_chart(names, texts, 2, "utilisation", "utilisation.csv");

    ck_assert_uint_ge(row_nums(csv, "\"G\",\"\",", v, 2), 2);
    ck_assert_double_eq_tol(v[0], 1.0, 1e-12);
    ck_assert_double_eq_tol(v[1], 25.0, 1e-12);
    /* one run has no band here: there are no P10/P90 utilisation
     * series (mutation killed: the run's own value as its band) */
    ck_assert_ptr_nonnull(strstr(csv, "\"G\",\"\",1,25,,\n"));
    ck_assert_ptr_null(strstr(csv, "\"all\""));
    free(csv);
}
END_TEST

/* A sample time that is not a finite number is bad input at its row,
 * as a malformed value is: "nan" and "inf" parse with strtod but place
 * no point. Mutation killed: on_ts_row accepting a non-finite t_h. */
START_TEST(non_finite_sample_time_is_an_error)
{
    static const char *const bad[] = { "nan", "inf" };

    for (size_t i = 0; i < 2; i++) {
        char ts[256], *e;

        snprintf(ts, sizeof ts, "run_id,t_h,metric,entity_kind,entity,value\n"
                 "\"base-0\",0,\"utilisation\",\"gpu\",\"A\",0.5\n"
                 "\"base-0\",%s,\"utilisation\",\"gpu\",\"A\",0.5\n", bad[i]);
        e = errors_for("timeseries.csv", ts);
        ck_assert_ptr_nonnull(e);
        ck_assert_msg(strstr(e, "timeseries.csv:3: error: column 't_h': expected a number") !=
                      NULL, "t_h %s: %s", bad[i], e);
        free(e);
    }
}
END_TEST

/* GPU models that list as many GPUs (here none: no gpus_listed rows)
 * rank by name (rank_gpus' header): of M1..M8, the seven kept are M1..M7,
 * and the CSV lists them in that order. Mutation killed: the name
 * tie-break reversed, which dropped M1. */
START_TEST(tied_gpu_models_rank_by_name)
{
    static const char *const names[] = { "runs.csv", "timeseries.csv" };
    char ts[4096] = "run_id,t_h,metric,entity_kind,entity,value\n", *dir, *csv, *msg;
    const char *texts[2] = { ONE_RUN, ts };
    int rc;

    for (int k = 8; k >= 1; k--) {      /* read in reverse name order */
        size_t len = strlen(ts);

        snprintf(ts + len, sizeof ts - len,
                 "\"x-0\",0,\"price_ondemand_p50\",\"gpu\",\"M%d\",1\n", k);
    }
    msg = plot_dir(names, texts, 2, "price", &rc, &dir);
    ck_assert_int_eq(rc, SIM_OK);
    csv = plotted(dir, "price.csv");
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_null(strstr(csv, "\"M8\""));
    for (int k = 1; k <= 7; k++) {
        char want[16], next[16];

        snprintf(want, sizeof want, "\"M%d\"", k);
        ck_assert_msg(strstr(csv, want) != NULL, "%s missing from price.csv", want);
        snprintf(next, sizeof next, "\"M%d\"", k + 1);
        if (k < 7)
            ck_assert_msg(strstr(csv, want) < strstr(csv, next), "%s after %s", want, next);
    }
    free(csv);
    free(msg);
    free(dir);
}
END_TEST

/* Samples 15 minutes apart (sim.sample-interval 15min) are three points,
 * at 0, 0.25/24 and 0.5/24 days: only times within 1e-9 h are one
 * (union_grid). Mutation killed: the merging tolerance widened to half
 * an hour, which left one point. */
START_TEST(quarter_hour_samples_are_distinct_points)
{
    static const char *const names[] = { "runs.csv", "timeseries.csv" };
    const char *texts[2] = {
        ONE_RUN,
        "run_id,t_h,metric,entity_kind,entity,value\n"
        "\"x-0\",0,\"utilisation\",\"gpu\",\"G\",0.1\n"
        "\"x-0\",0.25,\"utilisation\",\"gpu\",\"G\",0.2\n"
        "\"x-0\",0.5,\"utilisation\",\"gpu\",\"G\",0.3\n",
    };
    char *csv = dir_chart(names, texts, 2, "utilisation", "utilisation.csv");
    const char *l;
    size_t rows = 0;
    double v[2];

    for (l = strstr(csv, "\"G\","); l; l = strstr(l + 1, "\"G\","))
        rows++;
    ck_assert_uint_eq(rows, 3);
    l = strstr(csv, "\"G\",\"\",0,");
    ck_assert_ptr_nonnull(l);
    ck_assert_uint_ge(row_nums(strchr(l, '\n') + 1, "\"G\",\"\",", v, 2), 2);
    ck_assert_double_eq_tol(v[0], 0.25 / 24.0, 1e-12);
    ck_assert_double_eq_tol(v[1], 20.0, 1e-9);
    free(csv);
}
END_TEST

/* Runs sampled on different grids (a swept sim.sample-interval): at a
 * time only the runs with a sample then count. Run x-0 samples daily
 * (utilisation 0.2, 0.4), x-1 every 12 h (0.6, 0.8, 1.0): at 12 h the
 * median is x-1's alone, 80 %, and at day 1 that of 0.4 and 1.0, 70 %.
 * Mutation killed: across_runs taking a run's next sample after the time
 * as if it were at the time (60 % at 12 h). */
START_TEST(runs_on_different_grids_count_where_they_sample)
{
    static const char *const names[] = { "runs.csv", "timeseries.csv" };
    const char *texts[2] = {
        "run_id,config,status\n\"x-0\",\"x\",\"ok\"\n\"x-1\",\"x\",\"ok\"\n",
        "run_id,t_h,metric,entity_kind,entity,value\n"
        "\"x-0\",0,\"utilisation\",\"gpu\",\"G\",0.2\n"
        "\"x-0\",24,\"utilisation\",\"gpu\",\"G\",0.4\n"
        "\"x-1\",0,\"utilisation\",\"gpu\",\"G\",0.6\n"
        "\"x-1\",12,\"utilisation\",\"gpu\",\"G\",0.8\n"
        "\"x-1\",24,\"utilisation\",\"gpu\",\"G\",1.0\n",
    };
    double v[2];
    char *csv = dir_chart(names, texts, 2, "utilisation", "utilisation.csv");

    ck_assert_uint_ge(row_nums(csv, "\"G\",\"\",0.5,", v, 1), 1);
    ck_assert_double_eq_tol(v[0], 80.0, 1e-9);
    ck_assert_uint_ge(row_nums(csv, "\"G\",\"\",1,", v, 1), 1);
    ck_assert_double_eq_tol(v[0], 70.0, 1e-9);
    free(csv);
}
END_TEST

/* utilisation.png of two runs of utilisation 0.2 and 0.6 at day 1 whose
 * runs.csv is 'runs'; returns the PNG's bytes (size in '*n'). */
static char *util_png_of(const char *runs, size_t *n)
{
    static const char *const names[] = { "runs.csv", "timeseries.csv" };
    const char *texts[2] = {
        runs,
        "run_id,t_h,metric,entity_kind,entity,value\n"
        "\"x-0\",24,\"utilisation\",\"gpu\",\"G\",0.2\n"
        "\"x-1\",24,\"utilisation\",\"gpu\",\"G\",0.6\n",
    };
    int rc;
    char *dir, *msg = plot_dir(names, texts, 2, "utilisation", &rc, &dir), *pd, *p, *png;

    ck_assert_int_eq(rc, SIM_OK);
    pd = join(dir, "plots");
    p = join(pd, "utilisation.png");
    png = test_read_file(p, n);
    ck_assert_ptr_nonnull(png);
    free(p);
    free(pd);
    free(msg);
    free(dir);
    return png;
}

/* The sweep points of runs.csv are its distinct rows of the columns
 * between base_seed and status (count_points); a chart pooling several
 * says so in a note. Two replications of one point (fee 0.1 twice) draw
 * the same chart as two runs of a runs.csv with no sweep column, and two
 * points (fee 0.1 and 0.3) a different one (the note). Mutations killed:
 * every run counted as a point; a single sweep column not counted. */
START_TEST(pooled_note_counts_distinct_sweep_points)
{
    size_t n0, n1, n2;
    char *plain = util_png_of("run_id,config,base_seed,status\n\"x-0\",\"x\",1,\"ok\"\n"
                              "\"x-1\",\"x\",1,\"ok\"\n", &n0);
    char *reps = util_png_of("run_id,config,base_seed,fee,status\n\"x-0\",\"x\",1,\"0.1\",\"ok\"\n"
                             "\"x-1\",\"x\",1,\"0.1\",\"ok\"\n", &n1);
    char *pts = util_png_of("run_id,config,base_seed,fee,status\n\"x-0\",\"x\",1,\"0.1\",\"ok\"\n"
                            "\"x-1\",\"x\",1,\"0.3\",\"ok\"\n", &n2);

    ck_assert_msg(n0 == n1 && memcmp(plain, reps, n0) == 0,
                  "replications of one sweep point drew a different chart");
    ck_assert_msg(n0 != n2 || memcmp(plain, pts, n0) != 0,
                  "two sweep points drew no pooled note");
    free(plain);
    free(reps);
    free(pts);
}
END_TEST

/* One run draws its own price_ondemand_p10/_p90 as the band; where those
 * series lack a sample time of the median's (a price recorded only from
 * day 1), no point takes a band value of another time: day 0 has no P10
 * or P90 sample, so no band there, and day 1's band, if drawn, is day
 * 1's P10 (1.5) and P90 (2.5). Mutation killed: chart_price keeping the
 * shorter P10/P90 arrays, which shifted day 1's values onto day 0. */
START_TEST(one_run_band_never_shifts_in_time)
{
    static const char *const names[] = { "runs.csv", "timeseries.csv" };
    const char *texts[2] = {
        ONE_RUN,
        "run_id,t_h,metric,entity_kind,entity,value\n"
        "\"x-0\",0,\"price_ondemand_p50\",\"gpu\",\"G\",1\n"
        "\"x-0\",24,\"price_ondemand_p10\",\"gpu\",\"G\",1.5\n"
        "\"x-0\",24,\"price_ondemand_p50\",\"gpu\",\"G\",2\n"
        "\"x-0\",24,\"price_ondemand_p90\",\"gpu\",\"G\",2.5\n",
    };
    double v[4];
    char *csv = dir_chart(names, texts, 2, "price", "price.csv");

    ck_assert_msg(strstr(csv, "\"G\",\"On-demand\",0,1,,\n") != NULL, "price.csv:\n%s", csv);
    ck_assert_uint_ge(row_nums(csv, "\"G\",\"On-demand\",1,", v, 3), 1);
    ck_assert_double_eq_tol(v[0], 2.0, 1e-12);
    ck_assert_msg(strstr(csv, "\"G\",\"On-demand\",1,2,,\n") != NULL ||
                  strstr(csv, "\"G\",\"On-demand\",1,2,1.5,2.5\n") != NULL,
                  "price.csv:\n%s", csv);
    free(csv);
}
END_TEST

/* The reliability histogram is the mean across runs of the machines per
 * bin, a run that wrote no row for a bin having none there: bin 0.52 of
 * 4 machines in x-0 and absent from x-1 is (4 + 0) / 2 = 2. Mutation
 * killed: the absent bin left NaN, so the mean was x-0's alone (4). */
START_TEST(reliability_bin_absent_from_a_run_counts_zero)
{
    double v[3];
    char *csv = files_chart(
        "run_id,config,status\n\"x-0\",\"x\",\"ok\"\n\"x-1\",\"x\",\"ok\"\n", NULL,
        "run_id,metric,entity_kind,entity,value,unit\n"
        "\"x-0\",\"reliability_hist_dc\",\"bin\",\"0.51\",6,\"1\"\n"
        "\"x-0\",\"reliability_hist_dc\",\"bin\",\"0.52\",4,\"1\"\n"
        "\"x-1\",\"reliability_hist_dc\",\"bin\",\"0.51\",2,\"1\"\n",
        "reliability", "reliability.csv");

    /* bin low edge, width, machines: 0.51 first, then 0.52 */
    ck_assert_uint_eq(row_nums(csv, "\"dc\",\"\",", v, 3), 3);
    ck_assert_double_eq_tol(v[0], 0.51, 1e-12);
    ck_assert_double_eq_tol(v[2], 4.0, 1e-12);
    ck_assert_uint_eq(row_nums(strstr(csv, "\"dc\"") + 1, "\"dc\",\"\",", v, 3), 3);
    ck_assert_double_eq_tol(v[0], 0.52, 1e-12);
    ck_assert_double_eq_tol(v[2], 2.0, 1e-12);
    free(csv);
}
END_TEST

/* The price-performance scatter joins each offer's price to its DLPerf
 * in the same run: offer o of x-0 (DLPerf 10, price 1) and of x-1 (20,
 * 2) are the points (10, 1) and (20, 2), whatever order the rows come
 * in. Mutation killed: the join ignoring run_id, which paired x-0's
 * price with the first DLPerf row of that offer id (x-1's 20). */
START_TEST(price_perf_joins_offers_within_a_run)
{
    char *csv = files_chart(
        "run_id,config,status\n\"x-0\",\"x\",\"ok\"\n\"x-1\",\"x\",\"ok\"\n", NULL,
        "run_id,metric,entity_kind,entity,value,unit\n"
        "\"x-1\",\"offer_dlperf_per_gpu\",\"offer:G\",\"o\",20,\"1\"\n"
        "\"x-0\",\"offer_dlperf_per_gpu\",\"offer:G\",\"o\",10,\"1\"\n"
        "\"x-0\",\"offer_price_per_gpu_h\",\"offer:G\",\"o\",1,\"USD\"\n"
        "\"x-1\",\"offer_price_per_gpu_h\",\"offer:G\",\"o\",2,\"USD\"\n",
        "price_perf", "price_perf.csv");

    ck_assert_ptr_nonnull(strstr(csv, "\"offers\",\"\",10,1,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"offers\",\"\",20,2,"));
    ck_assert_ptr_null(strstr(csv, "\"offers\",\"\",20,1,"));
    free(csv);
}
END_TEST

/* Two summary rows of one sweep line and x (two configs, one policy
 * axis): the first is drawn (chart_sweep), the other counted in the
 * note. Config a's mean 1 at scale 1, not config b's 5. Mutation killed:
 * the later row overwriting the earlier. */
START_TEST(sweep_clash_draws_the_first_row)
{
    double v[2];
    char *csv = files_chart(ONE_RUN, SUM_HDR("policy,scale")
                            "\"a\",\"p\",\"1\",\"cost_per_work_usd\",\"\",1,,\n"
                            "\"b\",\"p\",\"1\",\"cost_per_work_usd\",\"\",5,,\n"
                            "\"a\",\"p\",\"2\",\"cost_per_work_usd\",\"\",2,,\n",
                            NULL, "sweep", "sweep_cost_per_work_usd.csv");

    ck_assert_uint_ge(row_nums(csv, "\"p\",\"\",1,", v, 1), 1);
    ck_assert_double_eq_tol(v[0], 1.0, 1e-12);
    ck_assert_uint_ge(row_nums(csv, "\"p\",\"\",2,", v, 1), 1);
    ck_assert_double_eq_tol(v[0], 2.0, 1e-12);
    free(csv);
}
END_TEST

/* A sweep variable with an empty value somewhere is not numeric (the
 * x axis needs a number for every row): no sweep chart, and the note
 * says so. Mutation killed: col_numeric taking "" as a number (x = 0). */
START_TEST(sweep_x_with_an_empty_value_is_not_numeric)
{
    int rc;
    char *dir, *msg = plot_files(ONE_RUN, SUM_HDR("scale")
                                 "\"x\",\"1\",\"cost_per_work_usd\",\"\",1,,\n"
                                 "\"x\",\"\",\"cost_per_work_usd\",\"\",2,,\n",
                                 NULL, "sweep", &rc, &dir);

    ck_assert_int_eq(rc, SIM_OK);
    ck_assert_ptr_null(plotted(dir, "sweep_cost_per_work_usd.csv"));
    ck_assert_ptr_nonnull(msg);
    ck_assert_ptr_nonnull(strstr(msg, "summary.csv: note: no sweep charts: 1 sweep variable"));
    free(msg);
    free(dir);
}
END_TEST

/* A contrast chart draws at most CONTRAST_ROWS (28) rows of a metric,
 * the first in contrasts.csv: of 29 rows (entities e01..e29) e28 is the
 * last drawn and e29 is left to the note. Mutation killed: the limit
 * compared with <=, drawing 29. */
START_TEST(contrast_chart_draws_at_most_28_rows)
{
    static const char *const names[] = { "runs.csv", "contrasts.csv" };
    char con[8192] = "config,metric,entity_kind,entity,axis,level,baseline_level,n,mean_diff,"
                     "sd_diff,ci_level,ci_low,ci_high,method,common_seeds\n";
    const char *texts[2] = { ONE_RUN, con };
    int rc;
    char *dir, *csv, *msg;

    for (int k = 1; k <= 29; k++) {
        size_t len = strlen(con);

        snprintf(con + len, sizeof con - len,
                 "\"x\",\"utilisation\",\"gpu\",\"e%02d\",\"fee\",\"0.3\",\"0.1\",2,0.1,0,0.95,"
                 "0.05,0.15,\"paired-t\",1\n", k);
    }
    msg = plot_dir(names, texts, 2, "contrasts", &rc, &dir);
    ck_assert_int_eq(rc, SIM_OK);
    csv = plotted(dir, "contrasts_utilisation.csv");
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(strstr(csv, "\"e28\""));
    ck_assert_ptr_null(strstr(csv, "\"e29\""));
    free(csv);
    free(msg);
    free(dir);
}
END_TEST

/* The spot chart's line of a type runs in x order, whatever the text
 * order of its entities ("0.375" sorts before "0.4" but "1" after both
 * only as text by luck): x = 0.375, 0.4, 1 in that order, y the mean
 * across runs. Mutation killed: the insertion sort reversed. */
START_TEST(spot_curve_in_price_order)
{
    char *csv = files_chart(
        ONE_RUN, NULL,
        "run_id,metric,entity_kind,entity,value,unit\n"
        "\"x-0\",\"spot.time_cdf\",\"type\",\"0.1@0.4\",0.5,\"1\"\n"
        "\"x-0\",\"spot.time_cdf\",\"type\",\"0.1@1\",1,\"1\"\n"
        "\"x-0\",\"spot.time_cdf\",\"type\",\"0.1@0.375\",0.25,\"1\"\n",
        "spot", "spot.csv");
    const char *a, *b, *c;

    a = strstr(csv, "\"0.1 USD/h\",\"\",0.375,0.25,");
    b = strstr(csv, "\"0.1 USD/h\",\"\",0.40000000000000002,0.5,");
    c = strstr(csv, "\"0.1 USD/h\",\"\",1,1,");
    ck_assert_msg(a && b && c && a < b && b < c, "spot.csv:\n%s", csv);
    free(csv);
}
END_TEST

/* spotckpt.png for one run of bids 0.3 and 0.5 (listed cheapest first),
 * every policy costing 1 at either, with spotckpt.done 'done' for each
 * (NULL: no done rows); spotckpt.csv in '*csv'. */
static char *spotckpt_png(const char *done, size_t *n, char **csv)
{
    static const char *const pols[] = { "NONE", "HOUR", "EDGE", "ADAPT", "OPT" };
    static const char *const bids[] = { "0.3", "0.5" };
    char sc[4096] = "run_id,metric,entity_kind,entity,value,unit\n", *dir, *msg, *pd, *p, *png;
    int rc;

    for (size_t b = 0; b < 2; b++)
        for (size_t k = 0; k < 5; k++) {
            size_t len = strlen(sc);

            snprintf(sc + len, sizeof sc - len,
                     "\"x-0\",\"spotckpt.cost\",\"policy\",\"%s@%s\",1,\"USD\"\n", pols[k],
                     bids[b]);
            len = strlen(sc);
            if (done)
                snprintf(sc + len, sizeof sc - len,
                         "\"x-0\",\"spotckpt.done\",\"policy\",\"%s@%s\",%s,\"1\"\n", pols[k],
                         bids[b], done);
        }
    msg = plot_files(ONE_RUN, NULL, sc, "spotckpt", &rc, &dir);
    ck_assert_int_eq(rc, SIM_OK);
    pd = join(dir, "plots");
    p = join(pd, "spotckpt.png");
    png = test_read_file(p, n);
    ck_assert_ptr_nonnull(png);
    *csv = plotted(dir, "spotckpt.csv");
    ck_assert_ptr_nonnull(*csv);
    free(p);
    free(pd);
    free(msg);
    free(dir);
    return png;
}

/* The spot checkpointing chart has one bar series per bid, dearest
 * first (its header), and notes only the policies whose jobs were not
 * all done: every job done (1) draws the same chart as no done rows at
 * all, and 0.5 done a different one. Mutations killed: the bids sorted
 * cheapest first; the note written for done = 1 too. */
START_TEST(spotckpt_bids_dearest_first_and_note_only_when_undone)
{
    size_t n0, n1, n2;
    char *c0, *c1, *c2;
    char *none = spotckpt_png(NULL, &n0, &c0), *all = spotckpt_png("1", &n1, &c1);
    char *half = spotckpt_png("0.5", &n2, &c2);
    const char *b5 = strstr(c0, "\"bid 0.5\","), *b3 = strstr(c0, "\"bid 0.3\",");

    ck_assert_msg(b5 && b3 && b5 < b3, "spotckpt.csv:\n%s", c0);
    ck_assert_msg(n0 == n1 && memcmp(none, all, n0) == 0, "a note with every job done");
    ck_assert_msg(n0 != n2 || memcmp(none, half, n0) != 0, "no note with half the jobs done");
    free(none);
    free(all);
    free(half);
    free(c0);
    free(c1);
    free(c2);
}
END_TEST

/* --only names whole charts: "price_perf" is not "price", nor
 * "spotckpt" "spot". Mutation killed: wanted() matching a chart whose
 * name is a prefix of the one asked for. */
START_TEST(only_matches_whole_chart_names)
{
    int rc;
    char *dir, *csv, *msg = plot_files(ONE_RUN, NULL,
                                       "run_id,metric,entity_kind,entity,value,unit\n"
                                       "\"x-0\",\"spot.time_cdf\",\"type\",\"0.1@1\",1,\"1\"\n",
                                       "price_perf,spotckpt", &rc, &dir);

    ck_assert_int_eq(rc, SIM_OK);
    csv = plotted(dir, "price_perf.csv");
    ck_assert_ptr_nonnull(csv);
    free(csv);
    ck_assert_ptr_null(plotted(dir, "price.csv"));
    ck_assert_ptr_null(plotted(dir, "spot.csv"));
    free(msg);
    free(dir);
}
END_TEST

/* The workers chart is the first run's (its subtitle names it), in days:
 * x-0's 3 Ready workers at 24 h are at day 1, and x-1's 9 are not drawn.
 * Mutations killed: every run's rows drawn; t_h left in hours. */
START_TEST(workers_chart_is_the_first_run_in_days)
{
    static const char *const names[] = { "runs.csv", "scalars.csv", "timeseries.csv" };
    const char *texts[3] = {
        "run_id,config,status\n\"x-0\",\"x\",\"ok\"\n\"x-1\",\"x\",\"ok\"\n",
        "run_id,metric,entity_kind,entity,value,unit\n"
        "\"x-0\",\"latency_p99_s\",\"endpoint\",\"e\",1,\"s\"\n",
        "run_id,t_h,metric,entity_kind,entity,value\n"
        "\"x-0\",24,\"workers_ready\",\"endpoint\",\"e\",3\n"
        "\"x-1\",24,\"workers_ready\",\"endpoint\",\"e\",9\n",
    };
    char *csv = dir_chart(names, texts, 3, "workers", "workers.csv");

    ck_assert_ptr_nonnull(strstr(csv, "\"Ready\",\"\",1,3,"));
    ck_assert_ptr_null(strstr(csv, ",9,"));
    free(csv);
}
END_TEST

/* A runs.csv or scalars.csv without its run_id column is bad input
 * named by file and line 1, and nothing is drawn (a result directory of
 * numbers keyed by no run has no meaning to chart). Mutations killed:
 * read_scalars and read_meta going on without the column. */
START_TEST(missing_run_id_column_is_an_input_error)
{
    int rc;
    char *dir, *msg = plot_files(ONE_RUN, NULL,
                                 "metric,entity_kind,entity,value,unit\n"
                                 "\"cost_per_work_usd\",\"archetype\",\"a\",1,\"USD\"\n",
                                 NULL, &rc, &dir);

    ck_assert_int_eq(rc, SIM_EPARSE);
    ck_assert_ptr_nonnull(msg);
    ck_assert_msg(strstr(msg, "scalars.csv:1: error: missing column 'run_id'") != NULL, "%s", msg);
    ck_assert_ptr_null(plotted(dir, "cost.csv"));
    free(msg);
    free(dir);
    msg = plot_files("config,status\n\"x\",\"ok\"\n", NULL, NULL, NULL, &rc, &dir);
    ck_assert_int_eq(rc, SIM_EPARSE);
    ck_assert_ptr_nonnull(msg);
    ck_assert_msg(strstr(msg, "runs.csv:1: error: missing column 'run_id'") != NULL, "%s", msg);
    ck_assert_ptr_null(plotted(dir, "price.csv"));
    free(msg);
    free(dir);
}
END_TEST

/* A report.pdf that cannot be written (a directory of that name) is an
 * error naming it, not a silent success. Mutation killed: the status
 * of the report job not passed on by render_all. */
START_TEST(unwritable_report_is_an_error)
{
    int rc;
    char *dir = test_tmpdir(), *p = join(dir, "runs.csv"), *q = join(dir, "report.pdf"), *r;
    char *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));

    test_write_file(p, ONE_RUN);
    ck_assert_int_eq(mkdir(q, 0777), 0);
    r = join(q, "keep");
    test_write_file(r, "x");
    rc = plot_result_dir(dir, "png", NULL, &d);
    fclose(d.out);
    ck_assert_int_ne(rc, SIM_OK);
    ck_assert_msg(strstr(buf, "report.pdf: error: cannot write") != NULL, "%s", buf);
    free(buf);
    free(r);
    free(q);
    free(p);
    free(dir);
}
END_TEST

/* A summary.csv that does not parse is an error naming its row, and the
 * plot fails (exit 2) rather than drawing no sweep chart and exiting 0.
 * Mutation killed: the load failure not setting the status. */
START_TEST(malformed_summary_is_an_error)
{
    int rc;
    char *dir, *msg = plot_files(ONE_RUN, SUM_HDR("scale")
                                 "\"x\",\"1\",\"cost_per_work_usd\",\"\",1,,\n"
                                 "\"x\",\"2\",\"cost_per_work_usd\",\"\",2\n",
                                 NULL, "sweep", &rc, &dir);

    ck_assert_int_ne(rc, SIM_OK);
    ck_assert_ptr_nonnull(msg);
    ck_assert_msg(strstr(msg, "summary.csv:3: error:") != NULL, "%s", msg);
    free(msg);
    free(dir);
}
END_TEST

/* A log axis keeps zero out of its range (0 has no logarithm): ECDF x of
 * 0, 0.1 and 100 on a log x spans the decades 0.1..100 (floor(log10
 * 0.1) = -1, ceil(log10 100) = 2), as if the 0 were absent. Mutation
 * killed: finite_for accepting v >= 0 on a log axis, which took the low
 * end to 0 and so to plot_ticks_log's fallback of 1. */
START_TEST(log_axis_leaves_zero_out)
{
    double x[3] = { 0, 0.1, 100 }, y[3] = { 0.2, 0.5, 1 };
    struct plot_chart *c = line_of(PLOT_ECDF, 3, x, y, NULL, NULL);
    struct plot_chart *ref = line_of(PLOT_ECDF, 3, x, y, NULL, NULL);

    plot_chart_log(c, true, false);
    plot_chart_log(ref, true, false);
    plot_chart_xrange(ref, 0.1, 100);
    ck_assert(same_spot(c, ref, 10.0, 0.5));
    ck_assert(same_spot(c, ref, 0.3, 0.5));
    plot_chart_free(c);
    plot_chart_free(ref);
}
END_TEST

/* One sample at a fixed end that is not 0 (make_axis: widen away from
 * the fixed end): a line's x fixed at 5 with its one point at 5 runs to
 * 5 + 10% of 5 = 5.5 (the same 10% plot_ticks_linear widens a point by),
 * and a line's x is not rounded out, so the axis is exactly 5..5.5.
 * Mutation killed: the widening always 1 (5..6). */
START_TEST(one_sample_at_a_fixed_end_widens_by_a_tenth)
{
    double x[1] = { 5 }, y[1] = { 1 };
    struct plot_chart *c = line_of(PLOT_LINE, 1, x, y, NULL, NULL);
    struct plot_chart *ref = line_of(PLOT_LINE, 1, x, y, NULL, NULL);

    plot_chart_xrange(c, 5, NAN);
    plot_chart_yrange(c, 0, 2);
    plot_chart_xrange(ref, 5, 5.5);
    plot_chart_yrange(ref, 0, 2);
    ck_assert(same_spot(c, ref, 5.25, 1.0));
    plot_chart_free(c);
    plot_chart_free(ref);
}
END_TEST

/* The price-performance join is on (run, kind, id) (chart_price_perf):
 * offer 1 of model A (DLPerf 10, price 1) and offer 1 of model B (20, 2)
 * in one run are the points (10, 1) and (20, 2), not (10, 2). Mutation
 * killed: the join ignoring entity_kind, which paired B's price with
 * the first DLPerf row of id 1 (A's 10). */
START_TEST(price_perf_joins_offers_of_one_kind)
{
    char *csv = files_chart(
        ONE_RUN, NULL,
        "run_id,metric,entity_kind,entity,value,unit\n"
        "\"x-0\",\"offer_dlperf_per_gpu\",\"offer:A\",\"1\",10,\"1\"\n"
        "\"x-0\",\"offer_dlperf_per_gpu\",\"offer:B\",\"1\",20,\"1\"\n"
        "\"x-0\",\"offer_price_per_gpu_h\",\"offer:B\",\"1\",2,\"USD\"\n"
        "\"x-0\",\"offer_price_per_gpu_h\",\"offer:A\",\"1\",1,\"USD\"\n",
        "price_perf", "price_perf.csv");

    ck_assert_ptr_nonnull(strstr(csv, "\"offers\",\"\",10,1,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"offers\",\"\",20,2,"));
    ck_assert_ptr_null(strstr(csv, "\"offers\",\"\",10,2,"));
    free(csv);
}
END_TEST

/* The scatter draws offers a renter could take (README, Outputs): a
 * machine whose GPUs on-demand and reserved renters hold all of
 * (offer_free_gpus 0) is listed but no offer, and its ask, raised while
 * it was full, is one nobody pays; in the default year's last snapshot a
 * third of the listed machines were such, up to 4x the going H100 ask.
 * Offer 1 (free 2 GPUs, DLPerf 10, price 1) is drawn, offer 2 (free 0,
 * 20, 9) is not, offer 3 (no free-GPU row: a result from before the
 * metric was written, 30, 3) is, joined on the run as the DLPerf is:
 * offer 2's free 0 in run x-0 does not hide its twin in run x-1. */
START_TEST(price_perf_draws_only_open_offers)
{
    char *csv = files_chart(
        "run_id,config,status\n\"x-0\",\"x\",\"ok\"\n\"x-1\",\"x\",\"ok\"\n", NULL,
        "run_id,metric,entity_kind,entity,value,unit\n"
        "\"x-0\",\"offer_dlperf_per_gpu\",\"offer:A\",\"1\",10,\"1\"\n"
        "\"x-0\",\"offer_free_gpus\",\"offer:A\",\"1\",2,\"GPUs\"\n"
        "\"x-0\",\"offer_price_per_gpu_h\",\"offer:A\",\"1\",1,\"USD\"\n"
        "\"x-0\",\"offer_dlperf_per_gpu\",\"offer:A\",\"2\",20,\"1\"\n"
        "\"x-0\",\"offer_free_gpus\",\"offer:A\",\"2\",0,\"GPUs\"\n"
        "\"x-0\",\"offer_price_per_gpu_h\",\"offer:A\",\"2\",9,\"USD\"\n"
        "\"x-0\",\"offer_dlperf_per_gpu\",\"offer:A\",\"3\",30,\"1\"\n"
        "\"x-0\",\"offer_price_per_gpu_h\",\"offer:A\",\"3\",3,\"USD\"\n"
        "\"x-1\",\"offer_dlperf_per_gpu\",\"offer:A\",\"2\",22,\"1\"\n"
        "\"x-1\",\"offer_free_gpus\",\"offer:A\",\"2\",1,\"GPUs\"\n"
        "\"x-1\",\"offer_price_per_gpu_h\",\"offer:A\",\"2\",4,\"USD\"\n",
        "price_perf", "price_perf.csv");

    ck_assert_ptr_nonnull(strstr(csv, "\"offers\",\"\",10,1,"));
    ck_assert_ptr_null(strstr(csv, "\"offers\",\"\",20,9,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"offers\",\"\",30,3,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"offers\",\"\",22,4,"));
    free(csv);
}
END_TEST

/* Sample times within 1e-9 h are one time (union_grid): runs sampling
 * utilisation at 24 h and at 24.0000000001 h give one row at day 1, the
 * median of 20% and 40%, 30%. Mutation killed: the grid merging only
 * equal times, which gave two rows (each matching both runs). */
START_TEST(sample_times_a_hair_apart_are_one_point)
{
    static const char *const names[] = { "runs.csv", "timeseries.csv" };
    const char *texts[2] = {
        "run_id,config,status\n\"x-0\",\"x\",\"ok\"\n\"x-1\",\"x\",\"ok\"\n",
        "run_id,t_h,metric,entity_kind,entity,value\n"
        "\"x-0\",24,\"utilisation\",\"gpu\",\"G\",0.2\n"
        "\"x-1\",24.0000000001,\"utilisation\",\"gpu\",\"G\",0.4\n",
    };
    char *csv = dir_chart(names, texts, 2, "utilisation", "utilisation.csv"), *p;
    size_t rows = 0;
    double v[2];

    for (p = csv; (p = strstr(p, "\n\"G\",")) != NULL; p++)
        rows++;
    ck_assert_uint_eq(rows, 1);
    ck_assert_uint_eq(row_nums(csv, "\"G\",\"\",", v, 2), 2);
    ck_assert_double_eq_tol(v[0], 1.0, 1e-9);
    ck_assert_double_eq_tol(v[1], 30.0, 1e-9);
    free(csv);
}
END_TEST

/* GPU models rank by the mean of their measured gpus_listed samples
 * (rank_gpus; an empty value is "not measured"): of M1..M8 listing 1..8,
 * M8 also has an empty sample at 24 h, and still ranks first, so M1 is
 * the one left out of the price chart's 7. Mutation killed: ts_mean
 * summing the NaN, which made M8's mean NaN, ranked it last and dropped
 * it instead. */
START_TEST(unmeasured_listing_sample_keeps_the_rank)
{
    static const char *const names[] = { "runs.csv", "timeseries.csv" };
    char ts[4096] = "run_id,t_h,metric,entity_kind,entity,value\n";
    const char *texts[2] = { ONE_RUN, ts };
    char *csv;

    for (int k = 1; k <= 8; k++) {
        size_t len = strlen(ts);

        snprintf(ts + len, sizeof ts - len,
                 "\"x-0\",0,\"gpus_listed\",\"gpu\",\"M%d\",%d\n"
                 "\"x-0\",0,\"price_ondemand_p50\",\"gpu\",\"M%d\",1\n", k, k, k);
    }
    strcat(ts, "\"x-0\",24,\"gpus_listed\",\"gpu\",\"M8\",\n");
    csv = dir_chart(names, texts, 2, "price", "price.csv");
    ck_assert_ptr_nonnull(strstr(csv, "\"M8\""));
    ck_assert_ptr_null(strstr(csv, "\"M1\""));
    free(csv);
}
END_TEST

/* The supply stack adds the measured samples of every model: idle GPUs
 * of model A (3) and B (an empty value, not measured) at 24 h stack to
 * 3 at day 1, not to NaN. Mutation killed: chart_supply adding the NaN
 * sample. */
START_TEST(supply_stack_skips_unmeasured_samples)
{
    static const char *const names[] = { "runs.csv", "timeseries.csv" };
    const char *texts[2] = {
        ONE_RUN,
        "run_id,t_h,metric,entity_kind,entity,value\n"
        "\"x-0\",24,\"gpus_idle\",\"gpu\",\"A\",3\n"
        "\"x-0\",24,\"gpus_idle\",\"gpu\",\"B\",\n",
    };
    char *csv = dir_chart(names, texts, 2, "supply", "supply.csv");
    double v[2];

    ck_assert_uint_eq(row_nums(csv, "\"idle\",\"\",", v, 2), 2);
    ck_assert_double_eq_tol(v[0], 1.0, 1e-12);
    ck_assert_double_eq_tol(v[1], 3.0, 1e-12);
    free(csv);
}
END_TEST

/* A second variable that varies only at a later x still splits the lines
 * (sweep_splits: each x group is led by its own first row): fee is 0.1
 * at scale 1 and both 0.1 and 0.2 at scale 2, so scale 2 has a line per
 * fee, "x fee=0.1" (mean 2) and "x fee=0.2" (mean 3). Mutation killed:
 * the group leader never moving past the first x, which found no split
 * and drew one line with the first row at scale 2 (3 lost). */
START_TEST(sweep_split_found_at_a_later_x)
{
    char *csv;

    csv = files_chart(ONE_RUN, SUM_HDR("scale,fee")
                      "\"x\",\"1\",\"0.1\",\"cost_per_work_usd\",\"\",1,,\n"
                      "\"x\",\"2\",\"0.1\",\"cost_per_work_usd\",\"\",2,,\n"
                      "\"x\",\"2\",\"0.2\",\"cost_per_work_usd\",\"\",3,,\n",
                      NULL, "sweep", "sweep_cost_per_work_usd.csv");
    ck_assert_ptr_nonnull(strstr(csv, "\"x fee=0.1\",\"\",2,2,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"x fee=0.2\",\"\",2,3,"));
    free(csv);
}
END_TEST

/* A policy set with x and a metric without an entity: nothing names the
 * line, so the config does (sweep_key: "the config stands in when
 * nothing else names the line"), line "x" at filter 0 and 0.9. Mutation
 * killed: the config fallback dropped, which left the line unnamed. */
START_TEST(sweep_line_named_by_config_when_nothing_else)
{
    char *csv;

    csv = files_chart(ONE_RUN, SUM_HDR("policy,filter")
                      "\"x\",\"0\",\"0\",\"cost_per_work_usd\",\"\",1,,\n"
                      "\"x\",\"0.9\",\"0.9\",\"cost_per_work_usd\",\"\",3,,\n",
                      NULL, "sweep", "sweep_cost_per_work_usd.csv");
    ck_assert_ptr_nonnull(strstr(csv, "\n\"x\",\"\",0,1,"));
    ck_assert_ptr_nonnull(strstr(csv, "\n\"x\",\"\",0.90000000000000002,3,"));
    free(csv);
}
END_TEST

/* A contrast row is labelled with the other axes that vary (README,
 * Charts), each as name=value; a row where that axis is empty has no
 * value to name: the clearing axis is "" in one row and "uniform" in the
 * other, labels "academic" and "academic clearing=uniform". Mutation
 * killed: the empty value labelled "clearing=". */
START_TEST(contrast_label_leaves_out_an_empty_axis)
{
    static const char *const names[] = { "runs.csv", "contrasts.csv" };
    const char *texts[] = {
        ONE_RUN,
        "config,clearing,metric,entity_kind,entity,axis,level,baseline_level,n,"
        "mean_diff,sd_diff,ci_level,ci_low,ci_high,method,common_seeds\n"
        "\"x\",\"\",\"cost_per_work_usd\",\"archetype\",\"academic\",\"fee\",\"0.3\","
        "\"0.1\",2,0.1,0,0.95,0.05,0.15,\"paired-t\",1\n"
        "\"x\",\"uniform\",\"cost_per_work_usd\",\"archetype\",\"academic\",\"fee\",\"0.3\","
        "\"0.1\",2,0.2,0,0.95,0.15,0.25,\"paired-t\",1\n",
    };
    char *csv = dir_chart(names, texts, 2, "contrasts", "contrasts_cost_per_work_usd.csv");

    ck_assert_ptr_nonnull(strstr(csv, "\"fee=0.3 vs 0.1\",\"academic\",0.10000000000000001,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"fee=0.3 vs 0.1\",\"academic clearing=uniform\","
                                      "0.20000000000000001,"));
    free(csv);
}
END_TEST

/* Panels per policy only for "a policy axis of two to six values"
 * (README, Charts): seven policies by two entities stay one panel, each
 * line named by its policy and entity ("p1 e1"), and one policy by two
 * entities is one panel of lines "a e1" and "a e2". Mutations killed:
 * the facet bound 6 raised to 7, and the lower bound 2 lowered to 1. */
START_TEST(sweep_panels_only_for_two_to_six_policies)
{
    char sum[4096] = SUM_HDR("policy,fee");
    char *csv;

    for (int p = 1; p <= 7; p++)
        for (int e = 1; e <= 2; e++) {
            size_t len = strlen(sum);

            snprintf(sum + len, sizeof sum - len,
                     "\"x\",\"p%d\",\"0.1\",\"cost_per_work_usd\",\"e%d\",%d,,\n", p, e, p);
        }
    csv = files_chart(ONE_RUN, sum, NULL, "sweep", "sweep_cost_per_work_usd.csv");
    ck_assert_ptr_nonnull(strstr(csv, "\"p1 e1\",\"\",0.10000000000000001,1,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"p7 e2\",\"\",0.10000000000000001,7,"));
    ck_assert_ptr_null(strstr(csv, "policy=p"));
    free(csv);
    csv = files_chart(ONE_RUN, SUM_HDR("policy,fee")
                      "\"x\",\"a\",\"0.1\",\"cost_per_work_usd\",\"e1\",1,,\n"
                      "\"x\",\"a\",\"0.1\",\"cost_per_work_usd\",\"e2\",2,,\n",
                      NULL, "sweep", "sweep_cost_per_work_usd.csv");
    ck_assert_ptr_nonnull(strstr(csv, "\"a e1\",\"\",0.10000000000000001,1,"));
    ck_assert_ptr_nonnull(strstr(csv, "\"a e2\",\"\",0.10000000000000001,2,"));
    free(csv);
}
END_TEST

/* A sweep point's interval ends are read only where given, and its
 * ci_level is kept only with both ends (chart_sweep: "the level of each
 * point's interval"): at scale 1 neither end (low and high empty, no
 * level), at scale 2 only the low end 1.5 (high empty, still no level).
 * Mutations killed: an empty ci_low read as 0, and the level kept with
 * the low end alone. */
START_TEST(sweep_interval_ends_only_where_given)
{
    char *csv;

    csv = files_chart(ONE_RUN, "config,scale,metric,entity,mean,ci_low,ci_high,ci_level\n"
                      "\"x\",\"1\",\"cost_per_work_usd\",\"\",1,,,\"0.95\"\n"
                      "\"x\",\"2\",\"cost_per_work_usd\",\"\",2,1.5,,\"0.95\"\n",
                      NULL, "sweep", "sweep_cost_per_work_usd.csv");
    ck_assert_ptr_nonnull(strstr(csv, "\n\"x\",\"\",1,1,,,\"\"\n"));
    ck_assert_ptr_nonnull(strstr(csv, "\n\"x\",\"\",2,2,1.5,,\"\"\n"));
    free(csv);
}
END_TEST

/* A policy is "set with x" (locked) only when the rows of the metric
 * charted take two policies: cost_per_work_usd has policy a alone, and
 * the b rows of another metric must not lock it, so its line is "a".
 * Mutation killed: the locked test counting every metric's rows, which
 * named the line by the config "x". */
START_TEST(sweep_policy_lock_reads_only_its_metric)
{
    char *csv;

    csv = files_chart(ONE_RUN, SUM_HDR("policy,fee")
                      "\"x\",\"a\",\"0.1\",\"cost_per_work_usd\",\"\",1,,\n"
                      "\"x\",\"b\",\"0.2\",\"utilisation\",\"\",0.5,,\n"
                      "\"x\",\"a\",\"0.2\",\"cost_per_work_usd\",\"\",2,,\n",
                      NULL, "sweep", "sweep_cost_per_work_usd.csv");
    ck_assert_ptr_nonnull(strstr(csv, "\n\"a\",\"\",0.10000000000000001,1,"));
    ck_assert_ptr_nonnull(strstr(csv, "\n\"a\",\"\",0.20000000000000001,2,"));
    free(csv);
}
END_TEST

/* Each x is one point of a line: two lines (fee 0.1 and 0.2) at scales 1
 * and 2 give each line exactly two rows, four in all. Mutation killed:
 * x values not deduplicated across lines, which gave each line four
 * rows, two of them empty. */
START_TEST(sweep_line_has_one_row_per_x)
{
    size_t rows = 0;
    char *csv, *p;

    csv = files_chart(ONE_RUN, SUM_HDR("scale,fee")
                      "\"x\",\"1\",\"0.1\",\"cost_per_work_usd\",\"\",1,,\n"
                      "\"x\",\"2\",\"0.1\",\"cost_per_work_usd\",\"\",2,,\n"
                      "\"x\",\"1\",\"0.2\",\"cost_per_work_usd\",\"\",3,,\n"
                      "\"x\",\"2\",\"0.2\",\"cost_per_work_usd\",\"\",4,,\n",
                      NULL, "sweep", "sweep_cost_per_work_usd.csv");
    for (p = csv; (p = strchr(p, '\n')) != NULL && p[1]; p++)
        rows++;
    ck_assert_uint_eq(rows, 4);
    free(csv);
}
END_TEST

/* With a policy column in runs.csv the serverless chart groups runs by
 * policy (chart_serverless; the sweep variables only stand in without
 * one): runs of policies a and b are the series "a" (0.5, 12) and "b"
 * (0.7, 7). Mutation killed: the policy never read, which put both runs
 * under the config "F". */
START_TEST(serverless_chart_points_by_policy)
{
    char *csv = files_chart(
        "run_id,config,policy,status\n"
        "\"F-0\",\"F\",\"a\",\"ok\"\n"
        "\"F-1\",\"F\",\"b\",\"ok\"\n", NULL,
        "run_id,metric,entity_kind,entity,value,unit\n"
        "\"F-0\",\"latency_p99_s\",\"endpoint\",\"e\",12,\"s\"\n"
        "\"F-0\",\"cost_per_1000_requests_usd\",\"endpoint\",\"e\",0.5,\"USD\"\n"
        "\"F-1\",\"latency_p99_s\",\"endpoint\",\"e\",7,\"s\"\n"
        "\"F-1\",\"cost_per_1000_requests_usd\",\"endpoint\",\"e\",0.7,\"USD\"\n",
        "serverless", "serverless.csv");

    ck_assert_ptr_nonnull(strstr(csv, "\n\"a\",\"\",0.5,12,"));
    ck_assert_ptr_nonnull(strstr(csv, "\n\"b\",\"\",0.69999999999999996,7,"));
    free(csv);
}
END_TEST

/* A spot type is the text before '@' in full (chart_spot): types "1" and
 * "10" are two lines, "1 USD/h" of the one point (0.5, 0.2) and "10
 * USD/h" of (0.5, 0.7) and (1, 1); with "10@0.5" met first, a prefix
 * match takes "1" for a type already seen. Mutations killed: the
 * type or the line matching on the prefix without the '@', and the
 * types capped at one. */
START_TEST(spot_types_match_in_full)
{
    char *csv = files_chart(
        ONE_RUN, NULL,
        "run_id,metric,entity_kind,entity,value,unit\n"
        "\"x-0\",\"spot.time_cdf\",\"type\",\"10@0.5\",0.7,\"1\"\n"
        "\"x-0\",\"spot.time_cdf\",\"type\",\"10@1\",1,\"1\"\n"
        "\"x-0\",\"spot.time_cdf\",\"type\",\"1@0.5\",0.2,\"1\"\n",
        "spot", "spot.csv");
    size_t rows = 0;

    for (const char *p = csv; (p = strstr(p, "\n\"1 USD/h\",")) != NULL; p++)
        rows++;
    ck_assert_uint_eq(rows, 1);
    ck_assert_ptr_nonnull(strstr(csv, "\n\"1 USD/h\",\"\",0.5,0.20000000000000001,"));
    ck_assert_ptr_nonnull(strstr(csv, "\n\"10 USD/h\",\"\",0.5,0.69999999999999996,"));
    ck_assert_ptr_nonnull(strstr(csv, "\n\"10 USD/h\",\"\",1,1,"));
    free(csv);
}
END_TEST

/* A line's band counts toward the axes where the line itself has a gap
 * (a run without a mean at some time still has its P10-P90 band there,
 * and draw_band draws it): x 0, 1, 2 with y missing at 2 but a band of
 * 3..4 there. A line's x is tight, so 0..2; y spans 0.5..4 and rounds
 * out (Heckbert, want 6: nice(3.5) = 5, /5 -> step 1) to 0..4. Mutation
 * killed: points without a y skipped even with a band (x 0..1, y
 * 0.5..2.5). */
START_TEST(band_without_a_mean_still_sets_the_axes)
{
    double x[3] = { 0, 1, 2 }, y[3] = { 1, 2, NAN };
    double lo[3] = { 0.5, 1.5, 3 }, hi[3] = { 1.5, 2.5, 4 };
    struct plot_chart *c = line_of(PLOT_LINE, 3, x, y, lo, hi);
    struct plot_chart *ref = line_of(PLOT_LINE, 3, x, y, lo, hi);

    plot_chart_xrange(ref, 0, 2);
    plot_chart_yrange(ref, 0, 4);
    ck_assert(same_spot(c, ref, 1.0, 2.0));
    ck_assert(same_spot(c, ref, 2.0, 3.0));
    plot_chart_free(c);
    plot_chart_free(ref);
}
END_TEST

/* A scatter series with lo/hi (default PLOT_UNC_BAND) gets its shaded
 * band as a line does: two points at y 5 with lo 0 and hi 10, axes fixed
 * at 0..10, fill the panel with the series colour at alpha 0.18 over
 * white, so (5, 7) -- off the grid (ticks every 2) and away from the
 * markers and the error bars at x 0 and 10 -- reads 0.82 + 0.18 * colour.
 * Mutation killed: bands drawn for line charts only (white there). */
START_TEST(scatter_with_intervals_draws_a_band)
{
    double x[2] = { 0, 10 }, y[2] = { 5, 5 }, lo[2] = { 0, 0 }, hi[2] = { 10, 10 };
    struct plot_chart *c = plot_chart_new(PLOT_SCATTER, "scatter band");
    struct plot_style st = plot_style_nth(2);
    struct plot_rgb want;
    cairo_surface_t *s;

    plot_chart_add(c, "s", &st, 2, x, y, lo, hi);
    plot_chart_xrange(c, 0, 10);
    plot_chart_yrange(c, 0, 10);
    want.r = 0.82 + 0.18 * st.color.r;
    want.g = 0.82 + 0.18 * st.color.g;
    want.b = 0.82 + 0.18 * st.color.b;
    s = render(c);
    ck_assert(at(c, s, 0, 5.0, 7.0, want, 0.02));
    ck_assert(!at(c, s, 0, 5.0, 7.0, white, 0.02));
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

/* plot.h: for PLOT_BARS x is ignored. Bars given x = NaN, NaN draw the
 * same picture as bars given no x: the chart has data, so its note is a
 * footnote, not a "nothing here" message. Mutation killed: has_data()
 * asking a bar chart for finite x (the footnote vanished). */
START_TEST(bars_ignore_their_x)
{
    static const char *const cats[2] = { "a", "b" };
    double x[2] = { NAN, NAN }, y[2] = { 1, 2 };
    struct plot_chart *c = plot_chart_new(PLOT_BARS, "bars");
    struct plot_chart *ref = plot_chart_new(PLOT_BARS, "bars");
    cairo_surface_t *s1, *s2;
    int stride;

    plot_chart_categories(c, 2, cats);
    plot_chart_categories(ref, 2, cats);
    plot_chart_add(c, "s", NULL, 2, x, y, NULL, NULL);
    plot_chart_add(ref, "s", NULL, 2, NULL, y, NULL, NULL);
    plot_chart_note(c, "a footnote under the bars");
    plot_chart_note(ref, "a footnote under the bars");
    s1 = render(c);
    s2 = render(ref);
    stride = cairo_image_surface_get_stride(s1);
    ck_assert(memcmp(cairo_image_surface_get_data(s1), cairo_image_surface_get_data(s2),
                     (size_t)stride * PLOT_PNG_H) == 0);
    cairo_surface_destroy(s1);
    cairo_surface_destroy(s2);
    plot_chart_free(c);
    plot_chart_free(ref);
}
END_TEST

/* plot_sweep's lo/hi are nlines x nx row-major like the means: line 1's
 * interval at x = 1 is lo[2], hi[2] = 4.5, 5.5 (line 0's 0.5 read again
 * survived). */
START_TEST(sweep_intervals_of_each_line)
{
    static const char *const names[2] = { "a", "b" };
    double x[2] = { 1, 2 }, m[4] = { 1, 2, 5, 6 };
    double lo[4] = { 0.5, 1.5, 4.5, 5.5 }, hi[4] = { 1.5, 2.5, 5.5, 6.5 };
    struct plot_chart *c = plot_sweep("s", "x", "y", NULL, NULL, 2, names, 2, x, m, lo, hi);
    char *csv = chart_csv(c);

    ck_assert_msg(strstr(csv, "\n\"a\",\"\",1,1,0.5,1.5\n") != NULL, "%s", csv);
    ck_assert_msg(strstr(csv, "\n\"b\",\"\",1,5,4.5,5.5\n") != NULL, "%s", csv);
    ck_assert_msg(strstr(csv, "\n\"b\",\"\",2,6,5.5,6.5\n") != NULL, "%s", csv);
    free(csv);
    plot_chart_free(c);
}
END_TEST

/* Error bars need both ends (draw_errbars skips a point without lo and
 * hi), so a sweep given lo alone draws none and has no note saying
 * "error bars": its layout is that of a sweep without intervals.
 * Mutation killed: the note added when either end was given. */
START_TEST(sweep_with_one_end_has_no_note)
{
    static const char *const names[1] = { "fixed" };
    double x[2] = { 1, 2 }, m[2] = { 1, 2 }, lo[2] = { 0.5, 1.5 };
    struct plot_chart *c = plot_sweep("s", "x", "y", NULL, NULL, 1, names, 2, x, m, lo, NULL);
    struct plot_chart *ref = plot_sweep("s", "x", "y", NULL, NULL, 1, names, 2, x, m, NULL, NULL);

    plot_chart_yrange(c, 0, 3);
    plot_chart_yrange(ref, 0, 3);
    ck_assert(same_spot(c, ref, 1.5, 1.0));
    plot_chart_free(c);
    plot_chart_free(ref);
}
END_TEST

/* An empty panel of a chart that has data elsewhere says "no data"; the
 * note is the chart's footnote, not that panel's message. Two charts
 * differing only in their note's text draw the empty panel 1 alike (the
 * note never changes the layout, only whether there is one). Mutation
 * killed: the note shown in every empty panel. */
START_TEST(empty_panel_says_no_data_when_the_chart_has_data)
{
    static const char *const titles[2] = { "full", "empty" };
    double x[2] = { 0, 1 }, y[2] = { 0.2, 0.8 };
    struct plot_chart *c[2];
    cairo_surface_t *s[2];
    double x0, y0, x1, y1;
    size_t diff = 0;

    for (int k = 0; k < 2; k++) {
        c[k] = plot_chart_new(PLOT_LINE, "panels");
        plot_chart_panels(c[k], 2, titles);
        plot_chart_add(c[k], "s", NULL, 2, x, y, NULL, NULL);
        plot_chart_xrange(c[k], 0, 1);
        plot_chart_yrange(c[k], 0, 1);
        plot_chart_note(c[k], k ? "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW" : "a");
        s[k] = render(c[k]);
    }
    plot_chart_locate(c[0], 1, 0, 0, &x0, &y1);
    plot_chart_locate(c[0], 1, 1, 1, &x1, &y0);
    for (double v = y0 + 2; v < y1 - 2; v += 0.25)
        for (double u = x0 + 2; u < x1 - 2; u += 0.25)
            diff += !near(pixel(s[0], u, v), pixel(s[1], u, v), 0.0);
    ck_assert_uint_eq(diff, 0);
    for (int k = 0; k < 2; k++) {
        cairo_surface_destroy(s[k]);
        plot_chart_free(c[k]);
    }
}
END_TEST

/* Zero waits sit at the left edge of a log axis (draw_ecdf): waits 0 and
 * 10 (ECDF 0.5, 1) on a log x fixed at 1..100 rise from 0 to 0.5 at
 * x = 1, the left edge, so just right of the frame at y 0.25 the line's
 * colour shows (the 1.3 pt line covers 0.65 pt either side; the frame
 * 0.3). Mutation killed: the zero left unclamped (its step drawn off the
 * panel, nothing at the edge). */
START_TEST(ecdf_zero_wait_rises_at_the_log_axis_edge)
{
    struct plot_chart *c = plot_chart_new(PLOT_ECDF, "ecdf");
    double x[2] = { 0, 10 }, q[2] = { 0.5, 1 }, cx, cy;
    struct plot_style st = plot_style_nth(4);           /* vermillion */
    cairo_surface_t *s;

    st.dash = 0;
    plot_chart_log(c, true, false);
    plot_chart_xrange(c, 1, 100);
    plot_chart_add(c, "a", &st, 2, x, q, NULL, NULL);
    s = render(c);
    plot_chart_locate(c, 0, 1.0, 0.25, &cx, &cy);
    ck_assert(near(pixel(s, cx + 0.35, cy), st.color, 0.1));
    ck_assert(at(c, s, 0, 10.0, 0.75, st.color, 0.15));  /* the second step */
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

/* Names in 'dir' that start with ".c." (out_path's temporary names). */
static size_t temporaries(const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *de;
    size_t n = 0;

    ck_assert_ptr_nonnull(dp);
    while ((de = readdir(dp)) != NULL)
        n += strncmp(de->d_name, ".c.", 3) == 0;
    closedir(dp);
    return n;
}

/* plot.h: each file is written under a temporary name and renamed when
 * complete, so a save that fails leaves what was there and no litter.
 * (1) The temporary name taken (a non-empty directory at
 * DIR/.c.csv.tmp-PID, out_path's scheme): the save fails naming c.csv
 * and the c.csv written before is untouched. Mutation killed: writing
 * straight to the final name (old file overwritten, success reported).
 * (2) The final name a non-empty directory: the rename fails, the save
 * fails naming c.svg, and the temporary file is removed. Mutations
 * killed: remove(tmp) dropped (the temporary left behind), the rename's
 * failure ignored (success reported). */
START_TEST(failed_save_keeps_the_old_file_and_leaves_no_temporary)
{
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "save");
    double x[2] = { 0, 1 }, y[2] = { 1, 2 };
    char *dir = test_tmpdir(), name[64], *tmp, *fin, *keep, *text, *buf = NULL;
    size_t len = 0;
    struct diag d = DIAG_INIT(open_memstream(&buf, &len));

    plot_chart_add(c, "s", NULL, 2, x, y, NULL, NULL);
    snprintf(name, sizeof name, ".c.csv.tmp-%ld", (long)getpid());
    tmp = join(dir, name);
    fin = join(dir, "c.csv");
    keep = join(tmp, "keep");
    ck_assert_int_eq(test_write_file(fin, "old\n"), 0);
    ck_assert_int_eq(mkdir(tmp, 0777), 0);
    ck_assert_int_eq(test_write_file(keep, "x"), 0);
    ck_assert_int_ne(plot_chart_save(c, dir, "c", PLOT_FMT_CSV, &d), SIM_OK);
    fflush(d.out);
    ck_assert_msg(strstr(buf, "c.csv: error: cannot write") != NULL, "%s", buf);
    text = test_read_file(fin, NULL);
    ck_assert_str_eq(text, "old\n");
    free(text);
    free(keep);
    free(tmp);
    free(fin);
    free(dir);

    dir = test_tmpdir();
    fin = join(dir, "c.svg");
    keep = join(fin, "keep");
    ck_assert_int_eq(mkdir(fin, 0777), 0);
    ck_assert_int_eq(test_write_file(keep, "x"), 0);
    ck_assert_int_ne(plot_chart_save(c, dir, "c", PLOT_FMT_SVG, &d), SIM_OK);
    fclose(d.out);
    ck_assert_msg(strstr(buf, "c.svg: error: cannot write") != NULL, "%s", buf);
    ck_assert_uint_eq(temporaries(dir), 0);
    free(keep);
    free(fin);
    free(dir);
    free(buf);
    plot_chart_free(c);
}
END_TEST

/* A point a log axis cannot show is left out, not pinned to the edge
 * where it would read as a value at the axis minimum (frac() sends it far
 * outside the clipped panel): on a log-log scatter fixed at 1..100 both
 * ways, (0, 5) draws nothing at the left edge x = 1, while (10, 5) draws
 * its marker (a circle of radius 1.7 pt, so 0.5 pt right of its centre is
 * its fill). Mutation killed: frac() of a non-positive value 0 (the point
 * drawn on the left edge). */
START_TEST(log_scatter_leaves_nonpositive_points_out)
{
    double x[2] = { 0, 10 }, y[2] = { 5, 5 }, cx, cy;
    struct plot_chart *c = plot_chart_new(PLOT_SCATTER, "log scatter");
    struct plot_style st = plot_style_nth(0);
    cairo_surface_t *s;

    ck_assert_int_eq(st.marker, PLOT_MARK_CIRCLE);
    plot_chart_log(c, true, true);
    plot_chart_xrange(c, 1, 100);
    plot_chart_yrange(c, 1, 100);
    plot_chart_add(c, "s", &st, 2, x, y, NULL, NULL);
    s = render(c);
    plot_chart_locate(c, 0, 10.0, 5.0, &cx, &cy);
    ck_assert(near(pixel(s, cx + 0.5, cy), st.color, 0.1));
    plot_chart_locate(c, 0, 1.0, 5.0, &cx, &cy);
    ck_assert(!near(pixel(s, cx + 0.5, cy), st.color, 0.3));
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

/* The rows of a panel grid fill the panel block: each row is its title,
 * its panel and the gap to the next, so the bottom row's panel ends on
 * the block's bottom edge, where a one-panel chart with the same axes,
 * title and (no) legend has its x axis. In a 2 x 2 grid the lower left
 * panel's origin is the one-panel origin. Mutation killed: the title
 * height left out of the row pitch (the bottom row ending a title's
 * height above the x axis labels' place). */
START_TEST(grid_bottom_row_sits_on_the_block_edge)
{
    static const char *const titles[4] = { "a", "b", "c", "d" };
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "grid");
    struct plot_chart *ref = plot_chart_new(PLOT_LINE, "grid");
    double x[2] = { 0, 1 }, y[2] = { 0, 1 }, ax, ay, bx, by;

    plot_chart_panels(c, 4, titles);
    for (size_t p = 0; p < 4; p++)
        plot_series_panel(c, plot_chart_add(c, NULL, NULL, 2, x, y, NULL, NULL), p);
    plot_chart_add(ref, NULL, NULL, 2, x, y, NULL, NULL);
    plot_chart_xrange(c, 0, 1);
    plot_chart_yrange(c, 0, 1);
    plot_chart_xrange(ref, 0, 1);
    plot_chart_yrange(ref, 0, 1);
    plot_chart_locate(c, 2, 0.0, 0.0, &ax, &ay);
    plot_chart_locate(ref, 0, 0.0, 0.0, &bx, &by);
    ck_assert_double_eq_tol(ax, bx, 1e-9);
    ck_assert_double_eq_tol(ay, by, 1e-9);
    plot_chart_free(c);
    plot_chart_free(ref);
}
END_TEST

/* Non-white sample points in the strip 3..8 pt under panel 'p'. */
static size_t inked_under(const struct plot_chart *c, cairo_surface_t *s, size_t p)
{
    double x0, y0, x1, y1;
    size_t n = 0;

    plot_chart_locate(c, p, 0.0, 0.0, &x0, &y1);
    plot_chart_locate(c, p, 1.0, 1.0, &x1, &y0);
    for (double v = y1 + 3; v < y1 + 8; v += 0.25)
        for (double u = x0; u < x1; u += 0.25)
            n += !near(pixel(s, u, v), white, 0.05);
    return n;
}

/* x tick labels go under the bottom panel of each column, once: five
 * panels make a 3 x 2 grid (3 columns), so the third column's bottom
 * panel is panel 2 in the first row and carries the labels, while panel
 * 0, with panel 3 under it, has none. Mutation killed: labels only under
 * panels with a full column below (panel 2 without labels). */
START_TEST(x_labels_under_the_last_panel_of_each_column)
{
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "five");
    double x[2] = { 0, 1 }, y[2] = { 0, 1 };
    cairo_surface_t *s;

    plot_chart_panels(c, 5, NULL);
    for (size_t p = 0; p < 5; p++)
        plot_series_panel(c, plot_chart_add(c, NULL, NULL, 2, x, y, NULL, NULL), p);
    plot_chart_xrange(c, 0, 1);
    plot_chart_yrange(c, 0, 1);
    s = render(c);
    ck_assert_uint_gt(inked_under(c, s, 2), 20);
    ck_assert_uint_gt(inked_under(c, s, 3), 20);
    ck_assert_uint_eq(inked_under(c, s, 0), 0);
    cairo_surface_destroy(s);
    plot_chart_free(c);
}
END_TEST

/* plot.h: the note is "also shown in the middle of an empty chart". A
 * line whose y are all NaN is empty even with finite x, so two such
 * charts differing only in their note differ in the panel's middle.
 * Mutation killed: has_data() counting points without a y (the middle
 * said "no data" in both). */
START_TEST(chart_without_any_y_shows_its_note_in_the_middle)
{
    double x[2] = { 0, 1 }, y[2] = { NAN, NAN };
    struct plot_chart *c[2];
    cairo_surface_t *s[2];
    double x0, y0, x1, y1;
    size_t diff = 0;

    for (int k = 0; k < 2; k++) {
        c[k] = plot_chart_new(PLOT_LINE, "empty");
        plot_chart_add(c[k], "s", NULL, 2, x, y, NULL, NULL);
        plot_chart_xrange(c[k], 0, 1);
        plot_chart_yrange(c[k], 0, 1);
        plot_chart_note(c[k], k ? "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWW" : "a");
        s[k] = render(c[k]);
    }
    plot_chart_locate(c[0], 0, 0, 0, &x0, &y1);
    plot_chart_locate(c[0], 0, 1, 1, &x1, &y0);
    for (double v = y0 + 2; v < y1 - 2; v += 0.25)
        for (double u = x0 + 2; u < x1 - 2; u += 0.25)
            diff += !near(pixel(s[0], u, v), pixel(s[1], u, v), 0.0);
    ck_assert_uint_gt(diff, 0);
    for (int k = 0; k < 2; k++) {
        cairo_surface_destroy(s[k]);
        plot_chart_free(c[k]);
    }
}
END_TEST

/* The legend column is as wide as its longest entry, capped: a label far
 * wider than the cap gives a column of LEGEND_MAX_W 140 + 20 pt swatch
 * and padding, 6 pt from the panels, inside the 8 pt margin, so the panel
 * ends at 460.8 - 8 - 160 - 6 = 286.8 pt. Mutation killed: a cap of
 * 280 pt (the panel ending at 146.8). */
START_TEST(long_legend_label_is_capped)
{
    char label[121];
    double x[2] = { 0, 1 }, y[2] = { 0, 1 }, cx, cy;
    struct plot_chart *c = plot_chart_new(PLOT_LINE, "legend");

    memset(label, 'W', 120);
    label[120] = '\0';
    plot_chart_add(c, label, NULL, 2, x, y, NULL, NULL);
    plot_chart_xrange(c, 0, 1);
    plot_chart_yrange(c, 0, 1);
    plot_chart_locate(c, 0, 1.0, 0.0, &cx, &cy);
    ck_assert_double_eq_tol(cx, 286.8, 1e-9);
    plot_chart_free(c);
}
END_TEST

Suite *plots_suite(void)
{
    Suite *s = suite_create("plots");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, nice_ticks);
    tcase_add_test(tc, palette_is_stable);
    tcase_add_test(tc, line_with_band);
    tcase_add_test(tc, dense_line_keeps_each_columns_extremes);
    tcase_add_test(tc, bars_zero_height_draws_nothing);
    tcase_add_test(tc, histogram_shared_bins);
    tcase_add_test(tc, stacked_area_and_ecdf);
    tcase_add_test(tc, stacked_area_of_one_sample);
    tcase_add_test(tc, scatter_frontier_and_forest);
    tcase_add_test(tc, sweep_from_arrays);
    tcase_add_test(tc, empty_chart_draws_axes_and_note);
    tcase_add_test(tc, svg_and_pdf_are_deterministic);
    tcase_add_test(tc, title_page_skips_facts_without_a_value);
    tcase_add_test(tc, default_set_from_fixture);
    tcase_add_test(tc, malformed_csv_names_file_and_row);
    tcase_add_test(tc, empty_result_directory);
    tcase_add_test(tc, sweep_x_is_a_numeric_variable);
    tcase_add_test(tc, sweep_second_variable_splits_lines);
    tcase_add_test(tc, sweep_panels_per_policy);
    tcase_add_test(tc, duplicate_run_is_an_input_error);
    tcase_add_test(tc, sweep_and_contrast_intervals_keep_their_level);
    tcase_add_test(tc, contrasts_chart_headline_metrics_with_their_axes);
    tcase_add_test(tc, contrasts_chart_other_axis_named_policy);
    tcase_add_test(tc, runs_of_different_lengths);
    tcase_add_test(tc, sweep_colours_do_not_depend_on_only);
    tcase_add_test(tc, serverless_chart_points_by_sweep_point);
    tcase_add_test(tc, price_bands_are_p10_below_and_p90_above);
    tcase_add_test(tc, wait_in_minutes_and_histogram_columns);
    tcase_add_test(tc, price_chart_keeps_the_models_with_most_gpus);
    tcase_add_test(tc, linear_ticks_are_one_two_five);
    tcase_add_test(tc, log_ticks_minor_and_decades);
    tcase_add_test(tc, log_axis_draws_minor_grid_at_two_to_nine);
    tcase_add_test(tc, ecdf_steps_from_left_edge_to_right_edge);
    tcase_add_loop_test(tc, legend_in_series_order, 0, 2);
    tcase_add_test(tc, bars_from_zero_side_by_side);
    tcase_add_test(tc, histogram_shows_its_last_bin);
    tcase_add_test(tc, step_series_holds_until_the_next_x);
    tcase_add_test(tc, log_line_breaks_at_nonpositive_values);
    tcase_add_loop_test(tc, panels_one_row_up_to_three_then_a_grid, 0, 4);
    tcase_add_test(tc, sweep_draws_error_bars);
    tcase_add_test(tc, dense_band_keeps_each_columns_extremes);
    tcase_add_test(tc, warmup_shade_is_in_days);
    tcase_add_test(tc, scan_streams_quoted_fields);
    tcase_add_test(tc, scan_reports_a_quote_open_at_the_end);
    tcase_add_test(tc, linear_ticks_at_heckbert_boundaries);
    tcase_add_test(tc, log_ticks_at_their_edges);
    tcase_add_test(tc, tick_labels_k_and_m);
    tcase_add_test(tc, tick_labels_at_ten_thousand_and_negative);
    tcase_add_test(tc, viridis_clamps_below_zero);
    tcase_add_test(tc, palette_second_kind_keeps_its_style);
    tcase_add_test(tc, pdf_date_from_source_date_epoch);
    tcase_add_test(tc, ols_fit_spans_the_data_in_its_panel);
    tcase_add_test(tc, frontier_drops_dominated_ties);
    tcase_add_test(tc, viridis_ends_and_style_cycle);
    tcase_add_test(tc, long_dash_has_gaps);
    tcase_add_test(tc, axis_ranges_from_the_data);
    tcase_add_test(tc, lone_histogram_bin_is_one_wide);
    tcase_add_test(tc, bars_csv_names_every_category);
    tcase_add_test(tc, forest_groups_rows_with_their_intervals);
    tcase_add_test(tc, sweep_with_intervals_has_a_note);
    tcase_add_test(tc, csv_is_a_format);
    tcase_add_test(tc, unstyled_series_take_successive_styles);
    tcase_add_test(tc, legend_lists_only_what_is_drawn);
    tcase_add_test(tc, extra_columns_empty_where_no_value);
    tcase_add_test(tc, price_band_skips_runs_without_a_price);
    tcase_add_test(tc, series_charts_take_gpu_rows_only);
    tcase_add_test(tc, non_finite_sample_time_is_an_error);
    tcase_add_test(tc, tied_gpu_models_rank_by_name);
    tcase_add_test(tc, quarter_hour_samples_are_distinct_points);
    tcase_add_test(tc, runs_on_different_grids_count_where_they_sample);
    tcase_add_test(tc, pooled_note_counts_distinct_sweep_points);
    tcase_add_test(tc, one_run_band_never_shifts_in_time);
    tcase_add_test(tc, reliability_bin_absent_from_a_run_counts_zero);
    tcase_add_test(tc, price_perf_joins_offers_within_a_run);
    tcase_add_test(tc, sweep_clash_draws_the_first_row);
    tcase_add_test(tc, sweep_x_with_an_empty_value_is_not_numeric);
    tcase_add_test(tc, contrast_chart_draws_at_most_28_rows);
    tcase_add_test(tc, spot_curve_in_price_order);
    tcase_add_test(tc, spotckpt_bids_dearest_first_and_note_only_when_undone);
    tcase_add_test(tc, only_matches_whole_chart_names);
    tcase_add_test(tc, workers_chart_is_the_first_run_in_days);
    tcase_add_test(tc, missing_run_id_column_is_an_input_error);
    tcase_add_test(tc, unwritable_report_is_an_error);
    tcase_add_test(tc, malformed_summary_is_an_error);
    tcase_add_test(tc, log_axis_leaves_zero_out);
    tcase_add_test(tc, one_sample_at_a_fixed_end_widens_by_a_tenth);
    tcase_add_test(tc, price_perf_joins_offers_of_one_kind);
    tcase_add_test(tc, price_perf_draws_only_open_offers);
    tcase_add_test(tc, sample_times_a_hair_apart_are_one_point);
    tcase_add_test(tc, unmeasured_listing_sample_keeps_the_rank);
    tcase_add_test(tc, supply_stack_skips_unmeasured_samples);
    tcase_add_test(tc, sweep_split_found_at_a_later_x);
    tcase_add_test(tc, sweep_line_named_by_config_when_nothing_else);
    tcase_add_test(tc, contrast_label_leaves_out_an_empty_axis);
    tcase_add_test(tc, sweep_panels_only_for_two_to_six_policies);
    tcase_add_test(tc, sweep_interval_ends_only_where_given);
    tcase_add_test(tc, sweep_policy_lock_reads_only_its_metric);
    tcase_add_test(tc, sweep_line_has_one_row_per_x);
    tcase_add_test(tc, serverless_chart_points_by_policy);
    tcase_add_test(tc, spot_types_match_in_full);
    tcase_add_test(tc, band_without_a_mean_still_sets_the_axes);
    tcase_add_test(tc, scatter_with_intervals_draws_a_band);
    tcase_add_test(tc, bars_ignore_their_x);
    tcase_add_test(tc, sweep_intervals_of_each_line);
    tcase_add_test(tc, sweep_with_one_end_has_no_note);
    tcase_add_test(tc, empty_panel_says_no_data_when_the_chart_has_data);
    tcase_add_test(tc, ecdf_zero_wait_rises_at_the_log_axis_edge);
    tcase_add_test(tc, failed_save_keeps_the_old_file_and_leaves_no_temporary);
    tcase_add_test(tc, log_scatter_leaves_nonpositive_points_out);
    tcase_add_test(tc, grid_bottom_row_sits_on_the_block_edge);
    tcase_add_test(tc, x_labels_under_the_last_panel_of_each_column);
    tcase_add_test(tc, chart_without_any_y_shows_its_note_in_the_middle);
    tcase_add_test(tc, long_legend_label_is_capped);
    suite_add_tcase(s, tc);
    return s;
}
