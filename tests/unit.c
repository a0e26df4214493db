/*
 * Shared main() and helpers of the CUnit unit tests (see unit.h).
 *
 * Usage: test_X [suite [test]]. Without arguments every suite the file
 * registered runs; the exit status is non-zero when any assertion failed or
 * the registry could not be built.
 */
#include "unit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

/* --- registration ------------------------------------------------------ */

void unit_add_suite(const char *name, const struct unit_test *tests)
{
	CU_pSuite s = CU_add_suite(name, NULL, NULL);

	if (!s) {
		fprintf(stderr, "unit: cannot add suite %s: %s\n", name, CU_get_error_msg());
		return;
	}
	for (const struct unit_test *t = tests; t->name; t++) {
		if (!CU_add_test(s, t->name, t->fn))
			fprintf(stderr, "unit: cannot add test %s: %s\n", t->name,
				CU_get_error_msg());
	}
}

int main(int argc, char **argv)
{
	unsigned failures, failed_tests, ran;
	CU_ErrorCode err;

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "unit: %s\n", CU_get_error_msg());
		return 2;
	}
	unit_register();
	if (CU_get_error() != CUE_SUCCESS) {
		fprintf(stderr, "unit: registration failed: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (argc > 1) {
		CU_pSuite s = CU_get_suite(argv[1]);

		if (!s) {
			fprintf(stderr, "unit: no suite named %s\n", argv[1]);
			CU_cleanup_registry();
			return 2;
		}
		if (argc > 2) {
			CU_pTest t = CU_get_test(s, argv[2]);

			if (!t) {
				fprintf(stderr, "unit: no test named %s in %s\n", argv[2], argv[1]);
				CU_cleanup_registry();
				return 2;
			}
			err = CU_basic_run_test(s, t);
		} else {
			err = CU_basic_run_suite(s);
		}
	} else {
		err = CU_basic_run_tests();
	}
	failures = CU_get_number_of_failures();
	failed_tests = CU_get_number_of_tests_failed();
	ran = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	if (err != CUE_SUCCESS) {
		fprintf(stderr, "unit: run error %d\n", (int)err);
		return 2;
	}
	if (ran == 0) {
		fprintf(stderr, "unit: no test ran\n");
		return 2;
	}
	return failures || failed_tests ? 1 : 0;
}

/* --- assertions -------------------------------------------------------- */

bool unit_eq_hex(uint64_t actual, uint64_t expected, const char *actual_str,
		 const char *expected_str, const char *ctx, const char *file, unsigned line)
{
	char msg[512];
	bool ok = actual == expected;

	if (ok) {
		CU_assertImplementation(CU_TRUE, line, actual_str, file, "", CU_FALSE);
		return true;
	}
	snprintf(msg, sizeof(msg), "%s%s%s%s = 0x%" PRIx64 ", expected %s = 0x%" PRIx64,
		 ctx ? "[" : "", ctx ? ctx : "", ctx ? "] " : "", actual_str, actual, expected_str,
		 expected);
	fprintf(stderr, "%s:%u: %s\n", file, line, msg);
	CU_assertImplementation(CU_FALSE, line, msg, file, "", CU_FALSE);
	return false;
}

bool unit_true(bool cond, const char *cond_str, const char *ctx, const char *file, unsigned line)
{
	char msg[512];

	if (cond) {
		CU_assertImplementation(CU_TRUE, line, cond_str, file, "", CU_FALSE);
		return true;
	}
	snprintf(msg, sizeof(msg), "%s%s%s%s is false", ctx ? "[" : "", ctx ? ctx : "",
		 ctx ? "] " : "", cond_str);
	fprintf(stderr, "%s:%u: %s\n", file, line, msg);
	CU_assertImplementation(CU_FALSE, line, msg, file, "", CU_FALSE);
	return false;
}

/* --- memory with injected access errors -------------------------------- */

static bool unit_mem_hits(const uint64_t *pages, unsigned n, uint64_t pa, size_t len)
{
	uint64_t first = pa >> IOMMU_PAGE_SHIFT;
	uint64_t last = (pa + (len ? len - 1 : 0)) >> IOMMU_PAGE_SHIFT;

	for (unsigned i = 0; i < n; i++)
		if (pages[i] >= first && pages[i] <= last)
			return true;
	return false;
}

static int unit_mem_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct unit_mem *um = ctx;

	um->reads++;
	if (unit_mem_hits(um->bad_read, um->n_bad_read, pa, len)) {
		um->injected++;
		return -IOMMU_EIO;
	}
	return um->inner.ops->read(um->inner.ctx, pa, buf, len);
}

static int unit_mem_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	struct unit_mem *um = ctx;

	um->writes++;
	if (unit_mem_hits(um->bad_write, um->n_bad_write, pa, len)) {
		um->injected++;
		return -IOMMU_EIO;
	}
	return um->inner.ops->write(um->inner.ctx, pa, buf, len);
}

/* The inner memory's generation, changed too by the injected errors (a
 * test sets them directly); without an inner generation, a new value each
 * time (nothing may be reused). */
