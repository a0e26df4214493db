// Stage R of the request path (docs/uarch.md §4, §11): the decision whether
// the cache results answer a request without memory, and that answer. The
// twin of the model's iommu_lookup_cached(): the request is translated as
// vtd_translate() would with memory that refuses every access; if no access
// was needed, the response is the one the model then gives (a fault that
// needs no memory, a translated request, pass-through, an IOTLB hit, also
// one whose permissions make the model answer otherwise); else hit_o = 0 and
// a walker takes the request. An ATS translation request makes the model's
// second pass for read after a paging fault; a pass needing memory makes the
// whole request a miss. Purely combinational; the request is well-formed
// (execute and privileged only with a PASID).
module iommu_lookup #(
  parameter int unsigned TagW      = 8,
  parameter int unsigned Haw       = 46,
  parameter int unsigned Mgaw      = 57,
  parameter int unsigned PasidBits = 20,
  parameter logic [4:0]  Sagaw     = 5'b01110,
  parameter bit          Sl2m      = 1'b1,
  parameter bit          Sl1g      = 1'b1,
  parameter bit          Fl1g      = 1'b1,
  parameter bit          Fl5Level  = 1'b1,
  parameter bit          Nested    = 1'b1,
  parameter bit          PassThru  = 1'b1,
  parameter bit          SlAd      = 1'b1,
  parameter bit          ExecReq   = 1'b1,
  parameter bit          SuperReq  = 1'b1,
  parameter bit          RidPasid  = 1'b1
) (
  input  logic              te_i,              // GSTS.TES (translation enabled)
  input  logic [1:0]        rtaddr_ttm_i,      // active RTADDR.TTM (01 = scalable mode)
  // The request (as the walker's req_*_i).
  input  logic [TagW-1:0]   req_tag_i,
  input  logic [15:0]       req_sid_i,
  input  logic              req_pasid_valid_i,
  input  logic [19:0]       req_pasid_i,
  input  logic              req_priv_i,
  input  logic [63:0]       req_addr_i,
  input  logic [1:0]        req_access_i,      // 0 read, 1 write, 2 execute
  input  logic [1:0]        req_at_i,          // 0 untranslated, 1 translation req, 2 translated
  input  logic              req_no_write_i,
  // Cache results.
  input  logic              ctx_hit_i,
  input  logic [255:0]      ctx_i,
  input  logic              pasid_hit_i,
  input  logic [511:0]      pasid_entry_i,
  input  logic              pde_fpd_i,
  input  logic              iotlb_hit_i,       // as iommu_iotlb's lookup response
  input  logic [Haw-13:0]   iotlb_hpn_i,       // host page number (page base >> 12)
  input  logic [1:0]        iotlb_level_i,     // 1 4 KiB, 2 2 MiB, 3 1 GiB
  input  logic [3:0]        iotlb_perm_i,
  input  logic [3:0]        iotlb_sl_perm_i,
  input  logic              iotlb_global_i,
  input  logic              iotlb_dirty_i,
  // Outcome.
  output logic              hit_o,             // answered here; else a walker takes it
  output logic [TagW-1:0]   rsp_tag_o,
  output logic [1:0]        rsp_status_o,      // 0 ok, 1 fault, 2 unsupported
  output logic [7:0]        rsp_fault_o,
  output logic [63:0]       rsp_hpa_o,
  output logic [4:0]        rsp_page_size_o,
  output logic [3:0]        rsp_perm_o,
  output logic              rsp_global_o,
  output logic              rsp_fpd_o,
  // The read pass's answer, for a walker whose walk for write/execute meets
  // a paging fault: retry_hit_o when it needs no memory; retry_rsp_o =
  // {status, fault, hpa, page size, perm, global, FPD} as the rsp_*_o.
  output logic              retry_hit_o,
  output logic [84:0]       retry_rsp_o,
  output logic              pc_probe_o,        // the PASID cache is looked up (by key_pasid_o)
  output logic              tlb_probe_o,       // the IOTLB is looked up (key_did_o, key_pasid_o)
  output logic [19:0]       key_pasid_o,
  output logic [15:0]       key_did_o
);
  localparam logic [1:0] AccRead = 2'd0;
  localparam logic [1:0] AccWrite = 2'd1;
  localparam logic [1:0] AccExec = 2'd2;
  localparam logic [1:0] AtTranslationReq = 2'd1;
  localparam logic [1:0] StatusOk = 2'd0;
  localparam logic [1:0] StatusFault = 2'd1;
  localparam logic [1:0] StatusUnsupported = 2'd2;
  localparam logic [7:0] FrFlAccess = 8'h70;
  localparam logic [7:0] FrNoRead = 8'h86;

  // The access of the first pass: an ATS translation request asks for
  // write unless NW; with NW, read (or execute when the request says so).
  logic [1:0] acc1;
  assign acc1 = req_at_i != AtTranslationReq ? req_access_i :
                (req_no_write_i ? (req_access_i == AccExec ? AccExec : AccRead) : AccWrite);

  // The two passes: [0] with the request's access, [1] for read.
  logic [1:0] acc_p [2];
  logic [1:0] mem_p, fpd_p, global_p, pc_probe_p, tlb_probe_p;
  logic [7:0] fault_p [2];
  logic [19:0] pasid_p [2];
  logic [63:0] hpa_p [2];
  logic [1:0] level_p [2];
  logic [3:0] perm_p [2];
  assign acc_p[0] = acc1;
  assign acc_p[1] = AccRead;

  for (genvar g = 0; g < 2; g++) begin : g_pass
    iommu_entry_check #(
      .Haw(Haw), .Mgaw(Mgaw), .PasidBits(PasidBits), .ExecReq(ExecReq), .SuperReq(SuperReq),
      .RidPasid(RidPasid)
    ) u_check (
      .ttm_ok_i(rtaddr_ttm_i == 2'b01), .at_i(req_at_i), .acc_i(acc_p[g]),
      .priv_i(req_priv_i), .pasid_valid_i(req_pasid_valid_i), .pasid_i(req_pasid_i),
      .addr_i(req_addr_i), .ctx_hit_i(ctx_hit_i), .ctx_i(ctx_i[127:0]),
      .pasid_hit_i(pasid_hit_i), .pe0_i(pasid_entry_i[63:0]), .pe2_i(pasid_entry_i[191:128]),
      .pde_fpd_i(pde_fpd_i), .iotlb_hit_i(iotlb_hit_i), .iotlb_hpn_i(52'(iotlb_hpn_i)),
      .iotlb_level_i(iotlb_level_i), .iotlb_perm_i(iotlb_perm_i),
      .iotlb_sl_perm_i(iotlb_sl_perm_i), .iotlb_dirty_i(iotlb_dirty_i),
      .iotlb_global_i(iotlb_global_i), .pc_probe_o(pc_probe_p[g]),
      .tlb_probe_o(tlb_probe_p[g]), .mem_o(mem_p[g]), .fault_o(fault_p[g]),
      .fpd_o(fpd_p[g]), .pasid_o(pasid_p[g]), .hpa_o(hpa_p[g]),
      .level_o(level_p[g]), .perm_o(perm_p[g]), .global_o(global_p[g])
    );
  end

  // The caches the request looks up (the first pass's: a second pass looks
  // the same lines up again). No IOTLB input reaches these.
  assign pc_probe_o  = te_i && pc_probe_p[0];
  assign tlb_probe_o = te_i && tlb_probe_p[0];

  function automatic logic page_fault(input logic [7:0] f);
    page_fault = f >= FrFlAccess && f <= FrNoRead;
  endfunction

  // Two answers: [0] the request's; [1] the answer after a paging fault of
  // the write/execute pass (the read pass's), which a walker needs when its
  // walk for write/execute meets a paging fault (retry_*_o).
  logic sel;  // the request's answer is the second (read) pass's
  logic [1:0] a_hit, a_global, a_fpd;
  logic [1:0] a_status [2];
  logic [7:0] a_fault [2];
  logic [63:0] a_hpa [2];
  logic [4:0] a_psize [2];
  logic [3:0] a_perm [2];

  always_comb begin
    sel = req_at_i == AtTranslationReq && fault_p[0] != 8'h00 && page_fault(fault_p[0]) &&
          acc1 != AccRead;
    for (int unsigned k = 0; k < 2; k++) begin
      logic s;
      logic [7:0] f;
      s = k == 1 || sel;
      f = s ? fault_p[1] : fault_p[0];
      a_hit[k] = k == 1 ? !mem_p[1] : !(mem_p[0] || (sel && mem_p[1]));
      a_status[k] = StatusOk;
      a_fault[k] = f;
      a_hpa[k] = 64'd0;
      a_psize[k] = 5'd0;
      a_perm[k] = 4'd0;
      a_global[k] = 1'b0;
      a_fpd[k] = s ? fpd_p[1] : fpd_p[0];
      if (!te_i) begin
        // SPEC(VT-d GSTS.TES): translation disabled -> DMA passes untranslated.
        a_hit[k] = 1'b1;
        a_fault[k] = 8'h00;
        a_hpa[k] = req_addr_i;
        a_psize[k] = 5'd12;
        a_perm[k] = 4'b1111;
        a_fpd[k] = 1'b0;
      end else if (f != 8'h00) begin
        // SPEC(PCIe ATS): a paging fault completes with R = W = 0 (nothing
        // recorded); any other fault of a translation request is UR.
        if (req_at_i == AtTranslationReq)
          a_status[k] = page_fault(f) ? StatusOk : StatusUnsupported;
        else
          a_status[k] = StatusFault;
      end else begin
        a_hpa[k] = s ? hpa_p[1] : hpa_p[0];
        a_psize[k] = (s ? level_p[1] : level_p[0]) == 2'd3 ? 5'd30 :
                     ((s ? level_p[1] : level_p[0]) == 2'd2 ? 5'd21 : 5'd12);
        a_perm[k] = s ? perm_p[1] : perm_p[0];
        a_global[k] = s ? global_p[1] : global_p[0];
        // An ATS translation request answered for read is granted read only.
        if (req_at_i == AtTranslationReq && (s || acc1 == AccRead))
          a_perm[k] = a_perm[k] & ~4'b0010;
      end
    end
  end

  assign hit_o           = a_hit[0];
  assign rsp_status_o    = a_status[0];
  assign rsp_fault_o     = a_fault[0];
  assign rsp_hpa_o       = a_hpa[0];
  assign rsp_page_size_o = a_psize[0];
  assign rsp_perm_o      = a_perm[0];
  assign rsp_global_o    = a_global[0];
  assign rsp_fpd_o       = a_fpd[0];
  assign retry_hit_o     = te_i && req_at_i == AtTranslationReq && acc1 != AccRead && a_hit[1];
  assign retry_rsp_o     = {a_status[1], a_fault[1], a_hpa[1], a_psize[1], a_perm[1],
                            a_global[1], a_fpd[1]};

  assign rsp_tag_o = req_tag_i;
  assign key_pasid_o = pasid_p[0];
  assign key_did_o = pasid_entry_i[79:64];

  // verilator lint_off UNUSEDSIGNAL
  logic unused;
  assign unused = ^{req_sid_i, ctx_i[255:128], pasid_entry_i[511:192], pasid_entry_i[127:80],
                    pasid_p[1], pc_probe_p[1], tlb_probe_p[1], Sagaw, Sl2m, Sl1g, Fl1g, Fl5Level, Nested, PassThru, SlAd,
                    AccWrite};
  // verilator lint_on UNUSEDSIGNAL
endmodule
