/*
 * Shared pieces of the CUnit unit tests.
 *
 * Each tests/test_X.c defines unit_register(), which adds its suites with
 * unit_add_suite(); unit.c holds main(), which runs them and exits non-zero
 * on any failure. Besides that:
 * - UNIT_EQ_HEX(actual, expected) and UNIT_EQ_HEXC(ctx, actual, expected):
 *   assertions that print both values in hex (and a case label) on failure;
 * - struct unit_mem: a memory callback table over sparse memory that injects
 *   read (or write) errors at chosen 4 KiB pages, as the style asks tests to
 *   supply their own memory to reach the access-error faults;
 * - struct unit_fx: sparse memory + that wrapper + an IOMMU + a table builder;
 * - small helpers to build requests, poke table entries and walk the tables
 *   the builder made, so tests compute expectations from what they built.
 */
#ifndef IOMMUSIM_TESTS_UNIT_H
#define IOMMUSIM_TESTS_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <CUnit/CUnit.h>

#include "iommu/iommu.h"
#include "iommu/mem.h"
#include "iommu/vtd_builder.h"
#include "iommu/vtd_fault.h"
#include "iommu/vtd_regs.h"
#include "iommu/vtd_tables.h"

/* --- registration ------------------------------------------------------ */

struct unit_test {
	const char *name;
	CU_TestFunc fn;
};

/* Provided by each test file: adds its suites. */
void unit_register(void);
/* Adds a suite whose tests are the array ending with a { NULL, NULL } row. */
void unit_add_suite(const char *name, const struct unit_test *tests);

/* --- assertions -------------------------------------------------------- */

/* Records a CUnit assertion; on failure the message names both expressions
 * and prints both values in hex, prefixed with ctx when not NULL. Returns
 * whether actual == expected so a test can stop early. */
bool unit_eq_hex(uint64_t actual, uint64_t expected, const char *actual_str,
		 const char *expected_str, const char *ctx, const char *file, unsigned line);
/* The same for a condition; ctx labels the case. */
bool unit_true(bool cond, const char *cond_str, const char *ctx, const char *file, unsigned line);

#define UNIT_EQ_HEXC(ctx, actual, expected)                                                        \
	unit_eq_hex((uint64_t)(actual), (uint64_t)(expected), #actual, #expected, (ctx), __FILE__, \
		    __LINE__)
#define UNIT_EQ_HEX(actual, expected) UNIT_EQ_HEXC(NULL, actual, expected)
#define UNIT_TRUEC(ctx, cond)         unit_true((cond), #cond, (ctx), __FILE__, __LINE__)
#define UNIT_TRUE(cond)               UNIT_TRUEC(NULL, cond)

/* --- memory with injected access errors -------------------------------- */

#define UNIT_MEM_MAX_BAD 8

struct unit_mem {
	struct iommu_mem inner;              /* the memory really accessed */
	uint64_t bad_read[UNIT_MEM_MAX_BAD]; /* page numbers (pa >> 12) */
	unsigned n_bad_read;
	uint64_t bad_write[UNIT_MEM_MAX_BAD];
	unsigned n_bad_write;
	unsigned reads, writes; /* accesses seen (incl. failed) */
	unsigned injected;      /* accesses failed on purpose */
	uint64_t gen_calls;     /* generation without an inner one */
};

void unit_mem_init(struct unit_mem *um, struct iommu_mem inner);
/* A handle whose callbacks forward to um->inner unless the access touches a
 * page marked bad, in which case they return -IOMMU_EIO. */
struct iommu_mem unit_mem_handle(struct unit_mem *um);
void unit_mem_fail_read(struct unit_mem *um, uint64_t pa);
void unit_mem_fail_write(struct unit_mem *um, uint64_t pa);
void unit_mem_heal(struct unit_mem *um);

/* --- fixture ----------------------------------------------------------- */

struct unit_fx {
	struct iommu_config cfg;
	struct vtd_builder_config bcfg;
	struct sparse_mem *sm;
	struct unit_mem um;   /* wraps the sparse memory; the model sees this */
	struct iommu_mem mem; /* unit_mem_handle(&um) */
	struct iommu *mmu;
	struct vtd_builder *b;
};

