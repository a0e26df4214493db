// iommu_regs: the VT-d register file of the block, the RTL twin of the
// model's model/src/vtd/regs.c (register map of docs/model.md), with the
// fault recording registers of iommu_fault inside.
//
// Register port (docs/uarch.md section 2): reg_req_i with reg_we_i,
// reg_addr_i[12:0], reg_size_i (4 or 8 bytes) and reg_wdata_i; reg_rdata_o is
// combinational in the request cycle (single-cycle: the state before this
// cycle's updates). An access with another size, or not naturally aligned,
// reads 0 and writes nothing. An 8-byte write acts as two 4-byte writes, low
// dword first, as in the model; a write takes effect at the clock edge.
//
// Registers (offsets in bytes; RO read-only, RW1C write 1 to clear):
//   0x000 VER      RO 0x60 (6.0)
//   0x008 CAP      RO from the parameters (ND 6, SAGAW, MGAW, FRO 0x40, SLLPS,
//                  PSI, NFR, MAMV 18, FL1GP, FL5LP)
//   0x010 ECAP     RO (C, QI, DT, PT, NEST, ERS, SRS, PSS, PASID, SMTS, SLADS,
//                  SLTS, FLTS, SMPWC, RPS)
//   0x018 GCMD     write-only, reads 0: TE and QIE are levels, SRTP one-shot;
//                  enabling QIE resets IQH
//   0x01C GSTS     RO: TES 31, RTPS 30, QIES 26
//   0x020 RTADDR   RTA [63:12], TTM [11:10] (other low bits read 0)
//   0x028 CCMD     register-based invalidation is not implemented: reads 0
//   0x034 FSTS     PFO 0, IQE 4, ICE 5, ITE 6 RW1C; PPF 1 and FRI [15:8] RO
//   0x038 FECTL    IM 31 RW, IP 30 RO (fault pending)
//   0x03C FEDATA, 0x040 FEADDR, 0x044 FEUADDR: 32-bit RW
//   0x080 IQH      RO, [18:4]
//   0x088 IQT      [18:4] RW (writing it starts the queue)
//   0x090 IQA      [63:12] base, DW 11, QS [2:0] RW ([10:3] read 0)
//   0x09C ICS      IWC 0 RW1C (clearing it clears IECTL.IP)
//   0x0A0 IECTL    IM 31 RW, IP 30 RO
//   0x0B0 IQER     RO: IQEI [3:0], ITESID [47:32]
//   0x0C0 PQH      [18:5] RW; 0x0C8 PQT [18:5] RW (the page request unit moves it)
//   0x0D0 PQA      [63:12] base, PQS [2:0] RW
//   0x0DC PRS      PPR 0, PRO 1 RW1C (both clear: PECTL.IP clears)
//   0x0E0 PECTL    IM 31 RW (1 after reset), IP 30 RO; clearing IM with IP set
//                  sends the held event
//   0x0E4 PEDATA, 0x0E8 PEADDR ([1:0] read 0), 0x0EC PEUADDR: 32-bit RW
//   (0x0C0 .. 0x0EF read 0 and ignore writes without PageReq, ECAP.PRS.)
//   0x400 FRCD i   16 bytes per record (iommu_fault), F (bit 127) RW1C
// Everything else reads 0 and ignores writes.
//
// The queue engine (iommu_qi) runs on qi_kick_o, a pulse in the cycle after
// software wrote IQT, GCMD, or FSTS with IQE or ITE set in the written value
// (when the write's effect is visible): the writes after which the model runs
// its queue. The engine reports through the *_set_i inputs and moves IQH
// through iqh_we_i. A register write transferred in cycle t is applied after
// the block's own updates of t (as the timing engine applies software's
// actions between cycles): a hardware set of IQE, ITE or IWC and a software
// clear of it in the same cycle leave it clear. The page request unit
// (iommu_prq) moves PQT and sets PPR and PRO; a rise of either while both
// were clear raises the page request event: PECTL.IP with IM set, else
// prq_event_o (the interrupt message) in this cycle.
module iommu_regs #(
  parameter int unsigned Nfr         = iommu_params_pkg::FaultRecords,
  parameter int unsigned Mgaw        = iommu_params_pkg::Mgaw,
  parameter int unsigned Sagaw       = iommu_params_pkg::Sagaw,
  parameter int unsigned PasidBits   = iommu_params_pkg::PasidBits,
  parameter bit          Sl2m        = iommu_params_pkg::Sl2m,
  parameter bit          Sl1g        = iommu_params_pkg::Sl1g,
  parameter bit          Fl1g        = iommu_params_pkg::Fl1g,
  parameter bit          Fl5level    = iommu_params_pkg::Fl5level,
  parameter bit          Nested      = iommu_params_pkg::Nested,
  parameter bit          PassThrough = iommu_params_pkg::PassThrough,
  parameter bit          SlAd        = iommu_params_pkg::SlAd,
  parameter bit          ExecReq     = iommu_params_pkg::ExecReq,
  parameter bit          SuperReq    = iommu_params_pkg::SuperReq,
  parameter bit          RidPasid    = iommu_params_pkg::RidPasid,
  parameter bit          PageReq     = iommu_params_pkg::PageReq
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // Register port.
  input  logic        reg_req_i,
  input  logic        reg_we_i,
  input  logic [12:0] reg_addr_i,
  input  logic [3:0]  reg_size_i,
  input  logic [63:0] reg_wdata_i,
  output logic [63:0] reg_rdata_o,
  // Global state for the translation path.
  output logic        te_o,          // GSTS.TES
  output logic [63:0] rtaddr_o,      // the active root table (RTADDR at the last SRTP)
  // Faults from the translation path (iommu_fault).
  input  logic        flt_valid_i,
  input  logic [15:0] flt_sid_i,
  input  logic        flt_pasid_valid_i,
  input  logic [19:0] flt_pasid_i,
  input  logic [63:0] flt_addr_i,
  input  logic [7:0]  flt_reason_i,
  input  logic        flt_read_i,
  input  logic        flt_page_req_i,
  input  logic        flt_priv_i,
  input  logic        flt_exec_i,
  input  logic        flt_fpd_i,
  output logic        flt_recorded_o,
  output logic        flt_suppressed_o,
  output logic        flt_lost_o,
  // Invalidation queue engine (iommu_qi).
  output logic        qies_o,
  output logic [63:0] iqa_o,
  output logic [18:0] iqt_o,
  output logic [18:0] iqh_o,
  output logic        iqe_o,
  output logic        ite_o,
  output logic        qi_kick_o,
  input  logic        iqh_we_i,
  input  logic [18:0] iqh_i,
  input  logic        iqe_set_i,
  input  logic [3:0]  iqei_i,
  input  logic        ite_set_i,
  input  logic [15:0] itesid_i,
  input  logic        iwc_set_i,
  // Page request unit (iommu_prq).
  output logic [18:0] pqh_o,
  output logic [18:0] pqt_o,
  output logic [63:0] pqa_o,
  output logic        pro_o,
  input  logic        pqt_we_i,
  input  logic [18:0] pqt_i,
  input  logic        ppr_set_i,
  input  logic        pro_set_i,
  output logic        prq_event_o,   // a page request event message is sent
  // Interrupt requests: an event pending and not masked.
  output logic        fault_irq_o,   // FECTL.IP && !FECTL.IM
  output logic        inv_irq_o      // IECTL.IP && !IECTL.IM
);

  localparam int unsigned IdxW = (Nfr > 1) ? $clog2(Nfr) : 1;

  // Offsets (bytes) of the dwords with a write rule.
  localparam logic [12:0] RegVer     = 13'h000;
  localparam logic [12:0] RegCap     = 13'h008;
  localparam logic [12:0] RegEcap    = 13'h010;
  localparam logic [12:0] RegGcmd    = 13'h018;
  localparam logic [12:0] RegGsts    = 13'h01C;
  localparam logic [12:0] RegRtaddr  = 13'h020;
  localparam logic [12:0] RegFsts    = 13'h034;
  localparam logic [12:0] RegFectl   = 13'h038;
  localparam logic [12:0] RegFedata  = 13'h03C;
  localparam logic [12:0] RegFeaddr  = 13'h040;
  localparam logic [12:0] RegFeuaddr = 13'h044;
  localparam logic [12:0] RegIqh     = 13'h080;
  localparam logic [12:0] RegIqt     = 13'h088;
  localparam logic [12:0] RegIqa     = 13'h090;
  localparam logic [12:0] RegIcs     = 13'h09C;
  localparam logic [12:0] RegIectl   = 13'h0A0;
  localparam logic [12:0] RegIqer    = 13'h0B0;
  localparam logic [12:0] RegPqh     = 13'h0C0;
  localparam logic [12:0] RegPqt     = 13'h0C8;
  localparam logic [12:0] RegPqa     = 13'h0D0;
  localparam logic [12:0] RegPrs     = 13'h0DC;
  localparam logic [12:0] RegPectl   = 13'h0E0;
  localparam logic [12:0] RegPedata  = 13'h0E4;
  localparam logic [12:0] RegPeaddr  = 13'h0E8;
  localparam logic [12:0] RegPeuaddr = 13'h0EC;
  localparam logic [12:0] FrcdBase   = 13'h400;

  localparam logic [31:0] VerValue   = 32'h0000_0060;

  // SPEC(VT-d CAP/ECAP): what the configuration implements (regs.c).
  localparam logic [63:0] CapValue =
      64'd6                                         // ND: 16-bit domain IDs
    | (64'(5'(Sagaw)) << 8)
    | (64'(6'(Mgaw - 1)) << 16)
    | (64'h40 << 24)                                 // FRO: 0x400 in 16-byte units
    | (64'({Sl1g, Sl2m}) << 34)
    | (64'd1 << 39)                                  // PSI
    | (64'(8'(Nfr - 1)) << 40)
    | (64'd18 << 48)                                 // MAMV
    | (64'(Fl1g) << 56)
    | (64'(Fl5level) << 60);
  localparam logic [63:0] EcapValue =
      64'h1                                          // C
    | 64'h2                                          // QI
    | 64'h4                                          // DT
    | (64'(PassThrough) << 6)
    | (64'(Nested) << 26)
    | (64'(PageReq) << 29)                           // PRS
    | (64'(ExecReq) << 30)
    | (64'(SuperReq) << 31)
    | (64'(5'(PasidBits - 1)) << 35) // PSS
    | (64'd1 << 40)                                  // PASID
    | (64'(PageReq) << 42)                           // PDS
    | (64'd1 << 43)                                  // SMTS
    | (64'(SlAd) << 45)
    | (64'd1 << 46)                                  // SLTS
    | (64'd1 << 47)                                  // FLTS
    | (64'd1 << 48)                                  // SMPWC
    | (64'(RidPasid) << 49);

  // ---- State ---------------------------------------------------------------
  logic        tes_q, rtps_q, qies_q;
  logic [63:0] rtaddr_q, root_q;
  logic        iqe_q, ite_q;
  logic        fectl_im_q;
  logic [31:0] fedata_q, feaddr_q, feuaddr_q;
  logic [18:4] iqh_q, iqt_q;
  logic [63:0] iqa_q;
  logic        iwc_q, iectl_im_q, iectl_ip_q;
  logic [3:0]  iqei_q;
  logic [15:0] itesid_q;
  logic        kick_q;
  logic [18:5] pqh_q, pqt_q;
  logic [63:0] pqa_q;
  logic        ppr_q, pro_q, pectl_im_q, pectl_ip_q;
  logic [31:0] pedata_q, peaddr_q, peuaddr_q;

  // ---- Access decode: two dword lanes ----------------------------------------
  logic        acc_ok, we0, we1;
  logic [12:0] off0, off1;
  logic [31:0] wd0, wd1;
  assign acc_ok = reg_req_i && ((reg_size_i == 4'd4 && reg_addr_i[1:0] == 2'b00) ||
                                (reg_size_i == 4'd8 && reg_addr_i[2:0] == 3'b000));
  assign off0   = {reg_addr_i[12:2], 2'b00};
  assign off1   = off0 + 13'd4;
  assign we0    = acc_ok && reg_we_i;
  assign we1    = we0 && reg_size_i == 4'd8;
  assign wd0    = reg_wdata_i[31:0];
  assign wd1    = reg_wdata_i[63:32];

  // The value written to the dword at `off` by this access, and whether it is.
  function automatic logic hit(logic [12:0] off, logic w0, logic w1, logic [12:0] o0,
                               logic [12:0] o1);
    hit = (w0 && o0 == off) || (w1 && o1 == off);
  endfunction
  function automatic logic [31:0] wval(logic [12:0] off, logic [12:0] o0, logic [31:0] d0,
                                       logic [31:0] d1);
    wval = (o0 == off) ? d0 : d1;
  endfunction

  // Fault recording registers: record index of an offset, and whether it is one.
  // (The argument is an offset's bits [12:4], the 16-byte unit.)
  function automatic logic frcd_hit(logic [8:0] unit);
    frcd_hit = unit >= FrcdBase[12:4] && 32'(9'(unit - FrcdBase[12:4])) < Nfr;
  endfunction
  function automatic logic [IdxW-1:0] frcd_idx(logic [8:0] unit);
    frcd_idx = IdxW'(unit - FrcdBase[12:4]);
  endfunction

  // ---- Fault recording -------------------------------------------------------
  logic            clr_f;
  logic [IdxW-1:0] clr_idx;
  logic            pfo, ppf;
  logic [7:0]      fri;
  logic [63:0]     frcd_lo, frcd_hi;
  logic [31:0]     v_fsts;

  // SPEC(VT-d FRCD): F (bit 127, dword 3 bit 31) is RW1C.
  always_comb begin
    clr_f   = 1'b0;
    clr_idx = '0;
    if (we0 && off0[3:2] == 2'd3 && frcd_hit(off0[12:4]) && wd0[31]) begin
      clr_f   = 1'b1;
      clr_idx = frcd_idx(off0[12:4]);
    end else if (we1 && off1[3:2] == 2'd3 && frcd_hit(off1[12:4]) && wd1[31]) begin
      clr_f   = 1'b1;
      clr_idx = frcd_idx(off1[12:4]);
    end
  end

  assign v_fsts = wval(RegFsts, off0, wd0, wd1);

  iommu_fault #(.Nfr(Nfr)) u_fault (
    .clk_i,
    .rst_ni,
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
    .clr_f_i   (clr_f),
    .clr_idx_i (clr_idx),
    .pfo_clr_i (hit(RegFsts, we0, we1, off0, off1) && v_fsts[0]),
    .rd_idx_i  (frcd_idx(off0[12:4])),
    .rd_lo_o   (frcd_lo),
    .rd_hi_o   (frcd_hi),
    .pfo_o     (pfo),
    .ppf_o     (ppf),
    .fri_o     (fri)
  );

  // ---- Reads ---------------------------------------------------------------------
  function automatic logic [31:0] rd32(logic [12:0] off, logic [63:0] flo, logic [63:0] fhi,
                                       logic [7:0] fri_v, logic ppf_v, logic pfo_v);
    logic [31:0] v;
    v = '0;
    unique case (off)
      RegVer:          v = VerValue;
      RegCap:          v = CapValue[31:0];
      RegCap + 13'd4:  v = CapValue[63:32];
      RegEcap:         v = EcapValue[31:0];
      RegEcap + 13'd4: v = EcapValue[63:32];
      RegGsts:         v = {tes_q, rtps_q, 3'b000, qies_q, 26'd0};
      RegRtaddr:       v = rtaddr_q[31:0];
      RegRtaddr + 13'd4: v = rtaddr_q[63:32];
      RegFsts:         v = {16'd0, fri_v, 1'b0, ite_q, 1'b0, iqe_q, 2'b00, ppf_v, pfo_v};
      RegFectl:        v = {fectl_im_q, ppf_v, 30'd0};
      RegFedata:       v = fedata_q;
      RegFeaddr:       v = feaddr_q;
      RegFeuaddr:      v = feuaddr_q;
      RegIqh:          v = {13'd0, iqh_q, 4'd0};
      RegIqt:          v = {13'd0, iqt_q, 4'd0};
      RegIqa:          v = iqa_q[31:0];
      RegIqa + 13'd4:  v = iqa_q[63:32];
      RegIcs:          v = {31'd0, iwc_q};
      RegIectl:        v = {iectl_im_q, iectl_ip_q, 30'd0};
      RegIqer:         v = {28'd0, iqei_q};
      RegIqer + 13'd4: v = {16'd0, itesid_q};
      RegPqh:          v = {13'd0, pqh_q, 5'd0};
      RegPqt:          v = {13'd0, pqt_q, 5'd0};
      RegPqa:          v = pqa_q[31:0];
      RegPqa + 13'd4:  v = pqa_q[63:32];
      RegPrs:          v = {30'd0, pro_q, ppr_q};
      RegPectl:        v = {pectl_im_q, pectl_ip_q, 30'd0};
      RegPedata:       v = pedata_q;
      RegPeaddr:       v = peaddr_q;
      RegPeuaddr:      v = peuaddr_q;
      default: begin
        if (frcd_hit(off[12:4])) begin
          unique case (off[3:2])
            2'd0:    v = flo[31:0];
            2'd1:    v = flo[63:32];
            2'd2:    v = fhi[31:0];
            default: v = fhi[63:32];
          endcase
        end
      end
    endcase
    rd32 = v;
  endfunction

  always_comb begin
    reg_rdata_o = '0;
    if (acc_ok && !reg_we_i) begin
      reg_rdata_o[31:0] = rd32(off0, frcd_lo, frcd_hi, fri, ppf, pfo);
      if (reg_size_i == 4'd8) reg_rdata_o[63:32] = rd32(off1, frcd_lo, frcd_hi, fri, ppf, pfo);
    end
  end

  // ---- Writes ---------------------------------------------------------------------
  // Per register dword: written by this access, and the value.
  logic        w_gcmd, w_rta_lo, w_rta_hi, w_fsts, w_fectl, w_fedata, w_feaddr, w_feuaddr;
  logic        w_iqt, w_iqa_lo, w_iqa_hi, w_ics, w_iectl;
  logic        w_pqh, w_pqt, w_pqa_lo, w_pqa_hi, w_prs, w_pectl, w_pedata, w_peaddr, w_peuaddr;
  logic [31:0] v_gcmd, v_rta_lo, v_rta_hi, v_fectl, v_fedata, v_feaddr, v_feuaddr;
  logic [31:0] v_iqt, v_iqa_lo, v_iqa_hi, v_ics, v_iectl;
  logic [31:0] v_pqh, v_pqt, v_pqa_lo, v_pqa_hi, v_prs, v_pectl, v_pedata, v_peaddr, v_peuaddr;
  assign w_gcmd    = hit(RegGcmd, we0, we1, off0, off1);
  assign w_rta_lo  = hit(RegRtaddr, we0, we1, off0, off1);
  assign w_rta_hi  = hit(RegRtaddr + 13'd4, we0, we1, off0, off1);
  assign w_fsts    = hit(RegFsts, we0, we1, off0, off1);
  assign w_fectl   = hit(RegFectl, we0, we1, off0, off1);
  assign w_fedata  = hit(RegFedata, we0, we1, off0, off1);
  assign w_feaddr  = hit(RegFeaddr, we0, we1, off0, off1);
  assign w_feuaddr = hit(RegFeuaddr, we0, we1, off0, off1);
  assign w_iqt     = hit(RegIqt, we0, we1, off0, off1);
  assign w_iqa_lo  = hit(RegIqa, we0, we1, off0, off1);
  assign w_iqa_hi  = hit(RegIqa + 13'd4, we0, we1, off0, off1);
  assign w_ics     = hit(RegIcs, we0, we1, off0, off1);
  assign w_iectl   = hit(RegIectl, we0, we1, off0, off1);
  assign v_gcmd    = wval(RegGcmd, off0, wd0, wd1);
  assign v_rta_lo  = wval(RegRtaddr, off0, wd0, wd1);
  assign v_rta_hi  = wval(RegRtaddr + 13'd4, off0, wd0, wd1);
  assign v_fectl   = wval(RegFectl, off0, wd0, wd1);
  assign v_fedata  = wval(RegFedata, off0, wd0, wd1);
  assign v_feaddr  = wval(RegFeaddr, off0, wd0, wd1);
  assign v_feuaddr = wval(RegFeuaddr, off0, wd0, wd1);
  assign v_iqt     = wval(RegIqt, off0, wd0, wd1);
  assign v_iqa_lo  = wval(RegIqa, off0, wd0, wd1);
  assign v_iqa_hi  = wval(RegIqa + 13'd4, off0, wd0, wd1);
  assign v_ics     = wval(RegIcs, off0, wd0, wd1);
  assign v_iectl   = wval(RegIectl, off0, wd0, wd1);
  // SPEC(VT-d PRQ registers): RsvdZ without ECAP.PRS.
  assign w_pqh     = PageReq && hit(RegPqh, we0, we1, off0, off1);
  assign w_pqt     = PageReq && hit(RegPqt, we0, we1, off0, off1);
  assign w_pqa_lo  = PageReq && hit(RegPqa, we0, we1, off0, off1);
  assign w_pqa_hi  = PageReq && hit(RegPqa + 13'd4, we0, we1, off0, off1);
  assign w_prs     = PageReq && hit(RegPrs, we0, we1, off0, off1);
  assign w_pectl   = PageReq && hit(RegPectl, we0, we1, off0, off1);
  assign w_pedata  = PageReq && hit(RegPedata, we0, we1, off0, off1);
  assign w_peaddr  = PageReq && hit(RegPeaddr, we0, we1, off0, off1);
  assign w_peuaddr = PageReq && hit(RegPeuaddr, we0, we1, off0, off1);
  assign v_pqh     = wval(RegPqh, off0, wd0, wd1);
  assign v_pqt     = wval(RegPqt, off0, wd0, wd1);
  assign v_pqa_lo  = wval(RegPqa, off0, wd0, wd1);
  assign v_pqa_hi  = wval(RegPqa + 13'd4, off0, wd0, wd1);
  assign v_prs     = wval(RegPrs, off0, wd0, wd1);
  assign v_pectl   = wval(RegPectl, off0, wd0, wd1);
  assign v_pedata  = wval(RegPedata, off0, wd0, wd1);
  assign v_peaddr  = wval(RegPeaddr, off0, wd0, wd1);
  assign v_peuaddr = wval(RegPeuaddr, off0, wd0, wd1);

  // ---- Page request status and event (prq_event() of the model) ----------------
  // The unit's updates of this cycle first, then software's write.
  logic hw_ppr, hw_pro, hw_rise, ev_ip, sw_ppr, sw_pro, sw_im, send_hw, send_sw;
  always_comb begin
    hw_ppr  = ppr_q || ppr_set_i;
    hw_pro  = pro_q || pro_set_i;
    // SPEC(VT-d PECTL): an event when PPR or PRO rises while both were clear.
    hw_rise = !ppr_q && !pro_q && (ppr_set_i || pro_set_i);
    send_hw = hw_rise && !pectl_im_q;
    ev_ip   = pectl_ip_q || (hw_rise && pectl_im_q);
    // SPEC(VT-d PRS): PPR and PRO RW1C; with both clear the held event drops.
    sw_ppr  = hw_ppr && !(w_prs && v_prs[0]);
    sw_pro  = hw_pro && !(w_prs && v_prs[1]);
    if (w_prs && !sw_ppr && !sw_pro) ev_ip = 1'b0;
    // SPEC(VT-d PECTL): clearing IM with IP set sends the held message.
    sw_im   = w_pectl ? v_pectl[31] : pectl_im_q;
    send_sw = w_pectl && ev_ip && !sw_im;
    if (send_sw) ev_ip = 1'b0;
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      tes_q      <= 1'b0;
      rtps_q     <= 1'b0;
      qies_q     <= 1'b0;
      rtaddr_q   <= '0;
      root_q     <= '0;
      iqe_q      <= 1'b0;
      ite_q      <= 1'b0;
      fectl_im_q <= 1'b0;
      fedata_q   <= '0;
      feaddr_q   <= '0;
      feuaddr_q  <= '0;
      iqh_q      <= '0;
      iqt_q      <= '0;
      iqa_q      <= '0;
      iwc_q      <= 1'b0;
      iectl_im_q <= 1'b0;
      iectl_ip_q <= 1'b0;
      iqei_q     <= '0;
      itesid_q   <= '0;
      kick_q     <= 1'b0;
      pqh_q      <= '0;
      pqt_q      <= '0;
      pqa_q      <= '0;
      ppr_q      <= 1'b0;
      pro_q      <= 1'b0;
      pectl_im_q <= PageReq;
      pectl_ip_q <= 1'b0;
      pedata_q   <= '0;
      peaddr_q   <= '0;
      peuaddr_q  <= '0;
    end else begin
      // SPEC(VT-d GCMD): TE/QIE are levels, SRTP is one-shot; GSTS reflects them.
      if (w_gcmd) begin
        if (v_gcmd[30]) begin
          root_q <= rtaddr_q;
          rtps_q <= 1'b1;
        end
        tes_q  <= v_gcmd[31];
        qies_q <= v_gcmd[26];
      end
      // SPEC(VT-d RTADDR): RTA [63:12] and TTM [11:10]; the other low bits are 0.
      if (w_rta_lo)  rtaddr_q[31:0]  <= v_rta_lo & 32'hFFFF_FC00;
      if (w_rta_hi)  rtaddr_q[63:32] <= v_rta_hi;
      if (w_fedata)  fedata_q        <= v_fedata;
      if (w_feaddr)  feaddr_q        <= v_feaddr;
      if (w_feuaddr) feuaddr_q       <= v_feuaddr;
      if (w_fectl)   fectl_im_q      <= v_fectl[31];
      if (w_iectl)   iectl_im_q      <= v_iectl[31];
      if (w_iqa_lo)  iqa_q[31:0]     <= v_iqa_lo & ~32'h0000_07F8;  // [10:3] reserved
      if (w_iqa_hi)  iqa_q[63:32]    <= v_iqa_hi;
      if (w_iqt)     iqt_q           <= v_iqt[18:4];

      // IQH: the engine moves it; enabling queued invalidation resets it.
      if (iqh_we_i) iqh_q <= iqh_i[18:4];
      // SPEC(VT-d GCMD.QIE): enabling queued invalidation resets IQH.
      if (w_gcmd && v_gcmd[26] && !qies_q) iqh_q <= '0;

      // SPEC(VT-d FSTS): IQE, ITE (and PFO, ICE) are RW1C; the engine sets them.
      if (iqe_set_i) begin
        iqe_q  <= 1'b1;
        iqei_q <= iqei_i;
      end
      if (ite_set_i) begin
        ite_q    <= 1'b1;
        itesid_q <= itesid_i;
      end
      if (w_fsts && v_fsts[4]) iqe_q <= 1'b0;
      if (w_fsts && v_fsts[6]) ite_q <= 1'b0;
      // SPEC(VT-d ICS): IWC is RW1C; clearing it clears IECTL.IP.
      if (iwc_set_i) begin
        iwc_q      <= 1'b1;
        iectl_ip_q <= 1'b1;
      end
      if (w_ics && v_ics[0]) begin
        iwc_q      <= 1'b0;
        iectl_ip_q <= 1'b0;
      end

      // Page request queue: the unit moves PQT; software's write wins.
      if (pqt_we_i)  pqt_q <= pqt_i[18:5];
      if (w_pqt)     pqt_q <= v_pqt[18:5];
      if (w_pqh)     pqh_q <= v_pqh[18:5];
      if (w_pqa_lo)  pqa_q[31:0]  <= v_pqa_lo & 32'hFFFF_F007;  // [11:3] reserved
      if (w_pqa_hi)  pqa_q[63:32] <= v_pqa_hi;
      if (w_pedata)  pedata_q     <= v_pedata;
      if (w_peaddr)  peaddr_q     <= v_peaddr & ~32'd3;
      if (w_peuaddr) peuaddr_q    <= v_peuaddr;
      ppr_q      <= sw_ppr;
      pro_q      <= sw_pro;
      pectl_im_q <= sw_im;
      pectl_ip_q <= ev_ip;

      // SPEC(VT-d QI): IQT, GCMD, and clearing IQE/ITE run the queue.
      kick_q <= w_iqt || w_gcmd || (w_fsts && (v_fsts[4] || v_fsts[6]));
    end
  end

  // Written-value bits without a register behind them.
  logic unused_bits;
  assign unused_bits = ^{iqh_i[3:0], v_fsts[31:7], v_fsts[5], v_fsts[3:1], v_gcmd[29:27],
                         v_gcmd[25:0], v_fectl[30:0], v_iqt[31:19], v_iqt[3:0], v_ics[31:1],
                         v_iectl[30:0], v_pqh[31:19], v_pqh[4:0], v_pqt[31:19], v_pqt[4:0],
                         v_prs[31:2], v_pectl[30:0], pqt_i[4:0]};

  assign te_o        = tes_q;
  assign rtaddr_o    = root_q;
  assign qies_o      = qies_q;
  assign iqa_o       = iqa_q;
  assign iqt_o       = {iqt_q, 4'd0};
  assign iqh_o       = {iqh_q, 4'd0};
  assign iqe_o       = iqe_q;
  assign ite_o       = ite_q;
  assign qi_kick_o   = kick_q;
  assign fault_irq_o = ppf && !fectl_im_q;
  assign inv_irq_o   = iectl_ip_q && !iectl_im_q;
  assign pqh_o       = {pqh_q, 5'd0};
  assign pqt_o       = {pqt_q, 5'd0};
  assign pqa_o       = pqa_q;
  assign pro_o       = pro_q;
  assign prq_event_o = send_hw || send_sw;

`ifndef SYNTHESIS
  initial begin
    assert (Nfr >= 1 && Nfr <= 256) else $fatal(1, "Nfr: 1..256 fault records");
    assert (PasidBits >= 1 && PasidBits <= 20) else $fatal(1, "PasidBits: 1..20");
  end
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    !$isunknown({reg_rdata_o, te_o, rtaddr_o, qies_o, iqa_o, iqt_o, iqh_o, iqe_o, ite_o,
                 qi_kick_o, fault_irq_o, inv_irq_o, pqh_o, pqt_o, pqa_o, pro_o, prq_event_o}));
`endif

endmodule
