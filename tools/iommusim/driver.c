/*
 * Trace driver: the replay of trace events on memory + IOMMU + builder.
 *
 * DMA: the request [addr, addr + size) is translated page by page, stepping
 * by the page size each translation reports, so that a request inside one
 * large page costs one translation. The request faults when a page faults;
 * the driver stops at that page (the device would not send the rest) and
 * reports that fault. The hpa reported is that of the first byte.
 */
#include "driver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct driver {
	struct sparse_mem *sm;
	struct iommu_mem mem;
	struct iommu *mmu;
	struct vtd_builder *b;
	struct driver_record *rec;
	size_t nrec, caprec;
	struct driver_summary sum;
	char err[640];
};

struct driver *driver_create(const struct iommu_config *mmu_cfg,
			     const struct vtd_builder_config *builder_cfg, const char **why)
{
	struct driver *d = calloc(1, sizeof(*d));

	*why = "out of memory";
	if (!d)
		return NULL;
	if (iommu_config_check(mmu_cfg, why))
		goto fail;
	*why = "out of memory";
	d->sm = sparse_mem_create(mmu_cfg->haw);
	if (!d->sm)
		goto fail;
	d->mem = sparse_mem_handle(d->sm);
	d->mmu = iommu_create(mmu_cfg, &d->mem);
	if (!d->mmu)
		goto fail;
	d->b = vtd_builder_create(d->mmu, d->mem, builder_cfg);
	if (!d->b) {
		*why = "the table builder could not be created";
		goto fail;
	}
	*why = NULL;
	return d;
fail:
	driver_destroy(d);
	return NULL;
}

void driver_destroy(struct driver *d)
{
	if (!d)
		return;
	if (d->b)
		vtd_builder_destroy(d->b);
	if (d->mmu)
		iommu_destroy(d->mmu);
	if (d->sm)
		sparse_mem_destroy(d->sm);
	free(d->rec);
	free(d);
}

/* What the trace should have done instead, for builder errors whose
 * sentence does not say it; NULL when nothing useful can be said. */
static const char *builder_expect(enum trace_op op, int rc)
{
	switch (op) {
	case TRACE_OP_DOMAIN:
		return rc == -IOMMU_EEXIST    ? "an unused domain ID"
		       : rc == -IOMMU_ENOENT  ? "the ID of an existing s2 domain"
		       : rc == -IOMMU_ENOTSUP ? "a format the hardware supports"
					      : NULL;
	case TRACE_OP_MAP:
		return rc == -IOMMU_ENOENT    ? "an existing domain"
		       : rc == -IOMMU_EEXIST  ? "a range not mapped yet (unmap first)"
		       : rc == -IOMMU_ERANGE  ? "a range inside the domain's address space"
		       : rc == -IOMMU_ENOTSUP ? "a page size the hardware supports"
		       : rc == -IOMMU_ENOMEM  ? "fewer tables than the builder's table memory holds"
					      : NULL;
	case TRACE_OP_UNMAP:
		return rc == -IOMMU_ENOENT   ? "a mapped range of an existing domain"
		       : rc == -IOMMU_EINVAL ? "whole pages as they were mapped"
					     : NULL;
	case TRACE_OP_ATTACH:
		return rc == -IOMMU_ENOENT ? "existing domains of the stages the type needs"
		       : rc == -IOMMU_EINVAL
			       ? "type=nested for an s1 domain with a parent, with s2= its parent"
		       : rc == -IOMMU_ERANGE  ? "a PASID within the hardware's PASID width"
		       : rc == -IOMMU_ENOTSUP ? "a type the hardware supports"
					      : NULL;
	case TRACE_OP_DETACH:
		return rc == -IOMMU_ENOENT ? "a device and PASID attached before" : NULL;
	case TRACE_OP_DMA: break;
	}
	return NULL;
}

static int builder_fail(struct driver *d, const char *name, const struct trace_event *ev, int rc)
{
	const char *why = vtd_builder_error(d->b);
	const char *expect = strstr(why, "expected") ? NULL : builder_expect(ev->op, rc);

	snprintf(d->err, sizeof(d->err), "%s:%u: %s: %s%s%s", name, ev->line, trace_op_name(ev->op),
		 why, expect ? ", expected " : "", expect ? expect : "");
	return rc;
}

static unsigned iommu_perm(unsigned trace_perm)
{
	return (trace_perm & TRACE_PERM_R ? IOMMU_PERM_R : 0) |
	       (trace_perm & TRACE_PERM_W ? IOMMU_PERM_W : 0) |
	       (trace_perm & TRACE_PERM_X ? IOMMU_PERM_X : 0);
}

static enum vtd_pgtt vtd_type(enum trace_xlate type)
{
	switch (type) {
	case TRACE_XLATE_S1: return VTD_PGTT_FL;
	case TRACE_XLATE_S2: return VTD_PGTT_SL;
	case TRACE_XLATE_NESTED: return VTD_PGTT_NESTED;
	case TRACE_XLATE_PT: break;
	}
	return VTD_PGTT_PT;
}

static int apply_attach(struct driver *d, const struct trace_attach *t)
{
	struct vtd_attach a;

	vtd_attach_init(&a, t->ep.sid, vtd_type(t->type));
	a.has_pasid = t->ep.has_pasid;
	a.pasid = t->ep.pasid;
	a.s1 = t->s1 ? (int)t->s1 : -1;
	a.s2 = t->s2 ? (int)t->s2 : -1;
	if (t->has_did)
		a.did = t->did;
	a.sre = t->sre;
	a.ere = t->ere;
	a.wpe = t->wpe;
	a.nxe = t->nxe;
	return vtd_builder_attach(d->b, &a);
}

