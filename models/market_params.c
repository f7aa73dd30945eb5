/* models/market_params.c -- every scenario key of the market, with its
 * default, unit, range and help. Defaults describe a Vast-like 2026 market
 * (CALIBRATION.md, MARKET-FACTS.md, seed 000's archetypes); values marked
 * [E] there are estimates and are parameters for exactly that reason.
 */
#include "models/market.h"

#include "models/serverless.h"
#include "sim/param.h"

#define NOMAX 0, -1         /* min > max: unbounded */
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct param_def market_params[] = {
    { "market.catalog", PT_STRING, "", "data/gpus.csv", NOMAX, NULL,
      "GPU catalogue (CSV: model, vram_gb, mem_bw_gbs, fp32_tflops, fp16_tensor_tflops, tdp_w, pcie_gen, year, street_price_usd)" },
    { "market.dlperf-observed", PT_STRING, "", "data/dlperf_observed.csv", NOMAX, NULL,
      "observed DLPerf medians of real single-GPU offers (preferred over the fitted model)" },
    { "market.dlperf-bundles", PT_STRING, "", "data/dlperf_bundles.csv", NOMAX, NULL,
      "observed multi-GPU bundle DLPerf per GPU, for the bundle scaling fit" },
    { "market.dlperf-calibration", PT_STRING, "", "data/calibration.csv", NOMAX, NULL,
      "kernel results of `bench dlperf --calibrate`; a GPU model measured there is derated around its efficiency / the GPUs' median (empty = none)" },
    { "market.dlperf-derate-scale", PT_REAL, "1", "1", 0, 5, NULL,
      "scales the fitted per-machine DLPerf derating spread (0 = every machine at its model's calibrated median)" },
    { "market.fee", PT_PROB, "1", "0.20", 0, 0.9, NULL,
      "platform take as a fraction of every charge (Vast's figure is unpublished); exact to nine "
      "decimals; hosts price net of it" },
    { "market.clearing", PT_ENUM, "", "pay-as-bid", NOMAX, "pay-as-bid|second-price|uniform",
      "what a running interruptible pays: its bid, the best paused bid, or the lowest winning bid" },
    { "market.pricing", PT_ENUM, "", "host", NOMAX, "host|posted",
      "host: each host sets and adapts its ask; posted: the platform posts one price per GPU model (RunPod Secure style)" },
    { "market.posted-markup", PT_REAL, "1", "1.8", 1, 20, NULL,
      "posted pricing: price = fleet-average cost floor of the model x this" },
    { "market.posted-interruptible", PT_PROB, "1", "0.6", 0.05, 1, NULL,
      "posted pricing: interruptible price as a fraction of the posted on-demand price" },
    { "market.reprice-interval", PT_TIME, "h", "1h", 0.01, 1e5, NULL,
      "how often hosts revisit their ask" },
    { "market.anticipate-period", PT_ENUM, "", "day", NOMAX, "day|week|blend",
      "hosts that anticipate (hostclass.*.anticipate) price the coming interval on the same interval a day or a week before (a week sees the weekend coming), or a blend of the two (market.anticipate-week-weight)" },
    { "market.anticipate-week-weight", PT_PROB, "1", "0.5", 0, 1, NULL,
      "anticipate-period = blend: the utilisation priced is this x the same interval's a week before + (1 - this) x a day before (either alone where the other is unknown)" },
    { "market.util-low", PT_PROB, "1", "0.45", 0, 1, NULL,
      "a host whose utilisation since the last repricing is below this lowers its ask" },
    { "market.util-high", PT_PROB, "1", "0.80", 0, 1, NULL,
      "a host whose machine was full (every GPU running) for more than this share of the time since the last repricing raises its ask" },
    { "market.raise-on", PT_ENUM, "", "any", NOMAX, "any|firm",
      "what fills a machine that raises its ask: any: renters of any type; firm: on-demand and reserved renters only (interruptibles, whom an on-demand renter displaces, show that no renter took it at its ask: such a machine holds its ask)" },
    { "market.extend-price", PT_ENUM, "", "locked", NOMAX, "locked|ask",
      "the price of an on-demand or reserved contract a host extends at its end date: locked: the contract's own; ask: the host's current ask (a higher one is Vast's price-increase challenge, which the renter accepts if the job is worth it on that machine and otherwise rejects, ending the contract)" },
    { "market.reprice-step", PT_PROB, "1", "0.03", 0, 0.5, NULL,
      "relative ask change per repricing" },
    { "market.reliability-reference", PT_PROB, "1", "0.99", 0, 0.999, NULL,
      "hosts scoring below this cap their ask at the median ask of their GPU model's machines scoring at least this (the reliable tier), cut by market.reliability-discount" },
    { "market.reliability-discount", PT_PROB, "1", "0.15", 0, 1, NULL,
      "relative ask cut per doubling of a host's unreliability (1 - score) over the reference's (0.15 with reference 0.99: a 0.98 host asks at most 85% of the reliable tier's median ask, a 0.96 host 70%; 0 = off)" },
    { "market.search-candidates", PT_INT, "1", "4", 1, 1000, NULL,
      "cheapest qualifying offers taken from each acceptable GPU model and reliability band before sorting" },
    { "market.search-depth", PT_INT, "1", "32", 1, 1e6, NULL,
      "offers a search looks at per GPU model and reliability band (Vast shows a small subset of its listings)" },
    { "market.search-top", PT_INT, "1", "5", 1, 100, NULL,
      "the renter takes one of this many top results" },
    { "market.search-prune", PT_BOOL, "", "true", NOMAX, NULL,
      "skip offers and buckets that provably cannot enter a renter's top results or would turn its bid down; false reads and checks every bucket's first search-depth offers, and serverless hiring every offer (the same results, slower: a check of the search)" },
    { "market.score-noise", PT_REAL, "1", "0.25", 0, 10, NULL,
      "log-normal sigma of the randomness in the 'score' sort (Vast's auto ranking)" },
    { "market.datacenter-rank", PT_REAL, "1", "1", 1, 100, NULL,
      "the 'score' sort ranks datacenter offers this many times higher (Vast: datacenter "
      "status gives a higher ranking, with no figure; 1 = no boost)" },
    { "market.reference-dlperf", PT_REAL, "1", "100", 1, 1e5, NULL,
      "DLPerf per GPU of the reference GPU in which job work is measured" },
    { "market.reserve-discount-1m", PT_PROB, "1", "0.2", 0, 0.9, NULL,
      "prepay discount for one month (Vast's default discount function)" },
    { "market.reserve-discount-3m", PT_PROB, "1", "0.3", 0, 0.9, NULL,
      "prepay discount for three months" },
    { "market.early-cancel-fee", PT_PROB, "1", "0.05", 0, 1, NULL,
      "fee on the unused prepaid balance when a reserved rental ends early" },
    { "market.credit-grace", PT_TIME, "d", "0", 0, 365, NULL,
      "how long an instance whose renter's credits ran out stays stopped, its storage "
      "billing on, before it is deleted; 0 deletes it at once (Vast scales a grace to the "
      "renter's daily spend, with no published figure) [E]" },

    { "supply.gpus", PT_INT, "GPUs", "10000", 1, 1e7, NULL,
      "GPUs listed at the start: machines are added until there are this many, so the last "
      "may add up to 15 more; demand (archetype rates per 1000 GPUs) and joins scale with "
      "the GPUs built" },
    { "supply.gpu-models", PT_STRING, "", "", NOMAX, NULL,
      "only these catalogue models are listed (comma-separated names; empty = all)" },
    { "supply.join-rate", PT_REAL, "1/year", "0.25", 0, 100, NULL,
      "new GPUs joining per year, as a fraction of the initial supply" },
    { "supply.leave-rate", PT_REAL, "1/year", "0.15", 0, 100, NULL,
      "hazard of a machine leaving (it stops listing and leaves once empty)" },
    { "supply.review", PT_TIME, "d", "30d", 0.01, 3650, NULL,
      "how often a host reviews what its machine earned (profit-driven exit and entry)" },
    { "supply.exit-grace", PT_TIME, "d", "60d", 0, 3650, NULL,
      "a machine that joins is first reviewed after this (time to build its score)" },
    { "supply.exit-threshold", PT_REAL, "1", "0", 0, 10, NULL,
      "a host whose net earnings per GPU-hour over a review fall below this x its cost "
      "floor leaves (0 = never for lack of profit)" },
    { "supply.exit-prob", PT_PROB, "1", "0.5", 0, 1, NULL,
      "probability a host below the exit threshold leaves at a review" },
    { "supply.entry-elasticity", PT_REAL, "1", "0", 0, 10, NULL,
      "joining machines choose models by share x (earnings / cost floor of that model's "
      "reviewed machines)^this (0 = by share alone)" },

    { "demand.scale", PT_REAL, "1", "1", 0, 1000, NULL,
      "multiplies every archetype's arrival rate" },
    { "demand.start-day", PT_INT, "d", "0", 0, 364, NULL,
      "day of the year at t = 0 (t = 0 is a Monday 00:00 UTC)" },
};

