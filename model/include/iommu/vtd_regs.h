/*
 * Intel VT-d remapping-hardware registers: offsets and fields.
 * Field accessors are macros next to their masks; no bitfields.
 */
#ifndef IOMMU_VTD_REGS_H
#define IOMMU_VTD_REGS_H

#include <stdint.h>

#define BIT64(n)           (1ull << (n))
#define GENMASK64(h, l)    (((~0ull) >> (63 - (h))) & ((~0ull) << (l)))
#define FIELD_GET64(m, v)  (((v) & (m)) >> __builtin_ctzll(m))
#define FIELD_PREP64(m, v) ((((uint64_t)(v)) << __builtin_ctzll(m)) & (m))

/* Register offsets (bytes). */
#define VTD_REG_VER     0x000
#define VTD_REG_CAP     0x008
#define VTD_REG_ECAP    0x010
#define VTD_REG_GCMD    0x018
#define VTD_REG_GSTS    0x01C
#define VTD_REG_RTADDR  0x020
#define VTD_REG_CCMD    0x028
#define VTD_REG_FSTS    0x034
#define VTD_REG_FECTL   0x038
#define VTD_REG_FEDATA  0x03C
#define VTD_REG_FEADDR  0x040
#define VTD_REG_FEUADDR 0x044
#define VTD_REG_IQH     0x080
#define VTD_REG_IQT     0x088
#define VTD_REG_IQA     0x090
#define VTD_REG_ICS     0x09C
#define VTD_REG_IQER    0x0B0
#define VTD_REG_PQH     0x0C0 /* page request queue head */
#define VTD_REG_PQT     0x0C8 /* page request queue tail */
#define VTD_REG_PQA     0x0D0 /* page request queue address */
#define VTD_REG_PRS     0x0DC /* page request status */
#define VTD_REG_PECTL   0x0E0 /* page request event control */
#define VTD_REG_PEDATA  0x0E4
#define VTD_REG_PEADDR  0x0E8
#define VTD_REG_PEUADDR 0x0EC
#define VTD_REG_SIZE    0x2000 /* two 4 KiB register pages (room for 256 fault records) */

/* Where the model places its fault recording registers (CAP.FRO x 16). */
#define VTD_FRCD_OFFSET 0x400
#define VTD_FRCD_SIZE   16

/* VER */
#define VTD_VER_VALUE 0x60 /* major 6, minor 0: scalable-mode capable */

/* CAP */
#define VTD_CAP_ND    GENMASK64(2, 0)
#define VTD_CAP_CM    BIT64(7)
#define VTD_CAP_SAGAW GENMASK64(12, 8)
#define VTD_CAP_MGAW  GENMASK64(21, 16)
#define VTD_CAP_ZLR   BIT64(22)
#define VTD_CAP_FRO   GENMASK64(33, 24)
#define VTD_CAP_SLLPS GENMASK64(37, 34)
#define VTD_CAP_PSI   BIT64(39)
#define VTD_CAP_NFR   GENMASK64(47, 40)
#define VTD_CAP_MAMV  GENMASK64(53, 48)
#define VTD_CAP_FL1GP BIT64(56)
#define VTD_CAP_FL5LP BIT64(60)

#define VTD_MAMV     18       /* CAP.MAMV the model reports */
#define VTD_SAGAW_39 BIT64(1) /* 3-level second-level tables */
#define VTD_SAGAW_48 BIT64(2) /* 4-level */
#define VTD_SAGAW_57 BIT64(3) /* 5-level */
#define VTD_SLLPS_2M BIT64(0)
#define VTD_SLLPS_1G BIT64(1)

/* ECAP */
#define VTD_ECAP_C     BIT64(0)
#define VTD_ECAP_QI    BIT64(1)
#define VTD_ECAP_DT    BIT64(2)
#define VTD_ECAP_IR    BIT64(3)
#define VTD_ECAP_PT    BIT64(6)
#define VTD_ECAP_SC    BIT64(7)
#define VTD_ECAP_IRO   GENMASK64(17, 8)
#define VTD_ECAP_NEST  BIT64(26)
#define VTD_ECAP_PRS   BIT64(29)
#define VTD_ECAP_ERS   BIT64(30)
#define VTD_ECAP_SRS   BIT64(31)
#define VTD_ECAP_PSS   GENMASK64(39, 35)
#define VTD_ECAP_PASID BIT64(40)
#define VTD_ECAP_PDS   BIT64(42)
#define VTD_ECAP_SMTS  BIT64(43)
#define VTD_ECAP_SLADS BIT64(45)
#define VTD_ECAP_SLTS  BIT64(46)
#define VTD_ECAP_FLTS  BIT64(47)
#define VTD_ECAP_SMPWC BIT64(48)
#define VTD_ECAP_RPS   BIT64(49)