static int push_record(struct driver *d, const struct driver_record *r)
{
	if (d->nrec == d->caprec) {
		size_t cap = d->caprec ? 2 * d->caprec : 64;
		struct driver_record *p = realloc(d->rec, cap * sizeof(*p));

		if (!p)
			return -IOMMU_ENOMEM;
		d->rec = p;
		d->caprec = cap;
	}
	d->rec[d->nrec++] = *r;
	return 0;
}

static uint64_t paging_reads(const struct iommu_refs *refs)
{
	uint64_t n = 0;

	for (unsigned l = 1; l <= IOMMU_MAX_LEVELS; l++)
		n += (uint64_t)refs->fl[l] + refs->sl[l];
	return n;
}

static int apply_dma(struct driver *d, const char *name, const struct trace_event *ev)
{
	const struct trace_dma *t = &ev->u.dma;
	const uint64_t last = t->addr + (t->size - 1); /* the parser keeps this below 2^64 */
	struct driver_record rec = {
		.id = d->nrec,
		.cycle = ev->cycle,
		.line = ev->line,
		.dma = *t,
		.ok = true,
	};
	struct iommu_req req = {
		.sid = t->ep.sid,
		.pasid_valid = t->ep.has_pasid,
		.pasid = t->ep.pasid,
		.priv = t->priv,
		.access = t->op == TRACE_ACC_W   ? IOMMU_ACC_WRITE
			  : t->op == TRACE_ACC_X ? IOMMU_ACC_EXEC
						 : IOMMU_ACC_READ,
	};
	uint64_t a = t->addr;

	for (;;) {
		struct iommu_resp resp;
		uint64_t ps, base;
		int rc;

		req.addr = a;
		rc = iommu_translate(d->mmu, &req, &resp);
		if (rc < 0) {
			snprintf(d->err, sizeof(d->err),
				 "%s:%u: dma: the model rejected the request (error %d), expected "
				 "a request a bus can carry",
				 name, ev->line, rc);
			return rc;
		}
		rec.translations++;
		d->sum.translations++;
		rec.mem_reads += paging_reads(&resp.refs);
		if (rec.translations == 1) {
			rec.hpa = resp.hpa;
			rec.page_size = resp.page_size;
			rec.perm = resp.perm;
			rec.did = resp.did;
		}
		if (!resp.ok) {
			rec.ok = false;
			rec.fault = resp.fault;
			rec.fault_addr = a;
			break;
		}
		ps = resp.page_size;
		if (ps < IOMMU_PAGE_SIZE || (ps & (ps - 1)))
			ps = IOMMU_PAGE_SIZE;
		base = a & ~(ps - 1);
		if (last - base <= ps - 1)
			break;
		a = base + ps;
	}
	if (!rec.ok) {
		rec.hpa = 0;
		rec.page_size = 0;
		rec.perm = 0;
		rec.did = 0;
	}
	d->sum.requests++;
	if (rec.ok)
		d->sum.completed++;
	else
		d->sum.faults++;
	if (push_record(d, &rec)) {
		snprintf(d->err, sizeof(d->err), "%s:%u: dma: out of memory for records", name,
			 ev->line);
		return -IOMMU_ENOMEM;
	}
	return 0;
}

int driver_apply(struct driver *d, const char *name, const struct trace_event *ev)
{
	const struct trace_map *m = &ev->u.map;
	int rc = 0;

	switch (ev->op) {
	case TRACE_OP_DOMAIN:
		rc = vtd_builder_domain(d->b, ev->u.domain.id,
					ev->u.domain.stage == TRACE_STAGE_S1 ? VTD_STAGE_S1
									     : VTD_STAGE_S2,
					ev->u.domain.levels,
					ev->u.domain.has_parent ? (int)ev->u.domain.parent : -1);
		break;
	case TRACE_OP_MAP:
		if (m->one_page)
			rc = vtd_builder_map_page(d->b, m->dom, m->iova, m->pa, m->size,
						  iommu_perm(m->perm), m->user);
		else
			rc = vtd_builder_map(d->b, m->dom, m->iova, m->pa, m->size,
					     iommu_perm(m->perm), m->user);
		break;
	case TRACE_OP_UNMAP: rc = vtd_builder_unmap(d->b, m->dom, m->iova, m->size); break;
	case TRACE_OP_ATTACH: rc = apply_attach(d, &ev->u.attach); break;
	case TRACE_OP_DETACH:
		rc = vtd_builder_detach(d->b, ev->u.detach.sid, ev->u.detach.has_pasid,
					ev->u.detach.pasid);
		break;
	case TRACE_OP_DMA:
		rc = apply_dma(d, name, ev);
		if (rc)
			return rc;
		break;
	}
	if (rc)
		return builder_fail(d, name, ev, rc);
	d->sum.events++;
	d->sum.last_cycle = ev->cycle;
	return 0;
}

int driver_replay(struct driver *d, struct trace_reader *r)
{
	struct trace_event ev;
	int rc;

	while ((rc = trace_next(r, &ev)) > 0) {
		rc = driver_apply(d, trace_name(r), &ev);
		if (rc)
			return rc;
	}
	if (rc < 0)
		snprintf(d->err, sizeof(d->err), "%s", trace_error(r));
	return rc;
}

const char *driver_error(const struct driver *d)
{
	return d->err;
}

const struct iommu_stats *driver_stats(const struct driver *d)
{
	return iommu_stats(d->mmu);
}

const struct driver_summary *driver_summary(const struct driver *d)
{
	return &d->sum;
}

const struct driver_record *driver_records(const struct driver *d, size_t *count)
{
	*count = d->nrec;
	return d->rec;
}
