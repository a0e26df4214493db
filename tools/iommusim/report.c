/*
 * Reports of one replay. They read the driver's summary (per DMA request
 * counters, the first flagged requests) and the model's statistics (per
 * page translation and per memory reference); CSV rows come one record at a
 * time while the replay runs.
 */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "iommu/vtd_fault.h"
#include "iommu/vtd_qi.h"

const char report_csv_header[] =
	"id,dev,pasid,addr,op,status,hpa,fault_reason,cycle,size,page_size,perm,did,mem_reads,priv,"
	"fault_addr,source,oracle,issue,done,latency,page_reqs,gpasid";

/* Oracle-flagged requests listed in the text summary. */
#define TEXT_FLAGGED_MAX DRIVER_MAX_FLAGGED

static const char *source_name(enum iommu_source s)
{
	switch (s) {
	case IOMMU_SRC_IOTLB: return "iotlb";
	case IOMMU_SRC_DEVTLB: return "devtlb";
	case IOMMU_SRC_UNTRANSLATED: return "untranslated";
	case IOMMU_SRC_WALK: break;
	}
	return "walk";
}

/* Descriptor types by their type number, as JSON and the summary name them. */
static const char *const desc_type_name[16] = {
	[VTD_DESC_CC] = "cc",   [VTD_DESC_IOTLB] = "iotlb",     [VTD_DESC_DEVTLB] = "devtlb",
	[VTD_DESC_IEC] = "iec", [VTD_DESC_WAIT] = "wait",       [VTD_DESC_PIOTLB] = "piotlb",
	[VTD_DESC_PC] = "pc",   [VTD_DESC_PDEVTLB] = "pdevtlb",
};

/* The caches of the text table and of JSON, in order. */
static const enum iommu_cache_id flat_caches[] = {IOMMU_CACHE_CONTEXT, IOMMU_CACHE_PASID,
						  IOMMU_CACHE_IOTLB, IOMMU_CACHE_NESTED_TLB};
static const enum iommu_cache_id pwc_caches[2][4] = {
	{IOMMU_CACHE_FL_PWC2, IOMMU_CACHE_FL_PWC3, IOMMU_CACHE_FL_PWC4, IOMMU_CACHE_FL_PWC5},
	{IOMMU_CACHE_SL_PWC2, IOMMU_CACHE_SL_PWC3, IOMMU_CACHE_SL_PWC4, IOMMU_CACHE_SL_PWC5},
};

static void perm_str(char buf[8], unsigned perm)
{
	char *p = buf;

	if (perm & IOMMU_PERM_R)
		*p++ = 'r';
	if (perm & IOMMU_PERM_W)
		*p++ = 'w';
	if (perm & IOMMU_PERM_X)
		*p++ = 'x';
	if (perm & IOMMU_PERM_U)
		*p++ = 'u';
	*p = '\0';
}

static int finish(FILE *out)
{
	return fflush(out) || ferror(out) ? -IOMMU_EIO : 0;
}

/* ---- text -------------------------------------------------------------- */

static void level_line(FILE *out, const char *what, const uint32_t reads[IOMMU_MAX_LEVELS + 1])
{
	fprintf(out, "  %-24s", what);
	for (unsigned l = IOMMU_MAX_LEVELS; l >= 1; l--)
		fprintf(out, "  L%u %6" PRIu32, l, reads[l]);
	fputc('\n', out);
}

static void cache_line(FILE *out, const char *name, const struct iommu_cache_stats *c)
{
	fprintf(out, "  %-20s %10" PRIu64 " %10" PRIu64 " %10" PRIu64, name, c->lookups, c->hits,
		c->misses);
	if (c->lookups)
		fprintf(out, "  %6.1f%%", 100.0 * (double)c->hits / (double)c->lookups);
	else
		fprintf(out, "  %7s", "-");
	fprintf(out, " %10" PRIu64 " %12" PRIu64 "\n", c->evictions, c->invalidations);
}

static void text_caches(FILE *out, const struct driver *d)
{
	struct iommu_cache_stats dev;
	char name[32];
	size_t nep;

	fprintf(out,
		"\nCaches                    lookups       hits     misses  hit rate  evictions  "
		"invalidated\n");
	for (size_t i = 0; i < sizeof(flat_caches) / sizeof(flat_caches[0]); i++)
		cache_line(out, iommu_cache_name(flat_caches[i]),
			   driver_cache_stats(d, flat_caches[i]));
	for (unsigned s = 0; s < 2; s++)
		for (unsigned l = 0; l < 4; l++)
			cache_line(out, iommu_cache_name(pwc_caches[s][l]),
				   driver_cache_stats(d, pwc_caches[s][l]));
	driver_endpoints(d, &nep);
	driver_devtlb_stats(d, &dev);
	snprintf(name, sizeof(name), "devtlb (%zu endpoint%s)", nep, nep == 1 ? "" : "s");
	cache_line(out, name, &dev);
	fprintf(out, "  (invalidated: entries removed by invalidations)\n");
}

