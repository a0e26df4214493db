/*
 * Tests of src/vtd/qi.c (and the IQ registers of regs.c): the invalidation
 * queue run directly through IQA/IQH/IQT on an IOMMU without a builder.
 * Every IQE cause with IQEI and the IQH position, resuming after IQE is
 * cleared, invalidation wait (status write, IWC/IP, RW1C), ITE with ITESID
 * and aborted work, QIE resetting IQH, the queue statistics; then the
 * builder's recovery in vtd_builder_submit.
 */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "iommu/ats.h"
#include "iommu/vtd_qi.h"

#define QBASE   0x100000ull /* queue page */
#define STATUS  0x200000ull /* wait status page */
#define ATS_SID 0x0310

struct qfx {
	struct sparse_mem *sm;
	struct unit_mem um;
	struct iommu_mem mem;
	struct iommu *mmu;
	struct ats_bus *bus;
	bool wide;
	uint64_t tail; /* software's tail (bytes) */
};

static void q_program(struct qfx *q, bool wide, unsigned qs)
{
	/* disable, program, enable (enabling resets IQH) */
	iommu_reg_write(q->mmu, VTD_REG_GCMD, 4, 0);
	iommu_reg_write(q->mmu, VTD_REG_IQT, 8, 0);
	iommu_reg_write(q->mmu, VTD_REG_IQA, 8, QBASE | (wide ? VTD_IQA_DW : 0) | qs);
	iommu_reg_write(q->mmu, VTD_REG_GCMD, 4, VTD_GCMD_QIE);
	q->wide = wide;
	q->tail = 0;
}

static bool q_init(struct qfx *q, bool wide)
{
	struct iommu_config cfg;

	memset(q, 0, sizeof(*q));
	iommu_config_default(&cfg);
	q->sm = sparse_mem_create(cfg.haw);
	if (!UNIT_TRUE(q->sm != NULL))
		return false;
	unit_mem_init(&q->um, sparse_mem_handle(q->sm));
	q->mem = unit_mem_handle(&q->um);
	q->mmu = iommu_create(&cfg, &q->mem);
	if (!UNIT_TRUE(q->mmu != NULL)) {
		sparse_mem_destroy(q->sm);
		return false;
	}
	q_program(q, wide, 0);
	return UNIT_TRUE(iommu_reg_read(q->mmu, VTD_REG_GSTS, 4) & VTD_GSTS_QIES);
}

static void q_fini(struct qfx *q)
{
	iommu_destroy(q->mmu);
	ats_bus_destroy(q->bus);
	sparse_mem_destroy(q->sm);
}

static unsigned q_dsz(const struct qfx *q)
{
	return q->wide ? 32 : 16;
}

/* Writes a descriptor at the software tail (no IQT update). */
static void q_put(struct qfx *q, const uint64_t qw[4])
{
	for (unsigned i = 0; i < q_dsz(q) / 8; i++)
		UNIT_EQ_HEX(iommu_mem_write64(&q->um.inner, QBASE + q->tail + 8 * i, qw[i]), 0);
	q->tail = (q->tail + q_dsz(q)) % IOMMU_PAGE_SIZE;
}

static void q_kick(struct qfx *q)
{
	iommu_reg_write(q->mmu, VTD_REG_IQT, 8, q->tail);
}

static void q_submit(struct qfx *q, const uint64_t qw[4])
{
	q_put(q, qw);
	q_kick(q);
}

static uint64_t q_iqh(struct qfx *q)
{
	return iommu_reg_read(q->mmu, VTD_REG_IQH, 8);
}

static uint32_t q_fsts(struct qfx *q)
{
	return (uint32_t)iommu_reg_read(q->mmu, VTD_REG_FSTS, 4);
}

static unsigned q_iqei(struct qfx *q)
{
	return (unsigned)FIELD_GET64(VTD_IQER_IQEI, iommu_reg_read(q->mmu, VTD_REG_IQER, 8));
}

static uint32_t status_word(struct qfx *q, unsigned slot)
{
	uint64_t v = 0;

	iommu_mem_read64(&q->um.inner, STATUS + 8 * slot, &v);
	return (uint32_t)v;
}

static void wait_sw(uint64_t qw[4], unsigned slot, uint32_t data)
{
	vtd_desc_wait(qw, VTD_WAIT_SW, STATUS + 8 * slot, data);
}

static const struct iommu_stats *q_stats(struct qfx *q)
{
	return iommu_stats(q->mmu);
}

/* --- invalidation wait ------------------------------------------------- */