static uint64_t unit_mem_generation(void *ctx)
{
	struct unit_mem *um = ctx;
	uint64_t g =
		um->n_bad_read * 0x9E3779B97F4A7C15ull + um->n_bad_write * 0xC2B2AE3D27D4EB4Full;

	if (!um->inner.ops->generation)
		return ++um->gen_calls;
	for (unsigned i = 0; i < um->n_bad_read && i < UNIT_MEM_MAX_BAD; i++)
		g += (um->bad_read[i] + 1) * 0x165667B19E3779F9ull;
	for (unsigned i = 0; i < um->n_bad_write && i < UNIT_MEM_MAX_BAD; i++)
		g += (um->bad_write[i] + 1) * 0x27D4EB2F165667C5ull;
	return um->inner.ops->generation(um->inner.ctx) * 0x100000001B3ull + g;
}

static const struct iommu_mem_ops unit_mem_ops = {
	.read = unit_mem_read,
	.write = unit_mem_write,
	.generation = unit_mem_generation,
};

void unit_mem_init(struct unit_mem *um, struct iommu_mem inner)
{
	memset(um, 0, sizeof(*um));
	um->inner = inner;
}

struct iommu_mem unit_mem_handle(struct unit_mem *um)
{
	struct iommu_mem m = {.ops = &unit_mem_ops, .ctx = um};

	return m;
}

void unit_mem_fail_read(struct unit_mem *um, uint64_t pa)
{
	CU_ASSERT_FATAL(um->n_bad_read < UNIT_MEM_MAX_BAD);
	um->bad_read[um->n_bad_read++] = pa >> IOMMU_PAGE_SHIFT;
}

void unit_mem_fail_write(struct unit_mem *um, uint64_t pa)
{
	CU_ASSERT_FATAL(um->n_bad_write < UNIT_MEM_MAX_BAD);
	um->bad_write[um->n_bad_write++] = pa >> IOMMU_PAGE_SHIFT;
}

void unit_mem_heal(struct unit_mem *um)
{
	um->n_bad_read = 0;
	um->n_bad_write = 0;
}

/* --- fixture ----------------------------------------------------------- */

void unit_config_walk(struct iommu_config *cfg)
{
	iommu_config_default(cfg);
	cfg->context_cache.ways = 0;
	cfg->pasid_cache.ways = 0;
	cfg->iotlb.ways = 0;
	cfg->fl_pwc.ways = 0;
	cfg->sl_pwc.ways = 0;
	cfg->nested_tlb.ways = 0;
}

bool unit_fx_init(struct unit_fx *fx, const struct iommu_config *cfg,
		  const struct vtd_builder_config *bcfg)
{
	memset(fx, 0, sizeof(*fx));
	if (cfg)
		fx->cfg = *cfg;
	else
		unit_config_walk(&fx->cfg);
	if (bcfg)
		fx->bcfg = *bcfg;
	else
		vtd_builder_config_default(&fx->bcfg);
	fx->sm = sparse_mem_create(fx->cfg.haw);
	if (!UNIT_TRUE(fx->sm != NULL))
		return false;
	unit_mem_init(&fx->um, sparse_mem_handle(fx->sm));
	fx->mem = unit_mem_handle(&fx->um);
	fx->mmu = iommu_create(&fx->cfg, &fx->mem);
	if (!UNIT_TRUE(fx->mmu != NULL)) {
		unit_fx_fini(fx);
		return false;
	}
	fx->b = vtd_builder_create(fx->mmu, fx->mem, &fx->bcfg);
	if (!UNIT_TRUE(fx->b != NULL)) {
		unit_fx_fini(fx);
		return false;
	}
	return true;
}

void unit_fx_fini(struct unit_fx *fx)
{
	if (fx->b)
		vtd_builder_destroy(fx->b);
	if (fx->mmu)
		iommu_destroy(fx->mmu);
	if (fx->sm)
		sparse_mem_destroy(fx->sm);
	fx->b = NULL;
	fx->mmu = NULL;
	fx->sm = NULL;
}

uint64_t unit_peek64(const struct unit_fx *fx, uint64_t pa)
{
	uint64_t v = 0;

	UNIT_EQ_HEX(iommu_mem_read64(&fx->um.inner, pa, &v), 0);
	return v;
}

void unit_poke64(const struct unit_fx *fx, uint64_t pa, uint64_t val)
{
	UNIT_EQ_HEX(iommu_mem_write64(&fx->um.inner, pa, val), 0);
}

uint64_t unit_modify64(const struct unit_fx *fx, uint64_t pa, uint64_t clear, uint64_t set)
{
	uint64_t old = unit_peek64(fx, pa);

	unit_poke64(fx, pa, (old & ~clear) | set);
	return old;
}

/* --- requests ---------------------------------------------------------- */

struct iommu_req unit_req(uint16_t sid, uint64_t addr, enum iommu_access acc)
{
	struct iommu_req r;

	memset(&r, 0, sizeof(r));
	r.sid = sid;
	r.addr = addr;
	r.access = acc;
	return r;
}