static void text_queue(FILE *out, const struct driver *d)
{
	const struct driver_summary *sum = driver_summary(d);
	const struct iommu_stats *st = driver_stats(d);
	size_t nq;
	const struct driver_qerror *q = driver_queue_errors(d, &nq);
	const char *sep = "";

	fprintf(out, "\nInvalidation queue\n");
	fprintf(out,
		"  trace events: %" PRIu64 " flush (%" PRIu64 " descriptors), %" PRIu64
		" qi, %" PRIu64 " wait\n",
		sum->flushes, sum->flush_descs, sum->raw_descs, sum->wait_events);
	fprintf(out, "  descriptors executed    %10" PRIu64 "  (", st->qi_descriptors);
	for (unsigned t = 0; t < 16; t++) {
		if (st->qi_by_type[t] && desc_type_name[t]) {
			fprintf(out, "%s%s %" PRIu64, sep, desc_type_name[t], st->qi_by_type[t]);
			sep = ", ";
		}
	}
	fprintf(out, ")\n");
	fprintf(out, "  waits completed         %10" PRIu64 "\n", st->qi_waits);
	fprintf(out, "  device-TLB inv. requests%10" PRIu64 "  (%" PRIu64 " unanswered: ITE)\n",
		st->devtlb_invs, st->devtlb_timeouts);
	fprintf(out,
		"  queue errors            %10" PRIu64 "  (IQE %" PRIu64 ", ITE %" PRIu64
		"; %" PRIu64 " queued descriptors aborted)\n",
		sum->queue_errors, st->qi_errors, st->devtlb_timeouts, st->qi_aborted);
	for (size_t i = 0; i < nq; i++)
		fprintf(out, "    line %" PRIu64 " %s: %s\n", q[i].line, trace_op_name(q[i].op),
			q[i].msg);
	if (sum->queue_errors > nq)
		fprintf(out, "    ... %" PRIu64 " more\n", sum->queue_errors - nq);
}

/* The histogram's non-empty buckets, in order: [lo, hi] inclusive. */
struct hist_iter {
	unsigned v, p, b;
};

static bool hist_next(const struct iommu_hist *h, struct hist_iter *it, uint64_t *lo, uint64_t *hi,
		      uint64_t *n)
{
	for (; it->v < 1024; it->v++) {
		if (h->exact[it->v]) {
			*lo = *hi = it->v;
			*n = h->exact[it->v++];
			return true;
		}
	}
	for (; it->p < 54; it->p++, it->b = 0) {
		for (; it->b < 64; it->b++) {
			unsigned p = it->p + 10;

			if (!h->log[it->p][it->b])
				continue;
			*lo = (1ull << p) | ((uint64_t)it->b << (p - 6));
			*hi = *lo + ((1ull << (p - 6)) - 1);
			*n = h->log[it->p][it->b++];
			return true;
		}
	}
	return false;
}

static void latency_line(FILE *out, const char *what, const struct iommu_hist *h)
{
	if (!h->count) {
		fprintf(out, "  %-26s %8s\n", what, "-");
		return;
	}
	fprintf(out,
		"  %-26s %8" PRIu64 " %9.1f %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %8" PRIu64
		" %8" PRIu64 "\n",
		what, h->min, (double)h->sum / (double)h->count, iommu_hist_quantile(h, 0.5),
		iommu_hist_quantile(h, 0.9), iommu_hist_quantile(h, 0.99),
		iommu_hist_quantile(h, 0.999), h->max);
}

/* DMA latency over power-of-two ranges, as a bar chart. */
static void text_histogram(FILE *out, const struct iommu_hist *h)
{
	uint64_t count[65] = {0}, most = 0;
	struct hist_iter it = {0};
	uint64_t lo, hi, n;
	unsigned first = 64, last = 0;

	while (hist_next(h, &it, &lo, &hi, &n)) {
		unsigned k = lo ? 64 - (unsigned)__builtin_clzll(lo) : 0; /* [2^(k-1), 2^k) */

		count[k] += n;
		first = k < first ? k : first;
		last = k > last ? k : last;
	}
	for (unsigned k = first; k <= last && first <= last; k++)
		most = count[k] > most ? count[k] : most;
	if (!most)
		return;
	fprintf(out, "  DMA request latency distribution (cycles)\n");
	for (unsigned k = first; k <= last; k++) {
		uint64_t from = k ? 1ull << (k - 1) : 0, to = k ? (1ull << k) - 1 : 0;
		unsigned bar = (unsigned)((count[k] * 40 + most - 1) / most);

		fprintf(out, "    %7" PRIu64 " .. %-7" PRIu64 " %8" PRIu64 "  ", from, to,
			count[k]);
		for (unsigned i = 0; i < bar; i++)
			fputc('#', out);
		fputc('\n', out);
	}
}

