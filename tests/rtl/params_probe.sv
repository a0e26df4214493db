// params_probe: every value of iommu_params_pkg on an output, so that
// tb_params.cpp can compare what the RTL sees with the model's configuration.
// A value the generator drops fails this file's elaboration.
module params_probe (
  input  logic        clk_i,
  input  logic        rst_ni,
  output logic [31:0] context_cache_sets_o,
  output logic [31:0] context_cache_ways_o,
  output logic [31:0] context_cache_repl_o,
  output logic [31:0] pasid_cache_sets_o,
  output logic [31:0] pasid_cache_ways_o,
  output logic [31:0] pasid_cache_repl_o,
  output logic [31:0] iotlb_sets_o,
  output logic [31:0] iotlb_ways_o,
  output logic [31:0] iotlb_repl_o,
  output logic [31:0] nested_tlb_sets_o,
  output logic [31:0] nested_tlb_ways_o,
  output logic [31:0] nested_tlb_repl_o,
  output logic [31:0] fl_pwc_sets_o,
  output logic [31:0] fl_pwc_ways_o,
  output logic [31:0] fl_pwc_repl_o,
  output logic [31:0] sl_pwc_sets_o,
  output logic [31:0] sl_pwc_ways_o,
  output logic [31:0] sl_pwc_repl_o,
  output logic [31:0] repl_lru_o,
  output logic [31:0] repl_plru_o,
  output logic [31:0] repl_random_o,
  output logic [31:0] haw_o,
  output logic [31:0] mgaw_o,
  output logic [31:0] sagaw_o,
  output logic [31:0] fault_records_o,
  output logic [31:0] pasid_bits_o,
  output logic [31:0] pipe_ctx_lat_o,
  output logic [31:0] pipe_pasid_lat_o,
  output logic [31:0] pipe_iotlb_lat_o,
  output logic [31:0] pipe_pwc_lat_o,
  output logic [31:0] walk_slots_o,
  output logic [31:0] walk_miss_queue_o,
  output logic [31:0] mem_latency_o,
  output logic [31:0] mem_outstanding_o,
  output logic [31:0] mem_interval_o,
  output logic [31:0] resp_queue_o,
  output logic [31:0] ats_link_latency_o,
  output logic [31:0] ats_devtlb_inv_latency_o,
  output logic [31:0] ats_timeout_o,
  output logic [63:0] context_cache_seed_o,
  output logic [63:0] pasid_cache_seed_o,
  output logic [63:0] iotlb_seed_o,
  output logic [63:0] nested_tlb_seed_o,
  output logic [63:0] fl_pwc_seed_o,
  output logic [63:0] sl_pwc_seed_o,
  output logic        sl2m_o,
  output logic        sl1g_o,
  output logic        fl1g_o,
  output logic        fl5level_o,
  output logic        nested_o,
  output logic        pass_through_o,
  output logic        sl_ad_o,
  output logic        exec_req_o,
  output logic        super_req_o,
  output logic        rid_pasid_o
);

  assign context_cache_sets_o = 32'(iommu_params_pkg::ContextCacheSets);
  assign context_cache_ways_o = 32'(iommu_params_pkg::ContextCacheWays);
  assign context_cache_repl_o = 32'(iommu_params_pkg::ContextCacheRepl);
  assign pasid_cache_sets_o = 32'(iommu_params_pkg::PasidCacheSets);
  assign pasid_cache_ways_o = 32'(iommu_params_pkg::PasidCacheWays);
  assign pasid_cache_repl_o = 32'(iommu_params_pkg::PasidCacheRepl);
  assign iotlb_sets_o = 32'(iommu_params_pkg::IotlbSets);
  assign iotlb_ways_o = 32'(iommu_params_pkg::IotlbWays);
  assign iotlb_repl_o = 32'(iommu_params_pkg::IotlbRepl);
  assign nested_tlb_sets_o = 32'(iommu_params_pkg::NestedTlbSets);
  assign nested_tlb_ways_o = 32'(iommu_params_pkg::NestedTlbWays);
  assign nested_tlb_repl_o = 32'(iommu_params_pkg::NestedTlbRepl);
  assign fl_pwc_sets_o = 32'(iommu_params_pkg::FlPwcSets);
  assign fl_pwc_ways_o = 32'(iommu_params_pkg::FlPwcWays);
  assign fl_pwc_repl_o = 32'(iommu_params_pkg::FlPwcRepl);
  assign sl_pwc_sets_o = 32'(iommu_params_pkg::SlPwcSets);
  assign sl_pwc_ways_o = 32'(iommu_params_pkg::SlPwcWays);
  assign sl_pwc_repl_o = 32'(iommu_params_pkg::SlPwcRepl);
  assign repl_lru_o = 32'(iommu_params_pkg::ReplLru);
  assign repl_plru_o = 32'(iommu_params_pkg::ReplPlru);
  assign repl_random_o = 32'(iommu_params_pkg::ReplRandom);
  assign haw_o = 32'(iommu_params_pkg::Haw);
  assign mgaw_o = 32'(iommu_params_pkg::Mgaw);
  assign sagaw_o = 32'(iommu_params_pkg::Sagaw);
  assign fault_records_o = 32'(iommu_params_pkg::FaultRecords);
  assign pasid_bits_o = 32'(iommu_params_pkg::PasidBits);
  assign pipe_ctx_lat_o = 32'(iommu_params_pkg::PipeCtxLat);
  assign pipe_pasid_lat_o = 32'(iommu_params_pkg::PipePasidLat);
  assign pipe_iotlb_lat_o = 32'(iommu_params_pkg::PipeIotlbLat);
  assign pipe_pwc_lat_o = 32'(iommu_params_pkg::PipePwcLat);
  assign walk_slots_o = 32'(iommu_params_pkg::WalkSlots);
  assign walk_miss_queue_o = 32'(iommu_params_pkg::WalkMissQueue);
  assign mem_latency_o = 32'(iommu_params_pkg::MemLatency);
  assign mem_outstanding_o = 32'(iommu_params_pkg::MemOutstanding);
  assign mem_interval_o = 32'(iommu_params_pkg::MemInterval);
  assign resp_queue_o = 32'(iommu_params_pkg::RespQueue);
  assign ats_link_latency_o = 32'(iommu_params_pkg::AtsLinkLatency);
  assign ats_devtlb_inv_latency_o = 32'(iommu_params_pkg::AtsDevtlbInvLatency);
  assign ats_timeout_o = 32'(iommu_params_pkg::AtsTimeout);
  assign context_cache_seed_o = iommu_params_pkg::ContextCacheSeed;
  assign pasid_cache_seed_o = iommu_params_pkg::PasidCacheSeed;
  assign iotlb_seed_o = iommu_params_pkg::IotlbSeed;
  assign nested_tlb_seed_o = iommu_params_pkg::NestedTlbSeed;
  assign fl_pwc_seed_o = iommu_params_pkg::FlPwcSeed;
  assign sl_pwc_seed_o = iommu_params_pkg::SlPwcSeed;
  assign sl2m_o = iommu_params_pkg::Sl2m;
  assign sl1g_o = iommu_params_pkg::Sl1g;
  assign fl1g_o = iommu_params_pkg::Fl1g;
  assign fl5level_o = iommu_params_pkg::Fl5level;
  assign nested_o = iommu_params_pkg::Nested;
  assign pass_through_o = iommu_params_pkg::PassThrough;
  assign sl_ad_o = iommu_params_pkg::SlAd;
  assign exec_req_o = iommu_params_pkg::ExecReq;
  assign super_req_o = iommu_params_pkg::SuperReq;
  assign rid_pasid_o = iommu_params_pkg::RidPasid;

  // The harness drives a clock and reset; nothing here is clocked.
  logic unused_clk;
  assign unused_clk = clk_i ^ rst_ni;

endmodule
