// iommu_prq: the page request unit (docs/uarch.md section 8.1), the RTL twin
// of the model's model/src/vtd/prq.c (what a page request leads to) and of
// the page request unit of model/src/timing.c (when).
//
// One page request at a time, in arrival order:
//   accept   pr_ready_o is high while the unit is idle (from the cycle after
//            it finished its previous request). In the accept cycle it takes
//            the model's step 1: without PageReq (ECAP.PRS), with GSTS.TES
//            clear or a root table that is not scalable mode the request is
//            refused (Invalid Request) and reads nothing.
//   reads    the root entry (RTADDR + bus * 16), then the scalable-mode
//            context entry (CTP + (devfn & 0x7F) * 32), read from memory
//            (the unit has no port into the context cache, and fills
//            nothing), one after another: the first requested from the cycle
//            after accept, the next from the cycle after the previous
//            response. Each is checked in the cycle its response arrives, as
//            vtd_context_fetch() checks it (0x38..0x42), then PRE (0x47).
//   decide   in the cycle the last read's response arrives (a refusal at
//            step 1: the cycle after accept): a fault is recorded through
//            the fault port (FPD of the context entry honoured) and the group
//            answered Invalid Request; PRS.PRO set or the queue full
//            (PQT + 32 == PQH) sets PRO and answers Success; otherwise the
//            32-byte descriptor is to be written at PQA + PQT.
//   write    four 8-byte writes, QW0 to QW3, one after another, the first
//            requested from the cycle after the decision, the next from the
//            cycle after the previous response.
//   written  in the cycle the fourth write's response arrives: without an
//            access error PQT advances by 32 and PRS.PPR is set; with one the
//            group is answered Response Failure.
// Only the last request of a group (LPIG) that is not a stop marker (read or
// write requested) is ever answered. The unit waits a cycle at a time while
// a port it may need is taken in that cycle: the fault port, when its check
// found a fault and the translation path records one (flt_busy_i); the page
// group response port, when the request may be answered and the queue
// engine sends a page group response (prsp_busy_i).
//
// Ports:
// - page request in (valid/ready), the request's fields as the PCIe message
//   carries them (exec and priv only with a PASID).
// - te_i, rtaddr_i: GSTS.TES and the active root table.
// - the page request registers (iommu_regs): PQH, PQT, PQA, PRS.PRO in;
//   PQT write, PPR and PRO set pulses out (the register file raises the
//   page request event).
// - fault record out (valid in the deciding cycle; the top gives the
//   translation path the port first, which flt_busy_i reports).
// - page group response out (valid in the deciding cycle; code 0 Success,
//   1 Invalid Request, 0xF Response Failure).
// - memory master (requester MemId): 64-byte line reads, 8-byte writes
//   (wdata at byte offset wofs); a response per request.
// - busy_o: a request is held (from the cycle after accept through the
//   cycle it finishes); done_o: it finishes in this cycle.
module iommu_prq #(
  parameter int unsigned MemIdW  = 3,
  parameter int unsigned MemId   = iommu_params_pkg::WalkSlots + 1,
  parameter bit          PageReq = iommu_params_pkg::PageReq,
  parameter int unsigned Haw     = iommu_params_pkg::Haw
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // Page requests.
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
  // Global state.
  input  logic              te_i,
  input  logic [63:0]       rtaddr_i,
  // Page request queue registers.
  input  logic [18:0]       pqh_i,
  input  logic [18:0]       pqt_i,
  input  logic [63:0]       pqa_i,
  input  logic              pro_i,
  output logic              pqt_we_o,
  output logic [18:0]       pqt_o,
  output logic              ppr_set_o,
  output logic              pro_set_o,
  // Ports taken in this cycle by others.
  input  logic              flt_busy_i,
  input  logic              prsp_busy_i,
  // Fault record.
  output logic              flt_valid_o,
  output logic [7:0]        flt_reason_o,
  output logic              flt_fpd_o,
  // Page group response (the request's SID, PASID and PRG index).
  output logic              prsp_valid_o,
  output logic [3:0]        prsp_code_o,
  // The request held (fault record and response fields).
  output logic [15:0]       cur_sid_o,
  output logic              cur_pasid_valid_o,
  output logic [19:0]       cur_pasid_o,
  output logic              cur_priv_o,
  output logic              cur_exec_o,
  output logic              cur_write_o,
  output logic [8:0]        cur_prgi_o,
  output logic [63:12]      cur_addr_o,
  // Memory master.
  output logic              mem_req_valid_o,
  input  logic              mem_req_ready_i,
  output logic [MemIdW-1:0] mem_req_id_o,
  output logic              mem_req_we_o,
  output logic [63:0]       mem_req_addr_o,    // 64-byte line address
  output logic [5:0]        mem_req_wofs_o,    // byte offset of the written word
  output logic [63:0]       mem_req_wdata_o,
  output logic              mem_req_w4_o,
  input  logic              mem_rsp_valid_i,
  input  logic [511:0]      mem_rsp_rdata_i,
  input  logic              mem_rsp_err_i,
  // Events.
  output logic              busy_o,
  output logic              done_o
);

  // Fault reasons (model/include/iommu/vtd_fault.h).
  localparam logic [7:0] FrRootAccess     = 8'h38;
  localparam logic [7:0] FrRootNotPresent = 8'h39;
  localparam logic [7:0] FrRootRsvd       = 8'h3A;
  localparam logic [7:0] FrCtxAccess      = 8'h40;
  localparam logic [7:0] FrCtxNotPresent  = 8'h41;
  localparam logic [7:0] FrCtxRsvd        = 8'h42;
  localparam logic [7:0] FrCtxPreClear    = 8'h47;

  // Page group response codes (enum vtd_prg_code).
  localparam logic [3:0] PrgSuccess = 4'h0;
  localparam logic [3:0] PrgInvalid = 4'h1;
  localparam logic [3:0] PrgFailure = 4'hF;

  localparam logic [63:0] AboveHaw = ~((64'd1 << Haw) - 64'd1);

  typedef enum logic [2:0] {
    ST_IDLE,
    ST_READ,     // root (op 0) or context (op 1) entry: request, then its response
    ST_DECIDE,   // reads done (or none): decides when the ports allow
    ST_WRITE,    // descriptor word wcnt: request, then its response
    ST_WRITTEN   // descriptor written: finishes when the ports allow
  } state_e;

  // ---- State ---------------------------------------------------------------
  state_e       state_q, state_d;
  logic         op_q, op_d;            // the read in progress: 0 root, 1 context
  logic         wait_q, wait_d;        // a memory operation in flight
  logic [1:0]   wcnt_q, wcnt_d;        // the descriptor word being written
  logic         invalid_q, invalid_d;  // refused at step 1
  logic [7:0]   fault_q, fault_d;
  logic         fpd_q, fpd_d;
  logic         err_q, err_d;          // a descriptor write failed
  logic [63:0]  addr_q, addr_d;        // the entry read, or the descriptor's address
  logic [18:0]  tail_q, tail_d;        // PQT after the descriptor
  // The request.
  logic [15:0]  sid_q;
  logic         pv_q, priv_q, exec_q, read_q, write_q, lpig_q;
  logic [19:0]  pasid_q;
  logic [8:0]   prgi_q;
  logic [63:12] paddr_q;

  // ---- The entry read --------------------------------------------------------
  logic [127:0] rd_root;
  logic [255:0] rd_ctx;
  logic [63:0]  half;
  always_comb begin
    rd_root = mem_rsp_rdata_i[127:0];
    for (int unsigned i = 1; i < 4; i++) begin
      if (addr_q[5:4] == 2'(i)) rd_root = mem_rsp_rdata_i[i * 128 +: 128];
    end
  end
  assign rd_ctx = addr_q[5] ? mem_rsp_rdata_i[511:256] : mem_rsp_rdata_i[255:0];
  assign half   = sid_q[7] ? rd_root[127:64] : rd_root[63:0];

  // The read answered this cycle: the fault it ends with, whether another
  // read follows.
  logic       rsp_in, rd_last;
  logic [7:0] rd_fault;
  logic       rd_fpd;
  assign rsp_in = wait_q && mem_rsp_valid_i;
  always_comb begin
    rd_fault = 8'h00;
    rd_fpd   = 1'b0;
    rd_last  = 1'b1;
    if (!op_q) begin
      // SPEC(VT-d root entry): fetch error -> 0x38; LP/UP clear -> 0x39;
      // bits [11:1] or pointer bits >= HAW set -> 0x3A
      if (mem_rsp_err_i) rd_fault = FrRootAccess;
      else if (!half[0]) rd_fault = FrRootNotPresent;
      else if (half[11:1] != 11'd0 || (half & AboveHaw) != 64'd0) rd_fault = FrRootRsvd;
      else rd_last = 1'b0;
    end else begin
      // SPEC(VT-d context entry): fetch error -> 0x40; P clear -> 0x41;
      // reserved bits or PASIDDIRPTR >= HAW -> 0x42; a page request with
      // PRE clear -> 0x47 (FPD of the entry honoured)
      if (mem_rsp_err_i) rd_fault = FrCtxAccess;
      else if (!rd_ctx[0]) rd_fault = FrCtxNotPresent;
      else if (rd_ctx[8:5] != 4'd0 || (rd_ctx[63:0] & AboveHaw) != 64'd0 ||
               rd_ctx[127:85] != 43'd0 || rd_ctx[255:128] != 128'd0)
        rd_fault = FrCtxRsvd;
      else begin
        rd_fpd = rd_ctx[1];
        if (!rd_ctx[4]) rd_fault = FrCtxPreClear;
      end
    end
  end

  // ---- Decision ------------------------------------------------------------------
  logic       answers, dec_now, wr_now, dec_fault_now, hold;
  logic [7:0] dec_fault;
  logic       dec_fpd, dec_invalid;
  assign answers     = lpig_q && (read_q || write_q);
  assign dec_now     = state_q == ST_DECIDE || (state_q == ST_READ && rsp_in && rd_last);
  assign dec_fault   = state_q == ST_DECIDE ? fault_q : rd_fault;
  assign dec_fpd     = state_q == ST_DECIDE ? fpd_q : rd_fpd;
  assign dec_invalid = state_q == ST_DECIDE && invalid_q;
  assign wr_now      = state_q == ST_WRITTEN ||
                       (state_q == ST_WRITE && rsp_in && wcnt_q == 2'd3);
  assign dec_fault_now = dec_fault != 8'h00 && !dec_invalid;
  assign hold = (answers && prsp_busy_i) || (dec_now && dec_fault_now && flt_busy_i);

  // The page request queue: PQS gives 4 KiB << PQS bytes.
  logic [18:0] qmask, head, tail, tail_next;
  logic        full;
  assign qmask     = 19'((20'h1000 << pqa_i[2:0]) - 20'd1);
  assign head      = pqh_i & qmask & ~19'h1F;
  assign tail      = pqt_i & qmask & ~19'h1F;
  assign tail_next = (tail + 19'd32) & qmask;
  assign full      = tail_next == head;

  // The descriptor (vtd_prd_encode()): no private data.
  logic [63:0] qw0, qw1, wdata;
  assign qw0 = {10'd0, pv_q && priv_q, pv_q && exec_q, pv_q ? pasid_q : 20'd0, sid_q, 7'd0, pv_q,
                8'h01};
  assign qw1 = {paddr_q, prgi_q, lpig_q, write_q, read_q};
  assign wdata = wcnt_q == 2'd0 ? qw0 : wcnt_q == 2'd1 ? qw1 : 64'd0;

  // ---- Memory requests ---------------------------------------------------------------
  logic [63:0] waddr;
  assign waddr           = addr_q + {59'd0, wcnt_q, 3'd0};
  assign mem_req_valid_o = (state_q == ST_READ || state_q == ST_WRITE) && !wait_q;
  assign mem_req_id_o    = MemIdW'(MemId);
  assign mem_req_we_o    = state_q == ST_WRITE;
  assign mem_req_addr_o  = state_q == ST_WRITE ? {waddr[63:6], 6'd0} : {addr_q[63:6], 6'd0};
  assign mem_req_wofs_o  = state_q == ST_WRITE ? waddr[5:0] : 6'd0;
  assign mem_req_wdata_o = wdata;
  assign mem_req_w4_o    = 1'b0;

  // ---- Accept ------------------------------------------------------------------------
  logic take, refuse;
  assign pr_ready_o = state_q == ST_IDLE;
  assign take       = pr_valid_i && pr_ready_o;
  // SPEC(VT-d ECAP.PRS): no page requests, translation off or a root table
  // that is not scalable mode -> Invalid Request, nothing read.
  assign refuse     = !PageReq || !te_i || rtaddr_i[11:10] != 2'b01;

  // ---- The cycle -----------------------------------------------------------------------
  always_comb begin
    state_d      = state_q;
    op_d         = op_q;
    wait_d       = wait_q;
    wcnt_d       = wcnt_q;
    invalid_d    = invalid_q;
    fault_d      = fault_q;
    fpd_d        = fpd_q;
    err_d        = err_q;
    addr_d       = addr_q;
    tail_d       = tail_q;
    flt_valid_o  = 1'b0;
    prsp_valid_o = 1'b0;
    prsp_code_o  = PrgSuccess;
    pqt_we_o     = 1'b0;
    ppr_set_o    = 1'b0;
    pro_set_o    = 1'b0;
    done_o       = 1'b0;

    if (mem_req_valid_o && mem_req_ready_i) wait_d = 1'b1;
    if (rsp_in) begin
      wait_d = 1'b0;
      if (state_q == ST_READ) begin
        if (rd_last) begin
          state_d = ST_DECIDE;
          fault_d = rd_fault;
          fpd_d   = rd_fpd;
        end else begin
          op_d   = 1'b1;
          addr_d = {half[63:12], sid_q[6:0], 5'd0};
        end
      end else begin
        err_d  = err_q || mem_rsp_err_i;
        wcnt_d = wcnt_q + 2'd1;
        if (wcnt_q == 2'd3) state_d = ST_WRITTEN;
      end
    end

    if (dec_now && !hold) begin
      done_o = 1'b1;
      if (dec_invalid || dec_fault_now) begin
        flt_valid_o  = dec_fault_now;
        prsp_valid_o = answers;
        prsp_code_o  = PrgInvalid;
        state_d      = ST_IDLE;
      end else if (pro_i || full) begin
        // SPEC(VT-d PRQ): PRO set or the queue full -> not queued, PRO
        // set, the group answered Success.
        pro_set_o    = !pro_i;
        prsp_valid_o = answers;
        state_d      = ST_IDLE;
      end else begin
        done_o  = 1'b0;
        state_d = ST_WRITE;
        wcnt_d  = 2'd0;
        err_d   = 1'b0;
        addr_d  = {pqa_i[63:12], 12'd0} + {45'd0, tail};
        tail_d  = tail_next;
      end
    end

    if (wr_now && !hold) begin
      done_o  = 1'b1;
      state_d = ST_IDLE;
      // SPEC(VT-d PRQ): the descriptor written -> PQT advances, PPR set; a
      // write error answers Response Failure.
      if (err_d) begin
        prsp_valid_o = answers;
        prsp_code_o  = PrgFailure;
      end else begin
        pqt_we_o  = 1'b1;
        ppr_set_o = 1'b1;
      end
    end

    if (take) begin
      invalid_d = refuse;
      fault_d   = 8'h00;
      fpd_d     = 1'b0;
      op_d      = 1'b0;
      wait_d    = 1'b0;
      addr_d    = {rtaddr_i[63:12], pr_sid_i[15:8], 4'd0};
      state_d   = refuse ? ST_DECIDE : ST_READ;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q   <= ST_IDLE;
      op_q      <= 1'b0;
      wait_q    <= 1'b0;
      wcnt_q    <= '0;
      invalid_q <= 1'b0;
      fault_q   <= '0;
      fpd_q     <= 1'b0;
      err_q     <= 1'b0;
      addr_q    <= '0;
      tail_q    <= '0;
      sid_q     <= '0;
      pv_q      <= 1'b0;
      pasid_q   <= '0;
      priv_q    <= 1'b0;
      exec_q    <= 1'b0;
      read_q    <= 1'b0;
      write_q   <= 1'b0;
      lpig_q    <= 1'b0;
      prgi_q    <= '0;
      paddr_q   <= '0;
    end else begin
      state_q   <= state_d;
      op_q      <= op_d;
      wait_q    <= wait_d;
      wcnt_q    <= wcnt_d;
      invalid_q <= invalid_d;
      fault_q   <= fault_d;
      fpd_q     <= fpd_d;
      err_q     <= err_d;
      addr_q    <= addr_d;
      tail_q    <= tail_d;
      if (take) begin
        sid_q   <= pr_sid_i;
        pv_q    <= pr_pasid_valid_i;
        pasid_q <= pr_pasid_i;
        priv_q  <= pr_priv_i;
        exec_q  <= pr_exec_i;
        read_q  <= pr_read_i;
        write_q <= pr_write_i;
        lpig_q  <= pr_lpig_i;
        prgi_q  <= pr_prgi_i;
        paddr_q <= pr_addr_i;
      end
    end
  end

  assign flt_reason_o      = dec_fault;
  assign flt_fpd_o         = dec_fpd;
  assign pqt_o             = tail_q;
  assign cur_sid_o         = sid_q;
  assign cur_pasid_valid_o = pv_q;
  assign cur_pasid_o       = pasid_q;
  assign cur_priv_o        = priv_q;
  assign cur_exec_o        = exec_q;
  assign cur_write_o       = write_q;
  assign cur_prgi_o        = prgi_q;
  assign cur_addr_o        = paddr_q;
  assign busy_o            = state_q != ST_IDLE;

  logic unused_bits;
  assign unused_bits = ^{rtaddr_i[9:0], pqa_i[11:3], pqh_i[4:0], pqt_i[4:0], rd_ctx[84:9],
                         rd_ctx[3:2]};

`ifndef SYNTHESIS
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    !$isunknown({pr_ready_o, mem_req_valid_o, flt_valid_o, prsp_valid_o, pqt_we_o, ppr_set_o,
                 pro_set_o, busy_o, done_o}));
  // One memory operation at a time; responses only for one in flight.
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    mem_rsp_valid_i |-> wait_q);
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    wait_q |-> !mem_req_valid_o);
  // Nothing is answered or recorded while its port is taken.
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    prsp_valid_o |-> !prsp_busy_i);
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    flt_valid_o |-> !flt_busy_i);
`endif

endmodule
