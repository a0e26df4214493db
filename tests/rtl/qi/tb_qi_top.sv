// Test harness of the register file and the invalidation queue engine
// (tb_regs.cpp, tb_qi.cpp): iommu_regs (with iommu_fault) wired to iommu_qi,
// and the engine's invalidation port connected to real caches with the
// geometries of iommu_params_pkg, so that the scan cycles come from the
// caches: the IOTLB (iommu_iotlb) and iommu_cache instances standing for the
// context cache (tag: SID), the PASID cache (key SID, PASID; DID above it),
// the nested TLB and second-level PWC (DID, page, level) and the first-level
// PWC (DID, PASID, page, level). The caches are never filled here: the test
// drives the register port, the fault input, the memory port, the
// device-TLB endpoints and the walkers' busy flags.
module tb_qi_top #(
  parameter int unsigned AtsTimeout = iommu_params_pkg::AtsTimeout,
  localparam int unsigned WalkSlots = iommu_params_pkg::WalkSlots,
  localparam int unsigned Mgaw      = iommu_params_pkg::Mgaw,
  localparam int unsigned PageW     = Mgaw - 12
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // Register port.
  input  logic                 reg_req_i,
  input  logic                 reg_we_i,
  input  logic [12:0]          reg_addr_i,
  input  logic [3:0]           reg_size_i,
  input  logic [63:0]          reg_wdata_i,
  output logic [63:0]          reg_rdata_o,
  output logic                 te_o,
  output logic [63:0]          rtaddr_o,
  output logic                 fault_irq_o,
  output logic                 inv_irq_o,
  // Faults.
  input  logic                 flt_valid_i,
  input  logic [15:0]          flt_sid_i,
  input  logic                 flt_pasid_valid_i,
  input  logic [19:0]          flt_pasid_i,
  input  logic [63:0]          flt_addr_i,
  input  logic [7:0]           flt_reason_i,
  input  logic                 flt_read_i,
  input  logic                 flt_page_req_i,
  input  logic                 flt_priv_i,
  input  logic                 flt_exec_i,
  input  logic                 flt_fpd_i,
  output logic                 flt_recorded_o,
  output logic                 flt_suppressed_o,
  output logic                 flt_lost_o,
  // Memory port of the engine.
  output logic                 mem_req_valid_o,
  input  logic                 mem_req_ready_i,
  output logic                 mem_req_we_o,
  output logic [63:0]          mem_req_addr_o,
  output logic [5:0]           mem_req_wofs_o,
  output logic [63:0]          mem_req_wdata_o,
  output logic                 mem_req_w4_o,
  input  logic                 mem_rsp_valid_i,
  input  logic [511:0]         mem_rsp_rdata_i,
  input  logic                 mem_rsp_err_i,
  // The invalidation requests, as the caches see them.
  output logic                 inv_valid_o,
  output logic [5:0]           inv_target_o,
  output logic [2:0]           inv_iotlb_kind_o,
  output logic [5:0]           inv_by_did_o,
  output logic [5:0]           inv_by_pasid_o,
  output logic [5:0]           inv_by_range_o,
  output logic [15:0]          inv_sid_o,
  output logic [15:0]          inv_sid_mask_o,
  output logic [15:0]          inv_did_o,
  output logic [19:0]          inv_pasid_o,
  output logic [63:0]          inv_addr_o,
  output logic [5:0]           inv_am_o,
  output logic [5:0]           inv_busy_o,
  // Device-TLB invalidation.
  output logic                 dtlb_req_valid_o,
  input  logic                 dtlb_req_ready_i,
  output logic [4:0]           dtlb_req_itag_o,
  output logic [15:0]          dtlb_req_sid_o,
  output logic                 dtlb_req_pasid_valid_o,
  output logic [19:0]          dtlb_req_pasid_o,
  output logic                 dtlb_req_global_o,
  output logic [63:0]          dtlb_req_addr_o,
  output logic                 dtlb_req_s_o,
  input  logic                 dtlb_cpl_valid_i,
  input  logic [4:0]           dtlb_cpl_itag_i,
  input  logic [WalkSlots-1:0] walk_busy_i,
  // The page request unit (not in this harness): busy, for PD waits.
  input  logic                 prq_busy_i,
  // Page group responses (0x9).
  output logic                 prsp_valid_o,
  output logic [15:0]          prsp_sid_o,
  output logic                 prsp_pasid_valid_o,
  output logic [19:0]          prsp_pasid_o,
  output logic [8:0]           prsp_prgi_o,
  output logic [3:0]           prsp_code_o,
  // Engine events.
  output logic                 exec_o,
  output logic                 desc_done_o,
  output logic                 wait_done_o,
  output logic                 qi_busy_o,
  output logic                 iqe_o,
  output logic                 ite_o
);

  logic        qies, iqe, ite, kick, iqh_we, iqe_set, ite_set, iwc_set;
  logic [63:0] iqa;
  logic [18:0] iqt, iqh, iqh_new;
  logic [3:0]  iqei;
  logic [15:0] itesid;

  iommu_regs u_regs (
    .clk_i,
    .rst_ni,
    .reg_req_i,
    .reg_we_i,
    .reg_addr_i,
    .reg_size_i,
    .reg_wdata_i,
    .reg_rdata_o,
    .te_o,
    .rtaddr_o,
    .flt_valid_i,
    .flt_sid_i,
    .flt_pasid_valid_i,
    .flt_pasid_i,
    .flt_addr_i,
    .flt_reason_i,
    .flt_read_i,
    .flt_page_req_i,
    .flt_priv_i,
    .flt_exec_i,
    .flt_fpd_i,
    .flt_recorded_o,
    .flt_suppressed_o,
    .flt_lost_o,
    .qies_o      (qies),
    .iqa_o       (iqa),
    .iqt_o       (iqt),
    .iqh_o       (iqh),
    .iqe_o       (iqe),
    .ite_o       (ite),
    .qi_kick_o   (kick),
    .iqh_we_i    (iqh_we),
    .iqh_i       (iqh_new),
    .iqe_set_i   (iqe_set),
    .iqei_i      (iqei),
    .ite_set_i   (ite_set),
    .itesid_i    (itesid),
    .iwc_set_i   (iwc_set),
    .pqh_o       (),
    .pqt_o       (),
    .pqa_o       (),
    .pro_o       (),
    .pqt_we_i    (1'b0),
    .pqt_i       (19'd0),
    .ppr_set_i   (1'b0),
    .pro_set_i   (1'b0),
    .prq_event_o (),
    .fault_irq_o,
    .inv_irq_o
  );

  logic [5:0] inv_ready, inv_busy, inv_done;
  logic [2:0] mem_req_id;

  iommu_qi #(.AtsTimeout(AtsTimeout)) u_qi (
    .clk_i,
    .rst_ni,
    .qies_i           (qies),
    .iqa_i            (iqa),
    .iqt_i            (iqt),
    .iqh_i            (iqh),
    .iqe_i            (iqe),
    .ite_i            (ite),
    .kick_i           (kick),
    .iqh_we_o         (iqh_we),
    .iqh_o            (iqh_new),
    .iqe_set_o        (iqe_set),
    .iqei_o           (iqei),
    .ite_set_o        (ite_set),
    .itesid_o         (itesid),
    .iwc_set_o        (iwc_set),
    .mem_req_valid_o,
    .mem_req_ready_i,
    .mem_req_id_o     (mem_req_id),
    .mem_req_we_o,
    .mem_req_addr_o,
    .mem_req_wofs_o,
    .mem_req_wdata_o,
    .mem_req_w4_o,
    .mem_rsp_valid_i,
    .mem_rsp_rdata_i,
    .mem_rsp_err_i,
    .inv_valid_o,
    .inv_ready_i      (inv_ready),
    .inv_target_o,
    .inv_iotlb_kind_o,
    .inv_by_did_o,
    .inv_by_pasid_o,
    .inv_by_range_o,
    .inv_sid_o,
    .inv_sid_mask_o,
    .inv_did_o,
    .inv_pasid_o,
    .inv_addr_o,
    .inv_am_o,
    .inv_busy_i       (inv_busy),
    .inv_done_i       (inv_done),
    .dtlb_req_valid_o,
    .dtlb_req_ready_i,
    .dtlb_req_itag_o,
    .dtlb_req_sid_o,
    .dtlb_req_pasid_valid_o,
    .dtlb_req_pasid_o,
    .dtlb_req_global_o,
    .dtlb_req_addr_o,
    .dtlb_req_s_o,
    .dtlb_cpl_valid_i,
    .dtlb_cpl_itag_i,
    .walk_busy_i,
    .prq_busy_i,
    .prsp_valid_o,
    .prsp_sid_o,
    .prsp_pasid_valid_o,
    .prsp_pasid_o,
    .prsp_prgi_o,
    .prsp_code_o,
    .exec_o,
    .desc_done_o,
    .wait_done_o,
    .busy_o           (qi_busy_o)
  );
  assign inv_busy_o = inv_busy;
  assign iqe_o      = iqe;
  assign ite_o      = ite;

  // ---- Selectors in each cache's tag layout ------------------------------------
  // Page-number mask of a range of 2^am pages (bits below am not compared).
  logic [PageW-1:0] page_mask, page_val;
  always_comb begin
    for (int unsigned i = 0; i < PageW; i++) page_mask[i] = i >= 32'(inv_am_o);
    page_val = inv_addr_o[Mgaw-1:12] & page_mask;
  end
  function automatic logic [15:0] m16(logic on);
    m16 = on ? 16'hFFFF : 16'h0;
  endfunction
  function automatic logic [19:0] m20(logic on);
    m20 = on ? 20'hFFFFF : 20'h0;
  endfunction

  localparam int unsigned CtxTagW = 16;
  localparam int unsigned PcTagW  = 16 + 20 + 16;   // SID, PASID (key), DID
  localparam int unsigned WkTagW  = 16 + PageW + 2; // DID, page, level
  localparam int unsigned FlTagW  = 36 + PageW + 2; // DID, PASID, page, level

  logic [CtxTagW-1:0] ctx_tag, ctx_mask;
  logic [PcTagW-1:0]  pc_tag, pc_mask;
  logic [WkTagW-1:0]  ntlb_tag, ntlb_mask, sl_tag, sl_mask;
  logic [FlTagW-1:0]  fl_tag, fl_mask;
  assign ctx_tag   = inv_sid_o;
  assign ctx_mask  = inv_sid_mask_o;
  assign pc_tag    = {inv_did_o, inv_pasid_o, 16'd0};
  assign pc_mask   = {m16(inv_by_did_o[1]), m20(inv_by_pasid_o[1]), 16'd0};
  assign ntlb_tag  = {2'd0, page_val, inv_did_o};
  assign ntlb_mask = {2'd0, inv_by_range_o[3] ? page_mask : '0, m16(inv_by_did_o[3])};
  assign fl_tag    = {2'd0, page_val, inv_pasid_o, inv_did_o};
  assign fl_mask   = {2'd0, inv_by_range_o[4] ? page_mask : '0, m20(inv_by_pasid_o[4]),
                      m16(inv_by_did_o[4])};
  assign sl_tag    = {2'd0, page_val, inv_did_o};
  assign sl_mask   = {2'd0, inv_by_range_o[5] ? page_mask : '0, m16(inv_by_did_o[5])};

  // ---- The caches ---------------------------------------------------------------------
  iommu_cache #(
    .Sets (iommu_params_pkg::ContextCacheSets),
    .Ways (iommu_params_pkg::ContextCacheWays),
    .KeyW (CtxTagW),
    .DataW(1)
  ) u_ctx (
    .clk_i, .rst_ni,
    .lk_valid_i ('0), .lk_ready_o (), .lk_set_i ('0), .lk_key_i ('0), .lk_rsp_valid_o (),
    .lk_hit_o (), .lk_probe_o (), .lk_way_o (), .lk_data_o (),
    .fill_valid_i ('0), .fill_ready_o (), .fill_set_i ('0), .fill_tag_i ('0), .fill_data_i ('0),
    .fill_way_o (), .fill_evict_o (),
    .inv_valid_i (inv_valid_o && inv_target_o[0]), .inv_ready_o (inv_ready[0]),
    .inv_en_i (2'b01), .inv_tag_i ({{CtxTagW{1'b0}}, ctx_tag}),
    .inv_mask_i ({{CtxTagW{1'b0}}, ctx_mask}),
    .busy_o (inv_busy[0]), .inv_done_o (inv_done[0]), .inv_count_o ()
  );

  iommu_cache #(
    .Sets (iommu_params_pkg::PasidCacheSets),
    .Ways (iommu_params_pkg::PasidCacheWays),
    .KeyW (36),
    .TagW (PcTagW),
    .DataW(1)
  ) u_pc (
    .clk_i, .rst_ni,
    .lk_valid_i ('0), .lk_ready_o (), .lk_set_i ('0), .lk_key_i ('0), .lk_rsp_valid_o (),
    .lk_hit_o (), .lk_probe_o (), .lk_way_o (), .lk_data_o (),
    .fill_valid_i ('0), .fill_ready_o (), .fill_set_i ('0), .fill_tag_i ('0), .fill_data_i ('0),
    .fill_way_o (), .fill_evict_o (),
    .inv_valid_i (inv_valid_o && inv_target_o[1]), .inv_ready_o (inv_ready[1]),
    .inv_en_i (2'b01), .inv_tag_i ({{PcTagW{1'b0}}, pc_tag}),
    .inv_mask_i ({{PcTagW{1'b0}}, pc_mask}),
    .busy_o (inv_busy[1]), .inv_done_o (inv_done[1]), .inv_count_o ()
  );

  iommu_iotlb u_iotlb (
    .clk_i, .rst_ni,
    .lk_valid_i ('0), .lk_ready_o (), .lk_did_i ('0), .lk_pasid_i ('0), .lk_addr_i ('0),
    .lk_rsp_valid_o (), .lk_hit_o (), .lk_level_o (), .lk_way_o (), .lk_hpn_o (),
    .lk_perm_o (), .lk_sl_perm_o (), .lk_dirty_o (), .lk_global_o (), .lk_cls_o (),
    .fill_valid_i ('0), .fill_ready_o (), .fill_did_i ('0), .fill_pasid_i ('0),
    .fill_addr_i ('0), .fill_level_i ('0), .fill_hpn_i ('0), .fill_perm_i ('0),
    .fill_sl_perm_i ('0), .fill_dirty_i ('0), .fill_global_i ('0), .fill_cls_i ('0),
    .fill_way_o (), .fill_evict_o (),
    .inv_valid_i (inv_valid_o && inv_target_o[2]), .inv_ready_o (inv_ready[2]),
    .inv_kind_i (inv_iotlb_kind_o), .inv_did_i (inv_did_o),
    .inv_pasid_i (inv_pasid_o[iommu_params_pkg::PasidBits-1:0]),
    .inv_addr_i (inv_addr_o[Mgaw-1:0]), .inv_am_i (inv_am_o),
    .busy_o (inv_busy[2]), .inv_done_o (inv_done[2]), .inv_count_o ()
  );

  iommu_cache #(
    .Sets (iommu_params_pkg::NestedTlbSets),
    .Ways (iommu_params_pkg::NestedTlbWays),
    .KeyW (WkTagW),
    .DataW(1),
    .PageLsb(16), .PageW(PageW), .LvlLsb(16 + PageW), .LvlW(2)
  ) u_ntlb (
    .clk_i, .rst_ni,
    .lk_valid_i ('0), .lk_ready_o (), .lk_set_i ('0), .lk_key_i ('0), .lk_rsp_valid_o (),
    .lk_hit_o (), .lk_probe_o (), .lk_way_o (), .lk_data_o (),
    .fill_valid_i ('0), .fill_ready_o (), .fill_set_i ('0), .fill_tag_i ('0), .fill_data_i ('0),
    .fill_way_o (), .fill_evict_o (),
    .inv_valid_i (inv_valid_o && inv_target_o[3]), .inv_ready_o (inv_ready[3]),
    .inv_en_i (2'b01), .inv_tag_i ({{WkTagW{1'b0}}, ntlb_tag}),
    .inv_mask_i ({{WkTagW{1'b0}}, ntlb_mask}),
    .busy_o (inv_busy[3]), .inv_done_o (inv_done[3]), .inv_count_o ()
  );

  iommu_cache #(
    .Sets (iommu_params_pkg::FlPwcSets),
    .Ways (iommu_params_pkg::FlPwcWays),
    .KeyW (FlTagW),
    .DataW(1),
    .PageLsb(36), .PageW(PageW), .LvlLsb(36 + PageW), .LvlW(2)
  ) u_flpwc (
    .clk_i, .rst_ni,
    .lk_valid_i ('0), .lk_ready_o (), .lk_set_i ('0), .lk_key_i ('0), .lk_rsp_valid_o (),
    .lk_hit_o (), .lk_probe_o (), .lk_way_o (), .lk_data_o (),
    .fill_valid_i ('0), .fill_ready_o (), .fill_set_i ('0), .fill_tag_i ('0), .fill_data_i ('0),
    .fill_way_o (), .fill_evict_o (),
    .inv_valid_i (inv_valid_o && inv_target_o[4]), .inv_ready_o (inv_ready[4]),
    .inv_en_i (2'b01), .inv_tag_i ({{FlTagW{1'b0}}, fl_tag}),
    .inv_mask_i ({{FlTagW{1'b0}}, fl_mask}),
    .busy_o (inv_busy[4]), .inv_done_o (inv_done[4]), .inv_count_o ()
  );

  iommu_cache #(
    .Sets (iommu_params_pkg::SlPwcSets),
    .Ways (iommu_params_pkg::SlPwcWays),
    .KeyW (WkTagW),
    .DataW(1),
    .PageLsb(16), .PageW(PageW), .LvlLsb(16 + PageW), .LvlW(2)
  ) u_slpwc (
    .clk_i, .rst_ni,
    .lk_valid_i ('0), .lk_ready_o (), .lk_set_i ('0), .lk_key_i ('0), .lk_rsp_valid_o (),
    .lk_hit_o (), .lk_probe_o (), .lk_way_o (), .lk_data_o (),
    .fill_valid_i ('0), .fill_ready_o (), .fill_set_i ('0), .fill_tag_i ('0), .fill_data_i ('0),
    .fill_way_o (), .fill_evict_o (),
    .inv_valid_i (inv_valid_o && inv_target_o[5]), .inv_ready_o (inv_ready[5]),
    .inv_en_i (2'b01), .inv_tag_i ({{WkTagW{1'b0}}, sl_tag}),
    .inv_mask_i ({{WkTagW{1'b0}}, sl_mask}),
    .busy_o (inv_busy[5]), .inv_done_o (inv_done[5]), .inv_count_o ()
  );

  logic unused_id;
  assign unused_id = ^mem_req_id;

endmodule
