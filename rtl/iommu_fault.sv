// iommu_fault: primary fault recording into the fault recording registers
// (FRCD), the RTL twin of the model's model/src/vtd/fault.c.
//
// Records are written in a ring from record 0 (fr_next). A fault is recorded
// into record fr_next unless an FPD bit suppresses it (flt_fpd_i: not
// recorded, not reported). It is lost, and FSTS.PFO set, when PFO is already
// set or when record fr_next still holds an unserviced fault (F = 1). A
// recorded fault sets F; when no record was pending before (PPF was 0) FSTS.FRI
// takes the record's index. FSTS.PPF is 1 while any record has F = 1, and
// FECTL.IP follows it (the model sets IP when PPF rises and clears it when a
// clear of F leaves no record pending).
//
// Record layout (two 64-bit halves, read through rd_lo_o/rd_hi_o):
//   lo: FI [63:12] (the faulting address, page aligned)
//   hi: SID [15:0], T2 28 (ATS translation request), PRIV 29, EXE 30, PP 31,
//       FR [39:32], PV [59:40], T 62 (1 = read), F 63.
//
// Software (from iommu_regs): clr_f_i writes 1 to F of record clr_idx_i;
// pfo_clr_i writes 1 to FSTS.PFO. A software write transferred in a cycle is
// applied after the block's own updates of that cycle (as iommu_regs, and as
// the timing engine applies software's actions between cycles): a fault and a
// clear in the same cycle, the fault sees the record still pending (and is
// lost) or is recorded and then cleared.
//
// One fault per cycle (the response port sends one response per cycle). The
// event outputs (recorded, suppressed, lost) are for the statistics and are
// valid in the fault's cycle.
module iommu_fault #(
  parameter int unsigned Nfr  = iommu_params_pkg::FaultRecords,
  localparam int unsigned IdxW = (Nfr > 1) ? $clog2(Nfr) : 1
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  // Fault from the translation path.
  input  logic            flt_valid_i,
  input  logic [15:0]     flt_sid_i,
  input  logic            flt_pasid_valid_i,
  input  logic [19:0]     flt_pasid_i,
  input  logic [63:0]     flt_addr_i,
  input  logic [7:0]      flt_reason_i,
  input  logic            flt_read_i,      // read (T = 1) rather than write
  input  logic            flt_page_req_i,  // ATS translation request (T2 = 1)
  input  logic            flt_priv_i,
  input  logic            flt_exec_i,
  input  logic            flt_fpd_i,       // fault processing disabled: not recorded
  output logic            flt_recorded_o,
  output logic            flt_suppressed_o,
  output logic            flt_lost_o,
  // Software side.
  input  logic            clr_f_i,
  input  logic [IdxW-1:0] clr_idx_i,
  input  logic            pfo_clr_i,
  input  logic [IdxW-1:0] rd_idx_i,
  output logic [63:0]     rd_lo_o,
  output logic [63:0]     rd_hi_o,
  // Status.
  output logic            pfo_o,
  output logic            ppf_o,
  output logic [7:0]      fri_o
);

  // A record without F: FI (52), SID (16), PP, EXE, PRIV, T2, FR (8), PV (20), T,
  // from the top bit down.
  localparam int unsigned RecW = 52 + 16 + 4 + 8 + 20 + 1;

  logic [RecW-1:0] rec_q [Nfr];
  logic [Nfr-1:0]  f_q, f_d;
  logic [IdxW-1:0] next_q, next_d;
  logic            pfo_q, pfo_d;
  logic [7:0]      fri_q, fri_d;

  logic [Nfr-1:0]  clr_mask;
  logic            record;
  logic [RecW-1:0] new_rec;

  always_comb begin
    clr_mask = '0;
    if (clr_f_i && 32'(clr_idx_i) < Nfr) clr_mask[clr_idx_i] = 1'b1;
  end

  // SPEC(VT-d FPD): suppressed. SPEC(VT-d FSTS.PFO): lost while PFO is set or
  // when the next record is still pending.
  always_comb begin
    logic lost;
    lost             = flt_valid_i && !flt_fpd_i && (pfo_q || f_q[next_q]);
    record           = flt_valid_i && !flt_fpd_i && !lost;
    flt_suppressed_o = flt_valid_i && flt_fpd_i;
    flt_lost_o       = lost;
    flt_recorded_o   = record;

    // SPEC(VT-d FRCD): T1:T2 = 00 write, 01 page (translation) request, 10 read.
    new_rec = {flt_addr_i[63:12], flt_sid_i,
               flt_pasid_valid_i, flt_exec_i, flt_priv_i, flt_page_req_i,
               flt_reason_i, flt_pasid_valid_i ? flt_pasid_i : 20'd0,
               !flt_page_req_i && flt_read_i};

    f_d    = f_q;
    fri_d  = fri_q;
    next_d = next_q;
    if (record) begin
      f_d[next_q] = 1'b1;
      if (f_q == '0) fri_d = 8'(next_q);
      next_d = (32'(next_q) == Nfr - 1) ? '0 : next_q + 1'b1;
    end
    // Then software's write of this cycle.
    f_d   = f_d & ~clr_mask;
    pfo_d = (pfo_q || lost) && !pfo_clr_i;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      f_q    <= '0;
      next_q <= '0;
      pfo_q  <= 1'b0;
      fri_q  <= '0;
    end else begin
      f_q    <= f_d;
      next_q <= next_d;
      pfo_q  <= pfo_d;
      fri_q  <= fri_d;
    end
  end

  // Record contents are read only with F or after a fault wrote them; out of
  // reset they read 0 (the model's register file starts zeroed).
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      for (int unsigned i = 0; i < Nfr; i++) rec_q[i] <= '0;
    end else if (record) begin
      rec_q[next_q] <= new_rec;
    end
  end

  // ---- Read port ---------------------------------------------------------
  always_comb begin
    logic [RecW-1:0] r;
    logic            f;
    r = '0;
    f = 1'b0;
    if (32'(rd_idx_i) < Nfr) begin
      r = rec_q[rd_idx_i];
      f = f_q[rd_idx_i];
    end
    rd_lo_o = {r[RecW-1 -: 52], 12'd0};
    //         F, T,      61:60, PV,        FR,         PP, EXE, PRIV, T2, 27:16,  SID
    rd_hi_o = {f, r[0], 2'b00, r[20:1], r[28:21], r[32:29], 12'd0, r[48:33]};
  end

  logic unused_addr_lo;  // FI keeps the page address
  assign unused_addr_lo = ^flt_addr_i[11:0];

  assign pfo_o = pfo_q;
  assign ppf_o = |f_q;
  assign fri_o = fri_q;

`ifndef SYNTHESIS
  initial begin
    assert (Nfr >= 1 && Nfr <= 256) else $fatal(1, "Nfr: 1..256 fault records");
  end
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    !$isunknown({pfo_o, ppf_o, fri_o, flt_recorded_o, flt_lost_o, flt_suppressed_o}));
  // At most one of the three outcomes per fault.
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    $onehot0({flt_recorded_o, flt_lost_o, flt_suppressed_o}));
`endif

endmodule
