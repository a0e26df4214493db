// The parameter package as the RTL sees it (params_probe.sv, elaborated by
// Verilator) against the model's configuration (params_model.c: the
// defaults of iommu_config_default() and iommu_tparams_default(), with the
// --config/--set options the package was generated with, IOMMUSIM_RTL_PARAMS,
// passed as this test's arguments).
#include <cinttypes>

#include "tb_common.h"
#include VTOP_HEADER

#include "params_model.h"

int main(int argc, char **argv)
{
	char err[400];
	struct params_model *m = params_model_create(argc, argv, err, sizeof(err));
	unsigned failures = 0;

	if (!m) {
		fprintf(stderr, "%s: %s\n", TB_NAME, err);
		return 2;
	}
	Tb<VTOP> tb(argc, argv);
	tb.reset();
	tb.settle();
	auto *t = tb.top.get();
	auto check = [&](const char *name, uint64_t rtl) {
		uint64_t want;
		if (params_model_get(m, name, &want)) {
			fprintf(stderr, "%s: %s: not a configuration value\n", TB_NAME, name);
			failures++;
		} else if (rtl != want) {
			fprintf(stderr, "%s: iommu_params_pkg::%s = %" PRIu64 ", the model's is %" PRIu64 "\n",
				TB_NAME, name, rtl, want);
			failures++;
		}
	};
	check("ContextCacheSets", t->context_cache_sets_o);
	check("ContextCacheWays", t->context_cache_ways_o);
	check("ContextCacheRepl", t->context_cache_repl_o);
	check("ContextCacheSeed", t->context_cache_seed_o);
	check("PasidCacheSets", t->pasid_cache_sets_o);
	check("PasidCacheWays", t->pasid_cache_ways_o);
	check("PasidCacheRepl", t->pasid_cache_repl_o);
	check("PasidCacheSeed", t->pasid_cache_seed_o);
	check("IotlbSets", t->iotlb_sets_o);
	check("IotlbWays", t->iotlb_ways_o);
	check("IotlbRepl", t->iotlb_repl_o);
	check("IotlbSeed", t->iotlb_seed_o);
	check("NestedTlbSets", t->nested_tlb_sets_o);
	check("NestedTlbWays", t->nested_tlb_ways_o);
	check("NestedTlbRepl", t->nested_tlb_repl_o);
	check("NestedTlbSeed", t->nested_tlb_seed_o);
	check("FlPwcSets", t->fl_pwc_sets_o);
	check("FlPwcWays", t->fl_pwc_ways_o);
	check("FlPwcRepl", t->fl_pwc_repl_o);
	check("FlPwcSeed", t->fl_pwc_seed_o);
	check("SlPwcSets", t->sl_pwc_sets_o);
	check("SlPwcWays", t->sl_pwc_ways_o);
	check("SlPwcRepl", t->sl_pwc_repl_o);
	check("SlPwcSeed", t->sl_pwc_seed_o);
	check("ReplLru", t->repl_lru_o);
	check("ReplPlru", t->repl_plru_o);
	check("ReplRandom", t->repl_random_o);
	check("Haw", t->haw_o);
	check("Mgaw", t->mgaw_o);
	check("Sagaw", t->sagaw_o);
	check("FaultRecords", t->fault_records_o);
	check("PasidBits", t->pasid_bits_o);
	check("Sl2m", t->sl2m_o);
	check("Sl1g", t->sl1g_o);
	check("Fl1g", t->fl1g_o);
	check("Fl5level", t->fl5level_o);
	check("Nested", t->nested_o);
	check("PassThrough", t->pass_through_o);
	check("SlAd", t->sl_ad_o);
	check("ExecReq", t->exec_req_o);
	check("SuperReq", t->super_req_o);
	check("RidPasid", t->rid_pasid_o);
	check("PipeCtxLat", t->pipe_ctx_lat_o);
	check("PipePasidLat", t->pipe_pasid_lat_o);
	check("PipeIotlbLat", t->pipe_iotlb_lat_o);
	check("PipePwcLat", t->pipe_pwc_lat_o);
	check("WalkSlots", t->walk_slots_o);
	check("WalkMissQueue", t->walk_miss_queue_o);
	check("MemLatency", t->mem_latency_o);
	check("MemOutstanding", t->mem_outstanding_o);
	check("MemInterval", t->mem_interval_o);
	check("RespQueue", t->resp_queue_o);
	check("AtsLinkLatency", t->ats_link_latency_o);
	check("AtsDevtlbInvLatency", t->ats_devtlb_inv_latency_o);
	check("AtsTimeout", t->ats_timeout_o);
	params_model_destroy(m);
	if (failures)
		return 1;
	printf("%s: iommu_params_pkg == the model's configuration\n", TB_NAME);
	return 0;
}