/* GPU model supply shares, by GPUs: started from CALIBRATION.md 2.2's
 * offer counts weighted by GPUs per offer (the RTX 3090/4090 the most
 * common), then calibrated: the H100 SXM was raised from 0.15 to 0.20,
 * above any count, to bring its price into seed 002's range. Normalised
 * at set-up over the models in the catalogue. */
static const struct param_def gpu_params[] = {
    { "gpu.*.share", PT_REAL, "1", "0", 0, 1e6, NULL,
      "relative supply share of this GPU model (its key name is the catalogue name in lower "
      "case, every character but letters and digits a '-': RTX 4090 is gpu.rtx-4090)" },
    { "gpu.rtx-3060.share", PT_REAL, "1", "0.04", 0, 1e6, NULL, "relative supply share" },
    { "gpu.rtx-3070.share", PT_REAL, "1", "0.03", 0, 1e6, NULL, "relative supply share" },
    { "gpu.rtx-3080.share", PT_REAL, "1", "0.04", 0, 1e6, NULL, "relative supply share" },
    { "gpu.rtx-3090.share", PT_REAL, "1", "0.12", 0, 1e6, NULL, "relative supply share" },
    { "gpu.rtx-4070.share", PT_REAL, "1", "0.02", 0, 1e6, NULL, "relative supply share" },
    { "gpu.rtx-4080.share", PT_REAL, "1", "0.03", 0, 1e6, NULL, "relative supply share" },
    { "gpu.rtx-4090.share", PT_REAL, "1", "0.16", 0, 1e6, NULL, "relative supply share" },
    { "gpu.rtx-5080.share", PT_REAL, "1", "0.03", 0, 1e6, NULL, "relative supply share" },
    { "gpu.rtx-5090.share", PT_REAL, "1", "0.08", 0, 1e6, NULL, "relative supply share" },
    { "gpu.rtx-a4000.share", PT_REAL, "1", "0.03", 0, 1e6, NULL, "relative supply share" },
    { "gpu.rtx-a5000.share", PT_REAL, "1", "0.02", 0, 1e6, NULL, "relative supply share" },
    { "gpu.rtx-a6000.share", PT_REAL, "1", "0.02", 0, 1e6, NULL, "relative supply share" },
    { "gpu.rtx-6000ada.share", PT_REAL, "1", "0.02", 0, 1e6, NULL, "relative supply share" },
    { "gpu.rtx-pro-6000.share", PT_REAL, "1", "0.03", 0, 1e6, NULL, "relative supply share" },
    { "gpu.a40.share", PT_REAL, "1", "0.01", 0, 1e6, NULL, "relative supply share" },
    { "gpu.l4.share", PT_REAL, "1", "0.02", 0, 1e6, NULL, "relative supply share" },
    { "gpu.l40s.share", PT_REAL, "1", "0.02", 0, 1e6, NULL, "relative supply share" },
    { "gpu.a10.share", PT_REAL, "1", "0.01", 0, 1e6, NULL, "relative supply share" },
    { "gpu.tesla-t4.share", PT_REAL, "1", "0.01", 0, 1e6, NULL, "relative supply share" },
    { "gpu.tesla-v100.share", PT_REAL, "1", "0.02", 0, 1e6, NULL, "relative supply share" },
    { "gpu.a100-pcie-40gb.share", PT_REAL, "1", "0.02", 0, 1e6, NULL, "relative supply share" },
    { "gpu.a100-sxm4-40gb.share", PT_REAL, "1", "0.01", 0, 1e6, NULL, "relative supply share" },
    { "gpu.a100-pcie-80gb.share", PT_REAL, "1", "0.02", 0, 1e6, NULL, "relative supply share" },
    { "gpu.a100-sxm4-80gb.share", PT_REAL, "1", "0.04", 0, 1e6, NULL, "relative supply share" },
    { "gpu.h100-pcie.share", PT_REAL, "1", "0.02", 0, 1e6, NULL, "relative supply share" },
    { "gpu.h100-sxm.share", PT_REAL, "1", "0.20", 0, 1e6, NULL, "relative supply share" },
    { "gpu.h100-nvl.share", PT_REAL, "1", "0.02", 0, 1e6, NULL, "relative supply share" },
    { "gpu.h200.share", PT_REAL, "1", "0.02", 0, 1e6, NULL, "relative supply share" },
    { "gpu.h200-nvl.share", PT_REAL, "1", "0.01", 0, 1e6, NULL, "relative supply share" },
    { "gpu.b200.share", PT_REAL, "1", "0.01", 0, 1e6, NULL, "relative supply share" },
};