struct iommu_req unit_req_pasid(uint16_t sid, uint32_t pasid, bool priv, uint64_t addr,
				enum iommu_access acc)
{
	struct iommu_req r = unit_req(sid, addr, acc);

	r.pasid_valid = true;
	r.pasid = pasid;
	r.priv = priv;
	return r;
}

void unit_clear_faults(struct unit_fx *fx)
{
	for (unsigned i = 0; i < fx->cfg.nfr; i++)
		iommu_reg_write(fx->mmu, VTD_FRCD_OFFSET + VTD_FRCD_SIZE * i + 8, 8, VTD_FRCD_HI_F);
	iommu_reg_write(fx->mmu, VTD_REG_FSTS, 4, VTD_FSTS_RW1C);
}

bool unit_expect_fault_at(struct unit_fx *fx, const struct iommu_req *req, unsigned reason,
			  const char *ctx, struct iommu_resp *resp_out, const char *file,
			  unsigned line)
{
	struct iommu_resp resp;
	bool ok = true;
	int rc;

	memset(&resp, 0, sizeof(resp));
	rc = iommu_translate(fx->mmu, req, &resp);
	ok &= unit_eq_hex(resp.fault, reason, "resp.fault", "reason", ctx, file, line);
	ok &= unit_eq_hex((uint64_t)(int64_t)rc, 1, "rc", "fault", ctx, file, line);
	ok &= unit_true(!resp.ok, "!resp.ok", ctx, file, line);
	unit_clear_faults(fx);
	if (resp_out)
		*resp_out = resp;
	return ok;
}

bool unit_expect_hpa_at(struct unit_fx *fx, const struct iommu_req *req, uint64_t hpa,
			const char *ctx, struct iommu_resp *resp_out, const char *file,
			unsigned line)
{
	struct iommu_resp resp;
	bool ok = true;
	int rc;

	memset(&resp, 0, sizeof(resp));
	rc = iommu_translate(fx->mmu, req, &resp);
	ok &= unit_eq_hex(resp.fault, VTD_FR_NONE, "resp.fault", "none", ctx, file, line);
	ok &= unit_eq_hex((uint64_t)(int64_t)rc, 0, "rc", "success", ctx, file, line);
	ok &= unit_true(resp.ok, "resp.ok", ctx, file, line);
	ok &= unit_eq_hex(resp.hpa, hpa, "resp.hpa", "hpa", ctx, file, line);
	if (!resp.ok)
		unit_clear_faults(fx);
	if (resp_out)
		*resp_out = resp;
	return ok;
}

/* --- builder shortcuts ------------------------------------------------- */

int unit_attach(struct unit_fx *fx, uint16_t sid, bool has_pasid, uint32_t pasid,
		enum vtd_pgtt type, int s1, int s2)
{
	struct vtd_attach a;
	int rc;

	vtd_attach_init(&a, sid, type);
	a.has_pasid = has_pasid;
	a.pasid = pasid;
	a.s1 = s1;
	a.s2 = s2;
	a.sre = true;
	a.ere = true;
	a.nxe = true;
	a.wpe = false;
	if (type == VTD_PGTT_PT)
		a.did = 7;
	rc = vtd_builder_attach(fx->b, &a);
	if (rc)
		fprintf(stderr, "unit_attach(sid 0x%x): %d %s\n", sid, rc,
			vtd_builder_error(fx->b));
	return rc;
}

int unit_gpa_to_hpa(const struct unit_fx *fx, unsigned s2, uint64_t gpa, uint64_t *hpa)
{
	uint64_t pte_pa, pte, size;
	unsigned level;
	int rc = vtd_builder_leaf(fx->b, s2, gpa, &pte_pa, &level);

	if (rc)
		return rc;
	pte = unit_peek64(fx, pte_pa);
	size = unit_level_size(level);
	*hpa = (pte & VTD_SL_ADDR & ~(size - 1)) | (gpa & (size - 1));
	return 0;
}

int unit_entry_pa(const struct unit_fx *fx, unsigned dom, unsigned levels, int parent,
		  uint64_t iova, unsigned level, uint64_t *pte_pa)
{
	uint64_t tbl = vtd_builder_domain_root(fx->b, dom);

	for (unsigned l = levels;; l--) {
		uint64_t pa, e;

		if (parent >= 0 && unit_gpa_to_hpa(fx, (unsigned)parent, tbl, &tbl))
			return -IOMMU_ENOENT;
		pa = tbl + 8ull * unit_index(iova, l);
		if (l == level) {
			*pte_pa = pa;
			return 0;
		}
		e = unit_peek64(fx, pa);
		/* Present: FL P (bit 0) or SL R/W (bits 1:0); a PS entry is a leaf. */
		if (!(e & 3) || (e & VTD_FL_PS) || l == 1)
			return -IOMMU_ENOENT;
		tbl = e & VTD_FL_ADDR;
	}
}

uint64_t unit_root_entry_pa(struct unit_fx *fx, uint16_t sid)
{
	uint64_t rta = iommu_reg_read(fx->mmu, VTD_REG_RTADDR, 8) & VTD_RTADDR_RTA;

	return rta + 16ull * (sid >> 8);
}
