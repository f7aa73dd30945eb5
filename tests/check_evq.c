/* tests/check_evq.c -- the event queue against a reference ordering. */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <gsl/gsl_rng.h>
#include "sim/evq.h"
#include "tests/suites.h"

struct ref {
    sim_time at;
    uint64_t seq;
    uint32_t subject;
    unsigned kind;
    bool dead;
    evq_id id;
};

static int by_time_then_seq(const void *a, const void *b)
{
    const struct ref *x = a, *y = b;

    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

START_TEST(ties_fire_in_push_order)
{
    struct evq *q = evq_new(4);
    struct evq_event ev;

    for (uint32_t i = 0; i < 100; i++)
        evq_push(q, 5, 1, i);
    evq_push(q, 3, 2, 999);
    ck_assert(evq_pop(q, &ev));
    ck_assert_int_eq(ev.subject, 999);
    for (uint32_t i = 0; i < 100; i++) {
        ck_assert(evq_pop(q, &ev));
        ck_assert_int_eq(ev.at, 5);
        ck_assert_int_eq(ev.kind, 1);
        ck_assert_int_eq(ev.subject, i);
    }
    ck_assert(!evq_pop(q, &ev));
    evq_free(q);
}
END_TEST

/* Delays drawn four ways, so that the ladder's bucket widths meet ties,
 * wide spreads and outliers: the order must not care. */
static sim_time delay(gsl_rng *r, int shape)
{
    switch (shape) {
    case 0:                                     /* narrow, many ties */
        return (sim_time)gsl_rng_uniform_int(r, 50);
    case 1:                                     /* wide, exponential */
        return (sim_time)(-1e4 * log(1.0 - gsl_rng_uniform(r)));
    case 2:                                     /* clustered + outliers */
        if (gsl_rng_uniform(r) < 0.05)
            return (sim_time)(gsl_rng_uniform(r) * 1e12);
        return (sim_time)gsl_rng_uniform_int(r, 5);
    default:                                    /* two instants only */
        return (sim_time)gsl_rng_uniform_int(r, 2);
    }
}

/* Random pushes, random cancels and interleaved pops, checked event by
 * event against a sorted reference. Loop index i: queue configuration
 * i % 3 (the default; a ladder from 8 and from 32 entries, so its tiers,
 * spills and re-bucketing all run at this size), delay shape i / 3.
 * The queue grows and drains in turns: while it only grew, a ladder gone
 * back to a heap with its rung's bound left in place (pushes past it sent
 * to an empty top, behind the heap) survived every test. */
START_TEST(matches_reference_ordering_with_cancels)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    static const size_t spill[] = { 0, 8, 32 }, target[] = { 0, 4, 8 };
    struct evq *q = evq_new_tuned(1, spill[_i % 3], target[_i % 3]);
    int shape = _i / 3;
    size_t cap = 20000, n = 0;
    struct ref *v = calloc(cap, sizeof *v);
    struct evq_event ev;
    sim_time now = 0;
    uint64_t seq = 0;

    gsl_rng_set(r, (unsigned long)_i + 1);
    for (int step = 0; step < 15000; step++) {
        double u = gsl_rng_uniform(r);
        /* Growing spells and draining ones: a ladder that drains to a
         * small top goes back to a plain heap, and pushes after that must
         * land in it. */
        double push = step / 1500 % 2 ? 0.25 : 0.55;

        if (u < push && n < cap) {
            sim_time at = now + delay(r, shape);
            struct ref *x = &v[n++];

            x->at = at;
            x->dead = false;
            x->seq = ++seq;
            x->subject = (uint32_t)gsl_rng_get(r);
            x->kind = (unsigned)gsl_rng_uniform_int(r, EVQ_KINDS);
            x->id = evq_push(q, at, x->kind, x->subject);
            ck_assert_int_eq(x->id.seq, x->seq);
        } else if (u < push + 0.15 && n > 0) {
            struct ref *x = &v[gsl_rng_uniform_int(r, n)];
            bool ok = evq_cancel(q, x->id);

            /* Cancel succeeds exactly when the event is still pending. */
            ck_assert_int_eq(ok, !x->dead);
            x->dead = true;
        } else {
            /* Pop: the reference's earliest live event must come out. */
            struct ref *best = NULL;

            for (size_t i = 0; i < n; i++)
                if (!v[i].dead && (!best || by_time_then_seq(&v[i], best) < 0))
                    best = &v[i];
            if (!best) {
                /* Emptying drops the cancelled events too, but time stays
                 * at the last live pop: later pushes may go before them,
                 * and cancelling a dropped one again is still refused. */
                ck_assert(!evq_pop(q, &ev));
                continue;
            }
            ck_assert_int_eq(evq_next_time(q), best->at);
            /* Looking ahead drops cancelled events as well; pushes after
             * it may go before them too (the loop's next steps). */
            if (gsl_rng_uniform(r) < 0.3)
                continue;
            ck_assert(evq_pop(q, &ev));
            ck_assert_int_eq(ev.at, best->at);
            ck_assert_int_eq(ev.subject, best->subject);
            ck_assert_int_eq(ev.kind, best->kind);
            best->dead = true;
            now = ev.at;
        }
        /* Keep the reference small: drop dead entries now and then. */
        if (step % 1000 == 999) {
            size_t m = 0;

            for (size_t i = 0; i < n; i++)
                if (!v[i].dead)
                    v[m++] = v[i];
                else if (evq_cancel(q, v[i].id))   /* fired or cancelled: no */
                    ck_abort_msg("cancel of a fired event succeeded");
            n = m;
        }
        {
            size_t live = 0;

            for (size_t i = 0; i < n; i++)
                live += !v[i].dead;
            ck_assert_uint_eq(evq_size(q), live);
        }
    }
    free(v);
    evq_free(q);
    gsl_rng_free(r);
}
END_TEST

