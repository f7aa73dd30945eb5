/* plots/report.c -- report.pdf and the `gpumarket plot` command.
 *
 * The report is one PDF surface with a title page (what was run, how, and
 * a few key figures) followed by one chart per page at the charts' own
 * size, so a page looks exactly like the chart's stand-alone PDF. Its
 * creation date is fixed (plot_pdf_date) so two runs give identical bytes.
 */
#define _DEFAULT_SOURCE             /* getopt_long */
#include "plots/plot.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cairo-pdf.h>

static const struct plot_font f_big = { 16.0, true, { 0.1, 0.1, 0.1 } };
static const struct plot_font f_key = { 8.0, true, { 0.25, 0.25, 0.25 } };
static const struct plot_font f_val = { 8.0, false, { 0.1, 0.1, 0.1 } };
static const struct plot_font f_small = { 6.5, false, { 0.45, 0.45, 0.45 } };

static double fact_row(cairo_t *cr, double y, const char *key, const char *val)
{
    if (!val || !*val)
        return y;
    plot_text(cr, 40, y, key, &f_key, 0, 0, 0, 165);
    plot_text(cr, 210, y, val, &f_val, 0, 0, 0, PLOT_W_PT - 210 - 30);
    return y + 11.5;
}

static void title_page(cairo_t *cr, const struct plot_report_info *info,
                       size_t ncharts)
{
    double y = 78;
    char buf[64];

    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0);
    cairo_rectangle(cr, 0, 0, PLOT_W_PT, 6);
    cairo_fill(cr);
    plot_text(cr, 40, 30, "gpumarket report", &f_big, 0, 0, 0, 0);
    y = fact_row(cr, y - 12, "Scenario", info->scenario);
    y = fact_row(cr, y, "Config", info->config);
    y = fact_row(cr, y, "Base seed", info->seed);
    y = fact_row(cr, y, "Runs", info->runs);
    y = fact_row(cr, y, "Scenario digest", info->digest);
    y = fact_row(cr, y, "gpumarket version", info->version);
    y += 6;
    cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, 40, y);
    cairo_line_to(cr, PLOT_W_PT - 40, y);
    cairo_stroke(cr);
    y += 6;
    for (size_t i = 0; i < info->nfacts && y < PLOT_H_PT - 30; i++) {
        const char *tab = strchr(info->facts[i], '\t');
        char key[128];

        if (!tab)
            continue;
        snprintf(key, sizeof key, "%.*s", (int)(tab - info->facts[i]), info->facts[i]);
        y = fact_row(cr, y, key, tab + 1);
    }
    snprintf(buf, sizeof buf, "%zu chart%s follow", ncharts, ncharts == 1 ? "" : "s");
    plot_text(cr, 40, PLOT_H_PT - 20, buf, &f_small, 0, 0, 0, 0);
}

int plot_report(const char *path, const struct plot_report_info *info,
                const struct plot_chart *const *charts, size_t n,
                struct diag *d)
{
    size_t len = strlen(path) + 32;
    char *tmp = malloc(len), date[40];
    struct plot_file pf;
    cairo_surface_t *s;
    cairo_t *cr;
    int rc, e;

    if (!tmp)
        return SIM_ENOMEM;
    snprintf(tmp, len, "%s.tmp-%ld", path, (long)getpid());
    plot_file_open(&pf, tmp);
    s = cairo_pdf_surface_create_for_stream(plot_file_write, &pf, PLOT_W_PT, PLOT_H_PT);
    plot_pdf_date(date, sizeof date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "gpumarket report");
    cr = cairo_create(s);
    title_page(cr, info, n);
    cairo_show_page(cr);
    for (size_t i = 0; i < n; i++) {
        plot_chart_draw(charts[i], cr);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    rc = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS ? SIM_OK : SIM_EIO;
    cairo_surface_destroy(s);
    if ((e = plot_file_close(&pf)) != 0)
        rc = SIM_EIO;
    if (rc == SIM_OK && rename(tmp, path) != 0)
        rc = SIM_EIO;
    if (rc != SIM_OK) {
        struct srcloc at = { path, 0 };

        diag_error(d, &at, "cannot write: %s", strerror(e ? e : errno ? errno : EIO));
        remove(tmp);
    }
    free(tmp);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f,
"Usage: gpumarket plot DIR [--format png,svg,pdf] [--only NAMES]\n"
"  Draws the charts of result directory DIR into DIR/plots/ (each with a\n"
"  CSV of the plotted numbers) and gathers them in DIR/report.pdf.\n"
"      --format LIST   any of png, svg, pdf (default: all three)\n"
"      --only NAMES    comma list of price, utilisation, supply, wait_ecdf,\n"
"                      reliability, cost, price_perf, serverless, workers,\n"
"                      spot, spotckpt, sweep, contrasts\n"
"                      (report.pdf is written only for the full set)\n"
"Exit status: 0 ok, 1 a run in DIR failed its checks (nothing drawn), 2 trouble.\n");
}

int plot_main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "format", required_argument, NULL, 'f' },
        { "only", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *formats = NULL, *only = NULL;
    struct diag d = DIAG_INIT(stderr);
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f': formats = optarg; break;
        case 'o': only = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind + 1 != argc) {
        usage(stderr);
        return 2;
    }
    /* An empty list drew nothing (--only) or everything (--format), and
     * said nothing either way. */
    if (only && !only[strspn(only, ", ")]) {
        fprintf(stderr, "gpumarket plot: --only needs at least one chart name\n");
        return 2;
    }
    if (formats && !formats[strspn(formats, ", ")]) {
        fprintf(stderr, "gpumarket plot: --format needs at least one of png, svg, pdf\n");
        return 2;
    }
    c = plot_result_dir(argv[optind], formats, only, &d);
    /* 1: a run in it failed its checks, which the message before says
     * (run and sweep call this too, where "gpumarket plot" would name a
     * command the user never typed) */
    if (c == SIM_ECHECK)
        return 1;
    if (c != SIM_OK) {
        fprintf(stderr, "gpumarket plot: charts of %s not (all) drawn\n", argv[optind]);
        return 2;
    }
    return 0;
}