static void text_timing(FILE *out, const struct driver *d)
{
	const struct iommu_timing_stats *ts = driver_timing_stats(d);
	const struct iommu_tparams *tp = driver_tparams(d);

	fprintf(out,
		"\nTiming (docs/uarch.md): %" PRIu64 " cycles; %u walker slots, memory "
		"latency %u, %u outstanding\n",
		driver_cycles(d), tp->walk_slots, tp->mem_latency, tp->mem_outstanding);
	fprintf(out, "  latency (cycles)                min      mean      p50      p90      p99 "
		     "   p99.9      max\n");
	latency_line(out, "DMA request", driver_latency(d, false));
	latency_line(out, "translation request", driver_latency(d, true));
	if (driver_summary(d)->ats_events)
		latency_line(out, "ats event (prefetch)", driver_ats_latency(d));
	if (ts->qi_waits)
		fprintf(out,
			"  invalidation wait          %8s %9.1f %8s %8s %8s %8s %8" PRIu64
			"  (%" PRIu64 " waits)\n",
			"", (double)ts->wait_latency_sum / (double)ts->qi_waits, "", "", "", "",
			ts->wait_latency_max, ts->qi_waits);
	fprintf(out,
		"  memory port: %" PRIu64 " reads, %" PRIu64 " writes; walks %" PRIu64 " (%" PRIu64
		" fills dropped by an invalidation in flight); pipeline stalled %" PRIu64
		" cycles\n",
		ts->mem_reads, ts->mem_writes, ts->walks, ts->walk_fills_dropped,
		ts->pipeline_stall_cycles);
	if (driver_summary(d)->page_reqs)
		latency_line(out, "page request (fault->retry)", driver_pri_latency(d));
	if (ts->page_requests)
		fprintf(out,
			"  page request unit: %" PRIu64
			" taken, %.1f cycles each from accept to done\n",
			ts->page_requests,
			(double)ts->page_request_cycles / (double)ts->page_requests);
	for (int k = 0; k < DRIVER_SW_KINDS; k++) {
		char what[40];

		if (!driver_sw_cost(d, (enum driver_sw_kind)k)->count)
			continue;
		snprintf(what, sizeof(what), "software: %s",
			 driver_sw_kind_name((enum driver_sw_kind)k));
		latency_line(out, what, driver_sw_cost(d, (enum driver_sw_kind)k));
	}
	text_histogram(out, driver_latency(d, false));
}

/* Several IOMMUs: one line each. */
static void text_iommus(FILE *out, const struct driver *d)
{
	unsigned n = driver_iommus(d);

	if (n < 2)
		return;
	fprintf(out, "\nIOMMU instances (replay.iommus = %u)\n", n);
	fprintf(out, "  %5s %8s %8s %9s %9s %6s %9s %7s %11s %10s %6s %13s\n", "iommu", "requests",
		"faults", "iotlb hit", "devtlb hit", "walks", "mem reads", "flushes", "descriptors",
		"devtlb inv", "stale", "missing_flush");
	for (unsigned k = 0; k < n; k++) {
		const struct driver_iommu_summary *s = driver_iommu_summary(d, k);
		const struct iommu_stats *st = driver_iommu_stats(d, (int)k);
		const struct iommu_cache_stats *tlb =
			driver_iommu_cache_stats(d, (int)k, IOMMU_CACHE_IOTLB);
		struct iommu_cache_stats dev;
		char iotlb[16] = "-", devtlb[16] = "-";

		driver_iommu_devtlb_stats(d, (int)k, &dev, NULL);
		if (tlb->lookups)
			snprintf(iotlb, sizeof(iotlb), "%.1f%%",
				 100.0 * (double)tlb->hits / (double)tlb->lookups);
		if (dev.lookups)
			snprintf(devtlb, sizeof(devtlb), "%.1f%%",
				 100.0 * (double)dev.hits / (double)dev.lookups);
		fprintf(out,
			"  %5u %8" PRIu64 " %8" PRIu64 " %9s %10s %6" PRIu64 " %9" PRIu64
			" %7" PRIu64 " %11" PRIu64 " %10" PRIu64 " %6" PRIu64 " %13" PRIu64 "\n",
			k, s->requests, s->faults, iotlb, devtlb, st->walks, st->walk_mem_reads,
			s->flushes, st->qi_descriptors, st->devtlb_invs,
			driver_iommu_stale(d, (int)k), driver_iommu_missing_flushes(d, (int)k));
	}
	fprintf(out, "  (descriptors: executed by the IOMMU's queue, waits included)\n");
}

static void text_pri(FILE *out, const struct driver *d)
{
	const struct driver_summary *sum = driver_summary(d);
	const struct iommu_stats *st = driver_stats(d);
	size_t nb;
	const struct driver_qerror *be = driver_bind_errors(d, &nb);

	if (!sum->page_reqs && !sum->binds && !sum->unbinds && !sum->frees && !sum->gflushes)
		return;
	fprintf(out, "\nPage requests and guest PASID binds\n");
	fprintf(out,
		"  page requests           %10" PRIu64 "  (%" PRIu64 " queued, %" PRIu64
		" overflowed, %" PRIu64 " answered by the IOMMU; %" PRIu64 " retried, %" PRIu64
		" denied; %" PRIu64 " pages mapped)\n",
		sum->page_reqs, st->prq_queued, st->prq_overflows, st->prq_auto_responses,
		sum->pri_success, sum->pri_denied, sum->lazy_maps);
	fprintf(out,
		"  binds %" PRIu64 ", unbinds %" PRIu64 ", PASID-set frees %" PRIu64
		", guest flushes %" PRIu64 "; refused %" PRIu64 "\n",
		sum->binds, sum->unbinds, sum->frees, sum->gflushes, sum->bind_errors);
	for (size_t i = 0; i < nb; i++)
		fprintf(out, "    line %" PRIu64 " %s: %s\n", be[i].line, trace_op_name(be[i].op),
			be[i].msg);
}