static void test_wait_sw(void)
{
	struct qfx q;
	uint64_t qw[4];
	uint64_t seq0;

	if (!q_init(&q, true))
		return;
	seq0 = iommu_seq(q.mmu);
	wait_sw(qw, 0, 0xCAFEF00D);
	q_submit(&q, qw);
	UNIT_EQ_HEX(status_word(&q, 0), 0xCAFEF00D);
	UNIT_EQ_HEX(q_iqh(&q), 32);
	UNIT_EQ_HEX(q_fsts(&q), 0);
	/* SW only: no completion interrupt */
	UNIT_EQ_HEX(iommu_reg_read(q.mmu, VTD_REG_ICS, 4), 0);
	UNIT_EQ_HEX(iommu_reg_read(q.mmu, VTD_REG_IECTL, 4) & VTD_IECTL_IP, 0);
	UNIT_EQ_HEX(q_stats(&q)->qi_waits, 1);
	UNIT_EQ_HEX(q_stats(&q)->qi_descriptors, 1);
	UNIT_EQ_HEX(q_stats(&q)->qi_by_type[VTD_DESC_WAIT], 1);
	UNIT_EQ_HEX(iommu_seq(q.mmu), seq0 + 1);
	/* Without SW nothing is written. */
	vtd_desc_wait(qw, 0, STATUS + 8, 0x1111);
	q_submit(&q, qw);
	UNIT_EQ_HEX(status_word(&q, 1), 0);
	UNIT_EQ_HEX(q_iqh(&q), 64);
	UNIT_EQ_HEX(q_stats(&q)->qi_waits, 2);
	/* The status address keeps bits [63:2]: 4-byte aligned, not 8. */
	vtd_desc_wait(qw, VTD_WAIT_SW, STATUS + 8 * 2 + 4, 0x2222);
	q_submit(&q, qw);
	UNIT_EQ_HEX(status_word(&q, 2), 0);
	{
		uint64_t v = 0;

		iommu_mem_read64(&q.um.inner, STATUS + 16, &v);
		UNIT_EQ_HEX(v, 0x2222ull << 32);
	}
	q_fini(&q);
}

static void test_wait_if(void)
{
	struct qfx q;
	uint64_t qw[4];

	if (!q_init(&q, true))
		return;
	vtd_desc_wait(qw, VTD_WAIT_IF, 0, 0);
	q_submit(&q, qw);
	UNIT_EQ_HEX(iommu_reg_read(q.mmu, VTD_REG_ICS, 4), VTD_ICS_IWC);
	UNIT_EQ_HEX(iommu_reg_read(q.mmu, VTD_REG_IECTL, 4) & VTD_IECTL_IP, VTD_IECTL_IP);
	/* ICS is RW1C: writing 0 keeps IWC */
	iommu_reg_write(q.mmu, VTD_REG_ICS, 4, 0);
	UNIT_EQ_HEX(iommu_reg_read(q.mmu, VTD_REG_ICS, 4), VTD_ICS_IWC);
	/* IECTL.IM is software's; IP is not writable */
	iommu_reg_write(q.mmu, VTD_REG_IECTL, 4, VTD_IECTL_IM);
	UNIT_EQ_HEX(iommu_reg_read(q.mmu, VTD_REG_IECTL, 4), VTD_IECTL_IM | VTD_IECTL_IP);
	iommu_reg_write(q.mmu, VTD_REG_IECTL, 4, 0);
	UNIT_EQ_HEX(iommu_reg_read(q.mmu, VTD_REG_IECTL, 4), VTD_IECTL_IP);
	/* writing 1 clears IWC, and with it IECTL.IP */
	iommu_reg_write(q.mmu, VTD_REG_ICS, 4, VTD_ICS_IWC);
	UNIT_EQ_HEX(iommu_reg_read(q.mmu, VTD_REG_ICS, 4), 0);
	UNIT_EQ_HEX(iommu_reg_read(q.mmu, VTD_REG_IECTL, 4), 0);
	/* IF and SW together */
	vtd_desc_wait(qw, VTD_WAIT_IF | VTD_WAIT_SW | VTD_WAIT_FN, STATUS, 0x77);
	q_submit(&q, qw);
	UNIT_EQ_HEX(iommu_reg_read(q.mmu, VTD_REG_ICS, 4), VTD_ICS_IWC);
	UNIT_EQ_HEX(status_word(&q, 0), 0x77);
	UNIT_EQ_HEX(q_stats(&q)->qi_waits, 2);
	q_fini(&q);
}

/* --- IQE --------------------------------------------------------------- */

/* Queue [wait 1, bad, wait 2]: the queue stops on bad with iqei, IQH on it,
 * wait 2 not executed; then bad is replaced by wait 3 and IQE cleared: the
 * queue resumes at IQH. */
