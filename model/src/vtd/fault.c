/*
 * Primary fault logging into the fault recording registers (FRCD).
 *
 * Records are written in a ring starting at record 0. A fault is lost,
 * and FSTS.PFO set, when the next record still holds an unserviced fault
 * (F = 1); while PFO is set no fault is recorded. FSTS.PPF is 1 while any
 * record has F = 1, and FSTS.FRI names the record written when PPF rose.
 */
#include "vtd.h"

static uint32_t frcd_off(unsigned i)
{
	return VTD_FRCD_OFFSET + i * VTD_FRCD_SIZE;
}

static bool frcd_pending(const struct iommu *mmu, unsigned i)
{
	return vtd_reg_get64(mmu, frcd_off(i) + 8) & VTD_FRCD_HI_F;
}

bool vtd_fault_record(struct iommu *mmu, const struct vtd_fault_info *f, bool fpd)
{
	uint32_t fsts = vtd_reg_get32(mmu, VTD_REG_FSTS);
	unsigned rec = mmu->fr_next;
	uint64_t hi;

	if (mmu->probe || mmu->quiet)
		return false; /* a reference walk or lookup records nothing */
	/* SPEC(VT-d FPD): fault processing disabled → not recorded or reported. */
	if (fpd) {
		mmu->stats.faults_fpd++;
		return false;
	}
	/* SPEC(VT-d FSTS.PFO): no new faults are recorded while PFO is set;
	 * a fault that finds its record still pending sets PFO and is lost. */
	if ((fsts & VTD_FSTS_PFO) || frcd_pending(mmu, rec)) {
		vtd_reg_set32(mmu, VTD_REG_FSTS, fsts | (uint32_t)VTD_FSTS_PFO);
		mmu->stats.faults_overflow++;
		return false;
	}

	hi = FIELD_PREP64(VTD_FRCD_HI_SID, f->sid) | FIELD_PREP64(VTD_FRCD_HI_FR, f->reason) |
	     VTD_FRCD_HI_F;
	if (f->pasid_present)
		hi |= VTD_FRCD_HI_PP | FIELD_PREP64(VTD_FRCD_HI_PV, f->pasid);
	/* SPEC(VT-d FRCD): type T1:T2 = 00 write, 01 page (translation)
	 * request, 10 read; PRIV and EXE as requested. */
	if (f->page_req)
		hi |= VTD_FRCD_HI_T2;
	else if (f->is_read)
		hi |= VTD_FRCD_HI_T;
	if (f->priv)
		hi |= VTD_FRCD_HI_PRIV;
	if (f->exec)
		hi |= VTD_FRCD_HI_EXE;
	vtd_reg_set64(mmu, frcd_off(rec), f->addr & VTD_FRCD_LO_FI);
	vtd_reg_set64(mmu, frcd_off(rec) + 8, hi);

	if (!(fsts & VTD_FSTS_PPF)) {
		fsts = (fsts & ~(uint32_t)VTD_FSTS_FRI) | (uint32_t)FIELD_PREP64(VTD_FSTS_FRI, rec);
		fsts |= (uint32_t)VTD_FSTS_PPF;
		/* A fault event: interrupt pending until software services it. */
		vtd_reg_set32(mmu, VTD_REG_FECTL,
			      vtd_reg_get32(mmu, VTD_REG_FECTL) | (uint32_t)VTD_FECTL_IP);
	}
	vtd_reg_set32(mmu, VTD_REG_FSTS, fsts);
	mmu->fr_next = (rec + 1) % mmu->cfg.nfr;
	mmu->stats.faults_recorded++;
	return true;
}

void vtd_fault_clear(struct iommu *mmu, unsigned i)
{
	uint32_t fsts = vtd_reg_get32(mmu, VTD_REG_FSTS);
	bool pending = false;

	vtd_reg_set64(mmu, frcd_off(i) + 8, vtd_reg_get64(mmu, frcd_off(i) + 8) & ~VTD_FRCD_HI_F);
	for (unsigned r = 0; r < mmu->cfg.nfr && !pending; r++)
		pending = frcd_pending(mmu, r);
	if (!pending) {
		fsts &= ~(uint32_t)VTD_FSTS_PPF;
		vtd_reg_set32(mmu, VTD_REG_FECTL,
			      vtd_reg_get32(mmu, VTD_REG_FECTL) & ~(uint32_t)VTD_FECTL_IP);
	}
	vtd_reg_set32(mmu, VTD_REG_FSTS, fsts);
}
