// iommu_qi: the invalidation queue engine (docs/uarch.md section 8), the RTL
// twin of the model's model/src/vtd/qi.c (what each descriptor means, its
// checks and IQEI codes) and of the queue engine of model/src/timing.c (when).
//
// The queue is in memory at IQA (4 KiB << QS bytes, 128-bit or, with DW = 1,
// 256-bit descriptors) and is consumed from IQH to IQT, one descriptor at a
// time:
//   fetch      the 64-byte line holding the descriptor at IQH is read through
//              the memory port (one read per descriptor);
//   execute    in the cycle the read returns: the type, width, reserved fields
//              and granularity are checked exactly as qi_exec() does; a bad one
//              sets FSTS.IQE with IQER.IQEI (2 fetch error, 3 type, 4 reserved
//              field or granularity, 5 PASID-granular type in a 128-bit queue)
//              and stops the queue with IQH on it; otherwise IQH advances and
//              the descriptor acts:
//              - context-cache, PASID-cache, IOTLB and PASID-based IOTLB: one
//                invalidation request to the caches it touches; it completes
//                when their scans end (each cache scans one set per cycle);
//              - device-TLB and PASID-based device-TLB: an invalidation request
//                to the endpoints with the lowest free itag (32 at most
//                outstanding); it completes in the next cycle;
//              - page group response (with PageReq, ECAP.PRS): leaves on the
//                page group response port in this cycle; it completes in the
//                next cycle;
//              - wait: once every device-TLB invalidation issued before it has
//                completed, with FN every walk in flight when it was fetched
//                has finished and with PD the page request the page request
//                unit held then is finished, the status write (SW) goes to the memory
//                port; ICS.IWC (IF) is set in the cycle the write is accepted,
//                and the wait completes when the write's response returns;
//                without SW it completes (and sets IWC) in the first cycle
//                after its fetch in which the conditions hold.
//   The next fetch may be requested in the cycle the previous descriptor
//   completes.
// Software's writes reach the engine as qi_kick_i (iommu_regs): the engine
// takes a kick once it has run to the tail it took last. Taking it, it does
// nothing unless GSTS.QIES is set and neither IQE nor ITE is; it checks the
// tail as the model does when it runs its queue (IQEI 6: IQT[4] set with
// DW = 1; IQEI 1: IQT beyond the queue) and then runs to IQT.
// Clearing GCMD.QIE ends the run after the descriptor in progress (software
// disables the queue only once it is empty; the model has run it by then).
// A device-TLB invalidation without completion AtsTimeout cycles after its
// request (ats.timeout) sets FSTS.ITE and IQER.ITESID: a wait not yet written
// and a fetch in flight are dropped, IQH moves to the tail, and the queue
// stops until software clears ITE.
//
// Ports:
// - registers (iommu_regs): QIES, IQA, IQT, IQH, IQE, ITE, the kick; IQH
//   writes and the IQE/ITE/IWC set pulses back.
// - memory master (uarch section 2): requester MemId; reads of a 64-byte line,
//   4-byte status writes (mem_req_w4_o: wdata[31:0] at byte offset wofs); a
//   response per request on this requester's own response path.
// - cache invalidation: inv_valid_o with inv_target_o (one bit per cache, the
//   Inv* indices below) and what to match; presented only when every targeted
//   cache is ready (inv_ready_i), so each cache k connects inv_valid_i =
//   inv_valid_o && inv_target_o[k]. Selectors: the context cache matches
//   inv_sid_o on the bits of inv_sid_mask_o; the PASID cache, the nested TLB
//   and the paging-structure caches match the DID when inv_by_did_o[k], the
//   PASID when inv_by_pasid_o[k], and the range of 2^inv_am_o pages at
//   inv_addr_o when inv_by_range_o[k]; the IOTLB takes inv_iotlb_kind_o (the
//   InvGlobal ... InvPasidPage encoding of iommu_iotlb) with DID, PASID,
//   address and AM. Each cache's busy_o and inv_done_o come back per target.
// - device-TLB invalidation (uarch section 2): request (valid/ready) with
//   itag, SID, PASID, global, address and S; completion by itag.
// - walk_busy_i: walker slots with a walk in flight (the FN fence).
// - prq_busy_i: the page request unit holds a request (the PD drain).
// - page group response out: valid with the descriptor's RID, PASID, PRG
//   index and response code.
// - events: exec_o (a descriptor passed its checks and executes: walks in
//   flight must not fill), desc_done_o and wait_done_o (completions); busy_o
//   while a descriptor is in progress, a kick is pending or the run has not
//   reached its tail (device-TLB invalidations outstanding do not count).
module iommu_qi #(
  parameter int unsigned MemIdW     = 3,
  parameter int unsigned MemId      = iommu_params_pkg::WalkSlots,
  parameter int unsigned WalkSlots  = iommu_params_pkg::WalkSlots,
  parameter int unsigned AtsTimeout = iommu_params_pkg::AtsTimeout,
  parameter bit          PageReq    = iommu_params_pkg::PageReq,
  localparam int unsigned Itags     = 32,
  localparam int unsigned Targets   = 6
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // Registers.
  input  logic                 qies_i,
  input  logic [63:0]          iqa_i,
  input  logic [18:0]          iqt_i,
  input  logic [18:0]          iqh_i,
  input  logic                 iqe_i,
  input  logic                 ite_i,
  input  logic                 kick_i,
  output logic                 iqh_we_o,
  output logic [18:0]          iqh_o,
  output logic                 iqe_set_o,
  output logic [3:0]           iqei_o,
  output logic                 ite_set_o,
  output logic [15:0]          itesid_o,
  output logic                 iwc_set_o,
  // Memory master.
  output logic                 mem_req_valid_o,
  input  logic                 mem_req_ready_i,
  output logic [MemIdW-1:0]    mem_req_id_o,
  output logic                 mem_req_we_o,
  output logic [63:0]          mem_req_addr_o,    // 64-byte line address
  output logic [5:0]           mem_req_wofs_o,    // byte offset of the written data
  output logic [63:0]          mem_req_wdata_o,
  output logic                 mem_req_w4_o,      // a 4-byte write (wdata[31:0])
  input  logic                 mem_rsp_valid_i,
  input  logic [511:0]         mem_rsp_rdata_i,
  input  logic                 mem_rsp_err_i,
  // Cache invalidation.
  output logic                 inv_valid_o,
  input  logic [Targets-1:0]   inv_ready_i,
  output logic [Targets-1:0]   inv_target_o,
  output logic [2:0]           inv_iotlb_kind_o,
  output logic [Targets-1:0]   inv_by_did_o,
  output logic [Targets-1:0]   inv_by_pasid_o,
  output logic [Targets-1:0]   inv_by_range_o,
  output logic [15:0]          inv_sid_o,
  output logic [15:0]          inv_sid_mask_o,
  output logic [15:0]          inv_did_o,
  output logic [19:0]          inv_pasid_o,
  output logic [63:0]          inv_addr_o,        // page address (bits 11:0 zero)
  output logic [5:0]           inv_am_o,
  input  logic [Targets-1:0]   inv_busy_i,
  input  logic [Targets-1:0]   inv_done_i,
  // Device-TLB invalidation.
  output logic                 dtlb_req_valid_o,
  input  logic                 dtlb_req_ready_i,
  output logic [4:0]           dtlb_req_itag_o,
  output logic [15:0]          dtlb_req_sid_o,
  output logic                 dtlb_req_pasid_valid_o,
  output logic [19:0]          dtlb_req_pasid_o,
  output logic                 dtlb_req_global_o,
  output logic [63:0]          dtlb_req_addr_o,   // page address (bits 11:0 zero)
  output logic                 dtlb_req_s_o,
  input  logic                 dtlb_cpl_valid_i,
  input  logic [4:0]           dtlb_cpl_itag_i,
  // Walks in flight, per walker slot.
  input  logic [WalkSlots-1:0] walk_busy_i,
  // The page request unit holds a request (iommu_prq busy_o).
  input  logic                 prq_busy_i,
  // Page group response (0x9): leaves in the cycle the descriptor executes.
  output logic                 prsp_valid_o,
  output logic [15:0]          prsp_sid_o,
  output logic                 prsp_pasid_valid_o,
  output logic [19:0]          prsp_pasid_o,
  output logic [8:0]           prsp_prgi_o,
  output logic [3:0]           prsp_code_o,
  // Events.
  output logic                 exec_o,
  output logic                 desc_done_o,
  output logic                 wait_done_o,
  output logic                 busy_o             // a descriptor, a kick or queued work
);

  // Invalidation targets (inv_target_o bits).
  localparam int unsigned InvCtx   = 0;  // context cache
  localparam int unsigned InvPc    = 1;  // PASID cache
  localparam int unsigned InvIotlb = 2;  // IOTLB
  localparam int unsigned InvNtlb  = 3;  // nested TLB
  localparam int unsigned InvFlPwc = 4;  // first-level paging-structure caches
  localparam int unsigned InvSlPwc = 5;  // second-level paging-structure caches

  // iommu_iotlb's invalidation kinds.
  localparam logic [2:0] KindGlobal    = 3'd0;
  localparam logic [2:0] KindDomain    = 3'd1;
  localparam logic [2:0] KindPage      = 3'd2;
  localparam logic [2:0] KindPasid     = 3'd3;
  localparam logic [2:0] KindPasidPage = 3'd4;

  // Descriptor types (model/include/iommu/vtd_qi.h).
  localparam logic [6:0] DescCc      = 7'h1;
  localparam logic [6:0] DescIotlb   = 7'h2;
  localparam logic [6:0] DescDevtlb  = 7'h3;
  localparam logic [6:0] DescIec     = 7'h4;
  localparam logic [6:0] DescWait    = 7'h5;
  localparam logic [6:0] DescPiotlb  = 7'h6;
  localparam logic [6:0] DescPc      = 7'h7;
  localparam logic [6:0] DescPdevtlb = 7'h8;
  localparam logic [6:0] DescPgrp    = 7'h9;

  // IQER.IQEI (enum vtd_iqei).
  localparam logic [3:0] IqeiTailBeyond   = 4'd1;
  localparam logic [3:0] IqeiFetch        = 4'd2;
  localparam logic [3:0] IqeiType         = 4'd3;
  localparam logic [3:0] IqeiRsvd         = 4'd4;
  localparam logic [3:0] IqeiWidth        = 4'd5;
  localparam logic [3:0] IqeiTailMisalign = 4'd6;

  localparam int unsigned TsW = $clog2(AtsTimeout + 1);

  typedef enum logic [2:0] {
    S_IDLE,   // between descriptors
    S_READ,   // descriptor fetch in flight
    S_EXEC,   // fetched descriptor held: its request not yet accepted
    S_SCAN,   // cache scans (or the device-TLB request's cycle) until done
    S_WRITE   // a wait's status write in flight
  } state_e;

  // ---- State ---------------------------------------------------------------
  state_e             state_q, state_d;
  logic [255:0]       desc_q, desc_d;
  logic [Targets-1:0] tgt_q, tgt_d;
  logic [1:0]         ofs_q, ofs_d;          // 16-byte unit of the descriptor in its line
  logic               drop_q, drop_d;        // the fetch in flight is dropped (ITE)
  logic               kick_q, kick_d;
  logic               run_q, run_d;
  logic [18:4]        tail_q, tail_d;
  logic [WalkSlots-1:0] fence_q, fence_d;
  logic               pd_q, pd_d;            // a wait with PD holds for the page request unit
  logic [Itags-1:0]   itag_busy_q, itag_busy_d;
  logic [TsW-1:0]     itag_ts_q  [Itags];
  logic [15:0]        itag_sid_q [Itags];
  logic [TsW-1:0]     now_q;

  // ---- Queue geometry ------------------------------------------------------
  logic        wide;
  logic [19:0] qbytes;
  logic [18:0] head, head_next;
  assign wide      = iqa_i[11];
  assign qbytes    = 20'h1000 << iqa_i[2:0];
  assign head      = iqh_i;
  assign head_next = 19'((20'(head) + (wide ? 20'd32 : 20'd16)) & (qbytes - 20'd1));

  // ---- The descriptor acted on this cycle -------------------------------------
  logic         rsp_fetch, first, abort;
  logic [255:0] rsp_desc, cur;
  logic [511:0] rsp_line;
  assign rsp_line = mem_rsp_rdata_i >> (32'(ofs_q) * 128);
  assign rsp_desc = wide ? rsp_line[255:0] : {128'd0, rsp_line[127:0]};
  assign rsp_fetch = state_q == S_READ && mem_rsp_valid_i;
  assign first     = rsp_fetch && !drop_q && !abort;
  assign cur       = first ? rsp_desc : desc_q;

  logic [63:0] qw0, qw1, qw2, qw3;
  assign {qw3, qw2, qw1, qw0} = cur;

  logic [6:0] dtype;
  logic [1:0] gran;
  assign dtype = {qw0[11:9], qw0[3:0]};
  assign gran  = qw0[5:4];

  // SPEC(VT-d QI): the checks of qi_exec(), in its order.
  function automatic logic [63:0] rsvd0(logic [6:0] t);
    unique case (t)
      DescCc:      rsvd0 = 64'hFFFC_0000_0000_F1C0;
      DescIotlb:   rsvd0 = 64'hFFFF_FFFF_0000_F100;
      DescDevtlb:  rsvd0 = 64'h000F_0000_FFE0_01F0;
      DescWait:    rsvd0 = 64'h0000_0000_FFFF_F100;
      DescPiotlb:  rsvd0 = 64'hFFF0_0000_0000_F1C0;
      DescPc:      rsvd0 = 64'hFFF0_0000_0000_F1C0;
      DescPgrp:    rsvd0 = 64'hFFF0_0000_0000_01E0;
      default:     rsvd0 = 64'd0;
    endcase
  endfunction
  function automatic logic [63:0] rsvd1(logic [6:0] t);
    unique case (t)
      DescCc:      rsvd1 = '1;
      DescIotlb:   rsvd1 = 64'hF80;
      DescDevtlb:  rsvd1 = 64'hFFE;
      DescWait:    rsvd1 = 64'h3;
      DescPiotlb:  rsvd1 = 64'hF80;
      DescPc:      rsvd1 = '1;
      DescPdevtlb: rsvd1 = 64'h7FE;
      DescPgrp:    rsvd1 = 64'hFFFF_FFFF_FFFF_F003;
      default:     rsvd1 = 64'd0;
    endcase
  endfunction

  logic [3:0] dec_err;
  always_comb begin
    dec_err = 4'd0;
    // SPEC(VT-d QI): unknown or unsupported type → IQEI 3; page group
    // responses only with ECAP.PRS
    if (dtype == 7'd0 || dtype == DescIec || dtype > DescPgrp || (dtype == DescPgrp && !PageReq))
      dec_err = IqeiType;
    // SPEC(VT-d QI): PASID-granular types and page group responses need
    // 256-bit descriptors → IQEI 5
    else if (!wide && (dtype == DescPiotlb || dtype == DescPc || dtype == DescPdevtlb ||
                       dtype == DescPgrp))
      dec_err = IqeiWidth;
    // SPEC(VT-d QI): reserved fields set → IQEI 4
    else if ((qw0 & rsvd0(dtype)) != '0 || (qw1 & rsvd1(dtype)) != '0 ||
             (wide && (qw2 != '0 || qw3 != '0)))
      dec_err = IqeiRsvd;
    // SPEC(VT-d QI): reserved granularities → IQEI 4
    else if ((dtype == DescCc && gran == 2'd0) || (dtype == DescIotlb && gran == 2'd0) ||
             (dtype == DescPiotlb && gran[1] == 1'b0) || (dtype == DescPc && gran == 2'd2))
      dec_err = IqeiRsvd;
  end

  // ---- What the descriptor asks for ----------------------------------------------
  logic is_inv, is_dtlb, is_wait, is_prsp;
  logic ih;
  assign is_inv  = dtype == DescCc || dtype == DescIotlb || dtype == DescPiotlb || dtype == DescPc;
  assign is_dtlb = dtype == DescDevtlb || dtype == DescPdevtlb;
  assign is_wait = dtype == DescWait;
  assign is_prsp = dtype == DescPgrp;
  assign ih      = qw1[6];

  // Which caches, and how each matches (model/src/vtd/inval.c).
  always_comb begin
    inv_target_o     = '0;
    inv_by_did_o     = '0;
    inv_by_pasid_o   = '0;
    inv_by_range_o   = '0;
    inv_iotlb_kind_o = KindGlobal;
    inv_sid_mask_o   = '0;
    unique case (dtype)
      // Context cache: device-selective by SID under the function mask;
      // global and domain-selective clear all (no DID in SM context entries).
      DescCc: begin
        inv_target_o[InvCtx] = 1'b1;
        if (gran == 2'd3) inv_sid_mask_o = ~(16'((1 << qw0[49:48]) - 1) << (3 - qw0[49:48]));
      end
      // PASID cache: G 0 DID, 1 DID + PASID, 3 all.
      DescPc: begin
        inv_target_o[InvPc]   = 1'b1;
        inv_by_did_o[InvPc]   = !gran[1];
        inv_by_pasid_o[InvPc] = gran == 2'd1;
      end
      // IOTLB: the IOTLB (second-level entries in range, every first-level or
      // nested entry of the DID), the first-level PWC by DID, the nested TLB
      // and (unless page-selective with IH) the second-level PWC in range.
      DescIotlb: begin
        inv_target_o[InvIotlb] = 1'b1;
        inv_target_o[InvNtlb]  = 1'b1;
        inv_target_o[InvFlPwc] = 1'b1;
        inv_target_o[InvSlPwc] = !(gran == 2'd3 && ih);
        inv_iotlb_kind_o = (gran == 2'd1) ? KindGlobal : (gran == 2'd2) ? KindDomain : KindPage;
        inv_by_did_o[InvNtlb]    = gran != 2'd1;
        inv_by_did_o[InvFlPwc]   = gran != 2'd1;
        inv_by_did_o[InvSlPwc]   = gran != 2'd1;
        inv_by_range_o[InvNtlb]  = gran == 2'd3;
        inv_by_range_o[InvSlPwc] = gran == 2'd3;
      end
      // PASID-based IOTLB: first-level and nested entries of (DID, PASID),
      // and (unless page-selective with IH) the first-level PWC.
      DescPiotlb: begin
        inv_target_o[InvIotlb]   = 1'b1;
        inv_target_o[InvFlPwc]   = !(gran == 2'd3 && ih);
        inv_iotlb_kind_o         = (gran == 2'd3) ? KindPasidPage : KindPasid;
        inv_by_did_o[InvFlPwc]   = 1'b1;
        inv_by_pasid_o[InvFlPwc] = 1'b1;
        inv_by_range_o[InvFlPwc] = gran == 2'd3;
      end
      default: ;
    endcase
  end
  assign inv_sid_o   = qw0[47:32];
  assign inv_did_o   = qw0[31:16];
  assign inv_pasid_o = qw0[51:32];
  assign inv_addr_o  = {qw1[63:12], 12'd0};
  assign inv_am_o    = qw1[5:0];

  // Device-TLB invalidation fields.
  logic pdev;
  assign pdev                   = dtype == DescPdevtlb;
  assign dtlb_req_sid_o         = pdev ? qw0[31:16] : qw0[47:32];
  assign dtlb_req_pasid_valid_o = pdev;
  assign dtlb_req_pasid_o       = pdev ? qw0[51:32] : 20'd0;
  assign dtlb_req_global_o      = pdev && qw1[0];
  assign dtlb_req_addr_o        = {qw1[63:12], 12'd0};
  assign dtlb_req_s_o           = pdev ? qw1[11] : qw1[0];

  // Page group response fields (vtd_prq_response()).
  assign prsp_sid_o         = qw0[31:16];
  assign prsp_pasid_valid_o = qw0[4];
  assign prsp_pasid_o       = qw0[4] ? qw0[51:32] : 20'd0;
  assign prsp_prgi_o        = qw1[11:3];
  assign prsp_code_o        = qw0[15:12];

  // ---- Device-TLB invalidations outstanding ----------------------------------------
  logic [Itags-1:0] cpl_mask, expire;
  logic [4:0]       free_itag, exp_itag;
  logic             itag_avail, any_expire;
  always_comb begin
    cpl_mask = '0;
    if (dtlb_cpl_valid_i) cpl_mask[dtlb_cpl_itag_i] = 1'b1;
    expire     = '0;
    free_itag  = '0;
    itag_avail = 1'b0;
    exp_itag   = '0;
    any_expire = 1'b0;
    for (int i = Itags - 1; i >= 0; i--) begin
      // A completion in the expiry cycle is in time.
      expire[i] = itag_busy_q[i] && !cpl_mask[i] && TsW'(now_q - itag_ts_q[i]) == TsW'(AtsTimeout);
      if (!itag_busy_q[i]) begin
        free_itag  = 5'(i);
        itag_avail = 1'b1;
      end
      if (expire[i]) begin
        exp_itag   = 5'(i);
        any_expire = 1'b1;
      end
    end
  end
  assign abort = any_expire;

  // ---- The cycle --------------------------------------------------------------------
  logic             bad, have, inv_fire, dtlb_fire, wr_valid, wr_fire, fetch_valid, fetch_fire;
  logic             wait_ok, done_now, free, kick_take, work, pd_now;
  logic [WalkSlots-1:0] fence_now;
  logic [63:0]      status_addr;
  logic [Itags-1:0] busy_after;

  assign bad         = first && (mem_rsp_err_i || dec_err != '0);
  assign have        = (first && !bad) || (state_q == S_EXEC && !abort);
  assign busy_after  = itag_busy_q & ~cpl_mask & ~expire;
  assign fence_now   = (first ? ((is_wait && qw0[6]) ? walk_busy_i : '0) : fence_q) & walk_busy_i;
  // PD: the page request the unit held when the wait executed must be
  // finished; the unit idle at the start of a cycle has finished it.
  assign pd_now      = (first ? is_wait && qw0[7] : pd_q) && prq_busy_i;
  assign wait_ok     = busy_after == '0 && fence_now == '0 && !pd_now;
  assign status_addr = {qw1[63:2], 2'b00};

  assign inv_valid_o      = have && is_inv && (inv_target_o & ~inv_ready_i) == '0;
  assign inv_fire         = inv_valid_o;
  assign dtlb_req_valid_o = have && is_dtlb && itag_avail;
  assign dtlb_req_itag_o  = free_itag;
  assign dtlb_fire        = dtlb_req_valid_o && dtlb_req_ready_i;
  assign wr_valid         = have && is_wait && qw0[5] && wait_ok;
  assign wr_fire          = wr_valid && mem_req_ready_i;
  // A page group response leaves at once (the port is never stalled).
  assign prsp_valid_o     = have && is_prsp;

  // The current descriptor completes this cycle.
  always_comb begin
    done_now = 1'b0;
    unique case (state_q)
      S_SCAN:  done_now = (tgt_q & inv_busy_i & ~inv_done_i) == '0;
      S_WRITE: done_now = mem_rsp_valid_i;
      S_EXEC:  done_now = !abort && is_wait && !qw0[5] && wait_ok;
      default: ;
    endcase
  end
  assign desc_done_o = done_now;
  assign wait_done_o = done_now && is_wait;

  // The engine is free for the next descriptor (or a kick) this cycle.
  assign free = state_q == S_IDLE || done_now || (rsp_fetch && (drop_q || abort)) ||
                (state_q == S_EXEC && abort);

  // Kicks: taken once the last run reached its tail.
  logic kick_pend, kick_run, tail_ok;
  assign kick_pend = kick_i || kick_q;
  assign kick_take = free && !abort && kick_pend && !(run_q && head != {tail_q, 4'd0});
  assign tail_ok   = !(wide && iqt_i[4]) && 20'(iqt_i) < qbytes;
  assign kick_run  = kick_take && qies_i && !iqe_i && !ite_i && tail_ok;
  assign work      = kick_run ? head != iqt_i : (run_q && head != {tail_q, 4'd0});

  assign fetch_valid = free && !abort && work && qies_i && !iqe_i && !ite_i;
  assign fetch_fire  = fetch_valid && mem_req_ready_i;

  // Memory requests: a fetch (engine free) or a status write (a wait), never both.
  logic [63:0] fetch_addr;
  assign fetch_addr      = {iqa_i[63:12], 12'd0} + 64'(head);
  assign mem_req_valid_o = fetch_valid || wr_valid;
  assign mem_req_id_o    = MemIdW'(MemId);
  assign mem_req_we_o    = wr_valid;
  assign mem_req_addr_o  = wr_valid ? {status_addr[63:6], 6'd0} : {fetch_addr[63:6], 6'd0};
  assign mem_req_wofs_o  = wr_valid ? status_addr[5:0] : 6'd0;
  assign mem_req_wdata_o = wr_valid ? {32'd0, qw0[63:32]} : 64'd0;
  assign mem_req_w4_o    = wr_valid;

  // Register updates.
  always_comb begin
    iqh_we_o  = 1'b0;
    iqh_o     = head_next;
    iqe_set_o = 1'b0;
    iqei_o    = '0;
    ite_set_o = any_expire;
    itesid_o  = itag_sid_q[exp_itag];
    iwc_set_o = 1'b0;
    exec_o    = 1'b0;
    if (first) begin
      if (mem_rsp_err_i) begin
        iqe_set_o = 1'b1;
        iqei_o    = IqeiFetch;
      end else if (dec_err != '0) begin
        iqe_set_o = 1'b1;
        iqei_o    = dec_err;
      end else begin
        iqh_we_o = 1'b1;
        exec_o   = 1'b1;
      end
    end
    if (kick_take && qies_i && !iqe_i && !ite_i && !tail_ok) begin
      iqe_set_o = 1'b1;
      iqei_o    = (wide && iqt_i[4]) ? IqeiTailMisalign : IqeiTailBeyond;
    end
    // SPEC(VT-d ITE): the descriptors behind the timed-out one are dropped.
    if (abort && run_q) begin
      iqh_we_o = 1'b1;
      iqh_o    = {tail_q, 4'd0};
    end
    // SPEC(VT-d inv wait): IF → ICS.IWC when the status write is accepted,
    // or when a wait without SW completes.
    if ((wr_fire || (state_q == S_EXEC && done_now)) && qw0[4]) iwc_set_o = 1'b1;
  end


  always_comb begin
    state_d     = state_q;
    desc_d      = desc_q;
    tgt_d       = tgt_q;
    ofs_d       = ofs_q;
    drop_d      = drop_q;
    fence_d     = fence_now;
    pd_d        = pd_now;
    run_d       = run_q;
    tail_d      = tail_q;
    kick_d      = kick_pend && !kick_take;
    itag_busy_d = itag_busy_q & ~cpl_mask & ~expire;
    if (dtlb_fire) itag_busy_d[free_itag] = 1'b1;

    if (kick_run) begin
      run_d  = 1'b1;
      tail_d = iqt_i[18:4];
    end

    // Completions and drops free the engine.
    if (free) state_d = S_IDLE;
    if (rsp_fetch) drop_d = 1'b0;

    if (first) desc_d = rsp_desc;
    if (bad) begin
      run_d   = 1'b0;
      state_d = S_IDLE;
    end else if (have) begin
      state_d = S_EXEC;
      if (inv_fire) begin
        state_d = S_SCAN;
        tgt_d   = inv_target_o;
      end else if (dtlb_fire || prsp_valid_o) begin
        state_d = S_SCAN;
        tgt_d   = '0;
      end else if (wr_fire) begin
        state_d = S_WRITE;
      end else if (done_now) begin
        state_d = S_IDLE;
      end
    end

    if (fetch_fire) begin
      state_d = S_READ;
      ofs_d   = head[5:4];
    end

    // Queued invalidation disabled: the run ends (after the current descriptor).
    if (!qies_i) run_d = 1'b0;

    if (abort) begin
      run_d = 1'b0;
      if (state_q == S_READ && !rsp_fetch) drop_d = 1'b1;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q     <= S_IDLE;
      desc_q      <= '0;
      tgt_q       <= '0;
      ofs_q       <= '0;
      drop_q      <= 1'b0;
      fence_q     <= '0;
      pd_q        <= 1'b0;
      kick_q      <= 1'b0;
      run_q       <= 1'b0;
      tail_q      <= '0;
      itag_busy_q <= '0;
      now_q       <= '0;
    end else begin
      state_q     <= state_d;
      desc_q      <= desc_d;
      tgt_q       <= tgt_d;
      ofs_q       <= ofs_d;
      drop_q      <= drop_d;
      fence_q     <= fence_d;
      pd_q        <= pd_d;
      kick_q      <= kick_d;
      run_q       <= run_d;
      tail_q      <= tail_d;
      itag_busy_q <= itag_busy_d;
      now_q       <= now_q + 1'b1;
    end
  end

  // Issue cycle and SID per itag: read only while the itag is busy.
  always_ff @(posedge clk_i) begin
    if (dtlb_fire) begin
      itag_ts_q[free_itag]  <= now_q;
      itag_sid_q[free_itag] <= dtlb_req_sid_o;
    end
  end

  assign busy_o = state_q != S_IDLE || kick_q || kick_i || (run_q && head != {tail_q, 4'd0});

  logic unused_bits;
  assign unused_bits = ^{qw0[8], qw1[11:7], qw1[5:1], iqa_i[10:3], rsp_line[511:256],
                        fetch_addr[5:0]};

`ifndef SYNTHESIS
  initial begin
    assert (AtsTimeout >= 1) else $fatal(1, "AtsTimeout: at least 1 cycle");
    assert (WalkSlots >= 1) else $fatal(1, "WalkSlots: at least 1");
  end
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    !$isunknown({mem_req_valid_o, inv_valid_o, dtlb_req_valid_o, iqh_we_o, iqe_set_o, ite_set_o,
                 iwc_set_o, exec_o, desc_done_o, wait_done_o, prsp_valid_o}));
  // A descriptor that fails its checks does nothing.
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    bad |-> !(inv_valid_o || dtlb_req_valid_o || mem_req_valid_o || exec_o || prsp_valid_o));
  // One memory request at a time: nothing is requested while one is in flight.
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    (state_q == S_READ || state_q == S_WRITE) && !mem_rsp_valid_i |-> !mem_req_valid_o);
  // Responses come only for a request in flight.
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    mem_rsp_valid_i |-> state_q == S_READ || state_q == S_WRITE);
`endif

endmodule