static void iqe_case(const char *name, bool wide, const uint64_t bad[4], unsigned iqei)
{
	struct qfx q;
	uint64_t qw[4];
	unsigned dsz;

	if (!q_init(&q, wide))
		return;
	dsz = q_dsz(&q);
	wait_sw(qw, 0, 1);
	q_put(&q, qw);
	q_put(&q, bad);
	wait_sw(qw, 1, 2);
	q_put(&q, qw);
	q_kick(&q);
	UNIT_EQ_HEXC(name, q_fsts(&q), VTD_FSTS_IQE);
	UNIT_EQ_HEXC(name, q_iqei(&q), iqei);
	UNIT_EQ_HEXC(name, q_iqh(&q), dsz);
	UNIT_EQ_HEXC(name, status_word(&q, 0), 1);
	UNIT_EQ_HEXC(name, status_word(&q, 1), 0);
	UNIT_EQ_HEXC(name, q_stats(&q)->qi_errors, 1);
	UNIT_EQ_HEXC(name, q_stats(&q)->qi_descriptors, 1);
	/* While IQE is set, moving the tail fetches nothing. */
	wait_sw(qw, 2, 4);
	q_put(&q, qw);
	q_kick(&q);
	UNIT_EQ_HEXC(name, q_iqh(&q), dsz);
	UNIT_EQ_HEXC(name, status_word(&q, 2), 0);
	/* Writing 0 to FSTS leaves IQE set (RW1C). */
	iommu_reg_write(q.mmu, VTD_REG_FSTS, 4, 0);
	UNIT_EQ_HEXC(name, q_fsts(&q), VTD_FSTS_IQE);
	/* Fix the descriptor in memory, clear IQE: the queue resumes at IQH. */
	wait_sw(qw, 3, 3);
	for (unsigned i = 0; i < dsz / 8; i++)
		UNIT_EQ_HEXC(name, iommu_mem_write64(&q.um.inner, QBASE + dsz + 8 * i, qw[i]), 0);
	iommu_reg_write(q.mmu, VTD_REG_FSTS, 4, VTD_FSTS_IQE);
	UNIT_EQ_HEXC(name, q_fsts(&q), 0);
	UNIT_EQ_HEXC(name, q_iqh(&q), 4 * dsz);
	UNIT_EQ_HEXC(name, status_word(&q, 3), 3);
	UNIT_EQ_HEXC(name, status_word(&q, 1), 2);
	UNIT_EQ_HEXC(name, status_word(&q, 2), 4);
	UNIT_EQ_HEXC(name, q_stats(&q)->qi_descriptors, 4);
	UNIT_EQ_HEXC(name, q_stats(&q)->qi_errors, 1);
	q_fini(&q);
}

static void test_iqe_type(void)
{
	uint64_t qw[4] = {0, 0, 0, 0};

	iqe_case("type 0", true, qw, VTD_IQEI_TYPE);
	qw[0] = VTD_DESC_IEC; /* interrupt entry cache: no interrupt remapping */
	iqe_case("type 4 (IEC)", true, qw, VTD_IQEI_TYPE);
	qw[0] = 0x9;
	iqe_case("type 9", true, qw, VTD_IQEI_TYPE);
	qw[0] = 0xF;
	iqe_case("type 0xF", true, qw, VTD_IQEI_TYPE);
	qw[0] = VTD_DESC_CC | 1u << 4 | 1u << 9; /* type[6:4] = 1: type 0x11 */
	iqe_case("type 0x11", true, qw, VTD_IQEI_TYPE);
	qw[0] = VTD_DESC_WAIT | 4u << 9; /* type 0x45 */
	iqe_case("type 0x45 (128-bit)", false, qw, VTD_IQEI_TYPE);
}

static void test_iqe_rsvd(void)
{
	uint64_t qw[4];

	vtd_desc_iotlb(qw, VTD_IOTLB_PAGE, 1, 0x5000, 0, false);
	qw[1] |= 1u << 7;
	iqe_case("IOTLB QW1 bit 7", true, qw, VTD_IQEI_RSVD);
	vtd_desc_iotlb(qw, VTD_IOTLB_GLOBAL, 0, 0, 0, false);
	qw[0] |= 1ull << 40;
	iqe_case("IOTLB QW0 bit 40", true, qw, VTD_IQEI_RSVD);
	vtd_desc_iotlb(qw, 0, 1, 0, 0, false);
	iqe_case("IOTLB G 0", true, qw, VTD_IQEI_RSVD);
	vtd_desc_cc(qw, 0, 0, 0, 0);
	iqe_case("CC G 0", true, qw, VTD_IQEI_RSVD);
	vtd_desc_cc(qw, VTD_CC_GLOBAL, 0, 0, 0);
	qw[1] = 1;
	iqe_case("CC QW1", true, qw, VTD_IQEI_RSVD);
	vtd_desc_cc(qw, VTD_CC_GLOBAL, 0, 0, 0);
	qw[2] = 1ull << 63;
	iqe_case("CC QW2 (256-bit)", true, qw, VTD_IQEI_RSVD);
	vtd_desc_cc(qw, VTD_CC_GLOBAL, 0, 0, 0);
	qw[3] = 1;
	iqe_case("CC QW3 (256-bit)", true, qw, VTD_IQEI_RSVD);
	vtd_desc_pc(qw, 2, 1, 1);
	iqe_case("PC G 2", true, qw, VTD_IQEI_RSVD);
	vtd_desc_pc(qw, VTD_PC_ALL, 0, 0);
	qw[0] |= 1ull << 60;
	iqe_case("PC QW0 bit 60", true, qw, VTD_IQEI_RSVD);
	vtd_desc_piotlb(qw, 1, 1, 1, 0, 0, false);
	iqe_case("P_IOTLB G 1", true, qw, VTD_IQEI_RSVD);
	vtd_desc_piotlb(qw, 0, 1, 1, 0, 0, false);
	iqe_case("P_IOTLB G 0", true, qw, VTD_IQEI_RSVD);
	vtd_desc_piotlb(qw, VTD_PIOTLB_PSI, 1, 1, 0x3000, 0, false);
	qw[1] |= 1u << 8;
	iqe_case("P_IOTLB QW1 bit 8", true, qw, VTD_IQEI_RSVD);
	vtd_desc_wait(qw, VTD_WAIT_SW, STATUS, 1);
	qw[1] |= 1;
	iqe_case("wait QW1 bit 0", true, qw, VTD_IQEI_RSVD);
	vtd_desc_wait(qw, VTD_WAIT_SW, STATUS, 1);
	qw[0] |= 1u << 8;
	iqe_case("wait QW0 bit 8", true, qw, VTD_IQEI_RSVD);
	vtd_desc_devtlb(qw, 0x10, 0x4000, IOMMU_PAGE_SIZE);
	qw[1] |= 2;
	iqe_case("device-TLB QW1 bit 1", true, qw, VTD_IQEI_RSVD);
	vtd_desc_devtlb(qw, 0x10, 0x4000, IOMMU_PAGE_SIZE);
	qw[0] |= 1u << 21;
	iqe_case("device-TLB QW0 bit 21", true, qw, VTD_IQEI_RSVD);
	vtd_desc_pdevtlb(qw, 0x10, 5, false, 0x4000, IOMMU_PAGE_SIZE);
	qw[1] |= 1u << 5;
	iqe_case("PASID device-TLB QW1 bit 5", true, qw, VTD_IQEI_RSVD);
	vtd_desc_iotlb(qw, VTD_IOTLB_PAGE, 1, 0x5000, 0, false);
	qw[1] |= 1u << 11;
	iqe_case("IOTLB QW1 bit 11 (128-bit)", false, qw, VTD_IQEI_RSVD);
}