START_TEST(cancel_rejects_fired_and_unknown_ids)
{
    struct evq *q = evq_new(8);
    struct evq_event ev;
    evq_id a = evq_push(q, 10, 0, 1), b = evq_push(q, 20, 0, 2);

    ck_assert(evq_pop(q, &ev));
    ck_assert(!evq_cancel(q, a));              /* already fired */
    ck_assert(!evq_cancel(q, EVQ_ID_NONE));
    ck_assert(!evq_cancel(q, (evq_id){ 20, 99 }));   /* never issued */
    ck_assert(evq_cancel(q, b));
    ck_assert(!evq_cancel(q, b));              /* twice */
    ck_assert_int_eq(evq_next_time(q), SIM_TIME_MAX);
    ck_assert(!evq_pop(q, &ev));
    evq_free(q);
}
END_TEST

/* The next id to be issued is not issued yet: cancelling it is refused,
 * and the event then pushed with that id fires. Accepting it (seq >
 * next_seq for >=) survived every test, and silently dropped the next
 * event pushed. */
START_TEST(cancel_rejects_the_next_id)
{
    struct evq *q = evq_new(8);
    struct evq_event ev;
    evq_id a = evq_push(q, 10, 0, 1), b;

    ck_assert_uint_eq(a.seq, 1);                /* 1-based (evq.h) */
    ck_assert(!evq_cancel(q, (evq_id){ 30, 2 }));
    b = evq_push(q, 30, 0, 2);
    ck_assert_uint_eq(b.seq, 2);
    ck_assert(evq_pop(q, &ev));
    ck_assert_uint_eq(ev.subject, 1);
    ck_assert(evq_pop(q, &ev));
    ck_assert_uint_eq(ev.subject, 2);
    ck_assert(!evq_pop(q, &ev));
    evq_free(q);
}
END_TEST

/* pop_before(limit) touches nothing at or after the limit, cancelled or
 * not: a cancelled event beyond it was dropped and moved the past's edge
 * there, so an event pushed before the limit was then refused as being
 * in the past (a run resumed, or one pushing at its end). */
START_TEST(pop_before_leaves_what_is_beyond_the_limit)
{
    struct evq *q = evq_new(8);
    struct evq_event ev;
    evq_id a = evq_push(q, 100, 0, 1);

    evq_push(q, 200, 0, 2);
    ck_assert(evq_cancel(q, a));
    ck_assert(!evq_pop_before(q, 50, &ev));     /* the cancelled one is at 100 */
    evq_push(q, 60, 0, 3);                      /* before it: still the future */
    ck_assert(evq_pop(q, &ev));
    ck_assert_int_eq(ev.at, 60);
    ck_assert(evq_pop(q, &ev));
    ck_assert_int_eq(ev.at, 200);
    evq_free(q);
}
END_TEST