#define HC(cls, key, ...) { "hostclass." cls "." key, __VA_ARGS__ }
#define HOSTCLASS(c, share, gpus, tiers, pue, amort, mkmin, mkmax, bidf, verif, \
                  bw, stor, bwp, dur, ext, ovh, cpu, ram, disk)                  \
    HC(c, "share", PT_PROB, "1", share, 0, 1, NULL,                                \
       "share of the initial machines (of GPUs: x its GPUs per machine), a "       \
       "weight: the classes' shares are normalised to sum to 1"),                 \
    HC(c, "machine-gpus", PT_STRING, "", gpus, NOMAX, NULL,                         \
       "GPUs per machine as count:probability pairs (powers of two up to 16)"),    \
    HC(c, "tiers", PT_STRING, "", tiers, NOMAX, NULL,                               \
       "GPU tiers hosted, as tier:weight (consumer, workstation, datacenter)"),     \
    HC(c, "pue", PT_REAL, "1", pue, 1, 3, NULL, "power usage effectiveness"),      \
    HC(c, "amortisation", PT_TIME, "d", amort, 1, 36500, NULL,                      \
       "hardware written off over this time, rented or not"),                      \
    HC(c, "overhead", PT_REAL, "USD/GPU-h", ovh, 0, 100, NULL,                     \
       "other costs per GPU-hour (space, network, staff) in the cost floor"),    \
    HC(c, "markup-min", PT_REAL, "1", mkmin, 0.5, 100, NULL,                        \
       "initial ask = cost floor x U(markup-min, markup-max), clamped to "           \
       "[ask-floor, ask-ceiling]"),                                                \
    HC(c, "markup-max", PT_REAL, "1", mkmax, 0.5, 100, NULL, "see markup-min"),    \
    HC(c, "ask-floor", PT_REAL, "1", "1.0", 0.1, 100, NULL,                         \
       "the ask never drops below cost floor x this"),                             \
    HC(c, "ask-ceiling", PT_REAL, "1", "6.0", 0.1, 1000, NULL,                      \
       "the ask never rises above cost floor x this (at least ask-floor)"),         \
    HC(c, "min-bid-factor", PT_REAL, "1", bidf, 0, 100, NULL,                       \
       "min_bid = power cost per GPU-hour x this (the host's outside option)"),    \
    HC(c, "verified-prob", PT_PROB, "1", verif, 0, 1, NULL,                         \
       "probability a machine passes the non-reliability verification checks"),    \
    HC(c, "min-chunk", PT_INT, "GPUs", "1", 1, 16, NULL,                            \
       "min_gpu: offers are sliced at powers of two from this up (1, 2, 4, 8 or 16)"), \
    HC(c, "bandwidth", PT_REAL, "Mb/s", bw, 1, 1e6, NULL,                           \
       "download bandwidth for images and data"),                                  \
    HC(c, "cpu-per-gpu", PT_STRING, "", cpu, NOMAX, NULL,                          \
       "CPU cores per GPU as cores:probability pairs (Vast: cpu_cores_effective)"), \
    HC(c, "ram-per-gpu", PT_STRING, "", ram, NOMAX, NULL,                          \
       "system RAM per GPU as GB:probability pairs (Vast: cpu_ram)"),              \
    HC(c, "disk", PT_STRING, "", disk, NOMAX, NULL,                                \
       "disk per machine as GB:probability pairs; an offer of k of its n GPUs "     \
       "has k/n of it (Vast: disk_space)"),                                        \
    HC(c, "storage-price", PT_MONEY, "USD/GB-month", stor, 0, 100, NULL,            \
       "storage price while an instance exists (and runs: see storage-inactive)"), \
    HC(c, "storage-inactive", PT_REAL, "x", "1", 0, 100, NULL,                      \
       "storage price while an instance is stopped or paused (outbid, waiting to " \
       "start, a stopped serverless worker) as a multiple of storage-price: "     \
       "Vast's is \"typically higher\" with no figure, RunPod's volumes 2 [E]"),  \
    HC(c, "bandwidth-price", PT_MONEY, "USD/GB", bwp, 0, 100, NULL,                 \
       "price of data transferred"),                                               \
    HC(c, "offer-duration", PT_TIME, "d", dur, 0.01, 3650, NULL,                    \
       "max rental duration (rolling offer end date): a contract's end date is "   \
       "its rental time + this"),                                                  \
    HC(c, "auto-extend", PT_PROB, "1", ext, 0, 1, NULL,                             \
       "probability the host extends a contract still alive at its end date by "   \
       "another offer-duration at the price market.extend-price sets (else the "  \
       "instance stops and the renter moves) [E]"),                                \
    HC(c, "max-discount", PT_PROB, "1", "0.4", 0, 1, NULL,                          \
       "cap on the prepay discount (credit_discount_max)"),                       \
    HC(c, "anticipate", PT_PROB, "1", "0", 0, 1, NULL,                              \
       "share of the class's hosts that anticipate the demand cycle: they reprice " \
       "on the utilisation the coming interval had a day (or a week: "             \
       "market.anticipate-period) before, not the one just past (needs a "         \
       "market.reprice-interval that divides a day) [E]")