/* PASID-granular descriptors need the 256-bit format. */
static void test_iqe_width(void)
{
	uint64_t qw[4];

	vtd_desc_piotlb(qw, VTD_PIOTLB_ALL, 1, 1, 0, 0, false);
	iqe_case("P_IOTLB in 128-bit", false, qw, VTD_IQEI_WIDTH);
	vtd_desc_pc(qw, VTD_PC_ALL, 0, 0);
	iqe_case("PC in 128-bit", false, qw, VTD_IQEI_WIDTH);
	vtd_desc_pdevtlb(qw, 0x10, 5, true, 0, 0);
	iqe_case("P_DEVTLB in 128-bit", false, qw, VTD_IQEI_WIDTH);
	/* the width check comes before the reserved-field check */
	vtd_desc_pc(qw, 2, 0, 0);
	iqe_case("PC G 2 in 128-bit", false, qw, VTD_IQEI_WIDTH);
	/* the same descriptors run in 256-bit mode */
	{
		struct qfx q;

		if (!q_init(&q, true))
			return;
		vtd_desc_piotlb(qw, VTD_PIOTLB_ALL, 1, 1, 0, 0, false);
		q_submit(&q, qw);
		vtd_desc_pc(qw, VTD_PC_ALL, 0, 0);
		q_submit(&q, qw);
		vtd_desc_pdevtlb(qw, 0x10, 5, true, 0, 0);
		q_submit(&q, qw);
		UNIT_EQ_HEX(q_fsts(&q), 0);
		UNIT_EQ_HEX(q_iqh(&q), 96);
		UNIT_EQ_HEX(q_stats(&q)->qi_by_type[VTD_DESC_PIOTLB], 1);
		UNIT_EQ_HEX(q_stats(&q)->qi_by_type[VTD_DESC_PC], 1);
		UNIT_EQ_HEX(q_stats(&q)->qi_by_type[VTD_DESC_PDEVTLB], 1);
		UNIT_EQ_HEX(q_stats(&q)->devtlb_invs, 1);
		q_fini(&q);
	}
}

/* 128-bit mode runs the legacy-format types, 16 bytes apart. */
static void test_narrow_queue(void)
{
	struct qfx q;
	uint64_t qw[4];

	if (!q_init(&q, false))
		return;
	vtd_desc_cc(qw, VTD_CC_GLOBAL, 0, 0, 0);
	q_put(&q, qw);
	vtd_desc_iotlb(qw, VTD_IOTLB_GLOBAL, 0, 0, 0, false);
	q_put(&q, qw);
	vtd_desc_devtlb(qw, 0x10, 0, 0);
	q_put(&q, qw);
	wait_sw(qw, 0, 0x99);
	q_put(&q, qw);
	q_kick(&q);
	UNIT_EQ_HEX(q_fsts(&q), 0);
	UNIT_EQ_HEX(q_iqh(&q), 64);
	UNIT_EQ_HEX(status_word(&q, 0), 0x99);
	UNIT_EQ_HEX(q_stats(&q)->qi_descriptors, 4);
	/* IQT[4] set is fine with 128-bit descriptors */
	UNIT_EQ_HEX(q_iqh(&q) & 0x10, 0);
	wait_sw(qw, 1, 0x9A);
	q_submit(&q, qw);
	UNIT_EQ_HEX(q_iqh(&q), 0x50);
	UNIT_EQ_HEX(q_fsts(&q), 0);
	q_fini(&q);
}

