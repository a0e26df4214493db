/*
 * The reference side of the walker testbench (tests/rtl/tb_walker.cpp): an
 * IOMMU model instance, a table builder and the physical memory both the
 * model and the RTL's memory model use. The memory logs every access the
 * model makes during one translation (in order, with written values) and
 * can fail reads or writes on chosen 4 KiB pages. A translation runs with
 * every cache empty (wm_translate), or with the context cache and the PASID
 * cache warmed (wm_warm, wm_translate_cached: the RTL walker gets their
 * entries as its cache inputs), and reports the cache fills it would commit.
 * The model runs with lookup_after_fetch off, as the RTL walker.
 */
#ifndef IOMMUSIM_TESTS_RTL_WALKER_MODEL_H
#define IOMMUSIM_TESTS_RTL_WALKER_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommu/iommu.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One memory access: a read of len bytes, or an 8-byte write of val. */
struct wm_access {
	bool write;
	bool err; /* the memory refused it */
	uint64_t pa;
	uint32_t len;
	uint64_t val;
	uint64_t old; /* a write: the word it replaced */
};

#define WM_MAX_LOG     256
#define WM_MAX_BAD     8
#define WM_MAX_UNDO    64
#define WM_MAX_TARGETS 96

/* The cache fills a successful translation commits (the last of each kind). */
struct wm_fills {
	bool ctx;
	uint64_t ce[4];
	bool pasid;
	uint64_t pe[8];
	bool pde_fpd;
	bool iotlb;
	uint16_t did;
	uint32_t pasid_v;
	uint64_t page;
	unsigned level, perm, sl_perm;
	bool global, dirty, fl;
};

/* A mapped range of one attachment's input space, for requests to aim at
 * (size 0: pass-through, any address). */
struct wm_target {
	uint16_t sid;
	bool pasid_valid;
	uint32_t pasid;
	bool dte; /* the device has ATS */
	unsigned pgtt;
	uint64_t iova, size;
};

struct wm;

/* Sparse memory of HAW bits, the model with the default configuration
 * (every cache enabled; each translation starts with them empty) and a
 * builder, with the test world of variant 0 (A/D bits preset by the builder,
 * second-level A/D off, full PASID directory) or 1 (A/D bits clear, SSADE
 * set, a 256-entry PASID directory). NULL on failure, with a message. */
struct wm *wm_create(unsigned variant);
/* The same world with first- and second-level paging-structure caches of
 * the model's default geometry but these ways (0: none). */
struct wm *wm_create_pwc(unsigned variant, unsigned fl_pwc_ways, unsigned sl_pwc_ways);
/* The same with ECAP.PRS (page_req): the builder's page request queue (one
 * page) programmed and its event unmasked. */
struct wm *wm_create_prq(unsigned variant, unsigned fl_pwc_ways, unsigned sl_pwc_ways,
			 bool page_req);
/* Gives device sid PRI (its context entry's PRE; needs ECAP.PRS). */
int wm_set_pri(struct wm *w, uint16_t sid);
void wm_destroy(struct wm *w);
struct iommu *wm_iommu(struct wm *w);
size_t wm_targets(const struct wm *w, const struct wm_target **list);
/* The active root table register (what the RTL's rtaddr input carries). */
uint64_t wm_rtaddr(struct wm *w);
/* Latches RTADDR with another TTM (GCMD.SRTP), keeping the table address. */
void wm_set_ttm(struct wm *w, unsigned ttm);
/* GSTS.TES, and GCMD.TE written with it on or off. */
bool wm_te(struct wm *w);
void wm_set_te(struct wm *w, bool on);

/* Runs iommu_translate with empty caches, logging the model's accesses
 * (wm_log), and reports the fills. Afterwards the fault records are
 * cleared, so that every recordable fault of the next request is recorded. */
int wm_translate(struct wm *w, const struct iommu_req *req, struct iommu_resp *resp,
		 struct wm_fills *fills);
/* The context and PASID cache entries a request finds (wm_warm). */
struct wm_cached {
	bool ctx_hit;
	uint64_t ce[4];
	uint32_t pasid; /* the PASID looked up (RID_PASID without one) */
	bool pasid_hit;
	uint64_t pe[8];
	bool pde_fpd;
};

/* Empties every cache, then (level >= 1) warms the context cache and
 * (level >= 2) the PASID cache with read translations of the request's
 * source ID (their memory writes undone), (level >= 3) the IOTLB with a
 * read of the request's own page, empties the other caches, and
 * reports what req finds. wm_translate_cached then translates req in that
 * cache state, logged like wm_translate. */
void wm_warm(struct wm *w, const struct iommu_req *req, unsigned level, struct wm_cached *c);
/* An IOTLB entry as the model holds it (vtd_iotlb_lookup). */
struct wm_iotlb {
	uint64_t page;
	unsigned level, perm, sl_perm;
	bool dirty, global, fl;
};
bool wm_iotlb_find(struct wm *w, uint16_t did, uint32_t pasid, uint64_t addr, struct wm_iotlb *e);
/* The model's stage-R decision (iommu_lookup_cached): 1 when memory would
 * be needed, 0 when the caches answer (resp). */
int wm_lookup_cached(struct wm *w, const struct iommu_req *req, struct iommu_resp *resp);
int wm_translate_cached(struct wm *w, const struct iommu_req *req, struct iommu_resp *resp,
			struct wm_fills *fills);
size_t wm_log(const struct wm *w, const struct wm_access **log);
/* Restores the words the last wm_translate wrote, newest first. */
void wm_undo_model(struct wm *w);

/* The RTL's side of the same memory: one 64-byte line, one 8-byte write
 * (kept in an undo list). Return 0 or -IOMMU_EIO like the model's memory. */
int wm_line_read(struct wm *w, uint64_t line, uint8_t buf[64]);
int wm_word_write(struct wm *w, uint64_t pa, uint64_t val);
/* Restores the words wm_word_write changed, newest first. */
void wm_undo(struct wm *w);

/* Test edits of table memory (not logged, no fault injection). */
uint64_t wm_peek(struct wm *w, uint64_t pa);
void wm_poke(struct wm *w, uint64_t pa, uint64_t val);
/* Fail reads (or writes) touching the 4 KiB page of pa; wm_heal clears all. */
void wm_fail_read(struct wm *w, uint64_t pa);
void wm_fail_write(struct wm *w, uint64_t pa);
void wm_heal(struct wm *w);

/* For the testbenches' reports: log2 of a page size (0 for 0), and a
 * request in one line ("sid 0100 pasid 00005 priv 0 addr 0x... access 1 at 0
 * nw 0") into buf. */
unsigned wm_log2(uint64_t size);
const char *wm_req_str(const struct iommu_req *r, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