#define HCDC(c, dc)                                                             \
    HC(c, "datacenter", PT_BOOL, "", dc, NOMAX, NULL,                               \
       "its machines are in datacenters: Secure Cloud jobs search only these, and " \
       "reliability.datacenter-bonus forgives part of their badness")

/* auto-extend [E]: no rate is published. Vast's host optimization guide
 * advises hosts to turn auto-extend on, and a datacenter lists its
 * machines for the long run, so it nearly always extends (0.9); a farm
 * mostly does (0.8); a hobbyist's rig is often its owner's own PC, wanted
 * back more often (0.6). */
static const struct param_def hostclass_params[] = {
    HOSTCLASS("hobbyist", "0.50", "1:0.55,2:0.30,4:0.12,8:0.03",
              "consumer:1", "1.05",
              "1095d", "1.4", "2.4", "1.6", "0.70", "300", "0.10",
              "0.002", "30d", "0.6", "0", "4:0.3,6:0.3,8:0.3,16:0.1", "16:0.3,32:0.5,64:0.2",
              "1000:0.3,2000:0.5,4000:0.2"),
    HOSTCLASS("farm", "0.35", "2:0.15,4:0.40,8:0.45",
              "consumer:0.55,workstation:0.30,datacenter:0.15", "1.2",
              "850d", "1.3", "2.1", "1.4", "0.90", "1000", "0.10",
              "0.003", "90d", "0.8", "0.03", "8:0.5,16:0.5", "32:0.4,64:0.6", "4000:0.5,8000:0.5"),
    HOSTCLASS("datacenter", "0.15", "4:0.10,8:0.90",
              "workstation:0.25,datacenter:0.75", "1.35",
              "1095d", "1.2", "1.6", "1.2", "1.0", "5000", "0.15",
              "0.005", "180d", "0.9", "0.20", "12:0.3,16:0.4,32:0.3", "64:0.3,128:0.5,256:0.2",
              "8000:0.5,16000:0.5"),
    HOSTCLASS("*", "0", "1:1", "consumer:1", "1.1",
              "1095d", "1.3", "2.0", "1.5", "0.8", "500", "0.10",
              "0.003", "60d", "0.8", "0", "8:1", "32:1", "2000:1"),
    /* What makes a class a datacenter is this flag, not its name: a
     * class renamed "dc" once silently lost every Secure Cloud renter. */
    HCDC("hobbyist", "false"),
    HCDC("farm", "false"),
    HCDC("datacenter", "true"),
    HCDC("*", "false"),
};

