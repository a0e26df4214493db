// The VT-d IOMMU block (docs/uarch.md): the register file (iommu_regs with
// iommu_fault), the invalidation queue engine (iommu_qi), the context cache,
// PASID cache and IOTLB, the request pipeline, a miss queue feeding WalkSlots
// page walkers (iommu_walker), the response queue, the memory-port arbiter
// and the response port. It implements docs/uarch.md cycle for cycle, as the
// model's timing engine (model/src/timing.c) does:
//
// - Pipeline: stages A (accept), C (CtxLat cycles), P (PasidLat), T
//   (IotlbLat), R; a request moves on wherever the next stage is free (from
//   the last stage back, in one cycle), stage A accepts when it is free
//   after that. In the cycle a request enters the last T stage it is looked
//   up (lookup port 0): the context cache by SID, then, as the entry's checks
//   allow, the PASID cache and the IOTLB, a combinational chain
//   (iommu_lookup's probe outputs and keys between the caches) against the
//   caches as they were at the start of the cycle. iommu_lookup decides
//   whether the cache results answer it; the answer travels with the request.
// - Stage R: a request answered from the caches leaves through the response
//   port when no walk response is waiting; otherwise it holds (the pipeline
//   behind it stalls). A request the caches did not answer enters the miss
//   queue when it has room.
// - Walkers: the lowest idle slot that was not freed in this cycle takes the
//   miss queue's head (a request entering the queue this cycle included) and
//   looks the caches up again in that cycle (lookup port 1, ordered after
//   port 0). If that lookup answers, the slot completes in the next cycle
//   with that answer; otherwise iommu_walker starts with the cached context
//   and PASID entries and reads the rest.
// - Completion: a slot's walk completes in the cycle its walker answers; its
//   fills are written at the end of that cycle (seen by lookups from the next
//   one), unless an invalidation descriptor executed from its take through
//   that cycle. Completed slots enter the response queue in slot order; each
//   cycle the head of the queue leaves through the response port, else the
//   answer in stage R.
// - The response port is registered: a response decided in cycle c is on
//   rsp_*_o in cycle c + 1.
// Responses with a fault status, and ATS translation requests answered
// Unsupported Request, are recorded through the register file's fault input
// (as the model records them), unless an FPD bit suppresses them.
//
// Page requests (docs/uarch.md section 8.1): iommu_prq takes one at a time
// (pr_ready_o while it is idle), writes it into the page request queue or
// answers it; page group responses, the queue engine's (0x9 descriptors)
// first, leave on the registered page group response port (prsp_*_o in the
// cycle after). Its fault records take the fault input when the translation
// path records none in that cycle.
//
// Memory: one master port shared round-robin by the walker slots (ids
// 0..WalkSlots-1), the queue engine (id WalkSlots) and the page request
// unit (id WalkSlots + 1), with at most
// MemOutstanding requests in flight and MemInterval cycles between
// transfers; responses are routed by id.
//
// PlantBug (verification of the co-simulation): 0 correct; 1 the first
// PASID-cache invalidation after reset is skipped; 2 responses answered
// from the caches in stage R leave one cycle late; 3 context-cache fills
// store bit 255 of the entry inverted (a bit no check or response reads);
// 4 the page request port's PRG index reaches the page request unit with
// bit 0 inverted (a wiring slip: its descriptors and its own page group
// responses carry the wrong group).
//
// FillCheck (assertion only, Verilator --assert): 1 asserts that a walk's
// IOTLB fill that finds its key present carries the same result but for D.
// It holds only while software invalidates every change of a present
// translation before the next access to it: after an unflushed remap, a
// write's walk (D clear in the line) legitimately fills the new page. So it
// is off by default; rtl_top, whose tables change only with invalidations,
// turns it on.
module iommu_top #(
  parameter int unsigned PlantBug   = 0,
  parameter int unsigned FillCheck  = 0,
  parameter int unsigned WalkSlots  = iommu_params_pkg::WalkSlots,
  parameter int unsigned MissQueue  = iommu_params_pkg::WalkMissQueue,
  parameter int unsigned MemOutstanding = iommu_params_pkg::MemOutstanding,
  parameter int unsigned MemInterval    = iommu_params_pkg::MemInterval,
  parameter int unsigned AtsTimeout = iommu_params_pkg::AtsTimeout,
  parameter int unsigned CtxSets    = iommu_params_pkg::ContextCacheSets,
  parameter int unsigned CtxWays    = iommu_params_pkg::ContextCacheWays,
  parameter int unsigned PcSets     = iommu_params_pkg::PasidCacheSets,
  parameter int unsigned PcWays     = iommu_params_pkg::PasidCacheWays,
  parameter int unsigned TlbSets    = iommu_params_pkg::IotlbSets,
  parameter int unsigned TlbWays    = iommu_params_pkg::IotlbWays,
  parameter int unsigned FlPwcSets  = iommu_params_pkg::FlPwcSets,
  parameter int unsigned FlPwcWays  = iommu_params_pkg::FlPwcWays,
  parameter int unsigned SlPwcSets  = iommu_params_pkg::SlPwcSets,
  parameter int unsigned SlPwcWays  = iommu_params_pkg::SlPwcWays,
  parameter int unsigned CtxLat     = iommu_params_pkg::PipeCtxLat,
  parameter int unsigned PasidLat   = iommu_params_pkg::PipePasidLat,
  parameter int unsigned IotlbLat   = iommu_params_pkg::PipeIotlbLat,
  parameter int unsigned RespQueue  = iommu_params_pkg::RespQueue,
  localparam int unsigned MemIdW    = $clog2(WalkSlots + 2),
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
  // Responses (never stalled; registered: one cycle after the decision).
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
  // Page requests (PCIe PRI page request messages).
  input  logic              pr_valid_i,
  output logic              pr_ready_o,
  input  logic [15:0]       pr_sid_i,
  input  logic              pr_pasid_valid_i,
  input  logic [19:0]       pr_pasid_i,
  input  logic              pr_priv_i,
  input  logic              pr_exec_i,
  input  logic              pr_read_i,
  input  logic              pr_write_i,
  input  logic              pr_lpig_i,
  input  logic [8:0]        pr_prgi_i,
  input  logic [63:12]      pr_addr_i,
  // Page group responses (never stalled; registered).
  output logic              prsp_valid_o,
  output logic [15:0]       prsp_sid_o,
  output logic              prsp_pasid_valid_o,
  output logic [19:0]       prsp_pasid_o,
  output logic [8:0]        prsp_prgi_o,
  output logic [3:0]        prsp_code_o,
  // Interrupts.
  output logic              fault_irq_o,
  output logic              inv_irq_o,
  output logic              prq_event_o,  // a page request event message (pulse)
  // Observation.
  output logic              qi_desc_done_o,
  output logic              qi_wait_done_o,
  output logic              qi_iqe_o,   // the queue engine sets FSTS.IQE (this cycle)
  output logic              qi_ite_o,   // ... FSTS.ITE
  output logic              walk_start_o,
  output logic              walk_fill_dropped_o,
  output logic              flt_recorded_o,
  output logic              prq_done_o    // the page request unit finishes a request
);

  localparam int unsigned Nreq = WalkSlots + 2;  // memory requesters
  localparam int unsigned SlotW = (WalkSlots > 1) ? $clog2(WalkSlots) : 1;
  localparam int unsigned MqW   = (MissQueue > 1) ? $clog2(MissQueue) : 1;
  localparam int unsigned OutW  = $clog2(MemOutstanding + 1);
  localparam int unsigned IvW   = (MemInterval > 1) ? $clog2(MemInterval + 1) : 1;
  localparam int unsigned HpnW    = Haw - 12;

  // A request as it travels: tag, SID, PASID, privilege, address, access,
  // AT, no-write.
  localparam int unsigned ReqW = 8 + 16 + 1 + 20 + 1 + 64 + 2 + 2 + 1;

  logic [ReqW-1:0] req_in;
  assign req_in = {req_tag_i, req_sid_i, req_pasid_valid_i, req_pasid_i, req_priv_i, req_addr_i,
                   req_access_i, req_at_i, req_no_write_i};

  // ---- Register file and queue engine ------------------------------------------
  logic        te, qies, iqe, ite, kick, iqh_we, iqe_set, ite_set, iwc_set;
  logic [63:0] rtaddr, iqa;
  logic [18:0] iqt, iqh, iqh_new;
  logic [3:0]  iqei;
  logic [15:0] itesid;

  logic        flt_valid, flt_pasid_valid, flt_read, flt_priv, flt_exec, flt_fpd, flt_page_req;
  logic [15:0] flt_sid;
  logic [19:0] flt_pasid;
  logic [63:0] flt_addr;
  logic [7:0]  flt_reason;
  logic [18:0] pqh, pqt, pqt_new;
  logic [63:0] pqa;
  logic        pro, pqt_we, ppr_set, pro_set;

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
    .flt_page_req_i    (flt_page_req),
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
    .pqh_o             (pqh),
    .pqt_o             (pqt),
    .pqa_o             (pqa),
    .pro_o             (pro),
    .pqt_we_i          (pqt_we),
    .pqt_i             (pqt_new),
    .ppr_set_i         (ppr_set),
    .pro_set_i         (pro_set),
    .prq_event_o,
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
  logic                 qi_exec;
  logic                 qi_desc_done;
  logic                 prq_busy;
  logic                 q_prsp_valid, q_prsp_pv;
  logic [15:0]          q_prsp_sid;
  logic [19:0]          q_prsp_pasid;
  logic [8:0]           q_prsp_prgi;
  logic [3:0]           q_prsp_code;

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
    .prq_busy_i       (prq_busy),
    .prsp_valid_o     (q_prsp_valid),
    .prsp_sid_o       (q_prsp_sid),
    .prsp_pasid_valid_o (q_prsp_pv),
    .prsp_pasid_o     (q_prsp_pasid),
    .prsp_prgi_o      (q_prsp_prgi),
    .prsp_code_o      (q_prsp_code),
    .exec_o           (qi_exec),
    .desc_done_o      (qi_desc_done),
    .wait_done_o      (qi_wait_done_o),
    .busy_o           ()
  );
  assign qi_desc_done_o = qi_desc_done;
  assign qi_iqe_o       = iqe_set;
  assign qi_ite_o       = ite_set;

  // ---- Page request unit (memory requester WalkSlots + 1) ---------------------------
  logic        u_flt_valid, u_flt_fpd, u_prsp_valid;
  logic [7:0]  u_flt_reason;
  logic [3:0]  u_prsp_code;
  logic [15:0] u_sid;
  logic        u_pv, u_priv, u_exec, u_write;
  logic [19:0] u_pasid;
  logic [8:0]  u_prgi;
  logic [63:12] u_addr;
  logic [MemIdW-1:0] prq_mem_id;
  logic        tr_flt_valid;

  iommu_prq #(
    .MemIdW (MemIdW),
    .MemId  (WalkSlots + 1),
    .Haw    (Haw)
  ) u_prq (
    .clk_i,
    .rst_ni,
    .pr_valid_i,
    .pr_ready_o,
    .pr_sid_i,
    .pr_pasid_valid_i,
    .pr_pasid_i,
    .pr_priv_i,
    .pr_exec_i,
    .pr_read_i,
    .pr_write_i,
    .pr_lpig_i,
    .pr_prgi_i         (pr_prgi_i ^ {8'd0, PlantBug == 4}),
    .pr_addr_i,
    .te_i              (te),
    .rtaddr_i          (rtaddr),
    .pqh_i             (pqh),
    .pqt_i             (pqt),
    .pqa_i             (pqa),
    .pro_i             (pro),
    .pqt_we_o          (pqt_we),
    .pqt_o             (pqt_new),
    .ppr_set_o         (ppr_set),
    .pro_set_o         (pro_set),
    .flt_busy_i        (tr_flt_valid),
    .prsp_busy_i       (q_prsp_valid),
    .flt_valid_o       (u_flt_valid),
    .flt_reason_o      (u_flt_reason),
    .flt_fpd_o         (u_flt_fpd),
    .prsp_valid_o      (u_prsp_valid),
    .prsp_code_o       (u_prsp_code),
    .cur_sid_o         (u_sid),
    .cur_pasid_valid_o (u_pv),
    .cur_pasid_o       (u_pasid),
    .cur_priv_o        (u_priv),
    .cur_exec_o        (u_exec),
    .cur_write_o       (u_write),
    .cur_prgi_o        (u_prgi),
    .cur_addr_o        (u_addr),
    .mem_req_valid_o   (m_valid[WalkSlots + 1]),
    .mem_req_ready_i   (m_ready[WalkSlots + 1]),
    .mem_req_id_o      (prq_mem_id),
    .mem_req_we_o      (m_we[WalkSlots + 1]),
    .mem_req_addr_o    (m_addr[WalkSlots + 1]),
    .mem_req_wofs_o    (m_wofs[WalkSlots + 1]),
    .mem_req_wdata_o   (m_wdata[WalkSlots + 1]),
    .mem_req_w4_o      (m_w4[WalkSlots + 1]),
    .mem_rsp_valid_i   (m_rsp[WalkSlots + 1]),
    .mem_rsp_rdata_i,
    .mem_rsp_err_i,
    .busy_o            (prq_busy),
    .done_o            (prq_done_o)
  );

  // Page group response port: the queue engine's first (the unit waits).
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      prsp_valid_o       <= 1'b0;
      prsp_sid_o         <= '0;
      prsp_pasid_valid_o <= 1'b0;
      prsp_pasid_o       <= '0;
      prsp_prgi_o        <= '0;
      prsp_code_o        <= '0;
    end else begin
      prsp_valid_o <= q_prsp_valid || u_prsp_valid;
      if (q_prsp_valid) begin
        prsp_sid_o         <= q_prsp_sid;
        prsp_pasid_valid_o <= q_prsp_pv;
        prsp_pasid_o       <= q_prsp_pasid;
        prsp_prgi_o        <= q_prsp_prgi;
        prsp_code_o        <= q_prsp_code;
      end else if (u_prsp_valid) begin
        prsp_sid_o         <= u_sid;
        prsp_pasid_valid_o <= u_pv;
        prsp_pasid_o       <= u_pv ? u_pasid : 20'd0;
        prsp_prgi_o        <= u_prgi;
        prsp_code_o        <= u_prsp_code;
      end
    end
  end

  // The nested TLB is not built in this block (its walks use none): its
  // invalidations complete at once.
  assign inv_ready[3] = 1'b1;
  assign inv_busy[3]  = 1'b0;
  assign inv_done[3]  = 1'b0;

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

  // ---- Caches: two lookup ports each, port 1 ordered after port 0 -----------------
  // Port 0: the request entering the last T stage; port 1: a walker's take.
  logic                 ctx_lk_valid [2];
  logic [15:0]          ctx_lk_sid   [2];
  logic                 ctx_lk_hit   [2];
  logic [255:0]         ctx_lk_entry [2];
  logic                 ctx_fill_valid;
  logic [15:0]          ctx_fill_sid;
  logic [255:0]         ctx_fill_entry;

  iommu_ctx_cache #(
    .Sets(CtxSets), .Ways(CtxWays), .LkComb(1), .LkPorts(2), .InvFlash(1)
  ) u_ctx (
    .clk_i, .rst_ni,
    .lk_valid_i      (ctx_lk_valid[0]),
    .lk_ready_o      (),
    .lk_sid_i        (ctx_lk_sid[0]),
    .lk_rsp_valid_o  (),
    .lk_hit_o        (ctx_lk_hit[0]),
    .lk_way_o        (),
    .lk_entry_o      (ctx_lk_entry[0]),
    .lk1_valid_i     (ctx_lk_valid[1]),
    .lk1_ready_o     (),
    .lk1_rsp_valid_o (),
    .lk1_sid_i       (ctx_lk_sid[1]),
    .lk1_hit_o       (ctx_lk_hit[1]),
    .lk1_way_o       (),
    .lk1_entry_o     (ctx_lk_entry[1]),
    .fill_valid_i    (ctx_fill_valid),
    .fill_ready_o    (),
    .fill_sid_i      (ctx_fill_sid),
    .fill_entry_i    (ctx_fill_entry),
    .fill_way_o      (),
    .fill_evict_o    (),
    .inv_valid_i     (inv_valid && inv_target[0]),
    .inv_ready_o     (inv_ready[0]),
    .inv_gran_i      (ctx_inv_gran),
    .inv_sid_i       (inv_sid),
    .inv_fm_i        (ctx_inv_fm),
    .busy_o          (inv_busy[0]),
    .inv_done_o      (inv_done[0]),
    .inv_count_o     ()
  );

  logic                 pc_lk_valid [2];
  logic [15:0]          pc_lk_sid   [2];
  logic [PasidBits-1:0] pc_lk_pasid [2];
  logic                 pc_lk_hit   [2];
  logic                 pc_lk_fpd   [2];
  logic [511:0]         pc_lk_entry [2];
  logic                 pc_fill_valid, pc_fill_fpd;
  logic [15:0]          pc_fill_sid;
  logic [PasidBits-1:0] pc_fill_pasid;
  logic [511:0]         pc_fill_entry;

  iommu_pasid_cache #(
    .Sets(PcSets), .Ways(PcWays), .LkComb(1), .LkPorts(2), .InvFlash(1)
  ) u_pc (
    .clk_i, .rst_ni,
    .lk_valid_i      (pc_lk_valid[0]),
    .lk_ready_o      (),
    .lk_sid_i        (pc_lk_sid[0]),
    .lk_pasid_i      (pc_lk_pasid[0]),
    .lk_rsp_valid_o  (),
    .lk_hit_o        (pc_lk_hit[0]),
    .lk_way_o        (),
    .lk_entry_o      (pc_lk_entry[0]),
    .lk_pde_fpd_o    (pc_lk_fpd[0]),
    .lk1_valid_i     (pc_lk_valid[1]),
    .lk1_ready_o     (),
    .lk1_rsp_valid_o (),
    .lk1_sid_i       (pc_lk_sid[1]),
    .lk1_pasid_i     (pc_lk_pasid[1]),
    .lk1_hit_o       (pc_lk_hit[1]),
    .lk1_way_o       (),
    .lk1_entry_o     (pc_lk_entry[1]),
    .lk1_pde_fpd_o   (pc_lk_fpd[1]),
    .fill_valid_i    (pc_fill_valid),
    .fill_ready_o    (),
    .fill_sid_i      (pc_fill_sid),
    .fill_pasid_i    (pc_fill_pasid),
    .fill_entry_i    (pc_fill_entry),
    .fill_pde_fpd_i  (pc_fill_fpd),
    .fill_way_o      (),
    .fill_evict_o    (),
    .inv_valid_i     (inv_valid && inv_target[1] && !pc_skip),
    .inv_ready_o     (pc_inv_ready),
    .inv_gran_i      (pc_inv_gran),
    .inv_did_i       (inv_did),
    .inv_pasid_i     (inv_pasid[PasidBits-1:0]),
    .busy_o          (pc_inv_busy),
    .inv_done_o      (inv_done[1]),
    .inv_count_o     ()
  );

  logic                 tlb_lk_valid [2];
  logic [15:0]          tlb_lk_did   [2];
  logic [PasidBits-1:0] tlb_lk_pasid [2];
  logic [Mgaw-1:0]      tlb_lk_addr  [2];
  logic                 tlb_lk_hit   [2];
  logic [1:0]           tlb_lk_level [2];
  logic [HpnW-1:0]      tlb_lk_hpn   [2];
  logic [3:0]           tlb_lk_perm  [2];
  logic [3:0]           tlb_lk_sl_perm [2];
  logic                 tlb_lk_dirty [2];
  logic                 tlb_lk_global [2];
  logic                 tlb_fill_valid, tlb_fill_dirty, tlb_fill_global, tlb_fill_cls;
  logic [15:0]          tlb_fill_did;
  logic [PasidBits-1:0] tlb_fill_pasid;
  logic [Mgaw-1:0]      tlb_fill_addr;
  logic [1:0]           tlb_fill_level;
  logic [HpnW-1:0]      tlb_fill_hpn;
  logic [3:0]           tlb_fill_perm, tlb_fill_sl_perm;

  iommu_iotlb #(
    .Sets(TlbSets), .Ways(TlbWays), .LkComb(1), .LkPorts(2), .InvFlash(1),
    .FillCheck(FillCheck)
  ) u_iotlb (
    .clk_i, .rst_ni,
    .lk_valid_i      (tlb_lk_valid[0]),
    .lk_ready_o      (),
    .lk_did_i        (tlb_lk_did[0]),
    .lk_pasid_i      (tlb_lk_pasid[0]),
    .lk_addr_i       (tlb_lk_addr[0]),
    .lk_rsp_valid_o  (),
    .lk_hit_o        (tlb_lk_hit[0]),
    .lk_level_o      (tlb_lk_level[0]),
    .lk_way_o        (),
    .lk_hpn_o        (tlb_lk_hpn[0]),
    .lk_perm_o       (tlb_lk_perm[0]),
    .lk_sl_perm_o    (tlb_lk_sl_perm[0]),
    .lk_dirty_o      (tlb_lk_dirty[0]),
    .lk_global_o     (tlb_lk_global[0]),
    .lk_cls_o        (),
    .lk1_valid_i     (tlb_lk_valid[1]),
    .lk1_ready_o     (),
    .lk1_rsp_valid_o (),
    .lk1_did_i       (tlb_lk_did[1]),
    .lk1_pasid_i     (tlb_lk_pasid[1]),
    .lk1_addr_i      (tlb_lk_addr[1]),
    .lk1_hit_o       (tlb_lk_hit[1]),
    .lk1_level_o     (tlb_lk_level[1]),
    .lk1_way_o       (),
    .lk1_hpn_o       (tlb_lk_hpn[1]),
    .lk1_perm_o      (tlb_lk_perm[1]),
    .lk1_sl_perm_o   (tlb_lk_sl_perm[1]),
    .lk1_dirty_o     (tlb_lk_dirty[1]),
    .lk1_global_o    (tlb_lk_global[1]),
    .lk1_cls_o       (),
    .fill_valid_i    (tlb_fill_valid),
    .fill_ready_o    (),
    .fill_did_i      (tlb_fill_did),
    .fill_pasid_i    (tlb_fill_pasid),
    .fill_addr_i     (tlb_fill_addr),
    .fill_level_i    (tlb_fill_level),
    .fill_hpn_i      (tlb_fill_hpn),
    .fill_perm_i     (tlb_fill_perm),
    .fill_sl_perm_i  (tlb_fill_sl_perm),
    .fill_dirty_i    (tlb_fill_dirty),
    .fill_global_i   (tlb_fill_global),
    .fill_cls_i      (tlb_fill_cls),
    .fill_way_o      (),
    .fill_evict_o    (),
    .inv_valid_i     (inv_valid && inv_target[2]),
    .inv_ready_o     (inv_ready[2]),
    .inv_kind_i      (inv_iotlb_kind),
    .inv_did_i       (inv_did),
    .inv_pasid_i     (inv_pasid[PasidBits-1:0]),
    .inv_addr_i      (inv_addr[Mgaw-1:0]),
    .inv_am_i        (inv_am),
    .busy_o          (inv_busy[2]),
    .inv_done_o      (inv_done[2]),
    .inv_count_o     ()
  );

  // ---- The lookup chain, per port (docs/uarch.md §4.1) --------------------------------
  // The context cache by SID (translation enabled, scalable mode); the PASID
  // cache when the context entry's checks reach it; the IOTLB when the PASID
  // entry's do; iommu_lookup decides on the results. An answer: status,
  // fault, hpa, page size, permissions, global, FPD.
  localparam int unsigned AnsW = 2 + 8 + 64 + 5 + 4 + 1 + 1;
  logic [ReqW-1:0]  lq_req [2];
  logic [1:0]       lq_valid, lq_hit, lq_ctx_hit, lq_pc_hit, lq_pc_fpd;
  logic [AnsW-1:0]  lq_ans [2];
  logic [1:0]       lq_retry_hit;
  logic [AnsW-1:0]  lq_retry_rsp [2];
  logic [1:0]       lq_tlb_probe;
  logic [15:0]      lq_key_did [2];
  logic [19:0]      lq_key_pasid [2];

  for (genvar p = 0; p < 2; p++) begin : g_lk
    logic [7:0]  tag;
    logic [15:0] sid;
    logic        pv, priv, nw, ctx_hit, pc_hit, tlb_hit, pc_probe, tlb_probe, fpd, glob;
    logic [19:0] pasid, key_pasid;
    logic [63:0] addr, hpa;
    logic [1:0]  access, at, status;
    logic [15:0] key_did;
    logic [7:0]  fault;
    logic [4:0]  psize;
    logic [3:0]  perm;
    assign {tag, sid, pv, pasid, priv, addr, access, at, nw} = lq_req[p];

    assign ctx_lk_valid[p] = lq_valid[p] && te && rtaddr[11:10] == 2'b01;
    assign ctx_lk_sid[p]   = sid;
    assign ctx_hit         = ctx_lk_valid[p] && ctx_lk_hit[p];
    assign pc_lk_valid[p]  = lq_valid[p] && pc_probe;
    assign pc_lk_sid[p]    = sid;
    assign pc_lk_pasid[p]  = key_pasid[PasidBits-1:0];
    assign pc_hit          = pc_lk_valid[p] && pc_lk_hit[p];
    assign tlb_lk_valid[p] = lq_valid[p] && tlb_probe;
    assign tlb_lk_did[p]   = key_did;
    assign tlb_lk_pasid[p] = key_pasid[PasidBits-1:0];
    assign tlb_lk_addr[p]  = addr[Mgaw-1:0];
    assign tlb_hit         = tlb_lk_valid[p] && tlb_lk_hit[p];

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
      .req_tag_i         (tag),
      .req_sid_i         (sid),
      .req_pasid_valid_i (pv),
      .req_pasid_i       (pasid),
      .req_priv_i        (priv),
      .req_addr_i        (addr),
      .req_access_i      (access),
      .req_at_i          (at),
      .req_no_write_i    (nw),
      .ctx_hit_i         (ctx_hit),
      .ctx_i             (ctx_lk_entry[p]),
      .pasid_hit_i       (pc_hit),
      .pasid_entry_i     (pc_lk_entry[p]),
      .pde_fpd_i         (pc_lk_fpd[p]),
      .iotlb_hit_i       (tlb_hit),
      .iotlb_hpn_i       (tlb_lk_hpn[p]),
      .iotlb_level_i     (tlb_lk_level[p]),
      .iotlb_perm_i      (tlb_lk_perm[p]),
      .iotlb_sl_perm_i   (tlb_lk_sl_perm[p]),
      .iotlb_global_i    (tlb_lk_global[p]),
      .iotlb_dirty_i     (tlb_lk_dirty[p]),
      .hit_o             (lq_hit[p]),
      .rsp_tag_o         (),
      .rsp_status_o      (status),
      .rsp_fault_o       (fault),
      .rsp_hpa_o         (hpa),
      .rsp_page_size_o   (psize),
      .rsp_perm_o        (perm),
      .rsp_global_o      (glob),
      .rsp_fpd_o         (fpd),
      .retry_hit_o       (lq_retry_hit[p]),
      .retry_rsp_o       (lq_retry_rsp[p]),
      .pc_probe_o        (pc_probe),
      .tlb_probe_o       (tlb_probe),
      .key_pasid_o       (key_pasid),
      .key_did_o         (key_did)
    );
    assign lq_ans[p]     = {status, fault, hpa, psize, perm, glob, fpd};
    assign lq_ctx_hit[p] = ctx_hit;
    assign lq_pc_hit[p]  = pc_hit;
    assign lq_pc_fpd[p]  = pc_lk_fpd[p];
    assign lq_tlb_probe[p] = tlb_probe;
    assign lq_key_did[p]   = key_did;
    assign lq_key_pasid[p] = key_pasid;

    logic unused_lk;
    assign unused_lk = ^{tag};
  end

  // ---- Pipeline: A, C..., P..., T..., R (docs/uarch.md §4) -----------------------------
  localparam int unsigned Nst = 2 + CtxLat + PasidLat + IotlbLat;
  localparam int unsigned StT = Nst - 2;  // the stage whose entry is looked up
  localparam int unsigned StR = Nst - 1;
  logic [Nst-1:0]      st_v_q, st_v_d, mv;
  logic [Nst*ReqW-1:0] st_req_q;
  logic                t_hit_q, r_hit_q;
  logic [AnsW-1:0]     t_ans_q, r_ans_q;
  logic                accept, r_occ, r_hit, r_go, r_leave, rq_pop;
  logic [ReqW-1:0]     r_req;
  logic [AnsW-1:0]     r_ans;

  // A stage moves when the next one is free, or frees in this cycle by
  // moving on (stage R is left only after the pipeline step).
  always_comb begin
    mv = '0;
    for (int unsigned k = 0; k + 1 < Nst; k++) begin
      mv[Nst-2-k] = st_v_q[Nst-2-k] && (!st_v_q[Nst-1-k] || mv[Nst-1-k]);
    end
  end
  assign req_ready_o = !st_v_q[0] || mv[0];
  assign accept      = req_valid_i && req_ready_o;

  // Lookup port 0: the request entering stage T.
  assign lq_req[0]   = st_req_q[(StT-1)*ReqW +: ReqW];
  assign lq_valid[0] = mv[StT-1];

  // Stage R after this cycle's pipeline step (section 0: steps 3 and 4 see
  // the request that moved into it in step 2): the request held there, or
  // the one moving in from stage T. Answered: it leaves when no walk
  // response goes first (PlantBug 2: only after a cycle held in stage R); a
  // miss enters the miss queue when it has room. Otherwise it is held.
  logic mq_push, mq_full, mq_empty;
  assign r_occ   = st_v_q[StR] || mv[StR-1];
  assign r_req   = st_v_q[StR] ? st_req_q[StR*ReqW +: ReqW] : st_req_q[StT*ReqW +: ReqW];
  assign r_hit   = st_v_q[StR] ? r_hit_q : t_hit_q;
  assign r_ans   = st_v_q[StR] ? r_ans_q : t_ans_q;
  assign r_go    = r_occ && r_hit && !rq_pop && (PlantBug != 2 || st_v_q[StR]);
  assign mq_push = r_occ && !r_hit && !mq_full;
  assign r_leave = r_go || mq_push;

  always_comb begin
    st_v_d = st_v_q & ~mv;
    for (int unsigned s = 1; s < Nst; s++) begin
      if (mv[s-1]) st_v_d[s] = 1'b1;
    end
    if (accept) st_v_d[0] = 1'b1;
    if (r_leave) st_v_d[StR] = 1'b0;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      st_v_q   <= '0;
      st_req_q <= '0;
      t_hit_q  <= 1'b0;
      t_ans_q  <= '0;
      r_hit_q  <= 1'b0;
      r_ans_q  <= '0;
    end else begin
      st_v_q <= st_v_d;
      for (int unsigned s = 0; s + 1 < Nst; s++) begin
        if (mv[s]) st_req_q[(s+1)*ReqW +: ReqW] <= st_req_q[s*ReqW +: ReqW];
      end
      if (accept) st_req_q[0 +: ReqW] <= req_in;
      if (mv[StT-1]) begin
        t_hit_q <= lq_hit[0];
        t_ans_q <= lq_ans[0];
      end
      if (mv[StT]) begin
        r_hit_q <= t_hit_q;
        r_ans_q <= t_ans_q;
      end
    end
  end

  // ---- Miss queue --------------------------------------------------------------------
  logic [MissQueue*ReqW-1:0] mq_q;
  logic [MqW-1:0]            mq_head_q, mq_tail_q;
  logic [MqW:0]              mq_count_q;
  logic                      take;
  logic [ReqW-1:0]           mh_req;
  assign mq_full  = mq_count_q == (MqW + 1)'(MissQueue);
  assign mq_empty = mq_count_q == '0;
  // The head, or the request entering an empty queue in this cycle.
  assign mh_req   = mq_empty ? r_req : mq_q[32'(mq_head_q)*ReqW +: ReqW];

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      mq_head_q  <= '0;
      mq_tail_q  <= '0;
      mq_count_q <= '0;
      mq_q       <= '0;
    end else begin
      if (mq_push) begin
        mq_q[32'(mq_tail_q)*ReqW +: ReqW] <= r_req;
        mq_tail_q <= (mq_tail_q == MqW'(MissQueue - 1)) ? '0 : mq_tail_q + 1'b1;
      end
      if (take) mq_head_q <= (mq_head_q == MqW'(MissQueue - 1)) ? '0 : mq_head_q + 1'b1;
      mq_count_q <= mq_count_q + (MqW + 1)'(mq_push) - (MqW + 1)'(take);
    end
  end

  logic [7:0]  mh_tag;
  logic [15:0] mh_sid;
  logic        mh_pv, mh_priv, mh_nw;
  logic [19:0] mh_pasid;
  logic [63:0] mh_addr;
  logic [1:0]  mh_access, mh_at;
  assign {mh_tag, mh_sid, mh_pv, mh_pasid, mh_priv, mh_addr, mh_access, mh_at, mh_nw} = mh_req;

  // ---- Walker slots ------------------------------------------------------------------
  // A slot is busy from its take to its response; it answers either from
  // the take's lookup (direct) or through its walker.
  logic [WalkSlots-1:0]      slot_dir_q, slot_drop_q, slot_cmt_q, slot_queued_q;
  logic [WalkSlots*ReqW-1:0] slot_req_q;
  logic [WalkSlots*AnsW-1:0] slot_ans_q;
  logic [WalkSlots-1:0]      s_take, w_take, w_req_ready, w_rsp_valid, w_rsp_ready, done, newly;
  logic [WalkSlots-1:0]      w_fill_ctx, w_fill_pc, w_fill_pc_fpd, w_fill_tlb;
  logic [WalkSlots-1:0]      w_fill_tlb_global, w_fill_tlb_dirty, w_fill_tlb_fl, w_rsp_global;
  logic [WalkSlots-1:0]      w_rsp_fpd;
  logic [7:0]                w_rsp_tag [WalkSlots];
  logic [1:0]                w_rsp_status [WalkSlots];
  logic [7:0]                w_rsp_fault [WalkSlots];
  logic [63:0]               w_rsp_hpa [WalkSlots];
  logic [4:0]                w_rsp_psize [WalkSlots];
  logic [3:0]                w_rsp_perm [WalkSlots];
  logic [255:0]              w_fill_ctx_e [WalkSlots];
  logic [511:0]              w_fill_pc_e [WalkSlots];
  logic [15:0]               w_fill_did [WalkSlots];
  logic [19:0]               w_fill_pasid [WalkSlots];
  logic [63:0]               w_fill_page [WalkSlots];
  logic [1:0]                w_fill_level [WalkSlots];
  logic [3:0]                w_fill_perm [WalkSlots];
  logic [3:0]                w_fill_sl_perm [WalkSlots];
  logic [MemIdW-1:0]         w_mem_id [WalkSlots];
  logic [3:0]                w_fill_flpwc [WalkSlots];
  logic [3:0]                w_fill_slpwc [WalkSlots];
  logic [255:0]              w_fill_pwc_next [WalkSlots];
  logic [15:0]               w_fill_pwc_perm [WalkSlots];
  logic [15:0]               w_fill_pwc_tperm [WalkSlots];

  // The lowest idle slot takes the head (a slot freed in this cycle is still
  // busy: it takes work from the next cycle).
  always_comb begin
    s_take = '0;
    for (int unsigned i = 0; i < WalkSlots; i++) begin
      if ((!mq_empty || mq_push) && !slot_busy_q[i] && s_take == '0) s_take[i] = 1'b1;
    end
  end
  assign take         = s_take != '0;
  assign walk_start_o = take;
  // Lookup port 1: the request taken.
  assign lq_req[1]   = mh_req;
  assign lq_valid[1] = take;
  assign w_take      = lq_hit[1] ? '0 : s_take;

  // ---- Paging-structure caches (docs/uarch.md §5.1) ---------------------------------
  // Looked up in the take cycle of a walk whose context and PASID entries
  // came from the caches and whose IOTLB lookup did not answer (the keys are
  // known then): the first-level family for first-level and nested walks
  // (tag DID, PASID), the second-level family for second-level walks (tag
  // DID) when the input is within the second-level width. Filled at a walk's
  // completion, as the other caches.
  localparam int unsigned FlTagW = 16 + PasidBits;
  logic [2:0]  tk_pgtt, tk_sl_levels, tk_fl_levels;
  logic        tk_walk, tk_sl_beyond;
  logic        fpwc_lk, spwc_lk, fpwc_hit, spwc_hit;
  logic [2:0]  fpwc_level, spwc_level;
  logic [63:0] fpwc_next, spwc_next;
  logic [3:0]  fpwc_perm, spwc_perm, fpwc_tperm, spwc_tperm;
  logic [3:0]  fpwc_fill, spwc_fill;
  localparam int unsigned SlW3 = Mgaw < 39 ? Mgaw : 39;
  localparam int unsigned SlW4 = Mgaw < 48 ? Mgaw : 48;
  localparam int unsigned SlW5 = Mgaw < 57 ? Mgaw : 57;
  assign tk_pgtt      = pc_lk_entry[1][8:6];
  assign tk_sl_levels = pc_lk_entry[1][4:2] + 3'd2;
  assign tk_fl_levels = pc_lk_entry[1][130] ? 3'd5 : 3'd4;
  always_comb begin
    unique case (pc_lk_entry[1][4:2])
      3'd1:    tk_sl_beyond = (mh_addr >> SlW3) != 64'd0;
      3'd2:    tk_sl_beyond = (mh_addr >> SlW4) != 64'd0;
      default: tk_sl_beyond = (mh_addr >> SlW5) != 64'd0;
    endcase
  end
  assign tk_walk = w_take != '0 && lq_tlb_probe[1];
  assign fpwc_lk = tk_walk && (tk_pgtt == 3'd1 || tk_pgtt == 3'd3);
  assign spwc_lk = tk_walk && tk_pgtt == 3'd2 && !tk_sl_beyond;

  iommu_pwc #(
    .Sets(FlPwcSets), .Ways(FlPwcWays), .Repl(iommu_params_pkg::FlPwcRepl),
    .Seed(iommu_params_pkg::FlPwcSeed), .TagBits(FlTagW), .VaW(57), .Haw(Haw)
  ) u_flpwc (
    .clk_i, .rst_ni,
    .lk_valid_i     (fpwc_lk),
    .lk_tag_i       ({lq_key_pasid[1][PasidBits-1:0], lq_key_did[1]}),
    .lk_va_i        (mh_addr[56:0]),
    .lk_levels_i    (tk_fl_levels),
    .lk_hit_o       (fpwc_hit),
    .lk_level_o     (fpwc_level),
    .lk_next_o      (fpwc_next),
    .lk_perm_o      (fpwc_perm),
    .lk_tperm_o     (fpwc_tperm),
    .fill_valid_i   (fpwc_fill),
    .fill_tag_i     ({w_fill_pasid[fs][PasidBits-1:0], w_fill_did[fs]}),
    .fill_va_i      (f_addr[56:0]),
    .fill_next_i    (w_fill_pwc_next[fs]),
    .fill_perm_i    (w_fill_pwc_perm[fs]),
    .fill_tperm_i   (w_fill_pwc_tperm[fs]),
    .inv_valid_i    (inv_valid && inv_target[4]),
    .inv_ready_o    (inv_ready[4]),
    .inv_by_did_i   (inv_by_did[4]),
    .inv_by_pasid_i (inv_by_pasid[4]),
    .inv_by_range_i (inv_by_range[4]),
    .inv_tag_i      ({inv_pasid[PasidBits-1:0], inv_did}),
    .inv_addr_i     (inv_addr[56:0]),
    .inv_am_i       (inv_am),
    .busy_o         (inv_busy[4]),
    .inv_done_o     (inv_done[4])
  );

  iommu_pwc #(
    .Sets(SlPwcSets), .Ways(SlPwcWays), .Repl(iommu_params_pkg::SlPwcRepl),
    .Seed(iommu_params_pkg::SlPwcSeed), .TagBits(16), .VaW(Mgaw), .Haw(Haw)
  ) u_slpwc (
    .clk_i, .rst_ni,
    .lk_valid_i     (spwc_lk),
    .lk_tag_i       (lq_key_did[1]),
    .lk_va_i        (mh_addr[Mgaw-1:0]),
    .lk_levels_i    (tk_sl_levels),
    .lk_hit_o       (spwc_hit),
    .lk_level_o     (spwc_level),
    .lk_next_o      (spwc_next),
    .lk_perm_o      (spwc_perm),
    .lk_tperm_o     (spwc_tperm),
    .fill_valid_i   (spwc_fill),
    .fill_tag_i     (w_fill_did[fs]),
    .fill_va_i      (f_addr[Mgaw-1:0]),
    .fill_next_i    (w_fill_pwc_next[fs]),
    .fill_perm_i    (w_fill_pwc_perm[fs]),
    .fill_tperm_i   (w_fill_pwc_tperm[fs]),
    .inv_valid_i    (inv_valid && inv_target[5]),
    .inv_ready_o    (inv_ready[5]),
    .inv_by_did_i   (inv_by_did[5]),
    .inv_by_pasid_i (1'b0),
    .inv_by_range_i (inv_by_range[5]),
    .inv_tag_i      (inv_did),
    .inv_addr_i     (inv_addr[Mgaw-1:0]),
    .inv_am_i       (inv_am),
    .busy_o         (inv_busy[5]),
    .inv_done_o     (inv_done[5])
  );

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
      .req_ctx_hit_i        (lq_ctx_hit[1]),
      .req_ctx_i            (ctx_lk_entry[1]),
      .req_pasid_hit_i      (lq_pc_hit[1]),
      .req_pasid_entry_i    (pc_lk_entry[1]),
      .req_pde_fpd_i        (lq_pc_fpd[1]),
      .req_retry_hit_i      (lq_retry_hit[1]),
      .req_retry_rsp_i      (lq_retry_rsp[1]),
      .req_pwc_hit_i        (fpwc_hit || spwc_hit),
      .req_pwc_level_i      (spwc_hit ? spwc_level : fpwc_level),
      .req_pwc_next_i       (spwc_hit ? spwc_next : fpwc_next),
      .req_pwc_perm_i       (spwc_hit ? spwc_perm : fpwc_perm),
      .req_pwc_tperm_i      (spwc_hit ? spwc_tperm : fpwc_tperm),
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
      .fill_iotlb_fl_o      (w_fill_tlb_fl[g]),
      .fill_flpwc_valid_o   (w_fill_flpwc[g]),
      .fill_slpwc_valid_o   (w_fill_slpwc[g]),
      .fill_pwc_next_o      (w_fill_pwc_next[g]),
      .fill_pwc_perm_o      (w_fill_pwc_perm[g]),
      .fill_pwc_tperm_o     (w_fill_pwc_tperm[g])
    );
    assign m_w4[g] = 1'b0;
  end

  // Done: a direct slot from the cycle after its take, a walking slot when
  // its walker answers. Newly done: the completion cycle (the fills).
  assign done  = slot_busy_q & (slot_dir_q | w_rsp_valid);
  assign newly = done & ~slot_cmt_q;

  // ---- Response queue (completed slots, in slot order) --------------------------------
  localparam int unsigned RqW = (RespQueue > 1) ? $clog2(RespQueue) : 1;
  logic [RespQueue*SlotW-1:0] rq_q;
  logic [RqW-1:0]             rq_head_q, rq_tail_q;
  logic [RqW:0]               rq_count_q, rq_push_n;
  logic [WalkSlots-1:0]       pend, rq_pushed;
  logic [SlotW-1:0]           hs, first_pend;
  assign pend = done & ~slot_queued_q;
  always_comb begin
    first_pend = '0;
    for (int unsigned k = 0; k < WalkSlots; k++) begin
      if (pend[WalkSlots-1-k]) first_pend = SlotW'(WalkSlots-1-k);
    end
  end
  // Completed slots queue up (as many as fit, one more when the head leaves
  // in this cycle); the head leaves: the oldest queued, or the lowest slot
  // completing into an empty queue.
  assign rq_pop = rq_count_q != '0 || pend != '0;
  assign hs     = rq_count_q != '0 ? rq_q[32'(rq_head_q)*SlotW +: SlotW] : first_pend;
  always_comb begin
    rq_push_n = '0;
    rq_pushed = '0;
    for (int unsigned i = 0; i < WalkSlots; i++) begin
      if (pend[i] && 32'(rq_count_q) + 32'(rq_push_n) < RespQueue + 32'(rq_pop)) begin
        rq_pushed[i] = 1'b1;
        rq_push_n    = rq_push_n + 1'b1;
      end
    end
  end
  always_comb begin
    w_rsp_ready = '0;
    if (rq_pop) w_rsp_ready[hs] = 1'b1;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rq_q       <= '0;
      rq_head_q  <= '0;
      rq_tail_q  <= '0;
      rq_count_q <= '0;
    end else begin
      logic [RqW:0] n;
      n = '0;
      for (int unsigned i = 0; i < WalkSlots; i++) begin
        if (rq_pushed[i]) begin
          logic [RqW:0] at;
          at = (RqW + 1)'(rq_tail_q) + n;
          if (32'(at) >= RespQueue) at = at - (RqW + 1)'(RespQueue);
          rq_q[32'(at)*SlotW +: SlotW] <= SlotW'(i);
          n = n + 1'b1;
        end
      end
      rq_tail_q  <= RqW'((32'(rq_tail_q) + 32'(rq_push_n)) % RespQueue);
      if (rq_pop) rq_head_q <= (32'(rq_head_q) + 1 >= RespQueue) ? '0 : rq_head_q + 1'b1;
      rq_count_q <= rq_count_q + rq_push_n - (RqW + 1)'(rq_pop);
    end
  end

  // ---- Slot state ---------------------------------------------------------------------
  // Fills of a walk are dropped when a descriptor executed from its take
  // through its completion cycle.
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      slot_busy_q   <= '0;
      slot_dir_q    <= '0;
      slot_drop_q   <= '0;
      slot_cmt_q    <= '0;
      slot_queued_q <= '0;
      slot_req_q    <= '0;
      slot_ans_q    <= '0;
    end else begin
      slot_cmt_q    <= slot_cmt_q | newly;
      slot_queued_q <= slot_queued_q | rq_pushed;
      for (int unsigned i = 0; i < WalkSlots; i++) begin
        if (slot_busy_q[i] && qi_exec) slot_drop_q[i] <= 1'b1;
      end
      if (rq_pop) begin
        slot_busy_q[hs]   <= 1'b0;
        slot_dir_q[hs]    <= 1'b0;
        slot_cmt_q[hs]    <= 1'b0;
        slot_queued_q[hs] <= 1'b0;
      end
      for (int unsigned i = 0; i < WalkSlots; i++) begin
        if (s_take[i]) begin
          slot_busy_q[i] <= 1'b1;
          slot_dir_q[i]  <= lq_hit[1];
          slot_drop_q[i] <= qi_exec;
          slot_req_q[i*ReqW +: ReqW] <= mh_req;
          slot_ans_q[i*AnsW +: AnsW] <= lq_ans[1];
        end
      end
    end
  end

  // ---- Completion: fills -------------------------------------------------------------
  // At most one walk completes per cycle (one memory response per cycle);
  // direct slots fill nothing.
  logic [SlotW-1:0] fs;
  logic             f_any;
  always_comb begin
    fs    = '0;
    f_any = 1'b0;
    for (int unsigned k = 0; k < WalkSlots; k++) begin
      if (newly[WalkSlots-1-k] && !slot_dir_q[WalkSlots-1-k]) begin
        fs    = SlotW'(WalkSlots-1-k);
        f_any = 1'b1;
      end
    end
  end

  logic [ReqW-1:0] f_req;
  logic [7:0]      f_tag;
  logic [15:0]     f_sid;
  logic            f_pv, f_priv, f_nw;
  logic [19:0]     f_pasid;
  logic [63:0]     f_addr;
  logic [1:0]      f_access, f_at;
  assign f_req = slot_req_q[32'(fs)*ReqW +: ReqW];
  assign {f_tag, f_sid, f_pv, f_pasid, f_priv, f_addr, f_access, f_at, f_nw} = f_req;

  logic [19:0] f_key_pasid;
  iommu_keys #(.RidPasid(iommu_params_pkg::RidPasid)) u_fill_keys (
    .ctx_i             (w_fill_ctx_e[fs][127:0]),
    .req_pasid_valid_i (f_pv),
    .req_pasid_i       (f_pasid),
    .key_pasid_o       (f_key_pasid),
    .ctx_hit_i         (1'b1),
    .pasid_hit_i       (1'b1),
    .req_at_i          (f_at),
    .pasid_entry_i     (w_fill_pc_e[fs][127:0]),
    .key_did_o         (),
    .iotlb_probe_o     ()
  );

  logic f_drop, f_keep;
  assign f_drop = slot_drop_q[fs] || qi_exec;
  assign f_keep = f_any && !f_drop;
  assign walk_fill_dropped_o = f_any && f_drop && (w_fill_ctx[fs] || w_fill_pc[fs] || w_fill_tlb[fs] ||
                                                   w_fill_flpwc[fs] != '0 || w_fill_slpwc[fs] != '0);
  assign fpwc_fill = f_keep ? w_fill_flpwc[fs] : 4'd0;
  assign spwc_fill = f_keep ? w_fill_slpwc[fs] : 4'd0;

  assign ctx_fill_valid   = f_keep && w_fill_ctx[fs];
  assign ctx_fill_sid     = f_sid;
  assign ctx_fill_entry   = w_fill_ctx_e[fs] ^ {PlantBug == 3, 255'd0};
  assign pc_fill_valid    = f_keep && w_fill_pc[fs];
  assign pc_fill_sid      = f_sid;
  assign pc_fill_pasid    = f_key_pasid[PasidBits-1:0];
  assign pc_fill_entry    = w_fill_pc_e[fs];
  assign pc_fill_fpd      = w_fill_pc_fpd[fs];
  assign tlb_fill_valid   = f_keep && w_fill_tlb[fs];
  assign tlb_fill_did     = w_fill_did[fs];
  assign tlb_fill_pasid   = w_fill_pasid[fs][PasidBits-1:0];
  assign tlb_fill_addr    = f_addr[Mgaw-1:0];
  assign tlb_fill_level   = w_fill_level[fs];
  assign tlb_fill_hpn     = w_fill_page[fs][Haw-1:12];
  assign tlb_fill_perm    = w_fill_perm[fs];
  assign tlb_fill_sl_perm = w_fill_sl_perm[fs];
  assign tlb_fill_dirty   = w_fill_tlb_dirty[fs];
  assign tlb_fill_global  = w_fill_tlb_global[fs];
  assign tlb_fill_cls     = w_fill_tlb_fl[fs];

  // ---- The response of this cycle (registered onto the port) -------------------------
  logic            o_valid, o_walked, o_global, o_fpd;
  logic [7:0]      o_tag, o_fault;
  logic [1:0]      o_status;
  logic [63:0]     o_hpa;
  logic [4:0]      o_psize;
  logic [3:0]      o_perm;
  logic [ReqW-1:0] o_req;
  logic [AnsW-1:0] o_ans;
  always_comb begin
    o_valid  = rq_pop || r_go;
    o_walked = rq_pop;
    o_req    = rq_pop ? slot_req_q[32'(hs)*ReqW +: ReqW] : r_req;
    o_ans    = rq_pop ? slot_ans_q[32'(hs)*AnsW +: AnsW] : r_ans;
    if (rq_pop && !slot_dir_q[hs])
      o_ans = {w_rsp_status[hs], w_rsp_fault[hs], w_rsp_hpa[hs], w_rsp_psize[hs],
               w_rsp_perm[hs], w_rsp_global[hs], w_rsp_fpd[hs]};
    o_tag = o_req[ReqW-1 -: 8];
    {o_status, o_fault, o_hpa, o_psize, o_perm, o_global, o_fpd} = o_ans;
  end

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
    end else begin
      rsp_valid_o <= o_valid;
      if (o_valid) begin
        rsp_tag_o       <= o_tag;
        rsp_status_o    <= o_status;
        rsp_fault_o     <= o_fault;
        rsp_hpa_o       <= o_hpa;
        rsp_page_size_o <= o_psize;
        rsp_perm_o      <= o_perm;
        rsp_global_o    <= o_global;
        rsp_walked_o    <= o_walked;
      end
    end
  end

  // Fault recording: a fault status, or an ATS translation request answered
  // Unsupported Request (T2: page request / translation request); a paging
  // fault of a translation request completes with R = W = 0 and is not
  // recorded.
  logic [7:0]  r_tag;
  logic [15:0] r_sid;
  logic        r_pv, r_priv, r_nw;
  logic [19:0] r_pasid;
  logic [63:0] r_addr;
  logic [1:0]  r_access, r_at;
  assign {r_tag, r_sid, r_pv, r_pasid, r_priv, r_addr, r_access, r_at, r_nw} = o_req;
  // The page request unit's records (T2: page request) take the input when
  // the translation path has none.
  assign tr_flt_valid    = o_valid && (o_status == 2'd1 || o_status == 2'd2);
  assign flt_valid       = tr_flt_valid || u_flt_valid;
  assign flt_page_req    = tr_flt_valid ? r_at == 2'd1 : 1'b1;
  assign flt_sid         = tr_flt_valid ? r_sid : u_sid;
  assign flt_pasid_valid = tr_flt_valid ? r_pv : u_pv;
  assign flt_pasid       = tr_flt_valid ? r_pasid : u_pasid;
  assign flt_addr        = tr_flt_valid ? r_addr : {u_addr, 12'd0};
  assign flt_reason      = tr_flt_valid ? o_fault : u_flt_reason;
  assign flt_read        = tr_flt_valid ? r_access != 2'd1 : !u_write;
  assign flt_priv        = tr_flt_valid ? r_priv : u_priv;
  assign flt_exec        = tr_flt_valid ? r_access == 2'd2 : u_exec;
  assign flt_fpd         = tr_flt_valid ? o_fpd : u_flt_fpd;

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
  assign unused = ^{qi_mem_id, prq_mem_id, w_mem_id[0], inv_by_range[3:0], r_tag, r_nw, inv_target[3],
                    inv_by_did[3:2], inv_by_did[0], inv_by_pasid[5], inv_by_pasid[3:2],
                    inv_by_pasid[0], lq_tlb_probe[0], lq_key_did[0], lq_key_pasid[0],
                    lq_key_pasid[1], w_fill_pasid[fs],
                    inv_addr[63:Mgaw], f_tag, f_priv, f_nw, f_addr[63:Mgaw], f_access,
                    w_req_ready, lq_ctx_hit[0], lq_pc_hit[0], lq_pc_fpd[0], w_rsp_tag[0],
                    lq_retry_hit[0], lq_retry_rsp[0]};

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
      assert (!$isunknown({rsp_valid_o, req_ready_o, mem_req_valid_o, fault_irq_o, inv_irq_o,
                           pr_ready_o, prsp_valid_o, prq_event_o}))
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
