// One pass of a request through the IOMMU with the cached entries only
// (docs/uarch.md §11, iommu_lookup): the checks of the model's
// vtd_process() that need no memory, in its order, for one access type.
//
// Given the context-cache and PASID-cache results and the IOTLB result, it
// decides whether the pass needs memory (a structure the caches did not
// hold, or a walk of the paging tables), and otherwise its outcome: a fault
// reason, or the translation (from the IOTLB entry, for a translated
// request, or pass-through). Purely combinational.
module iommu_entry_check #(
  parameter int unsigned Haw       = 46,
  parameter int unsigned Mgaw      = 57,
  parameter int unsigned PasidBits = 20,
  parameter bit          ExecReq   = 1'b1,
  parameter bit          SuperReq  = 1'b1,
  parameter bit          RidPasid  = 1'b1
) (
  input  logic          ttm_ok_i,          // RTADDR.TTM is scalable mode
  input  logic [1:0]    at_i,              // 0 untranslated, 1 translation req, 2 translated
  input  logic [1:0]    acc_i,             // access of this pass: 0 read, 1 write, 2 execute
  input  logic          priv_i,
  input  logic          pasid_valid_i,
  input  logic [19:0]   pasid_i,
  input  logic [63:0]   addr_i,
  input  logic          ctx_hit_i,
  input  logic [127:0]  ctx_i,             // the defined half of the context entry
  input  logic          pasid_hit_i,
  input  logic [63:0]   pe0_i,             // PASID entry qword 0
  input  logic [63:0]   pe2_i,             // PASID entry qword 2
  input  logic          pde_fpd_i,
  input  logic          iotlb_hit_i,
  input  logic [51:0]   iotlb_hpn_i,       // host page number
  input  logic [1:0]    iotlb_level_i,
  input  logic [3:0]    iotlb_perm_i,
  input  logic [3:0]    iotlb_sl_perm_i,
  input  logic          iotlb_dirty_i,
  input  logic          iotlb_global_i,
  output logic          pc_probe_o,        // the PASID cache is looked up (model: step 4 reached)
  output logic          tlb_probe_o,       // the IOTLB is looked up
  output logic          mem_o,             // the pass needs memory
  output logic [7:0]    fault_o,           // 0: translated
  output logic          fpd_o,
  output logic [19:0]   pasid_o,           // the PASID of the pass (RID_PASID without one)
  output logic [63:0]   hpa_o,
  output logic [1:0]    level_o,           // 1 4 KiB, 2 2 MiB, 3 1 GiB
  output logic [3:0]    perm_o,            // as granted to this requester
  output logic          global_o
);
  localparam logic [1:0] AccWrite = 2'd1;
  localparam logic [1:0] AccExec = 2'd2;
  localparam logic [1:0] AtUntranslated = 2'd0;
  localparam logic [1:0] AtTranslated = 2'd2;
  localparam logic [3:0] PermR = 4'b0001;
  localparam logic [3:0] PermW = 4'b0010;
  localparam logic [3:0] PermX = 4'b0100;
  localparam logic [3:0] PermU = 4'b1000;
  localparam logic [2:0] PgttFl = 3'd1;
  localparam logic [2:0] PgttSl = 3'd2;
  localparam logic [2:0] PgttNested = 3'd3;
  localparam logic [2:0] PgttPt = 3'd4;
  localparam logic [7:0] FrRootTableInvalid = 8'h30;
  localparam logic [7:0] FrCtxDteClear = 8'h44;
  localparam logic [7:0] FrCtxPasideClear = 8'h45;
  localparam logic [7:0] FrPasidTooLarge = 8'h46;
  localparam logic [7:0] FrEreClear = 8'h5C;
  localparam logic [7:0] FrSreClear = 8'h5D;
  localparam logic [7:0] FrFlNestedBeyondMgaw = 8'h74;
  localparam logic [7:0] FrNonCanonical = 8'h80;
  localparam logic [7:0] FrUsClear = 8'h81;
  localparam logic [7:0] FrNoExec = 8'h82;
  localparam logic [7:0] FrAddrBeyondMax = 8'h83;
  localparam logic [7:0] FrNoWrite = 8'h85;
  localparam logic [7:0] FrNoRead = 8'h86;
  localparam logic [63:0] AboveHaw = ~((64'd1 << Haw) - 64'd1);
  localparam int unsigned SlWidth3 = Mgaw < 39 ? Mgaw : 39;
  localparam int unsigned SlWidth4 = Mgaw < 48 ? Mgaw : 48;
  localparam int unsigned SlWidth5 = Mgaw < 57 ? Mgaw : 57;

  function automatic logic sl_beyond(input logic [63:0] gpa, input logic [2:0] aw);
    unique case (aw)
      3'd1:    sl_beyond = (gpa >> SlWidth3) != 64'd0;
      3'd2:    sl_beyond = (gpa >> SlWidth4) != 64'd0;
      default: sl_beyond = (gpa >> SlWidth5) != 64'd0;
    endcase
  endfunction

  // Second-level access check (model: vtd_sl_check).
  function automatic logic [7:0] sl_check(input logic [3:0] perm, input logic [1:0] acc);
    if (acc == AccWrite) sl_check = (perm & PermW) != 4'd0 ? 8'h00 : FrNoWrite;
    else if ((perm & PermR) == 4'd0) sl_check = FrNoRead;
    else if (acc == AccExec && (perm & PermX) == 4'd0) sl_check = FrNoExec;
    else sl_check = 8'h00;
  endfunction

  logic [2:0] pgtt;
  logic uses_fl, uses_sl, canonical, serves, pre_mem;
  logic [7:0] flc, pre_fault;
  logic [63:0] size_mask;

  assign pgtt = pe0_i[8:6];
  assign uses_fl = pgtt == PgttFl || pgtt == PgttNested;
  assign uses_sl = pgtt == PgttSl || pgtt == PgttNested;
  assign canonical = pe2_i[2] ? (addr_i[63:56] == 8'h00 || addr_i[63:56] == 8'hFF)
                              : (addr_i[63:47] == 17'h0 || addr_i[63:47] == 17'h1FFFF);

  // The checks before the IOTLB lookup, from the context and PASID entries
  // alone: they decide which caches the pass looks up (no IOTLB input here,
  // and the context entry's checks apart from the PASID entry's, so that the
  // lookups can chain on these outputs combinationally).
  logic [7:0] ctx_fault, pe_fault;
  logic ctx_fpd;
  always_comb begin
    ctx_fault = 8'h00;
    ctx_fpd = 1'b0;
    pc_probe_o = 1'b0;
    pasid_o = pasid_valid_i ? pasid_i : (RidPasid ? ctx_i[83:64] : 20'd0);
    // SPEC(VT-d RTADDR): TTM other than scalable mode -> 0x30
    if (!ttm_ok_i) ctx_fault = FrRootTableInvalid;
    else if (ctx_hit_i) begin
      // SPEC(VT-d context entry): FPD == 1 -> later faults are not recorded
      ctx_fpd = ctx_i[1];
      // SPEC(VT-d context entry): translation or translated request with DTE = 0 -> 0x44
      if (at_i != AtUntranslated && !ctx_i[2]) ctx_fault = FrCtxDteClear;
      else if (at_i == AtTranslated) begin
        // A translated request carries a host-physical address: it passes.
      end
      // SPEC(VT-d context entry): request with PASID and PASIDE == 0 -> 0x45
      else if (pasid_valid_i && !ctx_i[3]) ctx_fault = FrCtxPasideClear;
      // SPEC(VT-d context entry): PASID[19:6] >= 2^(PDTS+7), or too wide -> 0x46
      else if ((pasid_o[19:6] >> (4'(ctx_i[11:9]) + 4'd7)) != 14'd0 ||
               (PasidBits < 20 && (pasid_o >> PasidBits) != 20'd0))
        ctx_fault = FrPasidTooLarge;
      else pc_probe_o = 1'b1;
    end
  end

  always_comb begin
    pe_fault = 8'h00;
    tlb_probe_o = 1'b0;
    if (pc_probe_o && pasid_hit_i) begin
      // SPEC(VT-d PASID entry): supervisor request and SRE = 0 -> 0x5D
      if (uses_fl && priv_i && (!SuperReq || !pe2_i[0])) pe_fault = FrSreClear;
      // SPEC(VT-d PASID entry): execute request and ERE = 0 -> 0x5C
      else if (uses_fl && acc_i == AccExec && (!ExecReq || !pe2_i[1])) pe_fault = FrEreClear;
      // SPEC(VT-d first-level): input not canonical for 48/57 bits -> 0x80
      else if (uses_fl && !canonical) pe_fault = FrNonCanonical;
      // SPEC(VT-d pass-through): address at or above 2^HAW -> 0x83
      else if (pgtt == PgttPt && (addr_i & AboveHaw) != 64'd0) pe_fault = FrAddrBeyondMax;
      else tlb_probe_o = 1'b1;
    end
  end

  assign pre_fault = ctx_fault != 8'h00 ? ctx_fault : pe_fault;
  assign pre_mem   = ttm_ok_i && (!ctx_hit_i || (pc_probe_o && !pasid_hit_i));
  assign fpd_o     = ctx_fpd || (pc_probe_o && pasid_hit_i && (pde_fpd_i || pe0_i[1]));

  // The IOTLB result, then what the walk would need.
  always_comb begin
    // First-level access check (model: vtd_fl_check) on the cached permissions.
    if (!priv_i && (iotlb_perm_i & PermU) == 4'd0) flc = FrUsClear;
    else if (acc_i == AccWrite && (iotlb_perm_i & PermW) == 4'd0 && (!priv_i || pe2_i[4]))
      flc = FrNoWrite;
    else if (acc_i == AccExec && (iotlb_perm_i & PermX) == 4'd0) flc = FrNoExec;
    else flc = 8'h00;
    // Whether the IOTLB entry serves the request (model: vtd_iotlb_serves).
    serves = !(acc_i == AccWrite && !iotlb_dirty_i) &&
             (pgtt == PgttPt ||
              (!(uses_fl && flc != 8'h00) && !(uses_sl && sl_check(iotlb_sl_perm_i, acc_i) != 8'h00)));
    size_mask = iotlb_level_i == 2'd3 ? 64'h3FFF_FFFF :
                (iotlb_level_i == 2'd2 ? 64'h1F_FFFF : 64'hFFF);

    mem_o = pre_mem;
    fault_o = pre_fault;
    hpa_o = addr_i;
    level_o = 2'd1;
    perm_o = 4'b1111;
    global_o = 1'b0;
    if (tlb_probe_o) begin
      if (iotlb_hit_i && serves) begin
        hpa_o = ({12'd0, iotlb_hpn_i} << 12) | (addr_i & size_mask);
        level_o = iotlb_level_i;
        perm_o = iotlb_perm_i;
        // A supervisor request may write a read-only first-level page when
        // WPE = 0 (if the second level allows the write).
        if (uses_fl && pasid_valid_i && priv_i && !pe2_i[4] && (iotlb_sl_perm_i & PermW) != 4'd0)
          perm_o = perm_o | PermW;
        global_o = iotlb_global_i;
      end
      // The walk: pass-through needs no memory; a second-level input (or
      // nested first-level table) beyond the width faults before any read.
      else if (pgtt == PgttPt) begin
        // hpa, level and permissions as set above
      end
      else if (pgtt == PgttSl && sl_beyond(addr_i, pe0_i[4:2])) fault_o = FrAddrBeyondMax;
      else if (pgtt == PgttNested && sl_beyond({pe2_i[63:12], 12'd0}, pe0_i[4:2]))
        fault_o = FrFlNestedBeyondMgaw;
      else mem_o = 1'b1;
    end
  end

  // Fields of the entries the pass does not look at (table pointers, the
  // walk's own fields).
  // verilator lint_off UNUSEDSIGNAL
  logic unused;
  assign unused = ^{ctx_i[127:84], ctx_i[63:12], ctx_i[8:4], ctx_i[0], pe0_i[63:9], pe0_i[5],
                    pe0_i[0], pe2_i[11:5], pe2_i[3]};
  // verilator lint_on UNUSEDSIGNAL
endmodule