/* No time zone: nothing a host does depends on its local time (a
 * region.*.tz key was read and never used; renters' and endpoints' days
 * have their own, archetype.*.tz and endpoint.*.tz). */
#define RG(r, share, kwh)                                                       \
    { "region." r ".share", PT_PROB, "1", share, 0, 1, NULL,                \
      "share of machines, a weight: the regions' shares are normalised to sum to 1" }, \
    { "region." r ".electricity", PT_REAL, "USD/kWh", kwh, 0, 10, NULL, "electricity price" }

static const struct param_def region_params[] = {
    RG("us", "0.40", "0.14"),
    RG("canada", "0.12", "0.08"),
    RG("europe", "0.22", "0.24"),
    RG("asia", "0.20", "0.13"),
    RG("nordics", "0.06", "0.06"),
    RG("*", "0", "0.12"),
};

#define AR(a, key, ...) { "archetype." a "." key, __VA_ARGS__ }
#define ARCHETYPE(a, rate, tz, amp, wkend, gpus, vram, wmed, wsig, value, vsig, \
                  rel, pod, pres, pint, bidf, sort, pat, retry, mix, ckpt,      \
                  ckint, fwait, fmove, stor, img, budget, boost, dl, bigp, secure, \
                  pin, pinspd)                                                  \
    AR(a, "rate", PT_REAL, "jobs/day per 1000 GPUs", rate, 0, 1e6, NULL,         \
       "weekday arrival rate, scaled by the initial supply (weekend and deadline factors multiply it)"), \
    AR(a, "tz", PT_REAL, "h", tz, -12, 14, NULL, "UTC offset of their working day"), \
    AR(a, "day-amplitude", PT_PROB, "1", amp, 0, 1, NULL,                         \
       "daily cycle: rate x (1 + a cos(2 pi (local hour - 14) / 24))"),         \
    AR(a, "weekend", PT_REAL, "1", wkend, 0, 10, NULL, "rate factor on Saturday and Sunday"), \
    AR(a, "deadline-boost", PT_REAL, "1", boost, 0, 100, NULL,                    \
       "rate factor in the window before each deadline"),                        \
    AR(a, "deadlines", PT_STRING, "", dl, NOMAX, NULL,                            \
       "deadline days of the year (0-364, as demand.start-day counts them; each " \
       "ends at its local midnight), comma-separated, at most 16"),              \
    AR(a, "deadline-window", PT_TIME, "d", "14d", 0, 365, NULL,                   \
       "how long before a deadline (the end of its day) the boost applies"),     \
    AR(a, "gpus", PT_STRING, "", gpus, NOMAX, NULL,                               \
       "GPUs per job as count:probability (powers of two)"),                     \
    AR(a, "vram", PT_REAL, "GB", vram, 0, 1000, NULL, "minimum GPU memory per GPU"), \
    AR(a, "big-model-prob", PT_PROB, "1", bigp, 0, 1, NULL,                      \
       "probability a job needs 'big-model-vram' per GPU (an LLM that does not fit)"), \
    AR(a, "big-model-vram", PT_REAL, "GB", "40", 0, 1000, NULL,                   \
       "VRAM per GPU that such a job needs"),                                   \
    AR(a, "work-median", PT_REAL, "ref-GPU-h", wmed, 1e-6, 1e9, NULL,            \
       "median work per GPU of a job in reference-GPU-hours (lognormal): a job of n GPUs " \
       "holds n times as much"),                                                  \
    AR(a, "work-sigma", PT_REAL, "1", wsig, 0, 5, NULL, "log-sd of job work"),   \
    AR(a, "value", PT_REAL, "USD/ref-GPU-h", value, 0, 1e4, NULL,                 \
       "median willingness to pay per reference-GPU-hour of work (price cap)"), \
    AR(a, "value-sigma", PT_REAL, "1", vsig, 0, 5, NULL, "log-sd of value across jobs"), \
    AR(a, "vram-value", PT_REAL, "USD/GB-h", "0.005", 0, 10, NULL,                 \
       "added willingness to pay per GB of GPU memory per GPU-hour"),          \
    AR(a, "min-reliability", PT_PROB, "1", rel, 0, 1, NULL, "reliability filter"), \
    AR(a, "verified-only", PT_BOOL, "", "true", NOMAX, NULL, "search only verified machines"), \
    AR(a, "secure-cloud", PT_PROB, "1", secure, 0, 1, NULL,                       \
       "probability a job searches only datacenter hosts (Vast's Secure Cloud filter)"), \
    AR(a, "name-pin", PT_PROB, "1", pin, 0, 1, NULL,                              \
       "probability a job searches one named GPU model only (Vast's gpu_name "   \
       "filter), drawn by supply share among the models it could use and would " \
       "pay the going price for"),                                              \
    AR(a, "name-pin-speed", PT_REAL, "ref-GPU-h/h", pinspd, 0, 100, NULL,          \
       "a job that names a model values an hour of it as at least this many "    \
       "reference-GPU-hours (it needs the card, not its DLPerf; 0 = by DLPerf only)"), \
    AR(a, "gpu-models", PT_STRING, "", "", NOMAX, NULL,                           \
       "search only these catalogue models (comma-separated; empty = any)"),   \
    AR(a, "p-ondemand", PT_PROB, "1", pod, 0, 1, NULL,                            \
       "probability a job that does not prepay rents on-demand: p-ondemand / "    \
       "(p-ondemand + p-interruptible), as written when they sum to 1 (both 0: on-demand)"), \
    AR(a, "p-reserved", PT_PROB, "1", pres, 0, 1, NULL,                           \
       "probability a job long enough for a prepay to pay off prepays (reserved): one " \
       "that needs more than (1 - discount) x term (576 h for a month at 0.2) on the " \
       "slowest machine it could rent searches on-demand and prepays the term that " \
       "costs least for its run on the machine it picks (else on-demand)"), \
    AR(a, "p-interruptible", PT_PROB, "1", pint, 0, 1, NULL,                      \
       "probability a job that does not prepay bids for interruptible: "         \
       "p-interruptible / (p-ondemand + p-interruptible)"),                      \
    AR(a, "bid-fraction", PT_REAL, "1", bidf, 0, 10, NULL,                        \
       "bid = this x the offer's on-demand ask (at least min_bid)"),            \
    AR(a, "bid-cap", PT_PROB, "1", "0.9", 0.01, 1, NULL,                          \
       "never bid above this fraction of the offer's on-demand ask"),          \
    AR(a, "bid-raise", PT_PROB, "1", "0.5", 0, 1, NULL,                           \
       "probability a paused renter raises its bid by 20% instead of moving"),  \
    AR(a, "sort", PT_ENUM, "", sort, NOMAX, "price|dlperf-per-dollar|score",      \
       "search order"),                                                         \
    AR(a, "patience", PT_TIME, "h", pat, 0, 1e5, NULL,                            \
       "how long a job keeps searching before it abandons"),                    \
    AR(a, "retry", PT_TIME, "h", retry, 0.001, 1e5, NULL,                         \
       "mean time to the next search after one that found nothing; doubles "    \
       "with each further such search, up to 16x, and starts again at a rental"), \
    AR(a, "pause-patience", PT_TIME, "h", "2h", 0, 1e5, NULL,                     \
       "how long a paused interruptible waits before raising its bid or moving"), \
    AR(a, "mix", PT_STRING, "", mix, NOMAX, NULL,                                 \
       "workload mix as type:probability (finetune, training, batch-inference, rendering, scientific)"), \
    AR(a, "checkpoint", PT_ENUM, "", ckpt, NOMAX, "none|fixed|young|daly",        \
       "checkpoint policy (young/daly use the machine's expected MTBF)"),       \
    AR(a, "checkpoint-interval", PT_TIME, "min", ckint, 0.01, 1e6, NULL,          \
       "fixed policy: running time between checkpoints"),                       \
    AR(a, "checkpoint-cost", PT_TIME, "min", "2min", 0, 1e6, NULL,                \
       "time to write a checkpoint (no progress meanwhile)"),                   \
    AR(a, "restart-cost", PT_TIME, "min", "5min", 0, 1e6, NULL,                   \
       "time to restore from a checkpoint after an interruption"),              \
    AR(a, "on-failure-wait", PT_PROB, "1", fwait, 0, 1, NULL,                     \
       "after a host failure: probability of waiting for the same host"),       \
    AR(a, "on-failure-move", PT_PROB, "1", fmove, 0, 1, NULL,                     \
       "after a host failure: probability of searching elsewhere (else abandon)"), \
    AR(a, "storage", PT_REAL, "GB", stor, 0, 1e6, NULL,                          \
       "disk allocated per instance (the offer's disk must hold it)"),           \
    AR(a, "min-dlperf", PT_REAL, "1", "0", 0, 1e6, NULL,                          \
       "search only offers whose DLPerf (the bundle the job rents) is at least this"), \
    AR(a, "min-cpu-per-gpu", PT_REAL, "cores", "0", 0, 1000, NULL,                \
       "search only offers with at least this many CPU cores per GPU"),         \
    AR(a, "min-ram-per-gpu", PT_REAL, "GB", "0", 0, 1e5, NULL,                    \
       "search only offers with at least this much system RAM per GPU"),        \
    AR(a, "image", PT_REAL, "GB", img, 0, 1e6, NULL,                              \
       "image + data downloaded at each start (loading time, not billed as GPU)"), \
    AR(a, "budget", PT_MONEY, "USD", budget, 0, 1e9, NULL,                        \
       "credits per job (0 = unlimited); when they run out the job's instance stops for " \
       "market.credit-grace and is then deleted, the job abandoned, unless its renter tops up"), \
    AR(a, "topup", PT_PROB, "1", "0", 0, 1, NULL,                                 \
       "probability that a renter whose credits ran out adds another 'budget' (a saved card, " \
       "or paying by hand); drawn each time they run out"),                     \
    AR(a, "topup-delay", PT_TIME, "h", "12h", 0, 1e6, NULL,                       \
       "mean (exponential) time a topping-up renter takes, its instance stopped meanwhile " \
       "(deleted first if the grace ends sooner; a stopped instance whose GPUs were taken " \
       "moves); 0 = billed at once, no stop (needs no grace)"),              \
    AR(a, "prepay-after", PT_TIME, "h", "0", 0, 1e6, NULL,                        \
       "an on-demand renter that has rented one host this long (download included) " \
       "prepays the rest of its run there if a term costs less than on demand for it " \
       "(Vast's prepay of a running instance; 0 = never)"),                  \
    AR(a, "withdraw-deverified", PT_PROB, "1", "0", 0, 1, NULL,                   \
       "probability that a renter whose reservation's machine loses its verification " \
       "withdraws the unused balance at once, whole, and moves, its saved work with it " \
       "(else it keeps the reservation and takes the balance whole when it ends)")