/* Dropping cancelled events without a live pop after them (looking
 * ahead, or emptying the queue) does not move the past's edge: an event
 * pushed between the last live pop and the dropped one is the future.
 * It moved, and such a push aborted "event scheduled in the past". A
 * dropped event's id is still refused by cancel, a new one's accepted. */
START_TEST(dropping_cancelled_events_leaves_the_past_where_it_was)
{
    struct evq *q = evq_new(8);
    struct evq_event ev;
    evq_id a, b, c;

    evq_push(q, 10, 0, 1);
    a = evq_push(q, 100, 0, 2);
    evq_push(q, 200, 0, 3);
    ck_assert(evq_pop(q, &ev));
    ck_assert(evq_cancel(q, a));
    ck_assert_int_eq(evq_next_time(q), 200);    /* drops the one at 100 */
    ck_assert(!evq_cancel(q, a));               /* dropped: refused again */
    b = evq_push(q, 50, 0, 4);                  /* after 10, before 100 */
    c = evq_push(q, 100, 0, 5);                 /* same time as the dropped */
    ck_assert(evq_cancel(q, c));
    ck_assert(!evq_cancel(q, a));
    ck_assert_uint_eq(evq_size(q), 2);
    ck_assert(evq_pop(q, &ev));
    ck_assert_int_eq(ev.at, 50);
    ck_assert_uint_eq(ev.subject, 4);
    ck_assert(!evq_cancel(q, b));               /* fired */
    ck_assert(evq_pop(q, &ev));
    ck_assert_int_eq(ev.at, 200);
    ck_assert(!evq_cancel(q, c));

    /* Emptying: the cancelled event at 300 is dropped, 250 still fits. */
    a = evq_push(q, 300, 0, 6);
    ck_assert(evq_cancel(q, a));
    ck_assert(!evq_pop(q, &ev));
    ck_assert(!evq_cancel(q, a));
    b = evq_push(q, 250, 0, 7);
    ck_assert(evq_pop(q, &ev));
    ck_assert_int_eq(ev.at, 250);
    ck_assert(!evq_cancel(q, b));

    /* pop_before that drops up to its limit and finds nothing live. */
    a = evq_push(q, 400, 0, 8);
    evq_push(q, 600, 0, 9);
    ck_assert(evq_cancel(q, a));
    ck_assert(!evq_pop_before(q, 500, &ev));
    ck_assert(!evq_cancel(q, a));
    evq_push(q, 300, 0, 10);
    ck_assert(evq_pop(q, &ev));
    ck_assert_int_eq(ev.at, 300);
    ck_assert(evq_pop(q, &ev));
    ck_assert_int_eq(ev.at, 600);
    ck_assert(!evq_pop(q, &ev));
    evq_free(q);
}
END_TEST

/* A ladder whose heap window fills with pushes (every one due now) is
 * re-bucketed, and cancellations made on both sides of that survive it:
 * events cancelled in the heap and in the buckets never come out, a
 * second cancel of either is refused, and the rest come out in order. */
START_TEST(rebucketing_keeps_order_and_cancellations)
{
    struct evq *q = evq_new_tuned(1, 8, 4);
    struct evq_event ev;
    evq_id far[64], now_ids[200];
    sim_time last = -1;
    size_t popped = 0;

    for (int i = 0; i < 64; i++)            /* spread out: a ladder */
        far[i] = evq_push(q, 1000 + 1000 * i, 1, (uint32_t)i);
    ck_assert(evq_pop(q, &ev));
    ck_assert_int_eq(ev.at, 1000);
    ck_assert(evq_cancel(q, far[40]));      /* waits in a bucket */
    for (int i = 0; i < 200; i++) {         /* due now: into the heap */
        now_ids[i] = evq_push(q, 1000, 2, (uint32_t)i);
        if (i % 7 == 3)                     /* cancelled in the heap */
            ck_assert(evq_cancel(q, now_ids[i]));
    }
    ck_assert(!evq_cancel(q, far[40]));
    ck_assert(evq_cancel(q, far[41]));
    for (int i = 3; i < 200; i += 7)
        ck_assert(!evq_cancel(q, now_ids[i]));
    ck_assert_uint_eq(evq_size(q), 63 - 2 + 200 - 29);
    {
        /* what is left: 171 events at 1000 (subjects in push order),
         * then 61 at 2000, 3000, ... without 41000 and 42000 */
        uint32_t next_now = 0;

        while (evq_pop(q, &ev)) {
            ck_assert_int_ge(ev.at, last);
            last = ev.at;
            if (ev.kind == 2) {
                while (next_now % 7 == 3)
                    next_now++;
                ck_assert_int_eq(ev.at, 1000);
                ck_assert_uint_eq(ev.subject, next_now++);
            } else {
                ck_assert_int_ne(ev.at, 41000);
                ck_assert_int_ne(ev.at, 42000);
                ck_assert_int_eq(ev.at, 1000 + 1000 * (sim_time)ev.subject);
            }
            popped++;
        }
        ck_assert_uint_eq(next_now, 199);   /* the last, 199, was cancelled */
    }
    ck_assert_uint_eq(popped, 171 + 61);
    ck_assert_uint_eq(evq_size(q), 0);
    evq_free(q);
}
END_TEST