static void test_iqe_tail(void)
{
	struct qfx q;
	uint64_t qw[4];

	/* IQT[4] = 1 with 256-bit descriptors → IQEI 6, nothing fetched */
	if (!q_init(&q, true))
		return;
	wait_sw(qw, 0, 1);
	q_put(&q, qw);
	iommu_reg_write(q.mmu, VTD_REG_IQT, 8, 0x10);
	UNIT_EQ_HEX(q_fsts(&q), VTD_FSTS_IQE);
	UNIT_EQ_HEX(q_iqei(&q), VTD_IQEI_TAIL_MISALIGN);
	UNIT_EQ_HEX(q_iqh(&q), 0);
	UNIT_EQ_HEX(status_word(&q, 0), 0);
	UNIT_EQ_HEX(q_stats(&q)->qi_errors, 1);
	/* software fixes the tail and clears IQE */
	iommu_reg_write(q.mmu, VTD_REG_IQT, 8, 0x20);
	iommu_reg_write(q.mmu, VTD_REG_FSTS, 4, VTD_FSTS_IQE);
	UNIT_EQ_HEX(q_fsts(&q), 0);
	UNIT_EQ_HEX(q_iqh(&q), 0x20);
	UNIT_EQ_HEX(status_word(&q, 0), 1);
	q_fini(&q);

	/* IQT beyond a 4 KiB queue (QS = 0) → IQEI 1 */
	if (!q_init(&q, true))
		return;
	iommu_reg_write(q.mmu, VTD_REG_IQT, 8, 0x1000);
	UNIT_EQ_HEX(q_fsts(&q), VTD_FSTS_IQE);
	UNIT_EQ_HEX(q_iqei(&q), VTD_IQEI_TAIL_BEYOND);
	UNIT_EQ_HEX(q_iqh(&q), 0);
	q_fini(&q);

	/* with QS = 1 (8 KiB) the same tail is inside the queue: 128 waits
	 * run up to it */
	if (!q_init(&q, true))
		return;
	q_program(&q, true, 1);
	for (unsigned i = 0; i < 128; i++) {
		vtd_desc_wait(qw, 0, 0, 0);
		q_put(&q, qw);
	}
	iommu_reg_write(q.mmu, VTD_REG_IQT, 8, 0x1000);
	UNIT_EQ_HEX(q_fsts(&q), 0);
	UNIT_EQ_HEX(q_iqh(&q), 0x1000);
	UNIT_EQ_HEX(q_stats(&q)->qi_waits, 128);
	q_fini(&q);
}

/* IQEI 2: the descriptor cannot be read. */
static void test_iqe_fetch(void)
{
	struct qfx q;
	uint64_t qw[4];

	if (!q_init(&q, true))
		return;
	wait_sw(qw, 0, 1);
	q_submit(&q, qw);
	unit_mem_fail_read(&q.um, QBASE);
	wait_sw(qw, 1, 2);
	q_submit(&q, qw);
	UNIT_EQ_HEX(q_fsts(&q), VTD_FSTS_IQE);
	UNIT_EQ_HEX(q_iqei(&q), VTD_IQEI_FETCH);
	UNIT_EQ_HEX(q_iqh(&q), 32);
	UNIT_EQ_HEX(status_word(&q, 1), 0);
	/* memory works again, IQE cleared: the same descriptor runs */
	unit_mem_heal(&q.um);
	iommu_reg_write(q.mmu, VTD_REG_FSTS, 4, VTD_FSTS_IQE);
	UNIT_EQ_HEX(q_fsts(&q), 0);
	UNIT_EQ_HEX(q_iqh(&q), 64);
	UNIT_EQ_HEX(status_word(&q, 1), 2);
	q_fini(&q);
}

/* IQEI is replaced by the next error, not accumulated. */
static void test_iqe_iqei_replaced(void)
{
	struct qfx q;
	uint64_t qw[4] = {0, 0, 0, 0};

	if (!q_init(&q, true))
		return;
	q_submit(&q, qw); /* type 0 */
	UNIT_EQ_HEX(q_iqei(&q), VTD_IQEI_TYPE);
	vtd_desc_cc(qw, 0, 0, 0, 0); /* CC G 0: reserved */
	for (unsigned i = 0; i < 4; i++)
		UNIT_EQ_HEX(iommu_mem_write64(&q.um.inner, QBASE + 8 * i, qw[i]), 0);
	iommu_reg_write(q.mmu, VTD_REG_FSTS, 4, VTD_FSTS_IQE);
	UNIT_EQ_HEX(q_fsts(&q), VTD_FSTS_IQE);
	UNIT_EQ_HEX(q_iqei(&q), VTD_IQEI_RSVD);
	UNIT_EQ_HEX(q_iqh(&q), 0);
	UNIT_EQ_HEX(q_stats(&q)->qi_errors, 2);
	q_fini(&q);
}

/* IQA.DW set while the queue is enabled, with IQH [4] set by 128-bit
 * descriptors: in 256-bit mode the head index is IQH [18:5], so fetching
 * starts at the 32-byte slot holding the old head (here 0), not 16 bytes
 * into it, and the queue stops at the tail. */