static void text_oracle(FILE *out, const struct driver *d)
{
	size_t n;
	const struct driver_record *rec = driver_flagged(d, &n);
	uint64_t flagged = driver_summary(d)->flagged;
	bool multi = driver_iommus(d) > 1;

	fprintf(out, "\nStale-translation oracle (cached translations checked against the tables "
		     "in memory)\n");
	fprintf(out,
		"  stale_translations      %10" PRIu64
		"  served after a completed invalidation covered it: IOMMU bug, must be 0\n",
		driver_stale_translations(d));
	fprintf(out,
		"  software_missing_flush  %10" PRIu64
		"  served after the tables changed, never invalidated: driver bug\n",
		driver_missing_flushes(d));
	if (!flagged)
		return;
	fprintf(out, "  DMA requests flagged: %" PRIu64, flagged);
	if (flagged > TEXT_FLAGGED_MAX)
		fprintf(out, " (the first %d listed)", TEXT_FLAGGED_MAX);
	fputc('\n', out);
	fprintf(out, "    %4s %5s  %-8s %6s  %-18s  %-6s  %s%s\n", "id", "line", "dev", "pasid",
		"address", "cache", "verdict", multi ? "        iommu" : "");
	for (size_t i = 0; i < n; i++) {
		const struct driver_record *r = &rec[i];
		char dev[16], pasid[16] = "-", unit[24] = "";

		trace_format_bdf(dev, sizeof(dev), r->dma.ep.sid);
		if (r->dma.ep.has_pasid)
			snprintf(pasid, sizeof(pasid), "%" PRIu32, r->dma.ep.pasid);
		if (multi)
			snprintf(unit, sizeof(unit), "  %5u", r->iommu);
		fprintf(out,
			"    %4" PRIu64 " %5" PRIu64 "  %-8s %6s  0x%-16" PRIx64 "  %-6s  %-*s%s\n",
			r->id, r->line, dev, pasid, r->oracle_addr, source_name(r->source),
			multi ? 13 : 0, vtd_oracle_verdict_name(r->oracle), unit);
	}
}

int report_text(FILE *out, const struct driver *d, const struct report_trace *t)
{
	const struct driver_summary *sum = driver_summary(d);
	const struct iommu_stats *st = driver_stats(d);
	const uint64_t *by_reason = sum->fault_reasons;

	fprintf(out, "iommusim run: trace %s%s, %" PRIu64 " events, last cycle %" PRIu64 "\n\n",
		t->file, t->builtin ? " (built-in)" : "", sum->events, sum->last_cycle);

	fprintf(out, "DMA requests              %10" PRIu64 "\n", sum->requests);
	fprintf(out, "  translated              %10" PRIu64 "\n", sum->completed);
	fprintf(out, "  faulted                 %10" PRIu64 "\n", sum->faults);
	fprintf(out, "page translations         %10" PRIu64 "  (one per 4 KiB a request touches)\n",
		sum->translations);

	if (sum->faults) {
		fprintf(out, "\nFaults by reason\n");
		for (unsigned r = 0; r < 256; r++)
			if (by_reason[r])
				fprintf(out, "  0x%02x  %-44s %6" PRIu64 "\n", r,
					vtd_fault_reason_str(r), by_reason[r]);
	}
	fprintf(out,
		"\nFault records: %" PRIu64 " recorded, %" PRIu64 " suppressed by FPD, %" PRIu64
		" lost to overflow\n",
		st->faults_recorded, st->faults_fpd, st->faults_overflow);

	fprintf(out,
		"\nPage walks                %10" PRIu64
		"  (translations that read a paging entry)\n",
		st->walks);
	fprintf(out,
		"  paging-entry reads      %10" PRIu64 "  (at most %" PRIu64
		" in one translation)\n",
		st->walk_mem_reads, st->walk_max_mem_reads);
	level_line(out, "first-level reads", st->refs.fl);
	level_line(out, "second-level reads", st->refs.sl);
	fprintf(out,
		"Configuration reads: root %" PRIu32 ", context %" PRIu32
		", PASID directory %" PRIu32 ", PASID entry %" PRIu32 "\n",
		st->refs.root, st->refs.context, st->refs.pasid_dir, st->refs.pasid_entry);
	fprintf(out, "A/D bit updates written   %10" PRIu32 "\n", st->refs.ad_writes);
	text_caches(out, d);
	text_queue(out, d);
	text_timing(out, d);
	text_pri(out, d);
	text_iommus(out, d);
	text_oracle(out, d);
	return finish(out);
}

/* ---- JSON -------------------------------------------------------------- */

static bool add_num(cJSON *obj, const char *key, double v)
{
	return cJSON_AddNumberToObject(obj, key, v) != NULL;
}

static cJSON *levels_obj(const uint32_t reads[IOMMU_MAX_LEVELS + 1])
{
	cJSON *o = cJSON_CreateObject();

	for (unsigned l = 1; o && l <= IOMMU_MAX_LEVELS; l++) {
		char key[4] = {'l', (char)('0' + l), '\0'};

		if (!add_num(o, key, reads[l])) {
			cJSON_Delete(o);
			return NULL;
		}
	}
	return o;
}

/* {lookups, hits, misses, fills, evictions, invalidations, hit_rate}; hit_rate
 * is null before the first lookup. */
