/*
 * Fuzz target: the invalidation-descriptor decoder and the queue engine
 * (model/src/vtd/qi.c with the IQ registers of regs.c) on their own.
 * The input is a program of register writes (IQA with any width and size,
 * IQT, GCMD.QIE, FSTS, ICS, IECTL, IQH, raw writes over the queue
 * registers), descriptors written into queue memory (128- and 256-bit, all
 * types, valid fields or arbitrary bits), device-TLB endpoints that answer
 * or not, and memory that fails beyond 64 KiB.
 *
 * A reference of the queue written from the specification's descriptor
 * layouts (its own field tables, not the model's) runs the same program;
 * after every step the registers (IQH, IQT, IQA, IQER, FSTS, ICS, IECTL,
 * GSTS.QIES), the statistics, and the sequence of executed descriptors,
 * status writes and ATS invalidation requests must agree. So every
 * descriptor is executed, or stops the queue with IQE and the IQEI code the
 * specification gives, or times out with ITE — never a crash or a queue
 * that does not end.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iommu/iommu.h"
#include "iommu/vtd_regs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define QMEM 0x10000u /* backed memory [0, 64 KiB); reads beyond fail */

/* Register fields, as the specification lays them out. */
#define R_IQA_ADDR  GENMASK64(63, 12)
#define R_IQA_DW    BIT64(11)
#define R_IQA_QS    GENMASK64(2, 0)
#define R_IQA_RSVD  GENMASK64(10, 3)
#define R_IQ_OFFSET GENMASK64(18, 4)
#define R_GCMD_QIE  BIT64(26)
#define R_FSTS_IQE  BIT64(4)
#define R_FSTS_ITE  BIT64(6)
#define R_FSTS_RW1C (BIT64(0) | BIT64(4) | BIT64(5) | BIT64(6))
#define R_IQEI      GENMASK64(3, 0)
#define R_ITESID    GENMASK64(47, 32)
#define R_ICS_IWC   BIT64(0)
#define R_IECTL_IM  BIT64(31)
#define R_IECTL_IP  BIT64(30)
#define R_REG_IECTL 0x0A0

/* IQER.IQEI values of the specification. */
enum {
	IQEI_TAIL = 1,     /* IQT beyond the queue */
	IQEI_FETCH = 2,    /* descriptor fetch error */
	IQEI_TYPE = 3,     /* invalid descriptor type */
	IQEI_RSVD = 4,     /* reserved field set, reserved granularity */
	IQEI_WIDTH = 5,    /* 128-bit descriptor of a 256-bit-only type */
	IQEI_TAIL_256 = 6, /* IQT[4] set in 256-bit mode */
};

/* Defined fields of each descriptor type, {QW0, QW1}; everything else
 * (and QW2, QW3 of a 256-bit descriptor) is reserved. Type is QW0 [3:0]
 * with [11:9] above it. */
#define F_TYPE (GENMASK64(3, 0) | GENMASK64(11, 9))
#define F_G    GENMASK64(5, 4)
static const uint64_t defined[9][2] = {
	/* context-cache: G, DID, SID, FM */
	[1] = {F_TYPE | F_G | GENMASK64(31, 16) | GENMASK64(47, 32) | GENMASK64(49, 48), 0},
	/* IOTLB: G, DW, DR, DID | AM, IH, ADDR */
	[2] = {F_TYPE | F_G | BIT64(6) | BIT64(7) | GENMASK64(31, 16),
	       GENMASK64(5, 0) | BIT64(6) | GENMASK64(63, 12)},
	/* device-TLB: PFSID[3:0], MIP, SID, PFSID[15:4] | S, ADDR */
	[3] = {F_TYPE | GENMASK64(15, 12) | GENMASK64(20, 16) | GENMASK64(47, 32) |
		       GENMASK64(63, 52),
	       BIT64(0) | GENMASK64(63, 12)},
	/* invalidation wait: IF, SW, FN, PD, status data | status address */
	[5] = {F_TYPE | GENMASK64(7, 4) | GENMASK64(63, 32), GENMASK64(63, 2)},
	/* PASID-based IOTLB: G, DID, PASID | AM, IH, ADDR */
	[6] = {F_TYPE | F_G | GENMASK64(31, 16) | GENMASK64(51, 32),
	       GENMASK64(5, 0) | BIT64(6) | GENMASK64(63, 12)},
	/* PASID cache: G, DID, PASID */
	[7] = {F_TYPE | F_G | GENMASK64(31, 16) | GENMASK64(51, 32), 0},
	/* PASID-based device-TLB: MIP, PFSID[3:0], SID, PASID, PFSID[15:4] |
	 * G, S, ADDR */
	[8] = {~0ull, BIT64(0) | BIT64(11) | GENMASK64(63, 12)},
};