static void test_width_change_enabled(void)
{
	struct qfx q;
	uint64_t qw[4];

	if (!q_init(&q, false))
		return;
	wait_sw(qw, 0, 1);
	q_submit(&q, qw);
	UNIT_EQ_HEX(q_iqh(&q), 16);
	iommu_reg_write(q.mmu, VTD_REG_IQA, 8, QBASE | VTD_IQA_DW);
	q.wide = true;
	q.tail = 0;
	wait_sw(qw, 1, 2);
	q_put(&q, qw);
	wait_sw(qw, 2, 3);
	q_submit(&q, qw);
	UNIT_EQ_HEX(q_fsts(&q), 0);
	UNIT_EQ_HEX(q_iqh(&q), 64);
	UNIT_EQ_HEX(status_word(&q, 1), 2);
	UNIT_EQ_HEX(status_word(&q, 2), 3);
	UNIT_EQ_HEX(q_stats(&q)->qi_waits, 3);
	/* and the head never steps over the tail: one more round */
	wait_sw(qw, 3, 4);
	q_submit(&q, qw);
	UNIT_EQ_HEX(q_iqh(&q), 96);
	UNIT_EQ_HEX(q_stats(&q)->qi_waits, 4);
	q_fini(&q);
}

/* --- wrap and QIE ------------------------------------------------------ */

static void test_wrap(void)
{
	struct qfx q;
	uint64_t qw[4];

	if (!q_init(&q, true))
		return;
	/* 130 waits through a 128-entry queue, submitted one by one */
	for (uint32_t i = 0; i < 130; i++) {
		wait_sw(qw, i % 4, i + 1);
		q_submit(&q, qw);
	}
	UNIT_EQ_HEX(q_iqh(&q), 2 * 32);
	UNIT_EQ_HEX(q_fsts(&q), 0);
	UNIT_EQ_HEX(status_word(&q, 129 % 4), 130);
	UNIT_EQ_HEX(q_stats(&q)->qi_waits, 130);
	/* a batch across the end: from 0xFC0 to 0x040 */
	q_program(&q, true, 0);
	for (uint32_t i = 0; i < 126; i++) {
		wait_sw(qw, 0, i);
		q_submit(&q, qw);
	}
	UNIT_EQ_HEX(q_iqh(&q), 0xFC0);
	for (uint32_t i = 0; i < 4; i++) {
		wait_sw(qw, 1 + i, 0x100 + i);
		q_put(&q, qw);
	}
	q_kick(&q);
	UNIT_EQ_HEX(q_iqh(&q), 0x40);
	for (uint32_t i = 0; i < 4; i++)
		UNIT_EQ_HEXC("batch across the end", status_word(&q, 1 + i), 0x100 + i);
	q_fini(&q);
}

static void test_qie(void)
{
	struct qfx q;
	uint64_t qw[4];

	if (!q_init(&q, true))
		return;
	wait_sw(qw, 0, 1);
	q_submit(&q, qw);
	q_submit(&q, qw);
	UNIT_EQ_HEX(q_iqh(&q), 64);
	/* GCMD with QIE again while enabled: IQH kept */
	iommu_reg_write(q.mmu, VTD_REG_GCMD, 4, VTD_GCMD_QIE);
	UNIT_EQ_HEX(q_iqh(&q), 64);
	/* disabled: the tail moves, nothing runs */
	iommu_reg_write(q.mmu, VTD_REG_GCMD, 4, 0);
	UNIT_EQ_HEX(iommu_reg_read(q.mmu, VTD_REG_GSTS, 4) & VTD_GSTS_QIES, 0);
	wait_sw(qw, 1, 2);
	q_submit(&q, qw);
	UNIT_EQ_HEX(q_iqh(&q), 64);
	UNIT_EQ_HEX(status_word(&q, 1), 0);
	UNIT_EQ_HEX(q_stats(&q)->qi_waits, 2);
	/* software resets the tail; enabling resets IQH */
	iommu_reg_write(q.mmu, VTD_REG_IQT, 8, 0);
	iommu_reg_write(q.mmu, VTD_REG_GCMD, 4, VTD_GCMD_QIE);
	UNIT_EQ_HEX(iommu_reg_read(q.mmu, VTD_REG_GSTS, 4) & VTD_GSTS_QIES, VTD_GSTS_QIES);
	UNIT_EQ_HEX(q_iqh(&q), 0);
	/* IQH is read-only */
	iommu_reg_write(q.mmu, VTD_REG_IQH, 8, 0x40);
	UNIT_EQ_HEX(q_iqh(&q), 0);
	q.tail = 0;
	wait_sw(qw, 2, 3);
	q_submit(&q, qw);
	UNIT_EQ_HEX(q_iqh(&q), 32);
	UNIT_EQ_HEX(status_word(&q, 2), 3);
	q_fini(&q);
}

/* --- ITE --------------------------------------------------------------- */

static struct ats_dev *q_ats(struct qfx *q, uint16_t sid)
{
	const struct iommu_cache_geom g = {16, 4, IOMMU_REPL_LRU};
	struct ats_dev *d = ats_dev_create(sid, &g, 1);