/* The contract (evq.h): cancel is false for an id already fired, already
 * cancelled or never issued, and true for any event still pending. Two
 * cancelled events dropped by look-aheads, the later drop the earlier
 * one in time, and events of kind 0 and subject 0 (their key equals the
 * id's probe exactly): each is refused a second time, and an event
 * pushed after the first drop, before it in time and with the very next
 * sequence number, is still pending and can be cancelled. Killed: the
 * drop records matched with '<' for '<=' (a dropped kind-0 subject-0
 * event accepted again), their sequence marks with '<=' for '<' (the
 * next pushed event refused), and the records read oldest first. */
START_TEST(cancel_after_drops_refuses_exactly_the_dropped)
{
    struct evq *q = evq_new(8);
    struct evq_event ev;
    evq_id a, b, c;

    evq_push(q, 10, 0, 0);
    ck_assert(evq_pop(q, &ev));                 /* the past ends at 10 */
    a = evq_push(q, 300, 0, 0);
    evq_push(q, 1000, 0, 1);
    ck_assert(evq_cancel(q, a));
    ck_assert_int_eq(evq_next_time(q), 1000);   /* drops a */
    ck_assert(!evq_cancel(q, a));               /* already cancelled */
    b = evq_push(q, 100, 0, 0);                 /* after 10, before a */
    ck_assert(evq_cancel(q, b));                /* pending: accepted */
    ck_assert(!evq_cancel(q, b));
    ck_assert_int_eq(evq_next_time(q), 1000);   /* drops b */
    ck_assert(!evq_cancel(q, b));
    ck_assert(!evq_cancel(q, a));
    c = evq_push(q, 200, 0, 0);                 /* between b and a */
    ck_assert_uint_eq(evq_size(q), 2);
    ck_assert(evq_cancel(q, c));
    ck_assert(!evq_cancel(q, c));
    ck_assert_uint_eq(evq_size(q), 1);
    ck_assert(evq_pop(q, &ev));
    ck_assert_int_eq(ev.at, 1000);
    ck_assert_uint_eq(ev.subject, 1);
    ck_assert(!evq_pop(q, &ev));
    evq_free(q);
}
END_TEST

/* evq.c packs a 39-bit sequence number across the two 64-bit halves of
 * a key: its top 16 bits in the high half, the low 23 in the low half.
 * Ties must stay FIFO (evq.h) across the bits where the split happens:
 * pairs at the same instant with sequence numbers 2^22 - 1, 2^22 and
 * 2^23 - 1, 2^23 come out in push order, and the id of the 2^23rd is
 * cancelled exactly. A push and a pop per step keep the heap at one
 * entry, so the 8.4 million events take a fraction of a second. Killed:
 * the high part shifted by 24 instead of 23, the low part masked to 22
 * bits. */
START_TEST(ties_stay_fifo_across_the_sequence_number_split)
{
    struct evq *q = evq_new(8);
    struct evq_event ev;
    const uint64_t edges[] = { (uint64_t)1 << 22, (uint64_t)1 << 23 };
    uint64_t next = 1;
    evq_id id;

    for (size_t e = 0; e < 2; e++) {
        sim_time t = 1000 * (sim_time)(e + 1);

        size_t popped = 0;

        /* no ck_assert per step: each one writes to Check's pipe */
        for (; next < edges[e] - 1; next++) {
            evq_push(q, t - 1, 0, 0);
            popped += evq_pop(q, &ev);
        }
        ck_assert_uint_eq(popped, edges[e] - 1 - (e ? edges[e - 1] + 2 : 1));
        id = evq_push(q, t, 1, 1);
        ck_assert_uint_eq(id.seq, edges[e] - 1);
        id = evq_push(q, t, 1, 2);
        ck_assert_uint_eq(id.seq, edges[e]);
        evq_push(q, t, 1, 3);
        ck_assert(evq_cancel(q, id));
        next += 3;
        ck_assert(evq_pop(q, &ev));
        ck_assert_uint_eq(ev.subject, 1);
        ck_assert(evq_pop(q, &ev));
        ck_assert_uint_eq(ev.subject, 3);       /* 2 was cancelled */
        ck_assert_int_eq(ev.at, t);
        ck_assert(!evq_pop(q, &ev));
    }
    evq_free(q);
}
END_TEST