static cJSON *cache_obj(const struct iommu_cache_stats *c)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o && add_num(o, "lookups", (double)c->lookups) &&
		  add_num(o, "hits", (double)c->hits) && add_num(o, "misses", (double)c->misses) &&
		  add_num(o, "fills", (double)c->fills) &&
		  add_num(o, "evictions", (double)c->evictions) &&
		  add_num(o, "invalidations", (double)c->invalidations);

	if (ok && c->lookups)
		ok = add_num(o, "hit_rate", (double)c->hits / (double)c->lookups);
	else if (ok)
		ok = cJSON_AddNullToObject(o, "hit_rate") != NULL;
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Adds child to obj under key; deletes child when that fails. */
static bool add_obj(cJSON *obj, const char *key, cJSON *child)
{
	if (child && cJSON_AddItemToObject(obj, key, child))
		return true;
	cJSON_Delete(child);
	return false;
}

/* The caches of IOMMU k, or their sum (k = -1). */
static bool json_caches(cJSON *root, const struct driver *d, int k)
{
	struct iommu_cache_stats dev;
	size_t nep;
	cJSON *pwc, *o;
	bool ok = true;

	for (size_t i = 0; ok && i < sizeof(flat_caches) / sizeof(flat_caches[0]); i++)
		ok = add_obj(root, iommu_cache_name(flat_caches[i]),
			     cache_obj(driver_iommu_cache_stats(d, k, flat_caches[i])));
	pwc = ok ? cJSON_AddObjectToObject(root, "pwc") : NULL;
	ok = pwc != NULL;
	for (unsigned s = 0; ok && s < 2; s++) {
		o = cJSON_AddObjectToObject(pwc, s ? "sl" : "fl");
		ok = o != NULL;
		for (unsigned l = 0; ok && l < 4; l++) {
			char key[4] = {'l', (char)('2' + l), '\0'};

			ok = add_obj(o, key,
				     cache_obj(driver_iommu_cache_stats(d, k, pwc_caches[s][l])));
		}
	}
	driver_iommu_devtlb_stats(d, k, &dev, &nep);
	o = ok ? cache_obj(&dev) : NULL;
	if (o && !add_num(o, "endpoints", (double)nep)) {
		cJSON_Delete(o);
		o = NULL;
	}
	return o && add_obj(root, "devtlb", o);
}

static bool add_errors(cJSON *o, const struct driver_qerror *q, size_t n)
{
	cJSON *ev = cJSON_AddArrayToObject(o, "error_events");
	bool ok = ev != NULL;

	for (size_t i = 0; ok && i < n; i++) {
		cJSON *e = cJSON_CreateObject();

		ok = e && add_num(e, "line", (double)q[i].line) &&
		     cJSON_AddStringToObject(e, "op", trace_op_name(q[i].op)) &&
		     cJSON_AddStringToObject(e, "message", q[i].msg);
		if (ok)
			ok = cJSON_AddItemToArray(ev, e);
		if (!ok)
			cJSON_Delete(e);
	}
	return ok;
}

static bool json_invalidations(cJSON *root, const struct driver *d)
{
	const struct driver_summary *sum = driver_summary(d);
	const struct iommu_stats *st = driver_stats(d);
	const struct iommu_timing_stats *ts = driver_timing_stats(d);
	cJSON *o = cJSON_AddObjectToObject(root, "invalidations");
	cJSON *bt, *w;
	size_t nq;
	const struct driver_qerror *q = driver_queue_errors(d, &nq);
	bool ok = o && add_num(o, "descriptors", (double)st->qi_descriptors) &&
		  add_num(o, "waits", (double)st->qi_waits);

	bt = ok ? cJSON_AddObjectToObject(o, "by_type") : NULL;
	ok = bt != NULL;
	for (unsigned t = 0; ok && t < 16; t++)
		if (desc_type_name[t])
			ok = add_num(bt, desc_type_name[t], (double)st->qi_by_type[t]);
	ok = ok && add_num(o, "errors", (double)st->qi_errors) &&
	     add_num(o, "devtlb_requests", (double)st->devtlb_invs) &&
	     add_num(o, "devtlb_timeouts", (double)st->devtlb_timeouts) &&
	     add_num(o, "aborted", (double)st->qi_aborted) &&
	     add_num(o, "queue_errors", (double)sum->queue_errors) &&
	     add_num(o, "flushes", (double)sum->flushes) &&
	     add_num(o, "flush_descriptors", (double)sum->flush_descs) &&
	     add_num(o, "raw_descriptors", (double)sum->raw_descs) &&
	     add_num(o, "wait_events", (double)sum->wait_events);
	w = ok ? cJSON_AddObjectToObject(o, "wait_latency") : NULL;
	ok = w && add_num(w, "count", (double)ts->qi_waits) &&
	     add_num(w, "mean",
		     ts->qi_waits ? (double)ts->wait_latency_sum / (double)ts->qi_waits : 0) &&
	     add_num(w, "max", (double)ts->wait_latency_max);
	return ok && add_errors(o, q, nq);
}

