/*
 * Reports of one replay. All three read the same sources: the driver's
 * summary and records (per DMA request) and the model's statistics (per
 * page translation and per memory reference).
 */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "iommu/vtd_fault.h"

const char report_csv_header[] =
	"id,dev,pasid,addr,op,status,hpa,fault_reason,cycle,size,page_size,perm,did,mem_reads,priv,"
	"fault_addr";

/* Faulted DMA requests by VT-d fault reason. */
static void count_reasons(const struct driver *d, uint64_t by_reason[256])
{
	size_t n;
	const struct driver_record *rec = driver_records(d, &n);

	memset(by_reason, 0, 256 * sizeof(by_reason[0]));
	for (size_t i = 0; i < n; i++)
		if (!rec[i].ok)
			by_reason[rec[i].fault & 0xff]++;
}

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

int report_text(FILE *out, const struct driver *d, const struct report_trace *t)
{
	const struct driver_summary *sum = driver_summary(d);
	const struct iommu_stats *st = driver_stats(d);
	uint64_t by_reason[256];

	count_reasons(d, by_reason);
	fprintf(out, "iommusim run: trace %s%s, %" PRIu64 " events, last cycle %" PRIu64 "\n\n",
		t->file, t->builtin ? " (built-in)" : "", sum->events, sum->last_cycle);

	fprintf(out, "DMA requests              %10" PRIu64 "\n", sum->requests);
	fprintf(out, "  translated              %10" PRIu64 "\n", sum->completed);
	fprintf(out, "  faulted                 %10" PRIu64 "\n", sum->faults);
	fprintf(out,
		"page translations         %10" PRIu64
		"  (one per 4K/2M/1G page a request touches)\n",
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

static cJSON *build_json(const struct driver *d, const struct report_trace *t)
{
	const struct driver_summary *sum = driver_summary(d);
	const struct iommu_stats *st = driver_stats(d);
	cJSON *root = cJSON_CreateObject();
	cJSON *o, *fl, *sl;
	uint64_t by_reason[256];
	bool ok = root != NULL;

	ok = ok && add_num(root, "requests", (double)sum->requests);
	ok = ok && add_num(root, "completed", (double)sum->completed);
	ok = ok && add_num(root, "faults", (double)sum->faults);
	ok = ok && add_num(root, "translations", (double)sum->translations);

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

	count_reasons(d, by_reason);
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

int report_csv(FILE *out, const struct driver *d)
{
	size_t n;
	const struct driver_record *rec = driver_records(d, &n);

	fprintf(out, "%s\n", report_csv_header);
	for (size_t i = 0; i < n; i++) {
		const struct driver_record *r = &rec[i];
		char dev[16], pasid[16] = "", hpa[24] = "", fr[8] = "", ps[24] = "", perm[8] = "",
			      did[8] = "", fa[24] = "";

		trace_format_bdf(dev, sizeof(dev), r->dma.ep.sid);
		if (r->dma.ep.has_pasid)
			snprintf(pasid, sizeof(pasid), "%" PRIu32, r->dma.ep.pasid);
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
			",%s,%s,%s,%" PRIu64 ",%d,%s\n",
			r->id, dev, pasid, r->dma.addr, trace_access_name(r->dma.op),
			r->ok ? "ok" : "fault", hpa, fr, r->cycle, r->dma.size, ps, perm, did,
			r->mem_reads, r->dma.priv ? 1 : 0, fa);
	}
	return finish(out);
}