/* Pops subjects from..to in order, subject i due at at0 + step x i. */
static void expect_pops(struct evq *q, sim_time at0, sim_time step, uint32_t from,
                        uint32_t to)
{
    struct evq_event ev;

    for (uint32_t i = from; i <= to; i++) {
        ck_assert(evq_pop(q, &ev));
        ck_assert_int_eq(ev.at, at0 + step * (sim_time)i);
        ck_assert_uint_eq(ev.subject, i);
    }
}

/* More ties than the heap holds before spilling into the ladder: every
 * event is at the same instant, so a re-bucketing sees a spread of zero
 * and must still make a bucket that holds them. They come out in push
 * order, and a later event pushed half-way comes out after them. Killed: the rung's end one bucket short
 * (every event left in the top, re-bucketed forever: a hang). */
START_TEST(ties_beyond_the_spill_come_out_in_push_order)
{
    struct evq *q = evq_new_tuned(1, 8, 4);
    struct evq_event ev;

    for (uint32_t i = 0; i < 100; i++)
        evq_push(q, 500, 2, i);
    expect_pops(q, 500, 0, 0, 49);
    evq_push(q, 900, 3, 999);                   /* one later event */
    expect_pops(q, 500, 0, 50, 99);
    ck_assert(evq_pop(q, &ev));
    ck_assert_int_eq(ev.at, 900);
    ck_assert_uint_eq(ev.subject, 999);
    ck_assert(!evq_pop(q, &ev));
    evq_free(q);
}
END_TEST

/* A re-bucketing of the heap's window (pushes due now filling it past
 * twice its bucket) sends everything to the top and leaves no window at
 * all: a push due at the very same instant afterwards must wait in the
 * top too, behind the equal-time events pushed before it (ties are FIFO,
 * evq.h). Spill 8, target 4: 21 spread events make a ladder whose first
 * bucket holds the events at 0 and 1000 (re-bucketed at 8 entries), so
 * of 10 pushes at 0 the 7th re-buckets and 3 follow it. Expected order by
 * hand: subjects 0..10 at 0, then 1000, 2000, ... 20000. Killed: flatten
 * leaving the window's bound at 1 instead of 0 (the last 3 pushes at 0
 * stayed in the heap and came out before the 7 sent to the top). */
START_TEST(ties_at_zero_stay_fifo_across_a_rebucketing)
{
    struct evq *q = evq_new_tuned(1, 8, 4);
    struct evq_event ev;

    evq_push(q, 0, 1, 0);
    for (uint32_t i = 1; i <= 20; i++)
        evq_push(q, 1000 * (sim_time)i, 2, i);
    ck_assert_int_eq(evq_next_time(q), 0);      /* builds the ladder */
    for (uint32_t i = 1; i <= 10; i++)
        evq_push(q, 0, 1, i);
    expect_pops(q, 0, 0, 0, 10);
    expect_pops(q, 0, 1000, 1, 20);
    ck_assert(!evq_pop(q, &ev));
    evq_free(q);
}
END_TEST

/* evq.h: the thresholds never change the order of events, so a bucket
 * target far above the spill (64 against 2) must still drain: each rung
 * then has a single bucket. Events pushed in descending time come out
 * ascending. Killed: the rung's bucket count one short (no bucket at all
 * when 2 * pending < target: everything back in the top, re-bucketed
 * forever, a hang). */
START_TEST(a_target_above_the_spill_still_drains)
{
    struct evq *q = evq_new_tuned(1, 2, 64);
    struct evq_event ev;

    for (uint32_t i = 10; i >= 1; i--)
        evq_push(q, 100 * (sim_time)i, 0, i);
    expect_pops(q, 0, 100, 1, 10);
    ck_assert(!evq_pop(q, &ev));
    evq_free(q);
}
END_TEST