	if (!q->bus) {
		q->bus = ats_bus_create();
		ats_bus_connect(q->bus, q->mmu);
	}
	if (!UNIT_TRUE(d != NULL))
		return NULL;
	UNIT_EQ_HEX(ats_bus_add(q->bus, d), 0);
	return d;
}

static void ite_case(const char *name, const uint64_t inv[4], uint16_t sid)
{
	struct qfx q;
	struct ats_dev *d;
	uint64_t qw[4];

	if (!q_init(&q, true))
		return;
	d = q_ats(&q, ATS_SID);
	if (!d) {
		q_fini(&q);
		return;
	}
	/* answering endpoint: the invalidation completes */
	q_submit(&q, inv);
	UNIT_EQ_HEXC(name, q_fsts(&q), 0);
	UNIT_EQ_HEXC(name, q_stats(&q)->devtlb_invs, 1);
	/* silent endpoint: [wait 1, inv, wait 2, IOTLB global, wait 3] */
	ats_dev_set_responsive(d, false);
	wait_sw(qw, 0, 1);
	q_put(&q, qw);
	q_put(&q, inv);
	wait_sw(qw, 1, 2);
	q_put(&q, qw);
	vtd_desc_iotlb(qw, VTD_IOTLB_GLOBAL, 0, 0, 0, false);
	q_put(&q, qw);
	wait_sw(qw, 2, 3);
	q_put(&q, qw);
	q_kick(&q);
	UNIT_EQ_HEXC(name, q_fsts(&q), VTD_FSTS_ITE);
	UNIT_EQ_HEXC(name, FIELD_GET64(VTD_IQER_ITESID, iommu_reg_read(q.mmu, VTD_REG_IQER, 8)),
		     sid);
	UNIT_EQ_HEXC(name, q_iqei(&q), 0);
	/* the work behind it is aborted: IQH = IQT, nothing executed */
	UNIT_EQ_HEXC(name, q_iqh(&q), q.tail);
	UNIT_EQ_HEXC(name, status_word(&q, 0), 1);
	UNIT_EQ_HEXC(name, status_word(&q, 1), 0);
	UNIT_EQ_HEXC(name, status_word(&q, 2), 0);
	UNIT_EQ_HEXC(name, q_stats(&q)->qi_aborted, 3);
	UNIT_EQ_HEXC(name, q_stats(&q)->qi_by_type[VTD_DESC_IOTLB], 0);
	UNIT_EQ_HEXC(name, q_stats(&q)->devtlb_invs, 2);
	UNIT_EQ_HEXC(name, q_stats(&q)->devtlb_timeouts, 1);
	UNIT_EQ_HEXC(name, q_stats(&q)->qi_waits, 1);
	/* the timed-out descriptor does not count as executed */
	UNIT_EQ_HEXC(name, q_stats(&q)->qi_descriptors, 2);
	UNIT_EQ_HEXC(name, q_stats(&q)->qi_errors, 0);
	/* no fetching while ITE is set */
	wait_sw(qw, 3, 4);
	q_submit(&q, qw);
	UNIT_EQ_HEXC(name, status_word(&q, 3), 0);
	UNIT_EQ_HEXC(name, q_iqh(&q), q.tail - 32);
	/* clearing ITE resumes with what was queued since */
	iommu_reg_write(q.mmu, VTD_REG_FSTS, 4, VTD_FSTS_ITE);
	UNIT_EQ_HEXC(name, q_fsts(&q), 0);
	UNIT_EQ_HEXC(name, status_word(&q, 3), 4);
	UNIT_EQ_HEXC(name, q_iqh(&q), q.tail);
	q_fini(&q);
}

static void test_ite(void)
{
	uint64_t qw[4];

	vtd_desc_devtlb(qw, ATS_SID, 0x7000, IOMMU_PAGE_SIZE);
	ite_case("device-TLB", qw, ATS_SID);
	vtd_desc_pdevtlb(qw, ATS_SID, 0x44, false, 0, 0);
	ite_case("PASID device-TLB", qw, ATS_SID);
}

/* A device-TLB invalidation to a SID with no endpoint (or no bus at all)
 * completes. */
static void test_devtlb_no_endpoint(void)
{
	struct qfx q;
	uint64_t qw[4];

	if (!q_init(&q, true))
		return;
	vtd_desc_devtlb(qw, 0x1234, 0, 0);
	q_submit(&q, qw);
	UNIT_EQ_HEX(q_fsts(&q), 0);
	if (q_ats(&q, ATS_SID)) {
		q_submit(&q, qw); /* bus connected, other SID */
		UNIT_EQ_HEX(q_fsts(&q), 0);
	}
	UNIT_EQ_HEX(q_stats(&q)->devtlb_invs, 2);
	UNIT_EQ_HEX(q_stats(&q)->devtlb_timeouts, 0);
	UNIT_EQ_HEX(q_stats(&q)->qi_by_type[VTD_DESC_DEVTLB], 2);
	q_fini(&q);
}