/* Academics crowd the weeks before ICML (late Jan), NeurIPS (mid May),
 * ICLR (late Sept) and CVPR (mid Nov) deadlines [E].
 *
 * Contract choice [E]: p-reserved applies to the jobs that may run long
 * enough to prepay a month; every other job rents on-demand or bids,
 * and each archetype's p-ondemand and p-interruptible sum to 1, so each
 * is that chance as written (companies bid 15% of the time, and half of
 * their month-long jobs prepay).
 *
 * Named-model demand (name-pin, name-pin-speed) [E]: no data gives the
 * share of Vast searches that set gpu_name, only that the default query
 * is broken down by it (CALIBRATION.md 2.6). 15% of academic, indie,
 * hobbyist and consultant jobs name a card (a paper's set-up, a tutorial,
 * a tool tested on one card), 30% of company jobs (a team standardises on
 * the card its stack and benchmarks run on) and half of enterprise jobs (a
 * part its contract, MIG layout or certification names). They value a
 * named card's hour as at least 0.6 reference-GPU-hours (an RTX 4090 is
 * 1), an enterprise at least 1: it pays per card-hour for the part it
 * qualified. With these the year run puts the L4 in seed 002's range and
 * brings the A100 PCIe 40GB to its edge (README, "Data and calibration");
 * twice the shares do no better there and move seed 002's RTX 4090
 * tables (T9) further off. At 0 the market is the one that left them
 * below, bit for bit. */