/* evq.h: cancel is false for an id already cancelled. An event cancelled
 * while it waits in a bucket (at 20000, past the heap's first window) is
 * dropped by the pop that empties the queue, with no live pop after it:
 * a second cancel is refused and nothing is pending. Killed: the drop of
 * a dead-bit key not recorded (only the near set's drops were), so the
 * second cancel was accepted and evq_size wrapped below zero. */
START_TEST(a_bucket_cancel_dropped_at_the_end_is_refused_again)
{
    struct evq *q = evq_new_tuned(1, 8, 4);
    struct evq_event ev;
    evq_id id[21];

    for (int i = 1; i <= 20; i++)
        id[i] = evq_push(q, 1000 * (sim_time)i, 0, (uint32_t)i);
    ck_assert(evq_pop(q, &ev));                 /* a ladder now */
    ck_assert_int_eq(ev.at, 1000);
    ck_assert(evq_cancel(q, id[20]));
    expect_pops(q, 0, 1000, 2, 19);
    ck_assert(!evq_pop(q, &ev));                /* drops 20000 */
    ck_assert(!evq_cancel(q, id[20]));
    ck_assert_uint_eq(evq_size(q), 0);
    evq_push(q, 19500, 0, 99);                  /* after the last live pop */
    ck_assert(evq_pop(q, &ev));
    ck_assert_uint_eq(ev.subject, 99);
    ck_assert(!evq_pop(q, &ev));
    evq_free(q);
}
END_TEST

/* evq.h: {0, 0} is never a valid id and sequence numbers are 1-based,
 * so an id with sequence number 0 was never issued, whatever its time:
 * cancelling it is refused and changes nothing. Killed: the seq == 0
 * check dropped (an id {100, 0} was accepted, entered the cancelled set
 * and evq_size fell by one). */
START_TEST(cancel_refuses_sequence_zero_at_any_time)
{
    struct evq *q = evq_new(8);
    struct evq_event ev;

    evq_push(q, 100, 0, 1);
    ck_assert(!evq_cancel(q, (evq_id){ 100, 0 }));
    ck_assert(!evq_cancel(q, (evq_id){ 50, 0 }));
    ck_assert_uint_eq(evq_size(q), 1);
    ck_assert(evq_pop(q, &ev));
    ck_assert_uint_eq(ev.subject, 1);
    ck_assert(!evq_pop(q, &ev));
    evq_free(q);
}
END_TEST

/* evq.h: pop_before pops only an event due strictly before the limit; one
 * due exactly at it stays, and the next plain pop returns it. Killed (by
 * the engine suite before, here directly): the limit compared with '>'. */
START_TEST(pop_before_leaves_an_event_at_the_limit)
{
    struct evq *q = evq_new(8);
    struct evq_event ev;

    evq_push(q, 100, 0, 1);
    ck_assert(!evq_pop_before(q, 100, &ev));
    ck_assert_uint_eq(evq_size(q), 1);
    ck_assert(evq_pop_before(q, 101, &ev));
    ck_assert_int_eq(ev.at, 100);
    evq_free(q);
}
END_TEST

/* Spill 8, target 4: the 9th push sends all 20 events to the top, and the
 * first pop re-buckets it. Times 1, 1, 2, 2, ... 10, 10: the two earliest
 * samples tie, so buckets are 1 us wide from base 1 and the rung must
 * reach past the latest time. Expected by hand: subjects 0..19 in push
 * order (time 1 + i / 2). Killed: the top's latest time not tracked
 * (taken as 0, the rung from base 1 had no bucket at all and the top was
 * re-bucketed forever: a hang). */
START_TEST(a_ladder_from_time_one_drains)
{
    struct evq *q = evq_new_tuned(1, 8, 4);
    struct evq_event ev;

    for (uint32_t i = 0; i < 20; i++)
        evq_push(q, 1 + (sim_time)(i / 2), 0, i);
    for (uint32_t i = 0; i < 20; i++) {
        ck_assert(evq_pop(q, &ev));
        ck_assert_int_eq(ev.at, 1 + (sim_time)(i / 2));
        ck_assert_uint_eq(ev.subject, i);
    }
    ck_assert(!evq_pop(q, &ev));
    evq_free(q);
}
END_TEST

