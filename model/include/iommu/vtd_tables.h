/*
 * VT-d scalable-mode in-memory structures: root entry, context entry, PASID
 * directory entry, PASID table entry, first-level (x86-64) and second-level
 * paging entries. Words are little-endian 64-bit values; fields are read with
 * the accessor macros below, never with bitfields.
 */
#ifndef IOMMU_VTD_TABLES_H
#define IOMMU_VTD_TABLES_H

#include <stdint.h>

#include "iommu/vtd_regs.h"

/* --- Root entry (128 bits), table of 256 indexed by bus --------------- */
struct vtd_root_entry {
	uint64_t lo; /* LP, LCTP: context table for devfn 0x00-0x7F */
	uint64_t hi; /* UP, UCTP: context table for devfn 0x80-0xFF */
};
_Static_assert(sizeof(struct vtd_root_entry) == 16, "root entry is 128 bits");

#define VTD_RE_P    BIT64(0)
#define VTD_RE_CTP  GENMASK64(63, 12)
#define VTD_RE_RSVD GENMASK64(11, 1)

/* --- Scalable-mode context entry (256 bits), 128 per half table -------- */
struct vtd_context_entry {
	uint64_t qw[4];
};
_Static_assert(sizeof(struct vtd_context_entry) == 32, "SM context entry is 256 bits");

#define VTD_CE0_P         BIT64(0)
#define VTD_CE0_FPD       BIT64(1)
#define VTD_CE0_DTE       BIT64(2)
#define VTD_CE0_PASIDE    BIT64(3)
#define VTD_CE0_PRE       BIT64(4)
#define VTD_CE0_RSVD      GENMASK64(8, 5)
#define VTD_CE0_PDTS      GENMASK64(11, 9)
#define VTD_CE0_PDTP      GENMASK64(63, 12)
#define VTD_CE1_RID_PASID GENMASK64(19, 0)
#define VTD_CE1_RSVD      GENMASK64(63, 21) /* bit 20 (RID_PRIV) is not reserved */

/* PASID directory entries covered by a context entry: 2^(PDTS+7). */
#define VTD_PDTS_ENTRIES(pdts) (1u << ((pdts) + 7))

/* --- PASID directory entry (64 bits) ----------------------------------- */
#define VTD_PDE_P    BIT64(0)
#define VTD_PDE_FPD  BIT64(1)
#define VTD_PDE_RSVD GENMASK64(11, 2)
#define VTD_PDE_PTP  GENMASK64(63, 12)

#define VTD_PASID_DIR_INDEX(pasid) (((pasid) >> 6) & 0x3FFFu)
#define VTD_PASID_TBL_INDEX(pasid) ((pasid)&0x3Fu)

/* --- Scalable-mode PASID table entry (512 bits) ------------------------ */
struct vtd_pasid_entry {
	uint64_t qw[8];
};
_Static_assert(sizeof(struct vtd_pasid_entry) == 64, "SM PASID entry is 512 bits");

#define VTD_PE0_P       BIT64(0)
#define VTD_PE0_FPD     BIT64(1)
#define VTD_PE0_AW      GENMASK64(4, 2)
#define VTD_PE0_SSEE    BIT64(5)
#define VTD_PE0_PGTT    GENMASK64(8, 6)
#define VTD_PE0_SSADE   BIT64(9)
#define VTD_PE0_RSVD    GENMASK64(11, 10)
#define VTD_PE0_SLPTPTR GENMASK64(63, 12)
#define VTD_PE1_DID     GENMASK64(15, 0)
#define VTD_PE2_SRE     BIT64(0)
#define VTD_PE2_ERE     BIT64(1)
#define VTD_PE2_FLPM    GENMASK64(3, 2)
#define VTD_PE2_WPE     BIT64(4)
#define VTD_PE2_NXE     BIT64(5)
#define VTD_PE2_FLPTPTR GENMASK64(63, 12)

enum vtd_pgtt {
	VTD_PGTT_FL = 1,     /* first-level only */
	VTD_PGTT_SL = 2,     /* second-level only */
	VTD_PGTT_NESTED = 3, /* first-level nested over second-level */
	VTD_PGTT_PT = 4,     /* pass-through */
};

/* AW encodes the second-level width: 1 = 39 bits (3 levels) .. 3 = 57 (5). */
#define VTD_AW_LEVELS(aw) ((aw) + 2)
#define VTD_AW_BITS(aw)   (30 + 9 * (aw))

/* --- First-level paging entry (x86-64 IA-32e) -------------------------- */
#define VTD_FL_P    BIT64(0)
#define VTD_FL_RW   BIT64(1)
#define VTD_FL_US   BIT64(2)
#define VTD_FL_A    BIT64(5)
#define VTD_FL_D    BIT64(6)
#define VTD_FL_PS   BIT64(7)
#define VTD_FL_G    BIT64(8)
#define VTD_FL_XD   BIT64(63)
#define VTD_FL_ADDR GENMASK64(51, 12)

/* --- Second-level paging entry (VT-d format) --------------------------- */
#define VTD_SL_R    BIT64(0)
#define VTD_SL_W    BIT64(1)
#define VTD_SL_X    BIT64(2)
#define VTD_SL_PS   BIT64(7)
#define VTD_SL_A    BIT64(8)
#define VTD_SL_D    BIT64(9)
#define VTD_SL_SNP  BIT64(11)
#define VTD_SL_ADDR GENMASK64(51, 12)

/* Page size at a paging level: level 1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB. */
#define VTD_LEVEL_SHIFT(level) (12 + 9 * ((level)-1))

#endif
