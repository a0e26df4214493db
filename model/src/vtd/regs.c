/*
 * VT-d register file. Software-visible state lives in mmu->regs exactly as
 * read back; writes go through per-register rules (read-only, write-1-to-
 * clear, command registers). 8-byte accesses are handled as two dwords,
 * low first, as a 64-bit MMIO write reaches a real register file.
 */
#include <assert.h>
#include <string.h>

#include "vtd.h"

uint32_t vtd_reg_get32(const struct iommu *mmu, uint32_t off)
{
	const uint8_t *p = &mmu->regs[off];

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void vtd_reg_set32(struct iommu *mmu, uint32_t off, uint32_t val)
{
	for (int i = 0; i < 4; i++)
		mmu->regs[off + i] = (uint8_t)(val >> (8 * i));
}

uint64_t vtd_reg_get64(const struct iommu *mmu, uint32_t off)
{
	return (uint64_t)vtd_reg_get32(mmu, off) | (uint64_t)vtd_reg_get32(mmu, off + 4) << 32;
}

void vtd_reg_set64(struct iommu *mmu, uint32_t off, uint64_t val)
{
	vtd_reg_set32(mmu, off, (uint32_t)val);
	vtd_reg_set32(mmu, off + 4, (uint32_t)(val >> 32));
}

static uint64_t vtd_cap_value(const struct iommu_config *c)
{
	uint64_t cap = 0;

	cap |= FIELD_PREP64(VTD_CAP_ND, 6); /* 2^16 domain IDs */
	cap |= FIELD_PREP64(VTD_CAP_SAGAW, c->sagaw);
	cap |= FIELD_PREP64(VTD_CAP_MGAW, c->mgaw - 1);
	cap |= FIELD_PREP64(VTD_CAP_FRO, VTD_FRCD_OFFSET / 16);
	cap |= FIELD_PREP64(VTD_CAP_SLLPS,
			    (c->sl_2m ? VTD_SLLPS_2M : 0) | (c->sl_1g ? VTD_SLLPS_1G : 0));
	cap |= FIELD_PREP64(VTD_CAP_NFR, c->nfr - 1);
	/* Page-selective invalidation, up to 2^18 pages per descriptor. */
	cap |= VTD_CAP_PSI | FIELD_PREP64(VTD_CAP_MAMV, VTD_MAMV);
	if (c->fl_1g)
		cap |= VTD_CAP_FL1GP;
	if (c->fl_5level)
		cap |= VTD_CAP_FL5LP;
	return cap;
}

static uint64_t vtd_ecap_value(const struct iommu_config *c)
{
	uint64_t ecap = VTD_ECAP_C | VTD_ECAP_QI | VTD_ECAP_DT | VTD_ECAP_PASID | VTD_ECAP_SMTS |
			VTD_ECAP_FLTS | VTD_ECAP_SLTS | VTD_ECAP_SMPWC;

	ecap |= FIELD_PREP64(VTD_ECAP_PSS, c->pasid_bits - 1);
	if (c->pass_through)
		ecap |= VTD_ECAP_PT;
	if (c->nested)
		ecap |= VTD_ECAP_NEST;
	if (c->exec_req)
		ecap |= VTD_ECAP_ERS;
	if (c->super_req)
		ecap |= VTD_ECAP_SRS;
	if (c->sl_ad)
		ecap |= VTD_ECAP_SLADS;
	if (c->rid_pasid)
		ecap |= VTD_ECAP_RPS;
	/* SPEC(VT-d ECAP.PDS): the page-request drain of waits (PD) comes
	 * with page requests. Without it PD drains nothing (no page request
	 * is ever received) and is ignored. */
	if (c->page_req)
		ecap |= VTD_ECAP_PRS | VTD_ECAP_PDS;
	return ecap;
}

void vtd_regs_reset(struct iommu *mmu)
{
	memset(mmu->regs, 0, sizeof(mmu->regs));
	vtd_reg_set32(mmu, VTD_REG_VER, VTD_VER_VALUE);
	vtd_reg_set64(mmu, VTD_REG_CAP, vtd_cap_value(&mmu->cfg));
	vtd_reg_set64(mmu, VTD_REG_ECAP, vtd_ecap_value(&mmu->cfg));
	mmu->root_active = 0;
	mmu->fr_next = 0;
	vtd_prq_reset(mmu);
}

/* SPEC(VT-d GCMD): TE/QIE are levels, SRTP is one-shot; GSTS reflects them. */
static void vtd_gcmd_write(struct iommu *mmu, uint32_t val)
{
	uint32_t gsts = vtd_reg_get32(mmu, VTD_REG_GSTS);

	if (val & VTD_GCMD_SRTP) {
		mmu->root_active = vtd_reg_get64(mmu, VTD_REG_RTADDR);
		gsts |= (uint32_t)VTD_GSTS_RTPS;
	}
	if (val & VTD_GCMD_TE)
		gsts |= (uint32_t)VTD_GSTS_TES;
	else
		gsts &= ~(uint32_t)VTD_GSTS_TES;
	/* SPEC(VT-d GCMD.QIE): enabling queued invalidation resets IQH. */
	if ((val & VTD_GCMD_QIE) && !(gsts & VTD_GSTS_QIES))
		vtd_reg_set64(mmu, VTD_REG_IQH, 0);
	if (val & VTD_GCMD_QIE)
		gsts |= (uint32_t)VTD_GSTS_QIES;
	else
		gsts &= ~(uint32_t)VTD_GSTS_QIES;
	vtd_reg_set32(mmu, VTD_REG_GSTS, gsts);
	vtd_qi_run(mmu);
}

static bool vtd_is_frcd(const struct iommu *mmu, uint32_t off, unsigned *idx)
{
	if (off < VTD_FRCD_OFFSET || off >= VTD_FRCD_OFFSET + mmu->cfg.nfr * VTD_FRCD_SIZE)
		return false;
	*idx = (off - VTD_FRCD_OFFSET) / VTD_FRCD_SIZE;
	return true;
}

static void vtd_reg_write32(struct iommu *mmu, uint32_t off, uint32_t val)
{
	unsigned rec;

	if (vtd_prq_reg_write32(mmu, off, val))
		return;
	switch (off) {
	case VTD_REG_GCMD: vtd_gcmd_write(mmu, val); return;
	case VTD_REG_RTADDR:
		vtd_reg_set32(mmu, off, val & (uint32_t)(VTD_RTADDR_RTA | VTD_RTADDR_TTM));
		return;
	case VTD_REG_RTADDR + 4:
	case VTD_REG_FEDATA:
	case VTD_REG_FEADDR:
	case VTD_REG_FEUADDR:
	case VTD_REG_IQA + 4: vtd_reg_set32(mmu, off, val); return;
	case VTD_REG_IQA:
		vtd_reg_set32(mmu, off, val & ~0x7F8u); /* [10:3] reserved */
		return;
	case VTD_REG_IQT:
		/* SPEC(VT-d IQT): software moving the tail starts the queue. */
		vtd_reg_set32(mmu, off, val & (uint32_t)VTD_IQ_QH);
		vtd_qi_run(mmu);
		return;
	case VTD_REG_ICS:
		/* SPEC(VT-d ICS): IWC is RW1C; clearing it clears IECTL.IP. */
		if (val & VTD_ICS_IWC) {
			vtd_reg_set32(mmu, off, 0);
			vtd_reg_set32(mmu, VTD_REG_IECTL,
				      vtd_reg_get32(mmu, VTD_REG_IECTL) & ~(uint32_t)VTD_IECTL_IP);
		}
		return;
	case VTD_REG_IECTL:
		vtd_reg_set32(mmu, off,
			      (vtd_reg_get32(mmu, off) & ~(uint32_t)VTD_IECTL_IM) |
				      (val & (uint32_t)VTD_IECTL_IM));
		return;
	case VTD_REG_FECTL:
		vtd_reg_set32(mmu, off,
			      (vtd_reg_get32(mmu, off) & ~(uint32_t)VTD_FECTL_IM) |
				      (val & (uint32_t)VTD_FECTL_IM));
		return;
	case VTD_REG_FSTS:
		/* SPEC(VT-d FSTS): PFO, IQE, ICE, ITE are RW1C; PPF and FRI are RO. */
		vtd_reg_set32(mmu, off, vtd_reg_get32(mmu, off) & ~(val & (uint32_t)VTD_FSTS_RW1C));
		/* SPEC(VT-d QI): clearing IQE/ITE lets the queue fetch again. */
		if (val & (VTD_FSTS_IQE | VTD_FSTS_ITE))
			vtd_qi_run(mmu);
		return;
	default: break;
	}
	/* SPEC(VT-d FRCD): F (bit 127) is RW1C; the rest of a record is RO. */
	if (vtd_is_frcd(mmu, off, &rec) && (off - VTD_FRCD_OFFSET) % VTD_FRCD_SIZE == 12 &&
	    (val & (1u << 31)))
		vtd_fault_clear(mmu, rec);
	/* Everything else is read-only or reserved: writes are ignored. */
}

uint64_t iommu_reg_read(struct iommu *mmu, uint32_t off, unsigned size)
{
	if ((size != 4 && size != 8) || off % size || off + size > VTD_REG_SIZE)
		return 0;
	return size == 4 ? vtd_reg_get32(mmu, off) : vtd_reg_get64(mmu, off);
}

void iommu_reg_write(struct iommu *mmu, uint32_t off, unsigned size, uint64_t val)
{
	if ((size != 4 && size != 8) || off % size || off + size > VTD_REG_SIZE)
		return;
	mmu->reg_writes++;
	if (mmu->reg_obs)
		mmu->reg_obs(mmu->reg_obs_ctx, off, size, val);
	vtd_reg_write32(mmu, off, (uint32_t)val);
	if (size == 8)
		vtd_reg_write32(mmu, off + 4, (uint32_t)(val >> 32));
}