/* Spill 8, target 4: 20 events, at 0, 0, 11 and 17 at 100, all go to the
 * top (the 9th push spills). The two earliest tie, so buckets are 1 us
 * wide from 0, and 2 x 20 / 4 + 1 = 11 of them (the spread allows 101):
 * the rung is [0, 11), and the event at 11 lies exactly on its end, so
 * it must stay in the top. Expected: 0, 0, 11, then the 17 at 100 in
 * push order. Killed: re-bucketing with '<=' against the rung's end (the
 * event at 11 went into a bucket past the last one and was lost). */
START_TEST(an_event_on_the_rung_end_is_not_lost)
{
    struct evq *q = evq_new_tuned(1, 8, 4);
    struct evq_event ev;

    evq_push(q, 0, 0, 0);
    evq_push(q, 0, 0, 1);
    evq_push(q, 11, 0, 2);
    for (uint32_t i = 3; i < 20; i++)
        evq_push(q, 100, 0, i);
    expect_pops(q, 0, 0, 0, 1);
    ck_assert(evq_pop(q, &ev));
    ck_assert_int_eq(ev.at, 11);
    ck_assert_uint_eq(ev.subject, 2);
    expect_pops(q, 100, 0, 3, 19);
    ck_assert(!evq_pop(q, &ev));
    evq_free(q);
}
END_TEST

/* A bucket one entry larger than the heap array: 65 ties at 100 (spill
 * 8, target 4, a first array of 64 entries) go to the top, are
 * re-bucketed into one bucket and taken into the heap by the look-ahead.
 * 60 more pushes at 100 then land in the heap's window (before its
 * bound, 101, and under the re-bucketing threshold 2 x 65): the array
 * must grow for them. All 125 come out in push order, ties being FIFO.
 * Killed: heap_take growing the array only past cap + 1 (the pushes
 * then wrote past its end: heap corruption, an abort). */
START_TEST(a_bucket_larger_than_the_heap_array_takes_more_pushes)
{
    struct evq *q = evq_new_tuned(1, 8, 4);
    struct evq_event ev;

    for (uint32_t i = 0; i < 65; i++)
        evq_push(q, 100, 0, i);
    ck_assert_int_eq(evq_next_time(q), 100);    /* the bucket, in the heap */
    for (uint32_t i = 65; i < 125; i++)
        evq_push(q, 100, 0, i);
    expect_pops(q, 100, 0, 0, 124);
    ck_assert(!evq_pop(q, &ev));
    evq_free(q);
}
END_TEST

/* A hold model at the default thresholds, past the 64 K pending events
 * where the heap becomes a ladder (the other tests tune the thresholds
 * down): 100,000 events, then pops each followed by one or two pushes
 * and a cancel one time in three, then a drain. Each event's subject is
 * its push index, so (at, subject) is the (at, seq) order: pops must be
 * strictly increasing in it, and since a push is never before the last
 * pop, an event popped while an earlier one waited would show as a step
 * back. With every live event popped exactly once, no cancelled one,
 * and cancel true exactly for events still pending, the order is the
 * reference's. Delays: exponential (mean 1 ms, rounded: many ties),
 * zero, and 2% far ahead (up to 10^10 us, the ladder's top). */
