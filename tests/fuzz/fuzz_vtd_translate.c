/*
 * Fuzz target: the translation path and the invalidation queue over memory
 * filled with arbitrary contents. Every physical address aliases into a
 * 256 KiB arena taken from the input, so every pointer in every root,
 * context, PASID and paging entry leads somewhere and walks go deep. In
 * preset mode (flags bit 3) the table builder first lays out a valid
 * configuration (first-level, second-level, nested, pass-through, ATS) and
 * the input corrupts it with XOR patches.
 * Requests, register writes and raw queue descriptors also come from the
 * input. Every outcome must be a translation or a specification fault, and
 * with caches off a translation must agree with the reference walk.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iommu/ats.h"
#include "iommu/iommu.h"
#include "iommu/vtd_fault.h"
#include "iommu/vtd_builder.h"
#include "iommu/vtd_regs.h"

#define ARENA    (256u * 1024u)
#define OP_BYTES 14u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct arena {
	uint8_t mem[ARENA];
};

static int arena_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct arena *a = ctx;
	uint8_t *out = buf;

	for (size_t i = 0; i < len; i++)
		out[i] = a->mem[(pa + i) % ARENA];
	return 0;
}

static int arena_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	struct arena *a = ctx;
	const uint8_t *in = buf;

	for (size_t i = 0; i < len; i++)
		a->mem[(pa + i) % ARENA] = in[i];
	return 0;
}

static const struct iommu_mem_ops arena_ops = {.read = arena_read, .write = arena_write};

/* Input cursor: bytes past the end read as zero. */
struct cursor {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct cursor *c, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		v |= (uint64_t)(c->n ? *c->p : 0) << (8 * i);
		if (c->n) {
			c->p++;
			c->n--;
		}
	}
	return v;
}

static void check_resp(const struct iommu_req *req, const struct iommu_resp *resp, int rc)
{
	if (rc < 0)
		return; /* a request no bus carries: refused up front */
	if (rc > 1)
		abort();
	if (rc == 0) {
		uint64_t ps = resp->page_size;

		if (!resp->ok || ps == 0 || (ps & (ps - 1)))
			abort();
		/* The page offset survives translation. */
		if (req->at == IOMMU_AT_UNTRANSLATED && resp->perm &&
		    ((resp->hpa ^ req->addr) & (ps - 1)))
			abort();
	} else if (resp->ok || !strcmp(vtd_fault_reason_str(resp->fault), "unknown")) {
		abort();
	}
}

#define PRESET_SPAN (64u * 4096u)

/* A valid configuration in the arena: device 00:01.0 (sid 0x0100) with
 * RID_PASID on a 3-level second-level domain, PASID 1 on a 4-level
 * first-level domain, PASID 2 nested (4 over 3), PASID 3 pass-through,
 * ATS on; each domain maps [0, PRESET_SPAN) with mixed page permissions. */
