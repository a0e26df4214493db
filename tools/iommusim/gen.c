/*
 * iommusim gen: seeded workload generators. Each writes a text trace
 * (traces/format.md) whose driver sequence is correct (every unmap is
 * flushed before its IOVA is reused), so a replay must report no stale
 * translation and no missing flush. Same workload, options and seed: the
 * same trace, byte for byte.
 */
#include "gen.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Options every workload takes, and the workload-specific ones. */
struct gen_opts {
	uint64_t seed, count, gap;
	uint64_t outstanding; /* closed loop: a device line, 0 = open loop */
	const char *out;
	/* nic */
	uint64_t ring, pkt, batch;
	bool batched, mixed;
	/* nvme */
	uint64_t qd, min, max;
	/* sva, vm */
	uint64_t pasids, buffer, churn;
	/* window */
	uint64_t window, page;
	/* cosim */
	uint64_t settle, pri;
};

struct gen_rng {
	uint64_t s;
};

static uint64_t rng_next(struct gen_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1Dull;
}

/* Uniform in [0, n). */
static uint64_t rng_below(struct gen_rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

struct gen {
	FILE *f;
	struct gen_rng rng;
	const struct gen_opts *o;
};

static void emit(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emit(struct gen *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(g->f, fmt, ap);
	va_end(ap);
}

/* --- NIC receive ring ---------------------------------------------------------------- */

/* A receive ring: per packet the driver maps a buffer, the NIC reads the
 * descriptor and writes the packet, the driver unmaps. Strict mode flushes
 * each unmap; batched mode (Linux's flush queue) flushes the whole domain
 * every `batch` packets and reuses an IOVA only after a flush. Mixed mode
 * puts the NIC behind ATS (so every flush also invalidates its device TLB)
 * and picks per unmap a leaf page flush, a page flush that also drops the
 * paging-structure caches, or deferral to the next domain flush (every
 * `batch` packets, as batched mode). */
static void gen_nic(struct gen *g)
{
	const struct gen_opts *o = g->o;
	uint64_t ring_bytes = round_up(o->ring * 16, 4096);
	uint64_t slots = o->batched || o->mixed ? 65536 : o->ring;
	bool deferred = false;

	emit(g, "domain id=1 stage=s1 levels=4\n");
	emit(g, "attach dev=00:03.0 type=s1 s1=1%s\n", o->mixed ? " ats=1" : "");
	emit(g,
	     "map    dom=1 iova=0x100000 pa=0x10000000 size=0x%" PRIx64
	     " perm=rw user=1  # rx ring\n",
	     ring_bytes);
	for (uint64_t i = 0; i < o->count; i++) {
		uint64_t slot = i % slots, iova = 0x40000000 + slot * 4096;
		uint64_t pa = 0x20000000 + rng_below(&g->rng, 1u << 18) * 4096;

		emit(g,
		     "+%" PRIu64 " map dom=1 iova=0x%" PRIx64 " pa=0x%" PRIx64
		     " size=4K perm=rw user=1\n",
		     o->gap, iova, pa);
		emit(g, "+%" PRIu64 " dma dev=00:03.0 addr=0x%" PRIx64 " size=16 op=r\n", o->gap,
		     0x100000 + (i % o->ring) * 16);
		emit(g, "+%" PRIu64 " dma dev=00:03.0 addr=0x%" PRIx64 " size=%" PRIu64 " op=w\n",
		     o->gap, iova, o->pkt);
		emit(g, "+%" PRIu64 " unmap dom=1 iova=0x%" PRIx64 " size=4K\n", o->gap, iova);
		if (o->mixed) {
			uint64_t k = rng_below(&g->rng, 4);

			if (k < 3)
				emit(g, "flush dom=1 iova=0x%" PRIx64 " size=4K%s\n", iova,
				     k < 2 ? " leaf=1" : "");
			deferred |= k == 3;
			if (deferred && ((i + 1) % o->batch == 0 || (i + 1) % slots == 0)) {
				emit(g, "flush dom=1\n");
				deferred = false;
			}
		} else if (!o->batched) {
			emit(g, "flush dom=1 iova=0x%" PRIx64 " size=4K leaf=1\n", iova);
		} else if ((i + 1) % o->batch == 0 || (i + 1) % slots == 0) {
			emit(g, "flush dom=1\n");
		}
	}
}

/* --- NVMe-like queue --------------------------------------------------------------- */

/* Submission and completion queues mapped once; per command a buffer of
 * 4 KiB..max is mapped (IOVA naturally aligned, as Linux's allocator does),
 * the device fetches the command, moves the data, posts a completion, and
 * the driver unmaps and flushes. */
static void gen_nvme(struct gen *g)
{
	const struct gen_opts *o = g->o;
	unsigned lo = (unsigned)__builtin_ctzll(o->min), hi = (unsigned)__builtin_ctzll(o->max);
	uint64_t next = 0x80000000;

	emit(g, "domain id=1 stage=s1 levels=4\n");
	emit(g, "attach dev=00:04.0 type=s1 s1=1\n");
	emit(g,
	     "map    dom=1 iova=0x100000 pa=0x11000000 size=0x%" PRIx64 " perm=rw user=1  # SQ\n",
	     round_up(o->qd * 64, 4096));
	emit(g,
	     "map    dom=1 iova=0x200000 pa=0x12000000 size=0x%" PRIx64 " perm=rw user=1  # CQ\n",
	     round_up(o->qd * 16, 4096));
	for (uint64_t i = 0; i < o->count; i++) {
		uint64_t size = 1ull << (lo + rng_below(&g->rng, hi - lo + 1));
		uint64_t iova = round_up(next, size), pa;
		bool write = rng_below(&g->rng, 2);

		if (iova + size > 0x100000000ull)
			iova = 0x80000000;
		next = iova + size;
		pa = 0x40000000 + rng_below(&g->rng, 1u << 16) * size % 0x40000000;
		pa &= ~(size - 1);
		emit(g,
		     "+%" PRIu64 " map dom=1 iova=0x%" PRIx64 " pa=0x%" PRIx64 " size=0x%" PRIx64
		     " perm=rw user=1\n",
		     o->gap, iova, pa, size);
		emit(g, "+%" PRIu64 " dma dev=00:04.0 addr=0x%" PRIx64 " size=64 op=r\n", o->gap,
		     0x100000 + (i % o->qd) * 64);
		emit(g,
		     "+%" PRIu64 " dma dev=00:04.0 addr=0x%" PRIx64 " size=0x%" PRIx64 " op=%s\n",
		     o->gap, iova, size, write ? "w" : "r");
		emit(g, "+%" PRIu64 " dma dev=00:04.0 addr=0x%" PRIx64 " size=16 op=w\n", o->gap,
		     0x200000 + (i % o->qd) * 16);
		emit(g, "+%" PRIu64 " unmap dom=1 iova=0x%" PRIx64 " size=0x%" PRIx64 "\n", o->gap,
		     iova, size);
		emit(g, "flush dom=1 iova=0x%" PRIx64 " size=0x%" PRIx64 " leaf=1\n", iova, size);
	}
}

/* --- SVA accelerator --------------------------------------------------------------- */

/* An accelerator with ATS serving several processes, each a PASID bound to
 * its own first-level address space (user pages). Requests hit random
 * offsets of each process's buffer; every `churn` requests a process
 * replaces one page (unmap, flush of that PASID, map elsewhere). */
static void gen_sva(struct gen *g)
{
	const struct gen_opts *o = g->o;
	const uint64_t base = (uint64_t)0x7f0000000000;

	for (uint64_t p = 0; p < o->pasids; p++) {
		emit(g, "domain id=%" PRIu64 " stage=s1 levels=4\n", 10 + p);
		/* With churn the process replaces single pages: map 4 KiB pages
		 * (a large page cannot be unmapped in part). */
		for (uint64_t off = 0; off < o->buffer; off += o->churn ? 4096 : o->buffer)
			emit(g,
			     "map    dom=%" PRIu64 " iova=0x%" PRIx64 " pa=0x%" PRIx64
			     " size=0x%" PRIx64 " perm=rw user=1\n",
			     10 + p, base + off, (uint64_t)0x100000000 + p * o->buffer + off,
			     o->churn ? (uint64_t)4096 : o->buffer);
		emit(g, "attach dev=00:05.0 pasid=%" PRIu64 " type=s1 s1=%" PRIu64 " ats=1\n",
		     p + 1, 10 + p);
	}
	for (uint64_t i = 0; i < o->count; i++) {
		uint64_t p = rng_below(&g->rng, o->pasids);
		uint64_t len = 64u << rng_below(&g->rng, 7); /* 64 B .. 4 KiB */
		uint64_t off = rng_below(&g->rng, o->buffer / len) * len;

		emit(g,
		     "+%" PRIu64 " dma dev=00:05.0 pasid=%" PRIu64 " addr=0x%" PRIx64
		     " size=%" PRIu64 " op=%s\n",
		     o->gap, p + 1, base + off, len, rng_below(&g->rng, 2) ? "w" : "r");
		if (o->churn && (i + 1) % o->churn == 0) {
			uint64_t page = base + rng_below(&g->rng, o->buffer / 4096) * 4096;
			uint64_t npa = (uint64_t)0x200000000 + rng_below(&g->rng, 1u << 16) * 4096;

			emit(g, "unmap  dom=%" PRIu64 " iova=0x%" PRIx64 " size=4K\n", 10 + p,
			     page);
			emit(g,
			     "flush  dom=%" PRIu64 " pasid=%" PRIu64 " iova=0x%" PRIx64
			     " size=4K leaf=1\n",
			     10 + p, p + 1, page);
			emit(g,
			     "map    dom=%" PRIu64 " iova=0x%" PRIx64 " pa=0x%" PRIx64
			     " size=4K perm=rw user=1\n",
			     10 + p, page, npa);
		}
	}
}

/* --- VM with an accelerator in vSVA ------------------------------------------------ */

/* A VM with an assigned accelerator (ATS, PASID, PRI): each guest process is
 * a first-level table in guest-physical memory, bound to a host PASID of the
 * device (guest PASID 100 + p, host PASID p + 1). The first half of each
 * buffer is resident; the second half is demand-paged (lazy): the device's
 * first touch of a page is a page request the driver services. Every `churn`
 * requests a process exits and a new one takes its PASID: its lazy pages are
 * unmapped (guest flush passed through), the PASID unbound and bound again. */
static void gen_vsva(struct gen *g)
{
	const struct gen_opts *o = g->o;
	const uint64_t base = (uint64_t)0x7f0000000000, half = o->buffer / 2;

	emit(g, "domain id=1 stage=s2 levels=4\n");
	emit(g, "map    dom=1 iova=0x0 pa=0x100000000 size=0x40000000 perm=rw  # guest RAM\n");
	emit(g, "attach dev=00:08.0 type=s2 s2=1 ats=1  # the device's default domain\n");
	emit(g, "device dev=00:08.0 pasid=1 pri=1\n");
	for (uint64_t p = 0; p < o->pasids; p++) {
		uint64_t gpa = 0x1000000 + p * o->buffer;

		emit(g, "domain id=%" PRIu64 " stage=s1 levels=4 parent=1\n", 10 + p);
		emit(g,
		     "map    dom=%" PRIu64 " iova=0x%" PRIx64 " pa=0x%" PRIx64 " size=0x%" PRIx64
		     " perm=rw user=1\n",
		     10 + p, base, gpa, half);
		emit(g,
		     "map    dom=%" PRIu64 " iova=0x%" PRIx64 " pa=0x%" PRIx64 " size=0x%" PRIx64
		     " perm=rw user=1 lazy=1\n",
		     10 + p, base + half, gpa + half, half);
		emit(g,
		     "bind   dev=00:08.0 pasid=%" PRIu64 " gpasid=%" PRIu64 " s1=%" PRIu64
		     " vm=1\n",
		     p + 1, 100 + p, 10 + p);
	}
	for (uint64_t i = 0; i < o->count; i++) {
		uint64_t p = rng_below(&g->rng, o->pasids);
		uint64_t off = rng_below(&g->rng, o->buffer / 64) * 64;

		emit(g,
		     "+%" PRIu64 " dma dev=00:08.0 pasid=%" PRIu64 " addr=0x%" PRIx64
		     " size=64 op=%s\n",
		     o->gap, p + 1, base + off, rng_below(&g->rng, 2) ? "w" : "r");
		if (o->churn && (i + 1) % o->churn == 0) {
			uint64_t gpa = 0x1000000 + p * o->buffer;

			emit(g, "unmap  dom=%" PRIu64 " iova=0x%" PRIx64 " size=0x%" PRIx64 "\n",
			     10 + p, base + half, half);
			emit(g, "gflush dev=00:08.0 pasid=%" PRIu64 "\n", p + 1);
			emit(g,
			     "map    dom=%" PRIu64 " iova=0x%" PRIx64 " pa=0x%" PRIx64
			     " size=0x%" PRIx64 " perm=rw user=1 lazy=1\n",
			     10 + p, base + half, gpa + half, half);
			emit(g, "unbind dev=00:08.0 pasid=%" PRIu64 "\n", p + 1);
			emit(g,
			     "bind   dev=00:08.0 pasid=%" PRIu64 " gpasid=%" PRIu64 " s1=%" PRIu64
			     " vm=1\n",
			     p + 1, 100 + p, 10 + p);
		}
	}
	emit(g, "free   vm=1  # the VM exits\n");
}

/* --- Random-access window sweep ---------------------------------------------------- */

/* 64-byte reads at random addresses of a window (4 KiB .. 64 MiB), mapped
 * with `page`-sized pages (0: the largest the alignment allows), as PCIe
 * DMA benchmarks do to measure IOTLB reach. */
static void gen_window(struct gen *g)
{
	const struct gen_opts *o = g->o;

	emit(g, "domain id=1 stage=s2 levels=4\n");
	emit(g, "attach dev=00:06.0 type=s2 s2=1\n");
	if (o->page)
		for (uint64_t off = 0; off < o->window; off += o->page)
			emit(g,
			     "map dom=1 iova=0x%" PRIx64 " pa=0x%" PRIx64 " size=0x%" PRIx64
			     " perm=r\n",
			     0x40000000 + off, 0x80000000 + off, o->page);
	else
		emit(g, "map dom=1 iova=0x40000000 pa=0x80000000 size=0x%" PRIx64 " perm=r\n",
		     o->window);
	for (uint64_t i = 0; i < o->count; i++)
		emit(g, "+%" PRIu64 " dma dev=00:06.0 addr=0x%" PRIx64 " size=64 op=r\n", o->gap,
		     0x40000000 + rng_below(&g->rng, o->window / 64) * 64);
}

/* --- VM with nested translation ------------------------------------------------------ */

/* A VM: guest RAM is a second-level domain (2 MiB pages); each guest process
 * is a first-level domain in guest-physical space, bound to a PASID of an
 * assigned device (nested). Every `churn` requests a guest unbinds a PASID
 * and binds it again (detach/attach do the teardown invalidation). */
static void gen_vm(struct gen *g)
{
	const struct gen_opts *o = g->o;
	const uint64_t gva = (uint64_t)0x7f0000000000, ram = (uint64_t)1 << 30;

	emit(g, "domain id=1 stage=s2 levels=4\n");
	emit(g, "map    dom=1 iova=0x0 pa=0x100000000 size=0x%" PRIx64 " perm=rw  # guest RAM\n",
	     ram);
	for (uint64_t p = 0; p < o->pasids; p++) {
		emit(g, "domain id=%" PRIu64 " stage=s1 levels=4 parent=1\n", 10 + p);
		emit(g,
		     "map    dom=%" PRIu64 " iova=0x%" PRIx64 " pa=0x%" PRIx64 " size=0x%" PRIx64
		     " perm=rw user=1\n",
		     10 + p, gva, p * o->buffer, o->buffer);
		emit(g, "attach dev=00:07.0 pasid=%" PRIu64 " type=nested s1=%" PRIu64 " s2=1\n",
		     p + 1, 10 + p);
	}
	for (uint64_t i = 0; i < o->count; i++) {
		uint64_t p = rng_below(&g->rng, o->pasids);
		uint64_t off = rng_below(&g->rng, o->buffer / 64) * 64;

		emit(g,
		     "+%" PRIu64 " dma dev=00:07.0 pasid=%" PRIu64 " addr=0x%" PRIx64
		     " size=64 op=%s\n",
		     o->gap, p + 1, gva + off, rng_below(&g->rng, 2) ? "w" : "r");
		if (o->churn && (i + 1) % o->churn == 0) {
			emit(g, "detach dev=00:07.0 pasid=%" PRIu64 "  # guest unbind\n", p + 1);
			emit(g,
			     "attach dev=00:07.0 pasid=%" PRIu64 " type=nested s1=%" PRIu64
			     " s2=1  # bind again\n",
			     p + 1, 10 + p);
		}
	}
}

/* --- Command line ---------------------------------------------------------------- */

struct workload {
	const char *name;
	void (*run)(struct gen *g);
	const char *opts; /* space-separated option names it takes */
	const char *help;
	const char *dev; /* the device it drives */
};

/* --- Co-simulation stimulus ---------------------------------------------------------- */

/* The devices of the cosim workload: each with its attach line. */
static const struct cosim_dev {
	const char *bdf;
	const char *attach; /* after "attach dev=BDF " */
	int pasid;          /* the PASID its requests carry, -1: none */
	int dom;            /* the domain whose window it reads (0: pass-through) */
	bool ats;
} cosim_devs[] = {
	{"00:01.0", "type=s2 s2=1", -1, 1, false},
	{"00:02.0", "pasid=5 type=s1 s1=2", 5, 2, false},
	{"00:03.0", "type=s2 s2=1 ats=1 devtlb=4x2", -1, 1, true},
	{"00:04.0", "type=pt", -1, 0, false},
	{"00:05.0", "type=nested s1=3 s2=4", -1, 3, false},
	{"00:06.0", "pasid=7 type=s1 s1=2 ats=1 devtlb=4x2", 7, 2, true},
};
#define COSIM_DEVS        (sizeof(cosim_devs) / sizeof(cosim_devs[0]))
#define COSIM_DOMS        5  /* domains 1..4 */
#define COSIM_PAGES       32 /* pages of each domain's window */
/* --pri 1: the demand-paged (lazy) window of domains 1 and 2, and the
 * share of an ATS device's DMA that goes to it (one in COSIM_LAZY_ONE_IN). */
#define COSIM_LAZY_IOVA   0x400000ull
#define COSIM_LAZY_PAGES  64
#define COSIM_LAZY_ONE_IN 4

/* Raw descriptors: well-formed ones and ones the hardware rejects (IQE). */
static const char *const cosim_qi[] = {
	"0x12,0x0,0x0,0x0",                 /* IOTLB global */
	"0x10022,0x0,0x0,0x0",              /* IOTLB domain 1 */
	"0x11,0x0,0x0,0x0",                 /* context cache global */
	"0x37,0x0,0x0,0x0",                 /* PASID cache global */
	"0x500020017,0x0,0x0,0x0",          /* PASID cache: DID 2, PASID 5 */
	"0x20007,0x0,0x0,0x0",              /* PASID cache: DID 2, every PASID */
	"0x500020026,0x0,0x0,0x0",          /* P_IOTLB: DID 2, PASID 5 */
	"0x10032,0x100000,0x0,0x0",         /* IOTLB page: DID 1, window page 0 */
	"0xf,0x0,0x0,0x0",                  /* bad: invalid type */
	"0x10032,0x100080,0x0,0x0",         /* bad: reserved QW1 bit 7 */
	"0x12,0x0,0x0,0x1",                 /* bad: QW3 not zero */
	"0x3000000000003,0x100000,0x0,0x0", /* device TLB of 00:03.0, one page */
};

/* Window page p of domain dom: its IOVA (domains 1..4 use the same window). */
static uint64_t cosim_iova(unsigned p)
{
	return 0x100000 + (uint64_t)p * 4096;
}

/* A seeded mix for the co-simulation (docs/cosim.md): DMA of devices with
 * second-level, first-level, nested and pass-through attachments, ATS
 * translation requests and translated requests, map/unmap with and
 * without flushes, detach/attach, ATS endpoints that stop answering
 * invalidations (ITE), raw descriptors (some rejected) and waits. Faults
 * come from unmapped pages, read-only pages written and detached devices.
 * count is the number of dma and ats events. */
static void gen_cosim(struct gen *g)
{
	bool mapped[COSIM_DOMS][COSIM_PAGES] = {{false}};
	bool attached[COSIM_DEVS];
	bool last_sw = true; /* the setup */
	uint64_t n = 0;

	emit(g, "domain id=1 stage=s2 levels=4\n"
		"domain id=2 stage=s1 levels=4\n"
		"domain id=4 stage=s2 levels=4\n"
		"domain id=3 stage=s1 levels=4 parent=4\n"
		"map dom=4 iova=0x40000000 pa=0x40000000 size=2M perm=rw # guest memory\n");
	for (unsigned d = 1; d <= 3; d++) {
		for (unsigned p = 0; p < COSIM_PAGES; p++) {
			if (rng_below(&g->rng, 4) == 0)
				continue;
			mapped[d][p] = true;
			emit(g,
			     "map dom=%u iova=0x%" PRIx64 " pa=0x%" PRIx64 " size=4K perm=%s%s\n",
			     d, cosim_iova(p), 0x40000000 + rng_below(&g->rng, 512) * 4096,
			     rng_below(&g->rng, 4) ? "rw" : "r", d == 1 ? "" : " user=1");
		}
	}
	/* --pri 1: the ATS devices send page requests for the pages their
	 * translation requests were denied; the driver maps a page of the lazy
	 * window (Success) or answers Invalid Request. */
	if (g->o->pri) {
		for (unsigned d = 1; d <= 2; d++)
			emit(g,
			     "map dom=%u iova=0x%" PRIx64 " pa=0x%x size=0x%x perm=rw%s lazy=1\n",
			     d, (uint64_t)COSIM_LAZY_IOVA, 0x40100000 + d * 0x100000,
			     COSIM_LAZY_PAGES * 4096, d == 1 ? "" : " user=1");
		for (size_t i = 0; i < COSIM_DEVS; i++)
			if (cosim_devs[i].ats)
				emit(g, "device dev=%s%s pri=1\n", cosim_devs[i].bdf,
				     cosim_devs[i].pasid >= 0 ? " pasid=1" : "");
	}
	for (size_t i = 0; i < COSIM_DEVS; i++) {
		attached[i] = true;
		emit(g, "attach dev=%s %s\n", cosim_devs[i].bdf, cosim_devs[i].attach);
	}
	/* Every seed starts with a PASID-cache invalidation that matters: the
	 * PASID entry of a request just made is torn down, then the request is
	 * made again (it must fault), then the device comes back. */
	{
		uint64_t q = g->o->settle > 100 ? g->o->settle : 100;
		unsigned p = 0;

		while (p + 1 < COSIM_PAGES && !mapped[2][p])
			p++;
		emit(g, "+%" PRIu64 " dma dev=00:02.0 pasid=5 addr=0x%" PRIx64 " size=64 op=r\n", q,
		     cosim_iova(p));
		emit(g, "+%" PRIu64 " detach dev=00:02.0 pasid=5\n", q);
		emit(g, "+%" PRIu64 " dma dev=00:02.0 pasid=5 addr=0x%" PRIx64 " size=64 op=r\n", q,
		     cosim_iova(p));
		emit(g, "+%" PRIu64 " attach dev=00:02.0 pasid=5 type=s1 s1=2\n", q);
		n += 2;
	}
	while (n < g->o->count) {
		uint64_t gap = rng_below(&g->rng, 2 * g->o->gap + 1);
		uint64_t k = rng_below(&g->rng, 100);
		bool sw = k >= 70;

		/* --settle: quiet time between DMA and software, both ways. */
		if (sw != last_sw && gap < g->o->settle)
			gap = g->o->settle;
		size_t di = (size_t)rng_below(&g->rng, COSIM_DEVS);
		const struct cosim_dev *dv = &cosim_devs[di];
		unsigned dom = 1 + (unsigned)rng_below(&g->rng, 3);
		unsigned p = (unsigned)rng_below(&g->rng, COSIM_PAGES);
		char pasid[24] = "";

		if (dv->pasid >= 0)
			snprintf(pasid, sizeof(pasid), " pasid=%d", dv->pasid);
		if (k < 70) { /* DMA, or an ATS prefetch of an ATS device */
			uint64_t addr = dv->dom ? cosim_iova(p) : 0x40000000 + (uint64_t)p * 4096;
			uint64_t size = rng_below(&g->rng, 8) ? 64 : 4096;
			bool ats = dv->ats && rng_below(&g->rng, 5) == 0;

			addr += rng_below(&g->rng, 64) * 64;
			if (g->o->pri && dv->ats && rng_below(&g->rng, COSIM_LAZY_ONE_IN) == 0)
				addr = COSIM_LAZY_IOVA +
				       rng_below(&g->rng, COSIM_LAZY_PAGES) * 4096 + (addr & 0xFFF);
			emit(g,
			     "+%" PRIu64 " %s dev=%s%s addr=0x%" PRIx64 " size=%" PRIu64 " op=%s\n",
			     gap, ats ? "ats" : "dma", dv->bdf, pasid, addr, size,
			     rng_below(&g->rng, 3) ? "r" : "w");
			n++;
			last_sw = false;
			continue;
		} else if (k < 78) { /* map a free page */
			if (mapped[dom][p])
				continue;
			mapped[dom][p] = true;
			emit(g,
			     "+%" PRIu64 " map dom=%u iova=0x%" PRIx64 " pa=0x%" PRIx64
			     " size=4K perm=%s%s\n",
			     gap, dom, cosim_iova(p), 0x40000000 + rng_below(&g->rng, 512) * 4096,
			     rng_below(&g->rng, 4) ? "rw" : "r", dom == 1 ? "" : " user=1");
		} else if (k < 86) { /* unmap, flushed (page or whole domain) or not */
			uint64_t f = rng_below(&g->rng, 8);

			if (!mapped[dom][p])
				continue;
			mapped[dom][p] = false;
			emit(g, "+%" PRIu64 " unmap dom=%u iova=0x%" PRIx64 " size=4K\n", gap, dom,
			     cosim_iova(p));
			if (f < 5)
				emit(g, "flush dom=%u iova=0x%" PRIx64 " size=4K%s\n", dom,
				     cosim_iova(p), f < 2 ? " leaf=1" : "");
			else if (f < 7)
				emit(g, "flush dom=%u\n", dom);
		} else if (k < 91 && dv->ats && rng_below(&g->rng, 128) == 0) {
			/* An ATS endpoint that stops answering invalidation requests
			 * is attached again: the teardown's device-TLB invalidation
			 * times out (ITE, ats.timeout later); reset, it answers. */
			emit(g, "+%" PRIu64 " attach dev=%s %s respond=0\n", gap, dv->bdf,
			     dv->attach);
			emit(g, "+%" PRIu64 " attach dev=%s %s respond=1\n",
			     g->o->settle > 100 ? g->o->settle : 100, dv->bdf, dv->attach);
			attached[di] = true;
		} else if (k < 91) { /* detach, or attach again */
			/* Detached devices fault; most of them come back soon. */
			for (size_t i = 0; i < COSIM_DEVS; i++) {
				if (!attached[i] && i != di) {
					emit(g, "+%" PRIu64 " attach dev=%s %s\n", gap,
					     cosim_devs[i].bdf, cosim_devs[i].attach);
					attached[i] = true;
					gap = 0;
				}
			}
			if (attached[di])
				emit(g, "+%" PRIu64 " detach dev=%s%s\n", gap, dv->bdf, pasid);
			else
				emit(g, "+%" PRIu64 " attach dev=%s %s\n", gap, dv->bdf,
				     dv->attach);
			attached[di] = !attached[di];
		} else if (k < 97) { /* a raw descriptor, then often a wait */
			emit(g, "+%" PRIu64 " qi desc=%s\n", gap,
			     cosim_qi[rng_below(&g->rng, sizeof(cosim_qi) / sizeof(cosim_qi[0]))]);
			if (rng_below(&g->rng, 2))
				emit(g, "wait\n");
		} else {
			emit(g, "+%" PRIu64 " wait\n", gap);
		}
		last_sw = true;
	}
}

static const struct workload workloads[] = {
	{"nic", gen_nic, "ring pkt flush batch", "NIC receive ring, map/unmap per packet",
	 "00:03.0"},
	{"nvme", gen_nvme, "qd min max", "NVMe-like queue, 4K..128K transfers", "00:04.0"},
	{"sva", gen_sva, "pasids buffer churn", "accelerator with SVA PASIDs and ATS", "00:05.0"},
	{"window", gen_window, "window page", "64-byte random reads over a window", "00:06.0"},
	{"vsva", gen_vsva, "pasids buffer churn",
	 "VM accelerator in vSVA: guest PASID binds, page requests, unbinds", "00:08.0"},
	{"vm", gen_vm, "pasids buffer churn", "VM with nested translation, PASID bind/unbind",
	 "00:07.0"},
	{"cosim", gen_cosim, "settle pri",
	 "co-simulation mix: DMA, ATS, map/unmap, attach/detach, flushes, raw descriptors",
	 "00:01.0"},
};

static void gen_usage(FILE *f)
{
	fprintf(f,
		"usage: iommusim gen WORKLOAD [--seed N] [--count N] [--gap CYCLES] [--out FILE]\n"
		"                    [--outstanding N] [workload options]\n\nworkloads:\n");
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		fprintf(f, "  %-7s %s (options: %s)\n", workloads[i].name, workloads[i].help,
			workloads[i].opts);
	fprintf(f, "\noptions: --ring N (256) --pkt BYTES (1500) --flush strict|batched|mixed\n"
		   "  (strict) --batch N (32) --qd N (32) --min SIZE (4K) --max SIZE (128K) "
		   "--pasids N (4)\n"
		   "  --buffer SIZE (2M) --churn N (0: none; vm 100) --window SIZE (1M)\n"
		   "  --page SIZE (4K; 0: largest pages) --settle CYCLES (0: cosim, the least\n"
		   "  time between DMA and software events, either way) --pri 0|1 (0: cosim,\n"
		   "  1: its ATS devices send page requests, some to a demand-paged window)\n"
		   "  --outstanding N: closed loop, at most N DMA requests of the device in\n"
		   "  flight (a device line; 0, the default: open loop, time stamps only)\n"
		   "Sizes take K/M/G suffixes. Defaults: --seed 1 --count 1000 --gap 10.\n");
}

static int gen_num(const char *opt, const char *s, uint64_t *v)
{
	char *end;
	uint64_t mul = 1;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (*end == 'K' || *end == 'k')
		mul = 1ull << 10, end++;
	else if (*end == 'M' || *end == 'm')
		mul = 1ull << 20, end++;
	else if (*end == 'G' || *end == 'g')
		mul = 1ull << 30, end++;
	if (errno || end == s || *end || s[0] == '-' || (mul > 1 && *v > UINT64_MAX / mul)) {
		fprintf(stderr,
			"iommusim gen: %s: '%s' is not a number, expected a decimal or 0x hex "
			"value (sizes may end in K, M or G)\n",
			opt, s);
		return -1;
	}
	*v *= mul;
	return 0;
}

static bool takes(const struct workload *w, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = w->opts; (p = strstr(p, opt)); p += n) {
		if ((p == w->opts || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0))
			return true;
	}
	return false;
}

static int gen_check(const struct workload *w, const struct gen_opts *o)
{
	const char *why = NULL;

	if (!o->count)
		why = "--count: expected at least 1";
	else if (o->outstanding > 65535)
		why = "--outstanding: expected 0..65535";
	else if (!strcmp(w->name, "nic") &&
		 (!o->ring || o->ring > 65536 || !o->pkt || o->pkt > 4096))
		why = "--ring 1..65536 and --pkt 1..4096 bytes expected";
	else if (!strcmp(w->name, "nic") && (!o->batch || o->batch > 60000))
		why = "--batch: expected 1..60000";
	else if (!strcmp(w->name, "nvme") &&
		 (!o->qd || o->min < 4096 || o->max > (1u << 30) || o->min > o->max ||
		  (o->min & (o->min - 1)) || (o->max & (o->max - 1))))
		why = "--qd >= 1 and powers of two 4K <= --min <= --max <= 1G expected";
	else if ((!strcmp(w->name, "sva") || !strcmp(w->name, "vm")) &&
		 (!o->pasids || o->pasids > 1000 || o->buffer < 4096 || o->buffer % 4096 ||
		  o->buffer > (1ull << 30) / o->pasids))
		why = "--pasids 1..1000 and a 4K-multiple --buffer of at most 1G/pasids expected";
	else if (!strcmp(w->name, "window") &&
		 (o->window < 4096 || o->window > (64ull << 20) || o->window % 4096 ||
		  (o->page && (o->page & (o->page - 1) || o->page < 4096 || o->window % o->page))))
		why = "--window 4K..64M (4K multiple) and --page 0 or a power of two >= 4K "
		      "dividing it expected";
	else if (o->pri > 1)
		why = "--pri: expected 0 or 1";
	if (why) {
		fprintf(stderr, "iommusim gen %s: %s\n", w->name, why);
		return -1;
	}
	return 0;
}

int gen_main(int argc, char **argv)
{
	struct gen_opts o = {
		.seed = 1,
		.count = 1000,
		.gap = 10,
		.ring = 256,
		.pkt = 1500,
		.batch = 32,
		.qd = 32,
		.min = 4096,
		.max = 128 << 10,
		.pasids = 4,
		.buffer = 2 << 20,
		.window = 1 << 20,
		.page = 4096,
	};
	const struct workload *w = NULL;
	bool churn_set = false;
	struct gen g;
	int rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		gen_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		if (!strcmp(argv[1], workloads[i].name))
			w = &workloads[i];
	if (!w) {
		fprintf(stderr,
			"iommusim gen: unknown workload '%s', expected nic, nvme, sva, window, "
			"vm, vsva or cosim\n",
			argv[1]);
		return 2;
	}
	for (int i = 2; i < argc; i += 2) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t *num = NULL;

		if (strncmp(opt, "--", 2) || !val) {
			fprintf(stderr,
				"iommusim gen: %s: expected an option with a value (see --help)\n",
				opt);
			return 2;
		}
		if (!strcmp(opt, "--out")) {
			o.out = val;
			continue;
		}
		if (!strcmp(opt, "--flush") && takes(w, "flush")) {
			if (strcmp(val, "strict") && strcmp(val, "batched") &&
			    strcmp(val, "mixed")) {
				fprintf(stderr,
					"iommusim gen: --flush: '%s', expected strict, batched or "
					"mixed\n",
					val);
				return 2;
			}
			o.batched = !strcmp(val, "batched");
			o.mixed = !strcmp(val, "mixed");
			continue;
		}
		if (!strcmp(opt, "--seed"))
			num = &o.seed;
		else if (!strcmp(opt, "--count"))
			num = &o.count;
		else if (!strcmp(opt, "--outstanding"))
			num = &o.outstanding;
		else if (!strcmp(opt, "--gap"))
			num = &o.gap;
		else if (takes(w, opt + 2)) {
			static const struct {
				const char *name;
				size_t off;
			} fields[] = {
				{"--ring", offsetof(struct gen_opts, ring)},
				{"--pkt", offsetof(struct gen_opts, pkt)},
				{"--batch", offsetof(struct gen_opts, batch)},
				{"--qd", offsetof(struct gen_opts, qd)},
				{"--min", offsetof(struct gen_opts, min)},
				{"--max", offsetof(struct gen_opts, max)},
				{"--pasids", offsetof(struct gen_opts, pasids)},
				{"--buffer", offsetof(struct gen_opts, buffer)},
				{"--churn", offsetof(struct gen_opts, churn)},
				{"--window", offsetof(struct gen_opts, window)},
				{"--page", offsetof(struct gen_opts, page)},
				{"--settle", offsetof(struct gen_opts, settle)},
				{"--pri", offsetof(struct gen_opts, pri)},
			};

			for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
				if (!strcmp(opt, fields[f].name))
					num = (uint64_t *)((char *)&o + fields[f].off);
			churn_set |= !strcmp(opt, "--churn");
		}
		if (!num) {
			fprintf(stderr, "iommusim gen %s: unknown option '%s' (see --help)\n",
				w->name, opt);
			return 2;
		}
		if (gen_num(opt, val, num))
			return 2;
	}
	if (!churn_set && !strcmp(w->name, "vm"))
		o.churn = 100;
	if (gen_check(w, &o))
		return 2;

	g.o = &o;
	g.rng.s = o.seed * 0x9E3779B97F4A7C15ull + 1;
	g.f = o.out ? fopen(o.out, "w") : stdout;
	if (!g.f) {
		fprintf(stderr, "iommusim gen: --out: cannot write '%s': %s\n", o.out,
			strerror(errno));
		return 2;
	}
	emit(&g,
	     "iommusim-trace v1\n# iommusim gen %s --seed %" PRIu64 " --count %" PRIu64
	     " --gap %" PRIu64 "\n",
	     w->name, o.seed, o.count, o.gap);
	if (o.settle)
		emit(&g, "# --settle %" PRIu64 "\n", o.settle);
	if (o.pri)
		emit(&g, "# --pri 1\n");
	if (o.outstanding)
		emit(&g, "device dev=%s outstanding=%" PRIu64 "\n", w->dev, o.outstanding);
	w->run(&g);
	rc = ferror(g.f) ? 1 : 0;
	if (o.out && fclose(g.f))
		rc = 1;
	if (rc)
		fprintf(stderr, "iommusim gen: write error on %s\n", o.out ? o.out : "stdout");
	return rc;
}

int gen_cosim_trace(FILE *f, uint64_t seed, uint64_t count, uint64_t gap, uint64_t settle, bool pri)
{
	struct gen_opts o = {
		.seed = seed, .count = count, .gap = gap, .settle = settle, .pri = pri};
	struct gen g = {.f = f, .rng = {seed * 0x9E3779B97F4A7C15ull + 1}, .o = &o};

	emit(&g,
	     "iommusim-trace v1\n# iommusim gen cosim --seed %" PRIu64 " --count %" PRIu64
	     " --gap %" PRIu64 "\n",
	     seed, count, gap);
	if (settle)
		emit(&g, "# --settle %" PRIu64 "\n", settle);
	if (pri)
		emit(&g, "# --pri 1\n");
	gen_cosim(&g);
	return ferror(f) ? -1 : 0;
}
