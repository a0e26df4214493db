// The VT-d IOMMU block (docs/uarch.md section 2): the register file
// (iommu_regs with iommu_fault), the invalidation queue engine (iommu_qi),
// the context cache, PASID cache and IOTLB, a lookup stage answering
// requests from the caches (iommu_keys, iommu_lookup), a miss queue feeding
// WalkSlots page walkers (iommu_walker), the memory-port arbiter and the
// response port.
//
// Request flow: a request accepted on the request port (req_ready_o) enters
// the lookup stage, which probes the context cache (SID), then the PASID
// cache (SID, PASID key) after a context hit, then the IOTLB (DID, PASID,
// page) when iommu_keys asks for it, each a registered cache lookup, and
// decides with iommu_lookup: answered from the caches (a response, unless a
// walk completes in the same cycle, which has priority) or pushed into the
// miss queue with the cached context/PASID entries. A free walker slot takes
// the miss queue's head; its completion answers the request and commits its
// fills to the caches, unless an invalidation descriptor completed during
// the walk (walk_fill_dropped_o). Responses with a fault status are recorded
// through the register file's fault input, unless an FPD bit suppresses them
// or the request was an ATS translation request.
//
// Memory: one master port shared round-robin by the walker slots (ids
// 0..WalkSlots-1) and the queue engine (id WalkSlots), with at most
// MemOutstanding requests in flight and MemInterval cycles between
// transfers; responses are routed by id.
//
// PlantBug (verification of the co-simulation): 0 correct; 1 the first
// PASID-cache invalidation after reset is skipped; 2 responses answered
// from the caches leave one cycle late.
module iommu_top #(
  parameter int unsigned PlantBug   = 0,
  parameter int unsigned WalkSlots  = iommu_params_pkg::WalkSlots,
  parameter int unsigned MissQueue  = iommu_params_pkg::WalkMissQueue,
  parameter int unsigned MemOutstanding = iommu_params_pkg::MemOutstanding,
  parameter int unsigned MemInterval    = iommu_params_pkg::MemInterval,
  parameter int unsigned AtsTimeout = 100000,
  parameter int unsigned CtxSets    = iommu_params_pkg::ContextCacheSets,
  parameter int unsigned CtxWays    = iommu_params_pkg::ContextCacheWays,
  parameter int unsigned PcSets     = iommu_params_pkg::PasidCacheSets,
  parameter int unsigned PcWays     = iommu_params_pkg::PasidCacheWays,
  parameter int unsigned TlbSets    = iommu_params_pkg::IotlbSets,
  parameter int unsigned TlbWays    = iommu_params_pkg::IotlbWays,
  localparam int unsigned MemIdW    = $clog2(WalkSlots + 1),
  localparam int unsigned Haw       = iommu_params_pkg::Haw,
  localparam int unsigned Mgaw      = iommu_params_pkg::Mgaw,
  localparam int unsigned PasidBits = iommu_params_pkg::PasidBits
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // Translation requests.
  input  logic              req_valid_i,
  output logic              req_ready_o,
  input  logic [7:0]        req_tag_i,
  input  logic [15:0]       req_sid_i,
  input  logic              req_pasid_valid_i,
  input  logic [19:0]       req_pasid_i,
  input  logic              req_priv_i,
  input  logic [63:0]       req_addr_i,
  input  logic [1:0]        req_access_i,      // 0 read, 1 write, 2 execute
  input  logic [1:0]        req_at_i,          // 0 untranslated, 1 translation req, 2 translated
  input  logic              req_no_write_i,
  // Responses (never stalled).
  output logic              rsp_valid_o,
  output logic [7:0]        rsp_tag_o,
  output logic [1:0]        rsp_status_o,      // 0 ok, 1 fault, 2 unsupported
  output logic [7:0]        rsp_fault_o,
  output logic [63:0]       rsp_hpa_o,
  output logic [4:0]        rsp_page_size_o,
  output logic [3:0]        rsp_perm_o,
  output logic              rsp_global_o,
  output logic              rsp_walked_o,      // answered by a walker
  // Memory master.
  output logic              mem_req_valid_o,
  input  logic              mem_req_ready_i,
  output logic [MemIdW-1:0] mem_req_id_o,
  output logic              mem_req_we_o,
  output logic [63:0]       mem_req_addr_o,
  output logic [5:0]        mem_req_wofs_o,
  output logic [63:0]       mem_req_wdata_o,
  output logic              mem_req_w4_o,
  input  logic              mem_rsp_valid_i,
  input  logic [MemIdW-1:0] mem_rsp_id_i,
  input  logic [511:0]      mem_rsp_rdata_i,
  input  logic              mem_rsp_err_i,
  // Register port.
  input  logic              reg_req_i,
  input  logic              reg_we_i,
  input  logic [12:0]       reg_addr_i,
  input  logic [3:0]        reg_size_i,
  input  logic [63:0]       reg_wdata_i,
  output logic [63:0]       reg_rdata_o,
  // Device-TLB invalidation.
  output logic              dtlb_req_valid_o,
  input  logic              dtlb_req_ready_i,
  output logic [4:0]        dtlb_req_itag_o,
  output logic [15:0]       dtlb_req_sid_o,
  output logic              dtlb_req_pasid_valid_o,
  output logic [19:0]       dtlb_req_pasid_o,
  output logic              dtlb_req_global_o,
  output logic [63:0]       dtlb_req_addr_o,
  output logic              dtlb_req_s_o,
  input  logic              dtlb_cpl_valid_i,
  input  logic [4:0]        dtlb_cpl_itag_i,
  // Interrupts.
  output logic              fault_irq_o,
  output logic              inv_irq_o,
  // Observation.
  output logic              qi_desc_done_o,
  output logic              qi_wait_done_o,
  output logic              walk_start_o,
  output logic              walk_fill_dropped_o,
  output logic              flt_recorded_o
);

  localparam int unsigned Nreq = WalkSlots + 1;  // memory requesters
  localparam int unsigned SlotW = (WalkSlots > 1) ? $clog2(WalkSlots) : 1;
  localparam int unsigned MqW   = (MissQueue > 1) ? $clog2(MissQueue) : 1;
  localparam int unsigned OutW  = $clog2(MemOutstanding + 1);
  localparam int unsigned IvW   = (MemInterval > 1) ? $clog2(MemInterval + 1) : 1;
  localparam int unsigned HpnW    = Haw - 12;

  // A request as it travels: tag, SID, PASID, privilege, address, access,
  // AT, no-write.
  localparam int unsigned ReqW = 8 + 16 + 1 + 20 + 1 + 64 + 2 + 2 + 1;
  // A miss-queue entry: the request plus the cached context/PASID entries.
  localparam int unsigned MqEW = ReqW + 1 + 256 + 1 + 512 + 1;

  logic [ReqW-1:0] req_in;
  assign req_in = {req_tag_i, req_sid_i, req_pasid_valid_i, req_pasid_i, req_priv_i, req_addr_i,
                   req_access_i, req_at_i, req_no_write_i};

  // ---- Register file and queue engine ------------------------------------------
  logic        te, qies, iqe, ite, kick, iqh_we, iqe_set, ite_set, iwc_set;
  logic [63:0] rtaddr, iqa;
  logic [18:0] iqt, iqh, iqh_new;
  logic [3:0]  iqei;
  logic [15:0] itesid;

  logic        flt_valid, flt_pasid_valid, flt_read, flt_priv, flt_exec, flt_fpd;
  logic [15:0] flt_sid;
  logic [19:0] flt_pasid;
  logic [63:0] flt_addr;
  logic [7:0]  flt_reason;

  iommu_regs u_regs (
    .clk_i,
    .rst_ni,
    .reg_req_i,
    .reg_we_i,
    .reg_addr_i,
    .reg_size_i,
    .reg_wdata_i,
    .reg_rdata_o,
    .te_o              (te),
    .rtaddr_o          (rtaddr),
    .flt_valid_i       (flt_valid),
    .flt_sid_i         (flt_sid),
    .flt_pasid_valid_i (flt_pasid_valid),
    .flt_pasid_i       (flt_pasid),
    .flt_addr_i        (flt_addr),
    .flt_reason_i      (flt_reason),
    .flt_read_i        (flt_read),
    .flt_page_req_i    (1'b0),
    .flt_priv_i        (flt_priv),
    .flt_exec_i        (flt_exec),
    .flt_fpd_i         (flt_fpd),
    .flt_recorded_o,
    .flt_suppressed_o  (),
    .flt_lost_o        (),
    .qies_o            (qies),
    .iqa_o             (iqa),
    .iqt_o             (iqt),
    .iqh_o             (iqh),
    .iqe_o             (iqe),
    .ite_o             (ite),
    .qi_kick_o         (kick),
    .iqh_we_i          (iqh_we),
    .iqh_i             (iqh_new),
    .iqe_set_i         (iqe_set),
    .iqei_i            (iqei),
    .ite_set_i         (ite_set),
    .itesid_i          (itesid),
    .iwc_set_i         (iwc_set),
    .fault_irq_o,
    .inv_irq_o
  );

  // Invalidation port of the engine.
  logic              inv_valid;
  logic [5:0]        inv_target, inv_by_did, inv_by_pasid, inv_by_range;
  logic [2:0]        inv_iotlb_kind;
  logic [15:0]       inv_sid, inv_sid_mask, inv_did;
  logic [19:0]       inv_pasid;
  logic [63:0]       inv_addr;
  logic [5:0]        inv_am, inv_ready, inv_busy, inv_done;

  // Engine memory master (requester WalkSlots).
  logic [Nreq-1:0]   m_valid, m_ready, m_we, m_w4, m_rsp;
  logic [63:0]       m_addr  [Nreq];
  logic [5:0]        m_wofs  [Nreq];
  logic [63:0]       m_wdata [Nreq];
  logic [MemIdW-1:0] qi_mem_id;

  logic [WalkSlots-1:0] slot_busy_q;
  logic                 qi_desc_done;

  iommu_qi #(
    .MemIdW    (MemIdW),
    .MemId     (WalkSlots),
    .WalkSlots (WalkSlots),
    .AtsTimeout(AtsTimeout)
  ) u_qi (
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
    .mem_req_valid_o  (m_valid[WalkSlots]),
    .mem_req_ready_i  (m_ready[WalkSlots]),
    .mem_req_id_o     (qi_mem_id),
    .mem_req_we_o     (m_we[WalkSlots]),
    .mem_req_addr_o   (m_addr[WalkSlots]),
    .mem_req_wofs_o   (m_wofs[WalkSlots]),
    .mem_req_wdata_o  (m_wdata[WalkSlots]),
    .mem_req_w4_o     (m_w4[WalkSlots]),
    .mem_rsp_valid_i  (m_rsp[WalkSlots]),
    .mem_rsp_rdata_i,
    .mem_rsp_err_i,
    .inv_valid_o      (inv_valid),
    .inv_ready_i      (inv_ready),
    .inv_target_o     (inv_target),
    .inv_iotlb_kind_o (inv_iotlb_kind),
    .inv_by_did_o     (inv_by_did),
    .inv_by_pasid_o   (inv_by_pasid),
    .inv_by_range_o   (inv_by_range),
    .inv_sid_o        (inv_sid),
    .inv_sid_mask_o   (inv_sid_mask),
    .inv_did_o        (inv_did),
    .inv_pasid_o      (inv_pasid),
    .inv_addr_o       (inv_addr),
    .inv_am_o         (inv_am),
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
    .walk_busy_i      (slot_busy_q),
    .exec_o           (),
    .desc_done_o      (qi_desc_done),
    .wait_done_o      (qi_wait_done_o),
    .busy_o           ()
  );
  assign qi_desc_done_o = qi_desc_done;

  // The nested TLB and paging-structure caches are not modelled in this block:
  // their invalidations complete at once.
  assign inv_ready[5:3] = 3'b111;
  assign inv_busy[5:3]  = 3'b000;
  assign inv_done[5:3]  = 3'b000;

  // Context cache selector: device-selective under the function mask, else all.
  logic [1:0] ctx_inv_gran, ctx_inv_fm;
  always_comb begin
    ctx_inv_gran = (inv_sid_mask != 16'h0) ? 2'd3 : 2'd1;
    unique case (inv_sid_mask)
      16'hFFFF: ctx_inv_fm = 2'd0;
      16'hFFFB: ctx_inv_fm = 2'd1;
      16'hFFF9: ctx_inv_fm = 2'd2;
      default:  ctx_inv_fm = 2'd3;
    endcase
  end
  // PASID cache selector: by DID and PASID, by DID, or all.
  logic [1:0] pc_inv_gran;
  assign pc_inv_gran = inv_by_pasid[1] ? 2'd1 : (inv_by_did[1] ? 2'd0 : 2'd3);

  // PlantBug 1: the first PASID-cache invalidation after reset is skipped.
  logic pc_skip, pc_skipped_q;
  logic pc_inv_ready, pc_inv_busy;
  assign pc_skip = (PlantBug == 1) && !pc_skipped_q && inv_target[1];
  always_ff @(posedge clk_i) begin
    if (!rst_ni) pc_skipped_q <= 1'b0;
    else if (inv_valid && pc_skip) pc_skipped_q <= 1'b1;
  end
  assign inv_ready[1] = pc_skip ? 1'b1 : pc_inv_ready;
  assign inv_busy[1]  = pc_skip ? 1'b0 : pc_inv_busy;

  // ---- Caches -------------------------------------------------------------------------
  logic              ctx_lk_valid, ctx_lk_ready, ctx_lk_rsp, ctx_lk_hit;
  logic [255:0]      ctx_lk_entry;
  logic              ctx_fill_valid;
  logic [15:0]       ctx_fill_sid;
  logic [255:0]      ctx_fill_entry;
  logic [15:0]       ctx_lk_sid;

  iommu_ctx_cache #(.Sets(CtxSets), .Ways(CtxWays)) u_ctx (
    .clk_i, .rst_ni,
    .lk_valid_i     (ctx_lk_valid),
    .lk_ready_o     (ctx_lk_ready),
    .lk_sid_i       (ctx_lk_sid),
    .lk_rsp_valid_o (ctx_lk_rsp),
    .lk_hit_o       (ctx_lk_hit),
    .lk_way_o       (),
    .lk_entry_o     (ctx_lk_entry),
    .fill_valid_i   (ctx_fill_valid),
    .fill_ready_o   (),
    .fill_sid_i     (ctx_fill_sid),
    .fill_entry_i   (ctx_fill_entry),
    .fill_way_o     (),
    .fill_evict_o   (),
    .inv_valid_i    (inv_valid && inv_target[0]),
    .inv_ready_o    (inv_ready[0]),
    .inv_gran_i     (ctx_inv_gran),
    .inv_sid_i      (inv_sid),
    .inv_fm_i       (ctx_inv_fm),
    .busy_o         (inv_busy[0]),
    .inv_done_o     (inv_done[0]),
    .inv_count_o    ()
  );

  logic                 pc_lk_valid, pc_lk_ready, pc_lk_rsp, pc_lk_hit, pc_lk_fpd;
  logic [511:0]         pc_lk_entry;
  logic [15:0]          pc_lk_sid;
  logic [PasidBits-1:0] pc_lk_pasid;
  logic                 pc_fill_valid, pc_fill_fpd;
  logic [15:0]          pc_fill_sid;
  logic [PasidBits-1:0] pc_fill_pasid;
  logic [511:0]         pc_fill_entry;

  iommu_pasid_cache #(.Sets(PcSets), .Ways(PcWays)) u_pc (
    .clk_i, .rst_ni,
    .lk_valid_i     (pc_lk_valid),
    .lk_ready_o     (pc_lk_ready),
    .lk_sid_i       (pc_lk_sid),
    .lk_pasid_i     (pc_lk_pasid),
    .lk_rsp_valid_o (pc_lk_rsp),
    .lk_hit_o       (pc_lk_hit),
    .lk_way_o       (),
    .lk_entry_o     (pc_lk_entry),
    .lk_pde_fpd_o   (pc_lk_fpd),
    .fill_valid_i   (pc_fill_valid),
    .fill_ready_o   (),
    .fill_sid_i     (pc_fill_sid),
    .fill_pasid_i   (pc_fill_pasid),
    .fill_entry_i   (pc_fill_entry),
    .fill_pde_fpd_i (pc_fill_fpd),
    .fill_way_o     (),
    .fill_evict_o   (),
    .inv_valid_i    (inv_valid && inv_target[1] && !pc_skip),
    .inv_ready_o    (pc_inv_ready),
    .inv_gran_i     (pc_inv_gran),
    .inv_did_i      (inv_did),
    .inv_pasid_i    (inv_pasid[PasidBits-1:0]),
    .busy_o         (pc_inv_busy),
    .inv_done_o     (inv_done[1]),
    .inv_count_o    ()
  );

  logic                 tlb_lk_valid, tlb_lk_ready, tlb_lk_rsp, tlb_lk_hit;
  logic [15:0]          tlb_lk_did;
  logic [PasidBits-1:0] tlb_lk_pasid;
  logic [Mgaw-1:0]      tlb_lk_addr;
  logic [1:0]           tlb_lk_level;
  logic [HpnW-1:0]      tlb_lk_hpn;
  logic [3:0]           tlb_lk_perm, tlb_lk_sl_perm;
  logic                 tlb_lk_dirty, tlb_lk_global;
  logic                 tlb_fill_valid, tlb_fill_dirty, tlb_fill_global, tlb_fill_cls;
  logic [15:0]          tlb_fill_did;
  logic [PasidBits-1:0] tlb_fill_pasid;
  logic [Mgaw-1:0]      tlb_fill_addr;
  logic [1:0]           tlb_fill_level;
  logic [HpnW-1:0]      tlb_fill_hpn;
  logic [3:0]           tlb_fill_perm, tlb_fill_sl_perm;

  iommu_iotlb #(.Sets(TlbSets), .Ways(TlbWays)) u_iotlb (
    .clk_i, .rst_ni,
    .lk_valid_i     (tlb_lk_valid),
    .lk_ready_o     (tlb_lk_ready),
    .lk_did_i       (tlb_lk_did),
    .lk_pasid_i     (tlb_lk_pasid),
    .lk_addr_i      (tlb_lk_addr),
    .lk_rsp_valid_o (tlb_lk_rsp),
    .lk_hit_o       (tlb_lk_hit),
    .lk_level_o     (tlb_lk_level),
    .lk_way_o       (),
    .lk_hpn_o       (tlb_lk_hpn),
    .lk_perm_o      (tlb_lk_perm),
    .lk_sl_perm_o   (tlb_lk_sl_perm),
    .lk_dirty_o     (tlb_lk_dirty),
    .lk_global_o    (tlb_lk_global),
    .lk_cls_o       (),
    .fill_valid_i   (tlb_fill_valid),
    .fill_ready_o   (),
    .fill_did_i     (tlb_fill_did),
    .fill_pasid_i   (tlb_fill_pasid),
    .fill_addr_i    (tlb_fill_addr),
    .fill_level_i   (tlb_fill_level),
    .fill_hpn_i     (tlb_fill_hpn),
    .fill_perm_i    (tlb_fill_perm),
    .fill_sl_perm_i (tlb_fill_sl_perm),
    .fill_dirty_i   (tlb_fill_dirty),
    .fill_global_i  (tlb_fill_global),
    .fill_cls_i     (tlb_fill_cls),
    .fill_way_o     (),
    .fill_evict_o   (),
    .inv_valid_i    (inv_valid && inv_target[2]),
    .inv_ready_o    (inv_ready[2]),
    .inv_kind_i     (inv_iotlb_kind),
    .inv_did_i      (inv_did),
    .inv_pasid_i    (inv_pasid[PasidBits-1:0]),
    .inv_addr_i     (inv_addr[Mgaw-1:0]),
    .inv_am_i       (inv_am),
    .busy_o         (inv_busy[2]),
    .inv_done_o     (inv_done[2]),
    .inv_count_o    ()
  );

  // ---- Lookup stage ----------------------------------------------------------------------
  typedef enum logic [2:0] {
    L_IDLE, L_CTX, L_CTXW, L_PC, L_PCW, L_TLB, L_TLBW, L_DEC
  } lstate_e;
  lstate_e           ls_q, ls_d;
  logic [ReqW-1:0]   cur_q;
  logic              c_ctx_hit_q, c_pc_hit_q, c_pc_fpd_q, c_tlb_hit_q;
  logic [255:0]      c_ctx_q;
  logic [511:0]      c_pc_q;
  logic [1:0]        c_tlb_level_q;
  logic [HpnW-1:0]   c_tlb_hpn_q;
  logic [3:0]        c_tlb_perm_q, c_tlb_sl_perm_q;
  logic              c_tlb_dirty_q, c_tlb_global_q;

  logic [7:0]  cur_tag;
  logic [15:0] cur_sid;
  logic        cur_pv, cur_priv, cur_nw;
  logic [19:0] cur_pasid;
  logic [63:0] cur_addr;
  logic [1:0]  cur_access, cur_at;
  assign {cur_tag, cur_sid, cur_pv, cur_pasid, cur_priv, cur_addr, cur_access, cur_at,
          cur_nw} = cur_q;

  logic [19:0] k_pasid;
  logic [15:0] k_did;
  logic        k_probe;
  iommu_keys #(.RidPasid(iommu_params_pkg::RidPasid)) u_keys (
    .ctx_i             (c_ctx_q[127:0]),
    .req_pasid_valid_i (cur_pv),
    .req_pasid_i       (cur_pasid),
    .key_pasid_o       (k_pasid),
    .ctx_hit_i         (c_ctx_hit_q),
    .pasid_hit_i       (c_pc_hit_q),
    .req_at_i          (cur_at),
    .pasid_entry_i     (c_pc_q[127:0]),
    .key_did_o         (k_did),
    .iotlb_probe_o     (k_probe)
  );

  logic        lk_hit, lk_fpd;
  logic [7:0]  lk_tag, lk_fault;
  logic [1:0]  lk_status;
  logic [63:0] lk_hpa;
  logic [4:0]  lk_psize;
  logic [3:0]  lk_perm;
  logic        lk_global;

  iommu_lookup #(
    .TagW     (8),
    .Haw      (Haw),
    .Mgaw     (Mgaw),
    .PasidBits(PasidBits),
    .Sagaw    (5'(iommu_params_pkg::Sagaw)),
    .Sl2m     (iommu_params_pkg::Sl2m),
    .Sl1g     (iommu_params_pkg::Sl1g),
    .Fl1g     (iommu_params_pkg::Fl1g),
    .Fl5Level (iommu_params_pkg::Fl5level),
    .Nested   (iommu_params_pkg::Nested),
    .PassThru (iommu_params_pkg::PassThrough),
    .SlAd     (iommu_params_pkg::SlAd),
    .ExecReq  (iommu_params_pkg::ExecReq),
    .SuperReq (iommu_params_pkg::SuperReq),
    .RidPasid (iommu_params_pkg::RidPasid)
  ) u_lookup (
    .te_i              (te),
    .rtaddr_ttm_i      (rtaddr[11:10]),
    .req_tag_i         (cur_tag),
    .req_sid_i         (cur_sid),
    .req_pasid_valid_i (cur_pv),
    .req_pasid_i       (cur_pasid),
    .req_priv_i        (cur_priv),
    .req_addr_i        (cur_addr),
    .req_access_i      (cur_access),
    .req_at_i          (cur_at),
    .req_no_write_i    (cur_nw),
    .ctx_hit_i         (c_ctx_hit_q),
    .ctx_i             (c_ctx_q),
    .pasid_hit_i       (c_pc_hit_q),
    .pasid_entry_i     (c_pc_q),
    .pde_fpd_i         (c_pc_fpd_q),
    .iotlb_hit_i       (c_tlb_hit_q),
    .iotlb_hpn_i       (c_tlb_hpn_q),
    .iotlb_level_i     (c_tlb_level_q),
    .iotlb_perm_i      (c_tlb_perm_q),
    .iotlb_sl_perm_i   (c_tlb_sl_perm_q),
    .iotlb_global_i    (c_tlb_global_q),
    .iotlb_dirty_i     (c_tlb_dirty_q),
    .hit_o             (lk_hit),
    .rsp_tag_o         (lk_tag),
    .rsp_status_o      (lk_status),
    .rsp_fault_o       (lk_fault),
    .rsp_hpa_o         (lk_hpa),
    .rsp_page_size_o   (lk_psize),
    .rsp_perm_o        (lk_perm),
    .rsp_global_o      (lk_global),
    .rsp_fpd_o         (lk_fpd),
    .pc_probe_o        (),
    .tlb_probe_o       (),
    .key_pasid_o       (),
    .key_did_o         ()
  );

  assign ctx_lk_sid   = cur_sid;
  assign pc_lk_sid    = cur_sid;
  assign pc_lk_pasid  = k_pasid[PasidBits-1:0];
  assign tlb_lk_did   = k_did;
  assign tlb_lk_pasid = k_pasid[PasidBits-1:0];
  assign tlb_lk_addr  = cur_addr[Mgaw-1:0];
  assign ctx_lk_valid = ls_q == L_CTX;
  assign pc_lk_valid  = ls_q == L_PC && c_ctx_hit_q;
  assign tlb_lk_valid = ls_q == L_TLB && k_probe;

  // Miss queue.
  logic [MqEW-1:0] mq_q [MissQueue];
  logic [MqW-1:0]  mq_head_q, mq_tail_q;
  logic [MqW:0]    mq_count_q;
  logic            mq_push, mq_pop, mq_full, mq_empty;
  assign mq_full  = mq_count_q == (MqW + 1)'(MissQueue);
  assign mq_empty = mq_count_q == '0;

  // Response selection: a walk completion first, else the lookup stage's hit.
  logic                 wk_rsp_any;
  logic                 hit_go;
  assign hit_go = ls_q == L_DEC && lk_hit && !wk_rsp_any;
  assign mq_push = ls_q == L_DEC && !lk_hit && !mq_full;

  always_comb begin
    ls_d = ls_q;
    unique case (ls_q)
      L_IDLE: if (req_valid_i) ls_d = L_CTX;
      L_CTX:  if (ctx_lk_ready) ls_d = L_CTXW;
      L_CTXW: if (ctx_lk_rsp) ls_d = L_PC;
      L_PC:   if (!c_ctx_hit_q) ls_d = L_TLB;
              else if (pc_lk_ready) ls_d = L_PCW;
      L_PCW:  if (pc_lk_rsp) ls_d = L_TLB;
      L_TLB:  if (!k_probe) ls_d = L_DEC;
              else if (tlb_lk_ready) ls_d = L_TLBW;
      L_TLBW: if (tlb_lk_rsp) ls_d = L_DEC;
      L_DEC:  if (hit_go || mq_push) ls_d = L_IDLE;
      default: ls_d = L_IDLE;
    endcase
  end
  assign req_ready_o = ls_q == L_IDLE;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      ls_q            <= L_IDLE;
      cur_q           <= '0;
      c_ctx_hit_q     <= 1'b0;
      c_ctx_q         <= '0;
      c_pc_hit_q      <= 1'b0;
      c_pc_q          <= '0;
      c_pc_fpd_q      <= 1'b0;
      c_tlb_hit_q     <= 1'b0;
      c_tlb_level_q   <= '0;
      c_tlb_hpn_q     <= '0;
      c_tlb_perm_q    <= '0;
      c_tlb_sl_perm_q <= '0;
      c_tlb_dirty_q   <= 1'b0;
      c_tlb_global_q  <= 1'b0;
    end else begin
      ls_q <= ls_d;
      if (ls_q == L_IDLE && req_valid_i) begin
        cur_q       <= req_in;
        c_ctx_hit_q <= 1'b0;
        c_pc_hit_q  <= 1'b0;
        c_pc_fpd_q  <= 1'b0;
        c_tlb_hit_q <= 1'b0;
      end
      if (ls_q == L_CTXW && ctx_lk_rsp) begin
        c_ctx_hit_q <= ctx_lk_hit;
        c_ctx_q     <= ctx_lk_entry;
      end
      if (ls_q == L_PCW && pc_lk_rsp) begin
        c_pc_hit_q <= pc_lk_hit;
        c_pc_q     <= pc_lk_entry;
        c_pc_fpd_q <= pc_lk_fpd;
      end
      if (ls_q == L_TLBW && tlb_lk_rsp) begin
        c_tlb_hit_q     <= tlb_lk_hit;
        c_tlb_level_q   <= tlb_lk_level;
        c_tlb_hpn_q     <= tlb_lk_hpn;
        c_tlb_perm_q    <= tlb_lk_perm;
        c_tlb_sl_perm_q <= tlb_lk_sl_perm;
        c_tlb_dirty_q   <= tlb_lk_dirty;
        c_tlb_global_q  <= tlb_lk_global;
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      mq_head_q  <= '0;
      mq_tail_q  <= '0;
      mq_count_q <= '0;
    end else begin
      if (mq_push) begin
        mq_tail_q <= (mq_tail_q == MqW'(MissQueue - 1)) ? '0 : mq_tail_q + 1'b1;
      end
      if (mq_pop) begin
        mq_head_q <= (mq_head_q == MqW'(MissQueue - 1)) ? '0 : mq_head_q + 1'b1;
      end
      mq_count_q <= mq_count_q + (MqW + 1)'(mq_push) - (MqW + 1)'(mq_pop);
    end
  end
  always_ff @(posedge clk_i) begin
    if (mq_push) mq_q[mq_tail_q] <= {cur_q, c_ctx_hit_q, c_ctx_q, c_pc_hit_q, c_pc_q, c_pc_fpd_q};
  end

  logic [MqEW-1:0] mq_head;
  logic [ReqW-1:0] mh_req;
  logic            mh_ctx_hit, mh_pc_hit, mh_pc_fpd;
  logic [255:0]    mh_ctx;
  logic [511:0]    mh_pc;
  assign mq_head = mq_q[mq_head_q];
  assign {mh_req, mh_ctx_hit, mh_ctx, mh_pc_hit, mh_pc, mh_pc_fpd} = mq_head;
  logic [7:0]  mh_tag;
  logic [15:0] mh_sid;
  logic        mh_pv, mh_priv, mh_nw;
  logic [19:0] mh_pasid;
  logic [63:0] mh_addr;
  logic [1:0]  mh_access, mh_at;
  assign {mh_tag, mh_sid, mh_pv, mh_pasid, mh_priv, mh_addr, mh_access, mh_at, mh_nw} = mh_req;

  // ---- Walker slots ------------------------------------------------------------------
  logic [WalkSlots-1:0] w_req_ready, w_take, w_rsp_valid;
  logic [WalkSlots-1:0] w_rsp_ready;
  logic [WalkSlots-1:0] w_fill_ctx, w_fill_pc, w_fill_pc_fpd, w_fill_tlb;
  logic [WalkSlots-1:0] w_fill_tlb_global, w_fill_tlb_dirty, w_fill_tlb_fl, w_rsp_global;
  logic [WalkSlots-1:0] w_rsp_fpd;
  logic [7:0]           w_rsp_tag [WalkSlots];
  logic [1:0]           w_rsp_status [WalkSlots];
  logic [7:0]           w_rsp_fault [WalkSlots];
  logic [63:0]          w_rsp_hpa [WalkSlots];
  logic [4:0]           w_rsp_psize [WalkSlots];
  logic [3:0]           w_rsp_perm [WalkSlots];
  logic [255:0]         w_fill_ctx_e [WalkSlots];
  logic [511:0]         w_fill_pc_e [WalkSlots];
  logic [15:0]          w_fill_did [WalkSlots];
  logic [19:0]          w_fill_pasid [WalkSlots];
  logic [63:0]          w_fill_page [WalkSlots];
  logic [1:0]           w_fill_level [WalkSlots];
  logic [3:0]           w_fill_perm [WalkSlots];
  logic [3:0]           w_fill_sl_perm [WalkSlots];
  logic [MemIdW-1:0]    w_mem_id [WalkSlots];
  logic [ReqW-1:0]      slot_req_q [WalkSlots];
  logic [WalkSlots-1:0] slot_drop_q;

  // The first free slot takes the miss queue's head.
  always_comb begin
    w_take = '0;
    for (int unsigned i = 0; i < WalkSlots; i++) begin
      if (!mq_empty && w_req_ready[i] && !slot_busy_q[i] && w_take == '0) w_take[i] = 1'b1;
    end
  end
  assign mq_pop       = w_take != '0;
  assign walk_start_o = mq_pop;

  // The completing slot: the lowest index with a response.
  logic [SlotW-1:0] wsel;
  always_comb begin
    wsel = '0;
    for (int i = WalkSlots - 1; i >= 0; i--) begin
      if (w_rsp_valid[i]) wsel = SlotW'(i);
    end
  end
  always_comb begin
    for (int unsigned i = 0; i < WalkSlots; i++) begin
      w_rsp_ready[i] = 1'b1;
      for (int unsigned j = 0; j < i; j++) if (w_rsp_valid[j]) w_rsp_ready[i] = 1'b0;
    end
  end
  assign wk_rsp_any = w_rsp_valid != '0;

  for (genvar g = 0; g < WalkSlots; g++) begin : g_slot
    iommu_walker #(
      .TagW     (8),
      .MemIdW   (MemIdW),
      .MemId    (g),
      .Haw      (Haw),
      .Mgaw     (Mgaw),
      .PasidBits(PasidBits),
      .Sagaw    (5'(iommu_params_pkg::Sagaw)),
      .Sl2m     (iommu_params_pkg::Sl2m),
      .Sl1g     (iommu_params_pkg::Sl1g),
      .Fl1g     (iommu_params_pkg::Fl1g),
      .Fl5Level (iommu_params_pkg::Fl5level),
      .Nested   (iommu_params_pkg::Nested),
      .PassThru (iommu_params_pkg::PassThrough),
      .SlAd     (iommu_params_pkg::SlAd),
      .ExecReq  (iommu_params_pkg::ExecReq),
      .SuperReq (iommu_params_pkg::SuperReq),
      .RidPasid (iommu_params_pkg::RidPasid)
    ) u_walker (
      .clk_i,
      .rst_ni,
      .rtaddr_i             (rtaddr),
      .req_valid_i          (w_take[g]),
      .req_ready_o          (w_req_ready[g]),
      .req_tag_i            (mh_tag),
      .req_sid_i            (mh_sid),
      .req_pasid_valid_i    (mh_pv),
      .req_pasid_i          (mh_pasid),
      .req_priv_i           (mh_priv),
      .req_addr_i           (mh_addr),
      .req_access_i         (mh_access),
      .req_at_i             (mh_at),
      .req_no_write_i       (mh_nw),
      .req_ctx_hit_i        (mh_ctx_hit),
      .req_ctx_i            (mh_ctx),
      .req_pasid_hit_i      (mh_pc_hit),
      .req_pasid_entry_i    (mh_pc),
      .req_pde_fpd_i        (mh_pc_fpd),
      .mem_req_valid_o      (m_valid[g]),
      .mem_req_ready_i      (m_ready[g]),
      .mem_req_id_o         (w_mem_id[g]),
      .mem_req_we_o         (m_we[g]),
      .mem_req_addr_o       (m_addr[g]),
      .mem_req_wofs_o       (m_wofs[g]),
      .mem_req_wdata_o      (m_wdata[g]),
      .mem_rsp_valid_i      (m_rsp[g]),
      .mem_rsp_rdata_i,
      .mem_rsp_err_i,
      .rsp_valid_o          (w_rsp_valid[g]),
      .rsp_ready_i          (w_rsp_ready[g]),
      .rsp_tag_o            (w_rsp_tag[g]),
      .rsp_status_o         (w_rsp_status[g]),
      .rsp_fault_o          (w_rsp_fault[g]),
      .rsp_hpa_o            (w_rsp_hpa[g]),
      .rsp_page_size_o      (w_rsp_psize[g]),
      .rsp_perm_o           (w_rsp_perm[g]),
      .rsp_global_o         (w_rsp_global[g]),
      .rsp_fpd_o            (w_rsp_fpd[g]),
      .fill_ctx_valid_o     (w_fill_ctx[g]),
      .fill_ctx_o           (w_fill_ctx_e[g]),
      .fill_pasid_valid_o   (w_fill_pc[g]),
      .fill_pasid_o         (w_fill_pc_e[g]),
      .fill_pasid_pde_fpd_o (w_fill_pc_fpd[g]),
      .fill_iotlb_valid_o   (w_fill_tlb[g]),
      .fill_iotlb_did_o     (w_fill_did[g]),
      .fill_iotlb_pasid_o   (w_fill_pasid[g]),
      .fill_iotlb_page_o    (w_fill_page[g]),
      .fill_iotlb_level_o   (w_fill_level[g]),
      .fill_iotlb_perm_o    (w_fill_perm[g]),
      .fill_iotlb_sl_perm_o (w_fill_sl_perm[g]),
      .fill_iotlb_global_o  (w_fill_tlb_global[g]),
      .fill_iotlb_dirty_o   (w_fill_tlb_dirty[g]),
      .fill_iotlb_fl_o      (w_fill_tlb_fl[g])
    );
    assign m_w4[g] = 1'b0;

    // Slot state: busy from the take to the completion; the request kept for
    // the fault record and the fills; fills dropped when a queue descriptor
    // completed during the walk.
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        slot_busy_q[g]   <= 1'b0;
        slot_drop_q[g]   <= 1'b0;
        slot_req_q[g]    <= '0;
      end else begin
        if (w_take[g]) begin
          slot_busy_q[g] <= 1'b1;
          slot_drop_q[g] <= 1'b0;
          slot_req_q[g]  <= mh_req;
        end else begin
          if (w_rsp_valid[g] && w_rsp_ready[g]) slot_busy_q[g] <= 1'b0;
          if (slot_busy_q[g] && qi_desc_done) slot_drop_q[g] <= 1'b1;
        end
      end
    end
  end

  // ---- Completion: fills and the response -----------------------------------------
  logic [ReqW-1:0] s_req;
  logic [7:0]      s_tag;
  logic [15:0]     s_sid;
  logic            s_pv, s_priv, s_nw;
  logic [19:0]     s_pasid;
  logic [63:0]     s_addr;
  logic [1:0]      s_access, s_at;
  assign s_req = slot_req_q[wsel];
  assign {s_tag, s_sid, s_pv, s_pasid, s_priv, s_addr, s_access, s_at, s_nw} = s_req;

  logic [19:0] f_key_pasid;
  iommu_keys #(.RidPasid(iommu_params_pkg::RidPasid)) u_fill_keys (
    .ctx_i             (w_fill_ctx_e[wsel][127:0]),
    .req_pasid_valid_i (s_pv),
    .req_pasid_i       (s_pasid),
    .key_pasid_o       (f_key_pasid),
    .ctx_hit_i         (1'b1),
    .pasid_hit_i       (1'b1),
    .req_at_i          (s_at),
    .pasid_entry_i     (w_fill_pc_e[wsel][127:0]),
    .key_did_o         (),
    .iotlb_probe_o     ()
  );

  logic w_done, w_keep;
  assign w_done = wk_rsp_any;
  assign w_keep = w_done && !slot_drop_q[wsel];
  assign walk_fill_dropped_o = w_done && slot_drop_q[wsel] &&
                               (w_fill_ctx[wsel] || w_fill_pc[wsel] || w_fill_tlb[wsel]);

  assign ctx_fill_valid   = w_keep && w_fill_ctx[wsel];
  assign ctx_fill_sid     = s_sid;
  assign ctx_fill_entry   = w_fill_ctx_e[wsel];
  assign pc_fill_valid    = w_keep && w_fill_pc[wsel];
  assign pc_fill_sid      = s_sid;
  assign pc_fill_pasid    = f_key_pasid[PasidBits-1:0];
  assign pc_fill_entry    = w_fill_pc_e[wsel];
  assign pc_fill_fpd      = w_fill_pc_fpd[wsel];
  assign tlb_fill_valid   = w_keep && w_fill_tlb[wsel];
  assign tlb_fill_did     = w_fill_did[wsel];
  assign tlb_fill_pasid   = w_fill_pasid[wsel][PasidBits-1:0];
  assign tlb_fill_addr    = s_addr[Mgaw-1:0];
  assign tlb_fill_level   = w_fill_level[wsel];
  assign tlb_fill_hpn     = w_fill_page[wsel][Haw-1:12];
  assign tlb_fill_perm    = w_fill_perm[wsel];
  assign tlb_fill_sl_perm = w_fill_sl_perm[wsel];
  assign tlb_fill_dirty   = w_fill_tlb_dirty[wsel];
  assign tlb_fill_global  = w_fill_tlb_global[wsel];
  assign tlb_fill_cls     = w_fill_tlb_fl[wsel];

  // The response of this cycle (registered onto the port).
  logic        o_valid, o_walked, o_global, o_fpd;
  logic [7:0]  o_tag, o_fault;
  logic [1:0]  o_status;
  logic [63:0] o_hpa;
  logic [4:0]  o_psize;
  logic [3:0]  o_perm;
  logic [ReqW-1:0] o_req;
  always_comb begin
    o_valid  = 1'b0;
    o_walked = 1'b0;
    o_tag    = lk_tag;
    o_status = lk_status;
    o_fault  = lk_fault;
    o_hpa    = lk_hpa;
    o_psize  = lk_psize;
    o_perm   = lk_perm;
    o_global = lk_global;
    o_fpd    = lk_fpd;
    o_req    = cur_q;
    if (w_done) begin
      o_valid  = 1'b1;
      o_walked = 1'b1;
      o_tag    = w_rsp_tag[wsel];
      o_status = w_rsp_status[wsel];
      o_fault  = w_rsp_fault[wsel];
      o_hpa    = w_rsp_hpa[wsel];
      o_psize  = w_rsp_psize[wsel];
      o_perm   = w_rsp_perm[wsel];
      o_global = w_rsp_global[wsel];
      o_fpd    = w_rsp_fpd[wsel];
      o_req    = s_req;
    end else if (hit_go) begin
      o_valid = 1'b1;
    end
  end

  // PlantBug 2: a response answered from the caches leaves one cycle late.
  logic        p_valid_q, p_global_q;
  logic [7:0]  p_tag_q, p_fault_q;
  logic [1:0]  p_status_q;
  logic [63:0] p_hpa_q;
  logic [4:0]  p_psize_q;
  logic [3:0]  p_perm_q;
  logic        delay_hit;
  assign delay_hit = (PlantBug == 2) && o_valid && !o_walked;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rsp_valid_o     <= 1'b0;
      rsp_tag_o       <= '0;
      rsp_status_o    <= '0;
      rsp_fault_o     <= '0;
      rsp_hpa_o       <= '0;
      rsp_page_size_o <= '0;
      rsp_perm_o      <= '0;
      rsp_global_o    <= 1'b0;
      rsp_walked_o    <= 1'b0;
      p_valid_q       <= 1'b0;
      p_global_q      <= 1'b0;
      p_tag_q         <= '0;
      p_fault_q       <= '0;
      p_status_q      <= '0;
      p_hpa_q         <= '0;
      p_psize_q       <= '0;
      p_perm_q        <= '0;
    end else begin
      p_valid_q <= delay_hit;
      if (delay_hit) begin
        p_tag_q    <= o_tag;
        p_status_q <= o_status;
        p_fault_q  <= o_fault;
        p_hpa_q    <= o_hpa;
        p_psize_q  <= o_psize;
        p_perm_q   <= o_perm;
        p_global_q <= o_global;
      end
      if (o_valid && !delay_hit) begin
        rsp_valid_o     <= 1'b1;
        rsp_tag_o       <= o_tag;
        rsp_status_o    <= o_status;
        rsp_fault_o     <= o_fault;
        rsp_hpa_o       <= o_hpa;
        rsp_page_size_o <= o_psize;
        rsp_perm_o      <= o_perm;
        rsp_global_o    <= o_global;
        rsp_walked_o    <= o_walked;
      end else if (p_valid_q) begin
        rsp_valid_o     <= 1'b1;
        rsp_tag_o       <= p_tag_q;
        rsp_status_o    <= p_status_q;
        rsp_fault_o     <= p_fault_q;
        rsp_hpa_o       <= p_hpa_q;
        rsp_page_size_o <= p_psize_q;
        rsp_perm_o      <= p_perm_q;
        rsp_global_o    <= p_global_q;
        rsp_walked_o    <= 1'b0;
      end else begin
        rsp_valid_o <= 1'b0;
      end
    end
  end

  // Fault recording: a fault status of a non-ATS translation request.
  logic [7:0]  r_tag;
  logic [15:0] r_sid;
  logic        r_pv, r_priv, r_nw;
  logic [19:0] r_pasid;
  logic [63:0] r_addr;
  logic [1:0]  r_access, r_at;
  assign {r_tag, r_sid, r_pv, r_pasid, r_priv, r_addr, r_access, r_at, r_nw} = o_req;
  assign flt_valid       = o_valid && o_status == 2'd1 && r_at != 2'd1;
  assign flt_sid         = r_sid;
  assign flt_pasid_valid = r_pv;
  assign flt_pasid       = r_pasid;
  assign flt_addr        = r_addr;
  assign flt_reason      = o_fault;
  assign flt_read        = r_access != 2'd1;
  assign flt_priv        = r_priv;
  assign flt_exec        = r_access == 2'd2;
  assign flt_fpd         = o_fpd;

  // ---- Memory-port arbiter -------------------------------------------------------------
  logic [MemIdW-1:0] rr_q, gsel;
  logic              gany, allow, xfer;
  logic [OutW-1:0]   out_q;
  logic [IvW-1:0]    gap_q;
  always_comb begin
    gany = 1'b0;
    gsel = '0;
    for (int unsigned k = 0; k < Nreq; k++) begin
      logic [MemIdW-1:0] idx;
      idx = MemIdW'((32'(rr_q) + k) % Nreq);
      if (!gany && m_valid[idx]) begin
        gany = 1'b1;
        gsel = MemIdW'(idx);
      end
    end
  end
  assign allow = out_q < OutW'(MemOutstanding) && (MemInterval <= 1 || gap_q == '0);
  assign mem_req_valid_o = gany && allow;
  assign xfer = mem_req_valid_o && mem_req_ready_i;
  always_comb begin
    m_ready = '0;
    if (xfer) m_ready[gsel] = 1'b1;
  end
  assign mem_req_id_o    = gsel;
  assign mem_req_we_o    = m_we[gsel];
  assign mem_req_addr_o  = m_addr[gsel];
  assign mem_req_wofs_o  = m_wofs[gsel];
  assign mem_req_wdata_o = m_wdata[gsel];
  assign mem_req_w4_o    = m_w4[gsel];
  always_comb begin
    m_rsp = '0;
    if (mem_rsp_valid_i && 32'(mem_rsp_id_i) < Nreq) m_rsp[mem_rsp_id_i] = 1'b1;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rr_q  <= '0;
      out_q <= '0;
      gap_q <= '0;
    end else begin
      if (xfer) rr_q <= (32'(gsel) + 1 >= Nreq) ? '0 : gsel + 1'b1;
      out_q <= out_q + OutW'(xfer) - OutW'(mem_rsp_valid_i);
      if (xfer) gap_q <= IvW'(MemInterval > 0 ? MemInterval - 1 : 0);
      else if (gap_q != '0) gap_q <= gap_q - 1'b1;
    end
  end

  logic unused;
  assign unused = ^{qi_mem_id, w_mem_id[0], inv_by_range, r_tag, r_nw, inv_target[5:3],
                    inv_by_did[5:2], inv_by_did[0], inv_by_pasid[5:2], inv_by_pasid[0],
                    inv_addr[63:Mgaw], s_tag, s_priv, s_nw, s_addr[63:Mgaw], s_access};

`ifndef SYNTHESIS
  // ---- Assertions ------------------------------------------------------------------
  logic [255:0] outstanding_q;
  logic         alive_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      outstanding_q <= '0;
      alive_q       <= 1'b0;
    end else begin
      alive_q <= 1'b1;
      if (req_valid_i && req_ready_o) outstanding_q[req_tag_i] <= 1'b1;
      if (rsp_valid_o) outstanding_q[rsp_tag_o] <= 1'b0;
    end
  end
  always_ff @(posedge clk_i) begin
    if (alive_q) begin
      assert (!$isunknown({rsp_valid_o, req_ready_o, mem_req_valid_o, fault_irq_o, inv_irq_o}))
        else $error("iommu_top: output unknown after reset");
      if (rsp_valid_o)
        assert (outstanding_q[rsp_tag_o])
          else $error("iommu_top: response of tag %0d without a request", rsp_tag_o);
      if (mem_rsp_valid_i)
        assert (out_q != '0) else $error("iommu_top: memory response without a request");
    end
  end
`endif

endmodule
