// Cache keys of a request at the top's stages P and T (docs/uarch.md §11):
// the PASID the PASID cache and the IOTLB are looked up with (the request's,
// else RID_PASID from the context entry, as the model's vtd_pasid_fetch), the
// DID of the PASID entry, and whether the IOTLB lookup can matter (both
// entries cached and the request not a translated one). Combinational.
module iommu_keys #(
  parameter bit RidPasid = 1'b1       // ECAP.RPS
) (
  // Stage P: the context-cache result and the request.
  input  logic [127:0] ctx_i,          // the defined half of the context entry
  input  logic         req_pasid_valid_i,
  input  logic [19:0]  req_pasid_i,
  output logic [19:0]  key_pasid_o,
  // Stage T: the PASID-cache result.
  input  logic         ctx_hit_i,
  input  logic         pasid_hit_i,
  input  logic [1:0]   req_at_i,
  input  logic [127:0] pasid_entry_i,  // PASID entry qwords 0-1
  output logic [15:0]  key_did_o,
  output logic         iotlb_probe_o
);
  assign key_pasid_o = req_pasid_valid_i ? req_pasid_i : (RidPasid ? ctx_i[83:64] : 20'd0);
  assign key_did_o = pasid_entry_i[79:64];
  assign iotlb_probe_o = ctx_hit_i && pasid_hit_i && req_at_i != 2'd2;

  // verilator lint_off UNUSEDSIGNAL
  logic unused;
  assign unused = ^{ctx_i[127:84], ctx_i[63:0], pasid_entry_i[127:80], pasid_entry_i[63:0]};
  // verilator lint_on UNUSEDSIGNAL
endmodule