static const struct param_def archetype_params[] = {
    ARCHETYPE("academic", "139", "-5", "0.35", "0.8", "1:0.65,2:0.2,4:0.12,8:0.03", "16",
              "3.2", "1.4", "0.45", "0.35", "0.95", "0.60", "0.05", "0.40", "0.70",
              "dlperf-per-dollar", "48h", "1h", "training:0.5,finetune:0.3,scientific:0.2",
              "fixed", "60min", "0.4", "0.5", "50", "30", "400", "1.75", "28,135,270,318", "0.2",
              "0.05", "0.15", "0.6"),
    ARCHETYPE("indie", "225", "-5", "0.30", "0.9", "1:0.7,2:0.2,4:0.1", "16", "3.5", "1.3",
              "0.55", "0.35", "0.95", "0.75", "0.05", "0.25", "0.75", "dlperf-per-dollar",
              "24h", "0.5h", "finetune:0.5,training:0.2,batch-inference:0.3", "fixed",
              "30min", "0.2", "0.7", "40", "25", "0", "1", "", "0.15", "0.05", "0.15", "0.6"),
    ARCHETYPE("hobbyist", "650", "-4", "0.50", "1.4", "1:0.9,2:0.1", "8", "1.5", "1.1",
              "0.35", "0.4", "0.0", "0.45", "0.0", "0.55", "0.6", "price", "8h", "0.5h",
              "finetune:0.5,rendering:0.3,batch-inference:0.2", "none", "60min", "0.1",
              "0.5", "30", "15", "0", "1", "", "0.02", "0", "0.15", "0.6"),
    ARCHETYPE("company", "42", "-6", "0.25", "0.6", "1:0.1,2:0.2,4:0.35,8:0.35", "24", "9.9",
              "1.2", "0.75", "0.3", "0.97", "0.85", "0.5", "0.15", "0.8", "dlperf-per-dollar",
              "24h", "0.5h", "training:0.6,finetune:0.25,batch-inference:0.15", "young",
              "30min", "0.2", "0.8", "200", "60", "0", "1", "", "0.3", "0.3", "0.3", "0.6"),
    ARCHETYPE("consultant", "100", "1", "0.35", "0.5", "1:0.5,2:0.3,4:0.2", "16", "6.6",
              "1.2", "0.6", "0.3", "0.97", "0.80", "0.2", "0.2", "0.8", "score",
              "12h", "0.5h", "finetune:0.5,batch-inference:0.3,rendering:0.2", "fixed",
              "30min", "0.3", "0.6", "100", "40", "0", "1", "", "0.2", "0.15", "0.15", "0.6"),
    ARCHETYPE("enterprise", "6.9", "-5", "0.20", "0.5", "4:0.2,8:0.8", "40", "69", "1.0",
              "0.8", "0.25", "0.99", "0.95", "0.6", "0.05", "0.85", "score", "12h", "1h",
              "training:0.8,batch-inference:0.2", "daly", "30min", "0.1", "0.9", "500",
              "120", "0", "1", "", "0", "0.7", "0.5", "1"),
    ARCHETYPE("*", "0", "0", "0.3", "1", "1:1", "8", "4", "1", "0.5", "0.3", "0.9",
              "0.8", "0.1", "0.2", "0.9", "dlperf-per-dollar", "12h", "0.5h",
              "finetune:1", "none", "60min", "0.2", "0.6", "40", "20", "0", "1", "", "0", "0",
              "0", "0.6"),
};