static void preset_layout(struct iommu *mmu, struct iommu_mem mem)
{
	struct vtd_builder_config bc;
	struct vtd_builder *b;
	struct vtd_attach at;

	vtd_builder_config_default(&bc);
	bc.alloc_base = 0;
	bc.alloc_limit = ARENA;
	bc.pdts = 0;
	bc.preset_ad = false; /* let the walks set A/D */
	b = vtd_builder_create(mmu, mem, &bc);
	if (!b)
		return;
	vtd_builder_domain(b, 2, VTD_STAGE_S2, 3, -1);
	vtd_builder_domain(b, 3, VTD_STAGE_S1, 4, -1);
	vtd_builder_domain(b, 4, VTD_STAGE_S1, 4, 2);
	vtd_builder_map(b, 2, 0, 0x20000, PRESET_SPAN, IOMMU_PERM_R | IOMMU_PERM_W, false);
	vtd_builder_map(b, 3, 0, 0x30000, PRESET_SPAN / 2, IOMMU_PERM_R | IOMMU_PERM_W, true);
	vtd_builder_map(b, 3, PRESET_SPAN / 2, 0x30000, PRESET_SPAN / 2, IOMMU_PERM_R, false);
	vtd_builder_map(b, 4, 0, 0x1000, PRESET_SPAN, IOMMU_PERM_R | IOMMU_PERM_W | IOMMU_PERM_X,
			true);
	vtd_attach_init(&at, 0x0100, VTD_PGTT_SL);
	at.s2 = 2;
	at.dte = true;
	vtd_builder_attach(b, &at);
	vtd_attach_init(&at, 0x0100, VTD_PGTT_FL);
	at.s1 = 3, at.has_pasid = true, at.pasid = 1, at.dte = true;
	vtd_builder_attach(b, &at);
	vtd_attach_init(&at, 0x0100, VTD_PGTT_NESTED);
	at.s1 = 4, at.s2 = 2, at.has_pasid = true, at.pasid = 2, at.dte = true;
	vtd_builder_attach(b, &at);
	vtd_attach_init(&at, 0x0100, VTD_PGTT_PT);
	at.has_pasid = true, at.pasid = 3, at.dte = true;
	vtd_builder_attach(b, &at);
	vtd_builder_destroy(b); /* the layout stays in memory */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = {data, size};
	struct arena *a = calloc(1, sizeof(*a));
	struct iommu_mem mem = {.ops = &arena_ops, .ctx = a};
	struct iommu_config cfg;
	unsigned flags = (unsigned)take(&c, 1);
	bool caches = flags & 1, preset = flags & 8;
	unsigned nops;
	struct cursor ops;
	struct iommu *mmu;
	struct ats_dev *dev;
	struct ats_bus *bus = ats_bus_create();
	const struct iommu_cache_geom devtlb = {.sets = 4, .ways = 2, .repl = IOMMU_REPL_LRU};

	iommu_config_default(&cfg);
	if (!caches) {
		cfg.context_cache.ways = cfg.pasid_cache.ways = cfg.iotlb.ways = 0;
		cfg.fl_pwc.ways = cfg.sl_pwc.ways = cfg.nested_tlb.ways = 0;
	}
	cfg.nfr = 1 + (flags >> 4);
	/* Layout: flags, op count, the ops (OP_BYTES each), then the arena:
	 * the rest of the input repeated over 64 KiB. */
	nops = (unsigned)take(&c, 1) % 48;
	ops = (struct cursor){c.p, c.n < nops * OP_BYTES ? c.n : nops * OP_BYTES};
	c.p += ops.n;
	c.n -= ops.n;
	mmu = iommu_create(&cfg, &mem);
	if (mmu && preset) {
		preset_layout(mmu, mem);
		for (; c.n >= 3; c.p += 3, c.n -= 3)
			a->mem[(c.p[0] | c.p[1] << 8 | (c.p[2] & 3u) << 16) % ARENA] ^= c.p[2] | 1u;
	} else {
		for (size_t i = 0; c.n && i < ARENA; i++)
			a->mem[i] = c.p[i % c.n];
	}
	c = ops;
	dev = ats_dev_create(0x0100, &devtlb, 1);
	if (!mmu || !bus || !dev || ats_bus_add(bus, dev)) {
		ats_dev_destroy(dev);
		goto out;
	}
	ats_bus_connect(bus, mmu);
	if (!preset) {
		iommu_reg_write(mmu, VTD_REG_RTADDR, 8, (flags & 2) ? 0x400 : 0xC00);
		iommu_reg_write(mmu, VTD_REG_GCMD, 4, VTD_GCMD_SRTP);
		iommu_reg_write(mmu, VTD_REG_IQA, 8, 0x8000 | ((flags & 4) ? VTD_IQA_DW : 0));
		iommu_reg_write(mmu, VTD_REG_GCMD, 4, VTD_GCMD_TE | VTD_GCMD_QIE);
	}

	for (unsigned op = 0; op < nops && c.n; op++) {
		unsigned kind = (unsigned)take(&c, 1);
		struct iommu_req req = {0};
		struct iommu_resp resp, ref;
		int rc;

		if ((kind & 7) == 7) {
			/* Software moves the queue tail, or clears error bits. */
			iommu_reg_write(mmu, VTD_REG_IQT, 8, take(&c, 2) & 0xFFF0);
			iommu_reg_write(mmu, VTD_REG_FSTS, 4, (uint32_t)take(&c, 1));
			continue;
		}
		req.sid = (kind & 8) ? 0x0100 : (uint16_t)take(&c, 2);
		req.pasid_valid = kind & 0x10;
		req.pasid = (uint32_t)take(&c, 3) & 0x1FFFFF; /* sometimes beyond 20 bits */
		req.priv = kind & 0x20;
		req.access = (enum iommu_access)((kind >> 6) % 3);
		req.addr = take(&c, 8);
		if (preset && (kind & 2)) /* mostly inside the mapped window */
			req.addr &= PRESET_SPAN - 1;
		if (preset && (kind & 8))
			req.pasid_valid = true, req.pasid &= 3;
		if ((kind & 7) == 6 && req.sid == 0x0100)
			rc = ats_dev_dma(dev, mmu, &req, &resp);
		else
			rc = iommu_translate(mmu, &req, &resp);
		check_resp(&req, &resp, rc);
		/* Without caches a translation is the reference walk's. */
		if (!caches && rc == 0 && resp.source == IOMMU_SRC_WALK &&
		    (iommu_probe(mmu, &req, &ref) != 0 || ref.hpa != resp.hpa))
			abort();
		/* Software clears the fault records now and then. */
		if (kind & 1)
			for (unsigned r = 0; r < cfg.nfr; r++)
				iommu_reg_write(mmu, VTD_FRCD_OFFSET + 16 * r + 12, 4, 1u << 31);
	}
out:
	iommu_destroy(mmu);
	ats_bus_destroy(bus);
	free(a);
	return 0;
}
