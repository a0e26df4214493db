/*
 * The model's configuration for tb_params.cpp: the defaults, --config and
 * --set applied by iommusim's configuration reader, and each value under the
 * name iommu_params_pkg gives it (written here from the C field names).
 */
#include "params_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

struct params_model {
	struct sim_config c;
};

struct params_model *params_model_create(int argc, char **argv, char *err, size_t errlen)
{
	struct params_model *m = calloc(1, sizeof(*m));

	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	config_default(&m->c);
	for (int i = 1; i < argc; i++) {
		int rc;

		if (argv[i][0] == '+')
			continue; /* plusargs are the harness's */
		if (i + 1 < argc && !strcmp(argv[i], "--set")) {
			rc = config_set(&m->c, argv[++i], err, errlen);
		} else if (i + 1 < argc && !strcmp(argv[i], "--config")) {
			rc = config_load(&m->c, argv[++i], err, errlen);
		} else {
			snprintf(err, errlen, "'%s': expected --set or --config", argv[i]);
			rc = -1;
		}
		if (rc) {
			free(m);
			return NULL;
		}
	}
	return m;
}

void params_model_destroy(struct params_model *m)
{
	free(m);
}

int params_model_get(const struct params_model *m, const char *name, uint64_t *val)
{
	const struct sim_config *c = &m->c;
	const struct {
		const char *name;
		uint64_t val;
	} rows[] = {
		{"ContextCacheSets", c->mmu.context_cache.sets},
		{"ContextCacheWays", c->mmu.context_cache.ways},
		{"ContextCacheRepl", c->mmu.context_cache.repl},
		{"ContextCacheSeed", c->mmu.seed + IOMMU_CACHE_CONTEXT},
		{"PasidCacheSets", c->mmu.pasid_cache.sets},
		{"PasidCacheWays", c->mmu.pasid_cache.ways},
		{"PasidCacheRepl", c->mmu.pasid_cache.repl},
		{"PasidCacheSeed", c->mmu.seed + IOMMU_CACHE_PASID},
		{"IotlbSets", c->mmu.iotlb.sets},
		{"IotlbWays", c->mmu.iotlb.ways},
		{"IotlbRepl", c->mmu.iotlb.repl},
		{"IotlbSeed", c->mmu.seed + IOMMU_CACHE_IOTLB},
		{"NestedTlbSets", c->mmu.nested_tlb.sets},
		{"NestedTlbWays", c->mmu.nested_tlb.ways},
		{"NestedTlbRepl", c->mmu.nested_tlb.repl},
		{"NestedTlbSeed", c->mmu.seed + IOMMU_CACHE_NESTED_TLB},
		{"FlPwcSets", c->mmu.fl_pwc.sets},
		{"FlPwcWays", c->mmu.fl_pwc.ways},
		{"FlPwcRepl", c->mmu.fl_pwc.repl},
		{"FlPwcSeed", c->mmu.seed + IOMMU_CACHE_FL_PWC2},
		{"SlPwcSets", c->mmu.sl_pwc.sets},
		{"SlPwcWays", c->mmu.sl_pwc.ways},
		{"SlPwcRepl", c->mmu.sl_pwc.repl},
		{"SlPwcSeed", c->mmu.seed + IOMMU_CACHE_SL_PWC2},
		{"ReplLru", IOMMU_REPL_LRU},
		{"ReplPlru", IOMMU_REPL_PLRU},
		{"ReplRandom", IOMMU_REPL_RANDOM},
		{"Haw", c->mmu.haw},
		{"Mgaw", c->mmu.mgaw},
		{"Sagaw", c->mmu.sagaw},
		{"FaultRecords", c->mmu.nfr},
		{"PasidBits", c->mmu.pasid_bits},
		{"Sl2m", c->mmu.sl_2m},
		{"Sl1g", c->mmu.sl_1g},
		{"Fl1g", c->mmu.fl_1g},
		{"Fl5level", c->mmu.fl_5level},
		{"Nested", c->mmu.nested},
		{"PassThrough", c->mmu.pass_through},
		{"SlAd", c->mmu.sl_ad},
		{"ExecReq", c->mmu.exec_req},
		{"SuperReq", c->mmu.super_req},
		{"RidPasid", c->mmu.rid_pasid},
		{"PipeCtxLat", c->timing.ctx_lat},
		{"PipePasidLat", c->timing.pasid_lat},
		{"PipeIotlbLat", c->timing.iotlb_lat},
		{"PipePwcLat", c->timing.pwc_lat},
		{"WalkSlots", c->timing.walk_slots},
		{"WalkMissQueue", c->timing.miss_queue},
		{"MemLatency", c->timing.mem_latency},
		{"MemOutstanding", c->timing.mem_outstanding},
		{"MemInterval", c->timing.mem_interval},
		{"RespQueue", c->timing.resp_queue},
		{"AtsLinkLatency", c->timing.ats_link_latency},
		{"AtsDevtlbInvLatency", c->timing.devtlb_inv_latency},
		{"AtsTimeout", c->timing.ats_timeout},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (!strcmp(rows[i].name, name)) {
			*val = rows[i].val;
			return 0;
		}
	}
	return -1;
}