/* GCMD / GSTS: the same bit positions. */
#define VTD_GCMD_TE   BIT64(31)
#define VTD_GCMD_SRTP BIT64(30)
#define VTD_GCMD_QIE  BIT64(26)
#define VTD_GSTS_TES  BIT64(31)
#define VTD_GSTS_RTPS BIT64(30)
#define VTD_GSTS_QIES BIT64(26)

/* RTADDR */
#define VTD_RTADDR_RTA   GENMASK64(63, 12)
#define VTD_RTADDR_TTM   GENMASK64(11, 10)
#define VTD_TTM_LEGACY   0
#define VTD_TTM_SCALABLE 1

/* FSTS */
#define VTD_FSTS_PFO  BIT64(0)
#define VTD_FSTS_PPF  BIT64(1)
#define VTD_FSTS_IQE  BIT64(4)
#define VTD_FSTS_ICE  BIT64(5)
#define VTD_FSTS_ITE  BIT64(6)
#define VTD_FSTS_FRI  GENMASK64(15, 8)
#define VTD_FSTS_RW1C (VTD_FSTS_PFO | VTD_FSTS_IQE | VTD_FSTS_ICE | VTD_FSTS_ITE)

/* IQA / IQH / IQT / ICS / IECTL / IQER */
#define VTD_REG_IECTL   0x0A0
#define VTD_IQA_IQA     GENMASK64(63, 12)
#define VTD_IQA_DW      BIT64(11) /* 1: 256-bit descriptors */
#define VTD_IQA_QS      GENMASK64(2, 0)
#define VTD_IQ_QH       GENMASK64(18, 4) /* IQH/IQT byte offset into the queue */
#define VTD_ICS_IWC     BIT64(0)
#define VTD_IECTL_IM    BIT64(31)
#define VTD_IECTL_IP    BIT64(30)
#define VTD_IQER_IQEI   GENMASK64(3, 0)
#define VTD_IQER_ITESID GENMASK64(47, 32)
#define VTD_IQER_ICESID GENMASK64(63, 48)

/* IQER.IQEI: why the queue stopped with IQE. */
enum vtd_iqei {
	VTD_IQEI_NONE = 0,
	VTD_IQEI_TAIL_BEYOND = 1,   /* IQT beyond the queue */
	VTD_IQEI_FETCH = 2,         /* descriptor fetch error */
	VTD_IQEI_TYPE = 3,          /* invalid descriptor type */
	VTD_IQEI_RSVD = 4,          /* reserved field set */
	VTD_IQEI_WIDTH = 5,         /* invalid descriptor width */
	VTD_IQEI_TAIL_MISALIGN = 6, /* IQT not 256-bit aligned with DW = 1 */
	VTD_IQEI_TTM = 7,           /* invalid TTM */
};

/* PQH / PQT / PQA / PRS / PECTL (page request queue, ECAP.PRS). PQH and PQT
 * are byte offsets of 256-bit descriptors into the queue; PQA.PQS = X gives
 * 2^X 4 KiB pages, 2^(X+7) descriptors. */
#define VTD_PQ_QH         GENMASK64(18, 5)
#define VTD_PQA_PQA       GENMASK64(63, 12)
#define VTD_PQA_PQS       GENMASK64(2, 0)
#define VTD_PRS_PPR       BIT64(0) /* pending page request (RW1C) */
#define VTD_PRS_PRO       BIT64(1) /* page request overflow (RW1C) */
#define VTD_PECTL_IM      BIT64(31)
#define VTD_PECTL_IP      BIT64(30)
#define VTD_PRQ_DESC_SIZE 32

/* FECTL */
#define VTD_FECTL_IM BIT64(31)
#define VTD_FECTL_IP BIT64(30)

/* Fault recording register, as two 64-bit halves (lo = bits 63:0). */
#define VTD_FRCD_LO_FI   GENMASK64(63, 12)
#define VTD_FRCD_HI_SID  GENMASK64(15, 0)  /* bits 79:64   */
#define VTD_FRCD_HI_T2   BIT64(28)         /* bit 92: with T, the request type */
#define VTD_FRCD_HI_PRIV BIT64(29)         /* bit 93: privileged mode requested */
#define VTD_FRCD_HI_EXE  BIT64(30)         /* bit 94: execute requested */
#define VTD_FRCD_HI_PP   BIT64(31)         /* bit 95       */
#define VTD_FRCD_HI_FR   GENMASK64(39, 32) /* bits 103:96  */
#define VTD_FRCD_HI_PV   GENMASK64(59, 40) /* bits 123:104 */
#define VTD_FRCD_HI_T    BIT64(62)         /* bit 126: 1 = read */
#define VTD_FRCD_HI_F    BIT64(63)         /* bit 127      */

#endif