/* Sparse memory of cfg->haw bits, an IOMMU with cfg (NULL: defaults) over
 * the injecting wrapper, and a builder with bcfg (NULL: defaults). The
 * fixture must not move while in use (the wrapper points into it). Returns
 * false (after a CUnit failure) when any part could not be created. */
/* The default configuration with every cache disabled (ways = 0): the walk
 * tests edit tables between requests and must see each edit, as hardware
 * without caches would. Cache behaviour has its own suites. */
void unit_config_walk(struct iommu_config *cfg);

bool unit_fx_init(struct unit_fx *fx, const struct iommu_config *cfg,
		  const struct vtd_builder_config *bcfg);
void unit_fx_fini(struct unit_fx *fx);

/* Raw 64-bit access to the sparse memory, bypassing injected errors. */
uint64_t unit_peek64(const struct unit_fx *fx, uint64_t pa);
void unit_poke64(const struct unit_fx *fx, uint64_t pa, uint64_t val);
/* *pa = (*pa & ~clear) | set; returns the old value. */
uint64_t unit_modify64(const struct unit_fx *fx, uint64_t pa, uint64_t clear, uint64_t set);

/* --- requests ---------------------------------------------------------- */

/* A user read or write without PASID. */
struct iommu_req unit_req(uint16_t sid, uint64_t addr, enum iommu_access acc);
/* A request with a PASID prefix. */
struct iommu_req unit_req_pasid(uint16_t sid, uint32_t pasid, bool priv, uint64_t addr,
				enum iommu_access acc);
/* Translates and checks that the request faulted with reason (rc 1, !ok).
 * Clears all fault records and PFO afterwards so later faults record.
 * Failures name the caller's line. */
bool unit_expect_fault_at(struct unit_fx *fx, const struct iommu_req *req, unsigned reason,
			  const char *ctx, struct iommu_resp *resp_out, const char *file,
			  unsigned line);
/* Translates and checks success (rc 0, ok, no fault) and hpa. */
bool unit_expect_hpa_at(struct unit_fx *fx, const struct iommu_req *req, uint64_t hpa,
			const char *ctx, struct iommu_resp *resp_out, const char *file,
			unsigned line);
#define UNIT_EXPECT_FAULT(fx, req, reason, ctx, resp_out)                                          \
	unit_expect_fault_at((fx), (req), (reason), (ctx), (resp_out), __FILE__, __LINE__)
#define UNIT_EXPECT_HPA(fx, req, hpa, ctx, resp_out)                                               \
	unit_expect_hpa_at((fx), (req), (hpa), (ctx), (resp_out), __FILE__, __LINE__)
/* Writes F = 1 to every fault record and PFO = 1 to FSTS. */
void unit_clear_faults(struct unit_fx *fx);

/* --- builder shortcuts ------------------------------------------------- */

/* Attach with SRE, ERE, NXE = 1 and WPE = 0. */
int unit_attach(struct unit_fx *fx, uint16_t sid, bool has_pasid, uint32_t pasid,
		enum vtd_pgtt type, int s1, int s2);
/* Index of iova in a table at level (9 bits per level above 4 KiB). */
static inline unsigned unit_index(uint64_t iova, unsigned level)
{
	return (unsigned)((iova >> VTD_LEVEL_SHIFT(level)) & 0x1FFu);
}
static inline uint64_t unit_level_size(unsigned level)
{
	return 1ull << VTD_LEVEL_SHIFT(level);
}
/* Host address that guest-physical gpa maps to in second-level domain s2,
 * decoded from the leaf the builder wrote; -IOMMU_ENOENT if unmapped. */
int unit_gpa_to_hpa(const struct unit_fx *fx, unsigned s2, uint64_t gpa, uint64_t *hpa);
/* Host address of the paging entry at level that the walk for iova reads
 * in domain dom, whose tables have levels levels (parent: the s2 domain
 * whose GPA space holds them, or -1). Walks from vtd_builder_domain_root.
 * -IOMMU_ENOENT when a higher entry is absent or a large-page leaf. */
int unit_entry_pa(const struct unit_fx *fx, unsigned dom, unsigned levels, int parent,
		  uint64_t iova, unsigned level, uint64_t *pte_pa);
/* Root table entry and context table page for sid (host addresses). */
uint64_t unit_root_entry_pa(struct unit_fx *fx, uint16_t sid);

#endif