/* Granularities each type allows (bit g set: G = g is defined). */
static const unsigned g_ok[9] = {[1] = 0xE, [2] = 0xE, [6] = 0xC, [7] = 0xB};

/* What the harness sees, from the model or from the reference. */
enum { EV_DESC = 1, EV_WAIT, EV_STATUS, EV_ATS };
struct ev {
	unsigned kind;
	uint64_t v[6];
};
struct log {
	struct ev *e;
	size_t n, cap;
};

static void log_put(struct log *l, unsigned kind, const uint64_t *v, unsigned nv)
{
	struct ev *e;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->e = realloc(l->e, l->cap * sizeof(*l->e));
		if (!l->e)
			abort();
	}
	e = &l->e[l->n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	memcpy(e->v, v, nv * sizeof(*v));
}

/* Shared environment: queue memory, endpoints, the two logs. */
struct env {
	uint8_t mem[QMEM];
	bool ats;        /* endpoints behind the IOMMU */
	unsigned silent; /* endpoints whose SID low byte is this never answer (0x100: none) */
	struct log got, want;
};

static int env_read(struct env *env, uint64_t pa, void *buf, size_t len)
{
	if (pa >= QMEM || QMEM - pa < len)
		return -IOMMU_EIO;
	memcpy(buf, env->mem + pa, len);
	return 0;
}

static bool env_answers(const struct env *env, uint16_t sid)
{
	return (sid & 0xFFu) != env->silent;
}

/* Model callbacks. */
static int m_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	return env_read(ctx, pa, buf, len);
}

/* Writes (wait status) are logged, not stored: the queue stays as written. */
static int m_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	struct env *env = ctx;
	uint64_t v[2] = {pa, 0};

	if (len != 4)
		abort();
	memcpy(&v[1], buf, 4);
	log_put(&env->got, EV_STATUS, v, 2);
	return 0;
}

static const struct iommu_mem_ops m_ops = {.read = m_read, .write = m_write};

static bool m_ats(void *ctx, uint16_t sid, bool pv, uint32_t pasid, bool global, uint64_t addr,
		  uint64_t size)
{
	struct env *env = ctx;
	uint64_t v[6] = {sid, pv, pasid, global, addr, size};

	log_put(&env->got, EV_ATS, v, 6);
	return env_answers(env, sid);
}

static const struct iommu_ats_ops m_ats_ops = {.invalidate = m_ats};

static void m_desc(void *ctx, const uint64_t qw[4])
{
	log_put(&((struct env *)ctx)->got, EV_DESC, qw, 4);
}

static void m_wait(void *ctx, const uint64_t qw[4])
{
	log_put(&((struct env *)ctx)->got, EV_WAIT, qw, 4);
}

/* ---- reference queue ---------------------------------------------------- */

struct ref {
	struct env *env;
	uint64_t iqa, iqh, iqt, iqer;
	uint32_t fsts, ics, iectl;
	bool qies;
	uint64_t executed, by_type[16], waits, aborted, errors, devtlb, timeouts;
};

static void ref_iqe(struct ref *s, unsigned iqei)
{
	s->iqer = (s->iqer & ~R_IQEI) | iqei;
	s->fsts |= R_FSTS_IQE;
	s->errors++;
}

static uint64_t get(uint64_t v, unsigned hi, unsigned lo)
{
	return (v & GENMASK64(hi, lo)) >> lo;
}

/* Device-TLB range: S = 0 one page; S = 1 the lowest 0 bit p of ADDR (at
 * 12 or above) makes it 2^(p+1) bytes; none below bit 63: everything. */