/* {count, min, mean, p50, p90, p99, p999, max, histogram: [[lo, hi, n], ...]} */
static cJSON *latency_obj(const struct iommu_hist *h)
{
	static const struct {
		const char *key;
		double q;
	} qs[] = {{"p50", 0.5}, {"p90", 0.9}, {"p99", 0.99}, {"p999", 0.999}};
	cJSON *o = cJSON_CreateObject(), *hist;
	struct hist_iter it = {0};
	uint64_t lo, hi, n;
	bool ok = o && add_num(o, "count", (double)h->count) && add_num(o, "min", (double)h->min) &&
		  add_num(o, "mean", h->count ? (double)h->sum / (double)h->count : 0);

	for (size_t i = 0; ok && i < sizeof(qs) / sizeof(qs[0]); i++)
		ok = add_num(o, qs[i].key, (double)iommu_hist_quantile(h, qs[i].q));
	ok = ok && add_num(o, "max", (double)h->max);
	hist = ok ? cJSON_AddArrayToObject(o, "histogram") : NULL;
	ok = hist != NULL;
	while (ok && hist_next(h, &it, &lo, &hi, &n)) {
		double v[3] = {(double)lo, (double)hi, (double)n};
		cJSON *b = cJSON_CreateDoubleArray(v, 3);

		ok = b && cJSON_AddItemToArray(hist, b);
		if (!ok)
			cJSON_Delete(b);
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static bool json_timing(cJSON *root, const struct driver *d)
{
	const struct iommu_timing_stats *ts = driver_timing_stats(d);
	const struct iommu_tparams *tp = driver_tparams(d);
	cJSON *o, *p;
	bool ok = add_num(root, "cycles", (double)driver_cycles(d)) &&
		  add_obj(root, "latency", latency_obj(driver_latency(d, false))) &&
		  add_obj(root, "translation_latency", latency_obj(driver_latency(d, true)));

	o = ok ? cJSON_AddObjectToObject(root, "timing") : NULL;
	ok = o && add_num(o, "requests", (double)ts->requests) &&
	     add_num(o, "walks", (double)ts->walks) &&
	     add_num(o, "mem_reads", (double)ts->mem_reads) &&
	     add_num(o, "mem_writes", (double)ts->mem_writes) &&
	     add_num(o, "walk_fills_dropped", (double)ts->walk_fills_dropped) &&
	     add_num(o, "pipeline_stall_cycles", (double)ts->pipeline_stall_cycles) &&
	     add_num(o, "qi_descriptors", (double)ts->qi_descriptors) &&
	     add_num(o, "page_requests", (double)ts->page_requests) &&
	     add_num(o, "page_request_cycles", (double)ts->page_request_cycles);
	p = ok ? cJSON_AddObjectToObject(o, "params") : NULL;
	ok = p && add_num(p, "pipe.ctx_lat", tp->ctx_lat) &&
	     add_num(p, "pipe.pasid_lat", tp->pasid_lat) &&
	     add_num(p, "pipe.iotlb_lat", tp->iotlb_lat) &&
	     add_num(p, "pipe.pwc_lat", tp->pwc_lat) && add_num(p, "walk.slots", tp->walk_slots) &&
	     add_num(p, "walk.miss_queue", tp->miss_queue) &&
	     add_num(p, "mem.latency", tp->mem_latency) &&
	     add_num(p, "mem.outstanding", tp->mem_outstanding) &&
	     add_num(p, "mem.interval", tp->mem_interval) &&
	     add_num(p, "resp.queue", tp->resp_queue) &&
	     add_num(p, "ats.link_latency", tp->ats_link_latency) &&
	     add_num(p, "ats.devtlb_inv_latency", tp->devtlb_inv_latency) &&
	     add_num(p, "ats.timeout", tp->ats_timeout);
	return ok;
}

/* Page requests, guest PASID binds and the cost of software operations. */
static bool json_pri(cJSON *root, const struct driver *d)
{
	const struct driver_summary *sum = driver_summary(d);
	const struct iommu_stats *st = driver_stats(d);
	size_t nb;
	const struct driver_qerror *be = driver_bind_errors(d, &nb);
	cJSON *o = cJSON_AddObjectToObject(root, "pri"), *c;
	bool ok = o && add_num(o, "page_requests", (double)sum->page_reqs) &&
		  add_num(o, "queued", (double)st->prq_queued) &&
		  add_num(o, "overflows", (double)st->prq_overflows) &&
		  add_num(o, "auto_responses", (double)st->prq_auto_responses) &&
		  add_num(o, "responses", (double)st->prq_responses) &&
		  add_num(o, "success", (double)sum->pri_success) &&
		  add_num(o, "denied", (double)sum->pri_denied) &&
		  add_num(o, "timeouts", (double)sum->pri_timeouts) &&
		  add_num(o, "pages_mapped", (double)sum->lazy_maps) &&
		  add_num(o, "drain_waits", (double)st->prq_drain_waits) &&
		  add_obj(o, "latency", latency_obj(driver_pri_latency(d)));

	o = ok ? cJSON_AddObjectToObject(root, "binds") : NULL;
	ok = o && add_num(o, "binds", (double)sum->binds) &&
	     add_num(o, "unbinds", (double)sum->unbinds) &&
	     add_num(o, "pasid_set_frees", (double)sum->frees) &&
	     add_num(o, "guest_flushes", (double)sum->gflushes) &&
	     add_num(o, "errors", (double)sum->bind_errors) && add_errors(o, be, nb);
	c = ok ? cJSON_AddObjectToObject(root, "software_cost") : NULL;
	ok = c != NULL;
	for (int k = 0; ok && k < DRIVER_SW_KINDS; k++)
		ok = add_obj(c, driver_sw_kind_name((enum driver_sw_kind)k),
			     latency_obj(driver_sw_cost(d, (enum driver_sw_kind)k)));
	return ok;
}

/* One IOMMU instance: its counters, caches, invalidations, oracle and
 * timing. */
static cJSON *iommu_obj(const struct driver *d, unsigned k)
{
	const struct driver_iommu_summary *s = driver_iommu_summary(d, k);
	const struct iommu_stats *st = driver_iommu_stats(d, (int)k);
	const struct iommu_timing_stats *ts = driver_iommu_timing_stats(d, (int)k);
	cJSON *o = cJSON_CreateObject(), *w, *inv, *bt, *tm;
	bool ok = o && add_num(o, "index", k) && add_num(o, "requests", (double)s->requests) &&
		  add_num(o, "faults", (double)s->faults) &&
		  add_num(o, "translations", (double)s->translations) &&
		  add_num(o, "flagged", (double)s->flagged) &&
		  add_num(o, "stale_translations", (double)driver_iommu_stale(d, (int)k)) &&
		  add_num(o, "software_missing_flush",
			  (double)driver_iommu_missing_flushes(d, (int)k));

	w = ok ? cJSON_AddObjectToObject(o, "walks") : NULL;
	ok = w && add_num(w, "count", (double)st->walks) &&
	     add_num(w, "mem_reads", (double)st->walk_mem_reads) &&
	     add_num(w, "max_mem_reads", (double)st->walk_max_mem_reads);
	ok = ok && json_caches(o, d, (int)k);
	inv = ok ? cJSON_AddObjectToObject(o, "invalidations") : NULL;
	ok = inv && add_num(inv, "descriptors", (double)st->qi_descriptors) &&
	     add_num(inv, "waits", (double)st->qi_waits);
	bt = ok ? cJSON_AddObjectToObject(inv, "by_type") : NULL;
	ok = bt != NULL;
	for (unsigned t = 0; ok && t < 16; t++)
		if (desc_type_name[t])
			ok = add_num(bt, desc_type_name[t], (double)st->qi_by_type[t]);
	ok = ok && add_num(inv, "errors", (double)st->qi_errors) &&
	     add_num(inv, "devtlb_requests", (double)st->devtlb_invs) &&
	     add_num(inv, "devtlb_timeouts", (double)st->devtlb_timeouts) &&
	     add_num(inv, "aborted", (double)st->qi_aborted) &&
	     add_num(inv, "queue_errors", (double)s->queue_errors) &&
	     add_num(inv, "flushes", (double)s->flushes) &&
	     add_num(inv, "flush_descriptors", (double)s->flush_descs);
	tm = ok ? cJSON_AddObjectToObject(o, "timing") : NULL;
	ok = tm && add_num(tm, "requests", (double)ts->requests) &&
	     add_num(tm, "walks", (double)ts->walks) &&
	     add_num(tm, "mem_reads", (double)ts->mem_reads) &&
	     add_num(tm, "mem_writes", (double)ts->mem_writes) &&
	     add_num(tm, "walk_fills_dropped", (double)ts->walk_fills_dropped) &&
	     add_num(tm, "pipeline_stall_cycles", (double)ts->pipeline_stall_cycles) &&
	     add_num(tm, "qi_descriptors", (double)ts->qi_descriptors) &&
	     add_num(tm, "page_requests", (double)ts->page_requests) &&
	     add_num(tm, "page_request_cycles", (double)ts->page_request_cycles) &&
	     add_num(tm, "last_cycle", (double)ts->last_cycle);
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* "iommus": one object per IOMMU instance, with several only. */
static bool json_iommus(cJSON *root, const struct driver *d)
{
	unsigned n = driver_iommus(d);
	cJSON *a;
	bool ok;

	if (n < 2)
		return true;
	a = cJSON_AddArrayToObject(root, "iommus");
	ok = a != NULL;
	for (unsigned k = 0; ok && k < n; k++) {
		cJSON *o = iommu_obj(d, k);

		ok = o && cJSON_AddItemToArray(a, o);
		if (!ok)
			cJSON_Delete(o);
	}
	return ok;
}

static cJSON *build_json(const struct driver *d, const struct report_trace *t)
{
	const struct driver_summary *sum = driver_summary(d);
	const struct iommu_stats *st = driver_stats(d);
	cJSON *root = cJSON_CreateObject();
	cJSON *o, *fl, *sl;
	const uint64_t *by_reason = sum->fault_reasons;
	bool ok = root != NULL;

	ok = ok && add_num(root, "requests", (double)sum->requests);
	ok = ok && add_num(root, "completed", (double)sum->completed);
	ok = ok && add_num(root, "faults", (double)sum->faults);
	ok = ok && add_num(root, "translations", (double)sum->translations);
	ok = ok && json_timing(root, d);

	o = ok ? cJSON_AddObjectToObject(root, "walks") : NULL;
	ok = o && add_num(o, "count", (double)st->walks) &&
	     add_num(o, "mem_reads", (double)st->walk_mem_reads) &&
	     add_num(o, "max_mem_reads", (double)st->walk_max_mem_reads);

	o = ok ? cJSON_AddObjectToObject(root, "walk_reads") : NULL;
	fl = o ? levels_obj(st->refs.fl) : NULL;
	ok = fl && cJSON_AddItemToObject(o, "fl", fl);
	if (!ok)
		cJSON_Delete(fl); /* not attached */
	sl = ok ? levels_obj(st->refs.sl) : NULL;
	ok = sl && cJSON_AddItemToObject(o, "sl", sl);
	if (!ok)
		cJSON_Delete(sl);

	o = ok ? cJSON_AddObjectToObject(root, "config_reads") : NULL;
	ok = o && add_num(o, "root", st->refs.root) && add_num(o, "context", st->refs.context) &&
	     add_num(o, "pasid_dir", st->refs.pasid_dir) &&
	     add_num(o, "pasid_entry", st->refs.pasid_entry);
	ok = ok && add_num(root, "ad_writes", st->refs.ad_writes);

	o = ok ? cJSON_AddObjectToObject(root, "fault_reasons") : NULL;
	ok = o != NULL;
	for (unsigned r = 0; ok && r < 256; r++) {
		char key[8];

		snprintf(key, sizeof(key), "0x%02x", r);
		if (by_reason[r])
			ok = add_num(o, key, (double)by_reason[r]);
	}

	o = ok ? cJSON_AddObjectToObject(root, "fault_records") : NULL;
	ok = o && add_num(o, "recorded", (double)st->faults_recorded) &&
	     add_num(o, "fpd_suppressed", (double)st->faults_fpd) &&
	     add_num(o, "overflow", (double)st->faults_overflow);

	ok = ok && add_num(root, "stale_translations", (double)driver_stale_translations(d)) &&
	     add_num(root, "software_missing_flush", (double)driver_missing_flushes(d));
	ok = ok && json_caches(root, d, -1) && json_invalidations(root, d);
	o = ok ? cJSON_AddObjectToObject(root, "ats") : NULL;
	ok = o && add_num(o, "translation_requests", (double)st->translation_reqs) &&
	     add_num(o, "translated_requests", (double)st->translated_reqs) &&
	     add_num(o, "events", (double)sum->ats_events) &&
	     add_num(o, "pages", (double)sum->ats_pages) &&
	     add_num(o, "faults", (double)sum->ats_faults) &&
	     add_obj(o, "latency", latency_obj(driver_ats_latency(d)));

	ok = ok && json_pri(root, d) && json_iommus(root, d);
	o = ok ? cJSON_AddObjectToObject(root, "trace") : NULL;
	ok = o && cJSON_AddStringToObject(o, "file", t->file) &&
	     cJSON_AddBoolToObject(o, "builtin", t->builtin) &&
	     add_num(o, "events", (double)sum->events) &&
	     add_num(o, "last_cycle", (double)sum->last_cycle);

	if (!ok) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

int report_json(FILE *out, const struct driver *d, const struct report_trace *t)
{
	cJSON *root = build_json(d, t);
	char *text = root ? cJSON_Print(root) : NULL;
	int rc;

	cJSON_Delete(root);
	if (!text)
		return -IOMMU_ENOMEM;
	fputs(text, out);
	fputc('\n', out);
	free(text);
	rc = finish(out);
	return rc;
}

/* ---- CSV --------------------------------------------------------------- */

int report_csv_begin(FILE *out, bool iommu)
{
	fprintf(out, "%s%s\n", report_csv_header, iommu ? ",iommu" : "");
	return ferror(out) ? -IOMMU_EIO : 0;
}

int report_csv_row(FILE *out, const struct driver_record *r, bool iommu)
{
	char gpasid[16] = "", unit[16] = "";
	char dev[16], pasid[16] = "", hpa[24] = "", fr[8] = "", ps[24] = "", perm[8] = "",
		      did[8] = "", fa[24] = "";

	trace_format_bdf(dev, sizeof(dev), r->dma.ep.sid);
	if (r->dma.ep.has_pasid)
		snprintf(pasid, sizeof(pasid), "%" PRIu32, r->dma.ep.pasid);
	if (r->has_gpasid)
		snprintf(gpasid, sizeof(gpasid), "%" PRIu32, r->gpasid);
	if (iommu)
		snprintf(unit, sizeof(unit), ",%u", r->iommu);
	if (r->ok) {
		snprintf(hpa, sizeof(hpa), "0x%" PRIx64, r->hpa);
		snprintf(ps, sizeof(ps), "%" PRIu64, r->page_size);
		perm_str(perm, r->perm);
		snprintf(did, sizeof(did), "%u", (unsigned)r->did);
	} else {
		snprintf(fr, sizeof(fr), "0x%02x", r->fault & 0xffu);
		snprintf(fa, sizeof(fa), "0x%" PRIx64, r->fault_addr);
	}
	fprintf(out,
		"%" PRIu64 ",%s,%s,0x%" PRIx64 ",%s,%s,%s,%s,%" PRIu64 ",%" PRIu64
		",%s,%s,%s,%" PRIu64 ",%d,%s,%s,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%u,%s%s\n",
		r->id, dev, pasid, r->dma.addr, trace_access_name(r->dma.op),
		r->ok ? "ok" : "fault", hpa, fr, r->cycle, r->dma.size, ps, perm, did, r->mem_reads,
		r->dma.priv ? 1 : 0, fa, source_name(r->source), vtd_oracle_verdict_name(r->oracle),
		r->issue, r->done, r->latency, r->page_reqs, gpasid, unit);
	return ferror(out) ? -IOMMU_EIO : 0;
}