START_TEST(a_hold_model_past_the_spill_pops_in_order)
{
    enum { INIT = 100000, STEPS = 150000, MAX = INIT + 2 * STEPS };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    struct evq *q = evq_new(0);
    evq_id *id = malloc(MAX * sizeof *id);
    unsigned char *state = calloc(MAX, 1);     /* 0 pending, 1 gone */
    struct evq_event ev;
    sim_time now = 0, last_at = -1;
    int64_t last_sub = -1;
    size_t n = 0, live = 0, popped = 0, cancelled = 0;

    gsl_rng_set(r, 7);
    for (int step = -INIT; step < STEPS || live > 0; step++) {
        int pushes = step < 0 ? 1 : step < STEPS ? 1 + (gsl_rng_uniform(r) < 0.5) : 0;

        if (step >= 0) {
            if (!evq_pop(q, &ev))
                ck_abort_msg("empty with %zu live", live);
            if (ev.subject >= n || state[ev.subject])
                ck_abort_msg("popped event %u twice or cancelled", ev.subject);
            if (ev.at != id[ev.subject].at)
                ck_abort_msg("event %u popped at the wrong time", ev.subject);
            if (ev.at < last_at || (ev.at == last_at && ev.subject <= last_sub))
                ck_abort_msg("out of order: (%lld, %u) after (%lld, %lld)",
                             (long long)ev.at, ev.subject, (long long)last_at,
                             (long long)last_sub);
            state[ev.subject] = 1;
            last_at = now = ev.at;
            last_sub = ev.subject;
            live--;
            popped++;
        }
        for (int p = 0; p < pushes; p++) {
            double u = gsl_rng_uniform(r);
            sim_time d = u < 0.02 ? (sim_time)(gsl_rng_uniform(r) * 1e10)
                       : u < 0.1 ? 0
                       : (sim_time)(-1e3 * log(1.0 - gsl_rng_uniform(r)));

            id[n] = evq_push(q, now + d, 0, (uint32_t)n);
            n++;
            live++;
        }
        if (step >= 0 && step < STEPS && gsl_rng_uniform(r) < 1.0 / 3) {
            size_t i = gsl_rng_uniform_int(r, n);
            bool ok = evq_cancel(q, id[i]);

            if (ok != !state[i])
                ck_abort_msg("cancel of event %zu: %d", i, ok);
            if (ok) {
                state[i] = 1;
                live--;
                cancelled++;
            }
        }
        if (step % 4096 == 0 && evq_size(q) != live)
            ck_abort_msg("size %zu, live %zu", evq_size(q), live);
    }
    ck_assert(!evq_pop(q, &ev));
    ck_assert_uint_eq(popped + cancelled, n);
    ck_assert_uint_gt(cancelled, STEPS / 10);   /* the cancels did happen */
    free(state);
    free(id);
    evq_free(q);
    gsl_rng_free(r);
}
END_TEST

START_TEST(large_times_and_subjects_round_trip)
{
    struct evq *q = _i ? evq_new_tuned(1, 1, 1) : evq_new(8);
    struct evq_event ev;

    evq_push(q, SIM_TIME_MAX, EVQ_KINDS - 1, UINT32_MAX);
    evq_push(q, 0, 0, 0);
    ck_assert(evq_pop(q, &ev));
    ck_assert_int_eq(ev.at, 0);
    ck_assert(evq_pop(q, &ev));
    ck_assert_int_eq(ev.at, SIM_TIME_MAX);
    ck_assert_uint_eq(ev.kind, EVQ_KINDS - 1);
    ck_assert_uint_eq(ev.subject, UINT32_MAX);
    evq_free(q);
}
END_TEST

START_TEST(push_into_the_past_aborts)
{
    struct evq *q = evq_new(8);
    struct evq_event ev;

    evq_push(q, 100, 0, 0);
    evq_pop(q, &ev);
    evq_push(q, 99, 0, 0);      /* a bug: must stop loudly */
}
END_TEST

Suite *evq_suite(void)
{
    Suite *s = suite_create("evq");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, ties_fire_in_push_order);
    tcase_add_loop_test(tc, matches_reference_ordering_with_cancels, 0, 12);
    tcase_add_test(tc, cancel_rejects_fired_and_unknown_ids);
    tcase_add_test(tc, cancel_rejects_the_next_id);
    tcase_add_test(tc, pop_before_leaves_what_is_beyond_the_limit);
    tcase_add_test(tc, dropping_cancelled_events_leaves_the_past_where_it_was);
    tcase_add_test(tc, rebucketing_keeps_order_and_cancellations);
    tcase_add_test(tc, cancel_after_drops_refuses_exactly_the_dropped);
    tcase_add_test(tc, ties_stay_fifo_across_the_sequence_number_split);
    tcase_add_test(tc, ties_beyond_the_spill_come_out_in_push_order);
    tcase_add_test(tc, ties_at_zero_stay_fifo_across_a_rebucketing);
    tcase_add_test(tc, a_target_above_the_spill_still_drains);
    tcase_add_test(tc, a_bucket_cancel_dropped_at_the_end_is_refused_again);
    tcase_add_test(tc, cancel_refuses_sequence_zero_at_any_time);
    tcase_add_test(tc, pop_before_leaves_an_event_at_the_limit);
    tcase_add_test(tc, a_ladder_from_time_one_drains);
    tcase_add_test(tc, an_event_on_the_rung_end_is_not_lost);
    tcase_add_test(tc, a_bucket_larger_than_the_heap_array_takes_more_pushes);
    tcase_add_test(tc, a_hold_model_past_the_spill_pops_in_order);
    tcase_add_loop_test(tc, large_times_and_subjects_round_trip, 0, 2);
    tcase_add_test_raise_signal(tc, push_into_the_past_aborts, SIGABRT);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