static void ref_devtlb(struct ref *s, uint16_t sid, bool pv, uint32_t pasid, bool global,
		       uint64_t qw1, bool sbit, int *rc)
{
	uint64_t addr = qw1 & GENMASK64(63, 12), base = addr, bytes = 4096;

	if (sbit) {
		unsigned p = 12;

		while (p < 63 && (addr >> p & 1))
			p++;
		if (p == 63)
			base = 0, bytes = 0;
		else
			bytes = 2ull << p, base = addr & ~(bytes - 1);
	}
	s->devtlb++;
	if (s->env->ats) {
		uint64_t v[6] = {sid, pv, pasid, global, base, bytes};

		log_put(&s->env->want, EV_ATS, v, 6);
		if (!env_answers(s->env, sid))
			*rc = -1;
	}
}

/* 0: executed; -1: device-TLB timeout; > 0: IQE with this IQEI. */
static int ref_exec(struct ref *s, const uint64_t qw[4], bool wide, uint16_t *sid)
{
	unsigned type = (unsigned)(get(qw[0], 3, 0) | get(qw[0], 11, 9) << 4);
	unsigned g = (unsigned)get(qw[0], 5, 4);
	int rc = 0;

	if (type == 0 || type == 4 || type > 8)
		return IQEI_TYPE;
	if (!wide && type >= 6)
		return IQEI_WIDTH;
	if ((qw[0] & ~defined[type][0]) || (qw[1] & ~defined[type][1]) || qw[2] || qw[3])
		return IQEI_RSVD;
	if (g_ok[type] && !(g_ok[type] >> g & 1))
		return IQEI_RSVD;
	if (type == 3) {
		*sid = (uint16_t)get(qw[0], 47, 32);
		ref_devtlb(s, *sid, false, 0, false, qw[1], qw[1] & 1, &rc);
	} else if (type == 8) {
		*sid = (uint16_t)get(qw[0], 31, 16);
		ref_devtlb(s, *sid, true, (uint32_t)get(qw[0], 51, 32), qw[1] & 1, qw[1],
			   qw[1] >> 11 & 1, &rc);
	} else if (type == 5) {
		if (qw[0] & BIT64(5)) { /* SW: status data to the status address */
			uint64_t v[2] = {qw[1] & GENMASK64(63, 2), get(qw[0], 63, 32)};

			log_put(&s->env->want, EV_STATUS, v, 2);
		}
		if (qw[0] & BIT64(4)) { /* IF */
			s->ics |= R_ICS_IWC;
			s->iectl |= R_IECTL_IP;
		}
		s->waits++;
		log_put(&s->env->want, EV_WAIT, qw, 4);
	}
	if (rc)
		return rc;
	s->executed++;
	s->by_type[type]++;
	if (type != 5)
		log_put(&s->env->want, EV_DESC, qw, 4);
	return 0;
}

static void ref_run(struct ref *s)
{
	bool wide = s->iqa & R_IQA_DW;
	uint64_t dsz = wide ? 32 : 16, qbytes = 4096ull << (s->iqa & R_IQA_QS);
	uint64_t head = s->iqh & R_IQ_OFFSET, tail = s->iqt & R_IQ_OFFSET;

	if (!s->qies || (s->fsts & (R_FSTS_IQE | R_FSTS_ITE)))
		return;
	if (wide && (tail & 0x10)) {
		ref_iqe(s, IQEI_TAIL_256);
		return;
	}
	if (tail >= qbytes) {
		ref_iqe(s, IQEI_TAIL);
		return;
	}
	/* 256-bit descriptors: the head index is IQH [18:5]. */
	if (wide)
		head &= ~0x1Full;
	while (head != tail) {
		uint8_t b[32];
		uint64_t qw[4] = {0, 0, 0, 0};
		uint16_t sid = 0;
		int rc;

		if (env_read(s->env, (s->iqa & R_IQA_ADDR) + head, b, dsz)) {
			rc = IQEI_FETCH;
		} else {
			memcpy(qw, b, dsz); /* little-endian host */
			rc = ref_exec(s, qw, wide, &sid);
		}
		if (rc > 0) {
			ref_iqe(s, (unsigned)rc);
			break;
		}
		head = (head + dsz) % qbytes;
		if (rc < 0) {
			s->iqer = (s->iqer & ~R_ITESID) | (uint64_t)sid << 32;
			s->fsts |= R_FSTS_ITE;
			s->timeouts++;
			for (; head != tail; head = (head + dsz) % qbytes)
				s->aborted++;
			break;
		}
	}
	s->iqh = head;
}