#define WL(w, scale, ck, help)                                                   \
    { "workload." w ".work-scale", PT_REAL, "1", scale, 0, 1e6, NULL, help },    \
    { "workload." w ".checkpointable", PT_BOOL, "", ck, NOMAX, NULL,             \
      "whether jobs of this type write checkpoints at all" }

static const struct param_def workload_params[] = {
    WL("finetune", "0.6", "true", "work multiplier for LoRA/fine-tuning jobs"),
    WL("training", "2.0", "true", "work multiplier for training jobs"),
    WL("batch-inference", "0.7", "false", "work multiplier for batch inference (restarts cheaply)"),
    WL("rendering", "0.5", "false", "work multiplier for rendering jobs"),
    WL("scientific", "1.5", "true", "work multiplier for scientific computing"),
    WL("*", "1", "true", "work multiplier"),
};

void market_register_params(struct param_registry *reg)
{
    preg_add(reg, market_params, N(market_params));
    preg_add(reg, gpu_params, N(gpu_params));
    preg_add(reg, hostclass_params, N(hostclass_params));
    preg_add(reg, region_params, N(region_params));
    preg_add(reg, archetype_params, N(archetype_params));
    preg_add(reg, workload_params, N(workload_params));
    /* a scenario may add archetypes, host classes and regions; GPU models
     * and workloads are closed sets (the catalogue, the fixed mix), whose
     * unknown names market_load.c refuses */
    preg_open_kind(reg, "archetype");
    preg_open_kind(reg, "hostclass");
    preg_open_kind(reg, "region");
    sls_register_params(reg);
}