/* Statistics over a mixed run, counted here from what was queued. */
static void test_stats(void)
{
	struct qfx q;
	uint64_t qw[4];
	uint64_t seq0;

	if (!q_init(&q, true))
		return;
	seq0 = iommu_seq(q.mmu);
	vtd_desc_cc(qw, VTD_CC_DEVICE, 0, 0x100, 2);
	q_put(&q, qw);
	vtd_desc_pc(qw, VTD_PC_PASID_SEL, 3, 4);
	q_put(&q, qw);
	vtd_desc_iotlb(qw, VTD_IOTLB_DOMAIN, 3, 0, 0, false);
	q_put(&q, qw);
	vtd_desc_piotlb(qw, VTD_PIOTLB_PSI, 3, 4, 0x10000, 4, true);
	q_put(&q, qw);
	vtd_desc_devtlb(qw, 0x100, 0x10000, 0x10000);
	q_put(&q, qw);
	vtd_desc_pdevtlb(qw, 0x100, 4, false, 0x10000, 0x10000);
	q_put(&q, qw);
	wait_sw(qw, 0, 1);
	q_put(&q, qw);
	q_kick(&q);
	UNIT_EQ_HEX(q_fsts(&q), 0);
	UNIT_EQ_HEX(q_stats(&q)->qi_descriptors, 7);
	UNIT_EQ_HEX(iommu_seq(q.mmu), seq0 + 7);
	for (unsigned t = 1; t <= 8; t++)
		UNIT_EQ_HEXC("one of each type but IEC", q_stats(&q)->qi_by_type[t],
			     t == VTD_DESC_IEC ? 0 : 1);
	UNIT_EQ_HEX(q_stats(&q)->qi_waits, 1);
	UNIT_EQ_HEX(q_stats(&q)->devtlb_invs, 2);
	UNIT_EQ_HEX(q_stats(&q)->qi_errors, 0);
	/* an error adds to qi_errors only */
	qw[0] = 0;
	qw[1] = 0;
	q_submit(&q, qw);
	UNIT_EQ_HEX(q_stats(&q)->qi_errors, 1);
	UNIT_EQ_HEX(q_stats(&q)->qi_descriptors, 7);
	q_fini(&q);
}

/* --- the builder as a driver -------------------------------------------- */

static void test_builder_recovery(void)
{
	struct iommu_config cfg;
	struct unit_fx fx;
	uint64_t qw[4] = {0, 0, 0, 0};

	iommu_config_default(&cfg);
	if (!unit_fx_init(&fx, &cfg, NULL))
		return;
	UNIT_EQ_HEX(vtd_builder_wait(fx.b), 0);
	UNIT_EQ_HEX(vtd_builder_submit(fx.b, qw), -IOMMU_EIO);
	UNIT_TRUE(strstr(vtd_builder_error(fx.b), "IQEI 3") != NULL);
	UNIT_EQ_HEX(vtd_builder_queue_errors(fx.b), 1);
	/* recovered: IQE cleared and the queue usable */
	UNIT_EQ_HEX(iommu_reg_read(fx.mmu, VTD_REG_FSTS, 4) & VTD_FSTS_IQE, 0);
	UNIT_EQ_HEX(vtd_builder_wait(fx.b), 0);
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->qi_errors, 1);
	UNIT_EQ_HEX(iommu_stats(fx.mmu)->qi_waits, 3); /* 2 waits + the no-op */
	vtd_desc_pc(qw, 2, 0, 0);
	UNIT_EQ_HEX(vtd_builder_submit(fx.b, qw), -IOMMU_EIO);
	UNIT_TRUE(strstr(vtd_builder_error(fx.b), "IQEI 4") != NULL);
	UNIT_EQ_HEX(vtd_builder_wait(fx.b), 0);
	UNIT_EQ_HEX(vtd_builder_queue_errors(fx.b), 2);
	unit_fx_fini(&fx);
}

void unit_register(void)
{
	static const struct unit_test qi_tests[] = {
		{"wait: SW status write", test_wait_sw},
		{"wait: IF sets ICS.IWC and IECTL.IP, RW1C", test_wait_if},
		{"IQE: invalid type (IQEI 3), resume", test_iqe_type},
		{"IQE: reserved fields (IQEI 4), resume", test_iqe_rsvd},
		{"IQE: PASID types in 128-bit mode (IQEI 5)", test_iqe_width},
		{"128-bit queue", test_narrow_queue},
		{"IQE: tail misaligned (6) and beyond (1)", test_iqe_tail},
		{"IQE: fetch error (IQEI 2)", test_iqe_fetch},
		{"IQE: IQEI replaced by the next error", test_iqe_iqei_replaced},
		{"queue wrap", test_wrap},
		{"256-bit mode set while enabled: head index IQH [18:5]",
		 test_width_change_enabled},
		{"QIE enable resets IQH", test_qie},
		{"ITE: ITESID, aborted work, resume", test_ite},
		{"device-TLB invalidation without endpoint", test_devtlb_no_endpoint},
		{"statistics", test_stats},
		{"builder: submit recovers from IQE", test_builder_recovery},
		{NULL, NULL},
	};

	unit_add_suite("qi", qi_tests);
}