static void ref_write32(struct ref *s, uint32_t off, uint32_t val)
{
	switch (off) {
	case VTD_REG_GCMD:
		if ((val & R_GCMD_QIE) && !s->qies)
			s->iqh = 0;
		s->qies = val & R_GCMD_QIE;
		ref_run(s);
		break;
	case VTD_REG_FSTS:
		s->fsts &= ~(val & (uint32_t)R_FSTS_RW1C);
		if (val & (R_FSTS_IQE | R_FSTS_ITE))
			ref_run(s);
		break;
	case VTD_REG_IQT:
		s->iqt = val & R_IQ_OFFSET;
		ref_run(s);
		break;
	case VTD_REG_IQA: s->iqa = (s->iqa & ~0xFFFFFFFFull) | (val & ~R_IQA_RSVD); break;
	case VTD_REG_IQA + 4: s->iqa = (s->iqa & 0xFFFFFFFFull) | (uint64_t)val << 32; break;
	case VTD_REG_ICS:
		if (val & R_ICS_IWC) {
			s->ics = 0;
			s->iectl &= ~(uint32_t)R_IECTL_IP;
		}
		break;
	case R_REG_IECTL: s->iectl = (s->iectl & ~(uint32_t)R_IECTL_IM) | (val & R_IECTL_IM); break;
	default: break; /* IQH, IQER and the rest: read-only or reserved */
	}
}

/* ---- the program -------------------------------------------------------- */

struct cursor {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct cursor *c, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		v |= (uint64_t)(c->n ? *c->p : 0) << (8 * i);
		if (c->n)
			c->p++, c->n--;
	}
	return v;
}

struct run {
	struct env *env;
	struct iommu *mmu;
	struct ref ref;
};

static void reg_write(struct run *r, uint32_t off, unsigned size, uint64_t val)
{
	iommu_reg_write(r->mmu, off, size, val);
	if (off % size)
		return;
	ref_write32(&r->ref, off, (uint32_t)val);
	if (size == 8)
		ref_write32(&r->ref, off + 4, (uint32_t)(val >> 32));
}

static void check(struct run *r)
{
	const struct iommu_stats *st = iommu_stats(r->mmu);
	const struct ref *s = &r->ref;
	struct env *env = r->env;

	if (iommu_reg_read(r->mmu, VTD_REG_IQH, 8) != s->iqh ||
	    iommu_reg_read(r->mmu, VTD_REG_IQT, 8) != s->iqt ||
	    iommu_reg_read(r->mmu, VTD_REG_IQA, 8) != s->iqa ||
	    iommu_reg_read(r->mmu, VTD_REG_IQER, 8) != s->iqer ||
	    iommu_reg_read(r->mmu, VTD_REG_FSTS, 4) != s->fsts ||
	    iommu_reg_read(r->mmu, VTD_REG_ICS, 4) != s->ics ||
	    iommu_reg_read(r->mmu, R_REG_IECTL, 4) != s->iectl ||
	    !(iommu_reg_read(r->mmu, VTD_REG_GSTS, 4) & R_GCMD_QIE) != !s->qies)
		abort();
	if (st->qi_descriptors != s->executed || st->qi_waits != s->waits ||
	    st->qi_aborted != s->aborted || st->qi_errors != s->errors ||
	    st->devtlb_invs != s->devtlb || st->devtlb_timeouts != s->timeouts ||
	    memcmp(st->qi_by_type, s->by_type, sizeof(s->by_type)))
		abort();
	if (env->got.n != env->want.n ||
	    (env->got.n && memcmp(env->got.e, env->want.e, env->got.n * sizeof(struct ev))))
		abort();
	env->got.n = env->want.n = 0;
}

/* A descriptor from the input: its type's defined fields (often a valid
 * descriptor), or arbitrary bits, or one bit flipped; 128 or 256 bits. */
static unsigned make_desc(struct cursor *c, uint64_t qw[4])
{
	unsigned type = (unsigned)take(c, 1), how = (unsigned)take(c, 1);
	bool wide = how & 1;

	qw[0] = take(c, 8), qw[1] = take(c, 8), qw[2] = qw[3] = 0;
	if (!(how & 2)) {
		unsigned t = type % 9;

		qw[0] = (qw[0] & defined[t][0] & ~F_TYPE) | t;
		qw[1] &= defined[t][1];
	}
	if (how & 4)
		qw[how >> 7] ^= 1ull << (how >> 1 & 63);
	if (wide && (how & 0x40))
		qw[2 + (how >> 3 & 1)] = take(c, 8);
	return wide ? 32 : 16;
}

/* One descriptor at a 16-byte aligned offset of the backed memory. */
static void put_desc(struct env *env, struct cursor *c)
{
	uint64_t off = take(c, 2) & (QMEM - 1) & ~0xFull, qw[4];
	unsigned dsz = make_desc(c, qw);

	if (off + dsz <= QMEM)
		memcpy(env->mem + off, qw, dsz);
}

/* One descriptor in every slot of the first pages of memory. */
static void fill_desc(struct env *env, struct cursor *c, unsigned pages)
{
	uint64_t qw[4];
	unsigned dsz = make_desc(c, qw);

	for (uint64_t off = 0; off < pages * 4096ull; off += dsz)
		memcpy(env->mem + off, qw, dsz);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c = {data, size};
	struct env *env = calloc(1, sizeof(*env));
	struct iommu_mem mem = {.ops = &m_ops, .ctx = env};
	struct iommu_config cfg;
	struct run r = {.env = env};
	unsigned flags = (unsigned)take(&c, 1);

	if (!env)
		return 0;
	iommu_config_default(&cfg);
	r.mmu = iommu_create(&cfg, &mem);
	if (!r.mmu)
		abort();
	env->ats = flags & 1;
	env->silent = (flags & 2) ? (unsigned)take(&c, 1) : 0x100;
	if (env->ats)
		iommu_set_ats(r.mmu, &m_ats_ops, env);
	if (iommu_add_qi_observer(r.mmu, (struct iommu_qi_observer){m_desc, m_wait, NULL}, env))
		abort();
	r.ref.env = env;
	if (flags & 4) {
		/* queue at 0, width and size from the flags, enabled */
		reg_write(&r, VTD_REG_IQA, 8, (flags & 8 ? R_IQA_DW : 0) | (flags >> 4 & 7));
		reg_write(&r, VTD_REG_GCMD, 4, R_GCMD_QIE);
	}
	check(&r);

	for (unsigned step = 0; step < 256 && c.n; step++) {
		unsigned op = (unsigned)take(&c, 1);

		switch (op & 15) {
		case 0:
		case 1:
		case 2:
		case 3: put_desc(env, &c); break;
		case 4:
		case 5: reg_write(&r, VTD_REG_IQT, 8, take(&c, 2) << 4); break;
		case 6: reg_write(&r, VTD_REG_FSTS, 4, take(&c, 1)); break;
		case 7: reg_write(&r, VTD_REG_GCMD, 4, (op & 0x10) ? R_GCMD_QIE : 0); break;
		case 8:
			/* IQA: a page in or just beyond the backed memory, any
			 * width and size, reserved bits as written */
			reg_write(&r, VTD_REG_IQA, 8, (take(&c, 1) & 0x1F) << 12 | take(&c, 2));
			break;
		case 9: reg_write(&r, VTD_REG_ICS, 4, take(&c, 4)); break;
		case 10: reg_write(&r, R_REG_IECTL, 4, take(&c, 4)); break;
		case 11: reg_write(&r, VTD_REG_IQH, 8, take(&c, 8)); break;
		case 12:
			/* any access to the queue registers */
			reg_write(&r, 0x80 + (uint32_t)(take(&c, 1) & 0x3C), (op & 0x10) ? 8 : 4,
				  take(&c, 8));
			break;
		case 13:
			if (op & 0x10)
				env->silent = (op & 0x20) ? 0x100 : (unsigned)take(&c, 1);
			else
				fill_desc(env, &c, 1 + (op >> 5));
			break;
		default:
			/* a run of descriptors of one kind, then the tail behind them */
			for (unsigned i = 0, n = 1 + (op >> 4); i < n; i++)
				put_desc(env, &c);
			reg_write(&r, VTD_REG_IQT, 8, take(&c, 2) << 4);
			break;
		}
		check(&r);
	}
	iommu_destroy(r.mmu);
	free(env->got.e);
	free(env->want.e);
	free(env);
	return 0;
}
