// iommu_pasid_cache: the PASID cache, PASID-table entries tagged by (source
// ID, PASID) as in the model (model/src/vtd/pasid.c: key (sid, pasid), set
// (pasid ^ sid << 4) mod Sets), with the directory entry's FPD bit, on the
// generic cache. The entry's DID (qword 1, bits 15:0) is an attribute of the
// tag, for invalidation. Invalidation (vtd_inv_pasid_cache()): granularity 0
// drops the entries of a DID, 1 those of a DID and PASID, any other all.
// The invalidation keeps busy_o high Sets cycles.
// LkComb, LkPorts, InvFlash: as iommu_cache (combinational lookups, a second
// lookup port lk1_* looked up after port 0, one-cycle invalidation).
module iommu_pasid_cache #(
  parameter int unsigned Sets      = iommu_params_pkg::PasidCacheSets,
  parameter int unsigned Ways      = iommu_params_pkg::PasidCacheWays,
  parameter int unsigned Repl      = iommu_params_pkg::PasidCacheRepl,
  parameter bit [63:0]   Seed      = iommu_params_pkg::PasidCacheSeed,
  parameter int unsigned PasidBits = iommu_params_pkg::PasidBits,
  parameter int unsigned LkComb    = 0,
  parameter int unsigned LkPorts   = 1,
  parameter int unsigned InvFlash  = 0,
  localparam int unsigned WaysN    = (Ways > 0) ? Ways : 1,
  localparam int unsigned WayW     = (WaysN > 1) ? $clog2(WaysN) : 1,
  localparam int unsigned CountW   = $clog2(Sets * WaysN + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // Lookup
  input  logic                 lk_valid_i,
  output logic                 lk_ready_o,
  input  logic [15:0]          lk_sid_i,
  input  logic [PasidBits-1:0] lk_pasid_i,
  output logic                 lk_rsp_valid_o,
  output logic                 lk_hit_o,
  output logic [WayW-1:0]      lk_way_o,
  output logic [511:0]         lk_entry_o,
  output logic                 lk_pde_fpd_o,
  // Lookup, port 1 (LkPorts = 2)
  input  logic                 lk1_valid_i,
  output logic                 lk1_ready_o,
  input  logic [15:0]          lk1_sid_i,
  input  logic [PasidBits-1:0] lk1_pasid_i,
  output logic                 lk1_rsp_valid_o,
  output logic                 lk1_hit_o,
  output logic [WayW-1:0]      lk1_way_o,
  output logic [511:0]         lk1_entry_o,
  output logic                 lk1_pde_fpd_o,
  // Fill
  input  logic                 fill_valid_i,
  output logic                 fill_ready_o,
  input  logic [15:0]          fill_sid_i,
  input  logic [PasidBits-1:0] fill_pasid_i,
  input  logic [511:0]         fill_entry_i,
  input  logic                 fill_pde_fpd_i,
  output logic [WayW-1:0]      fill_way_o,
  output logic                 fill_evict_o,
  // Invalidate: descriptor granularity (0 domain, 1 PASID, 3 global), DID, PASID
  input  logic                 inv_valid_i,
  output logic                 inv_ready_o,
  input  logic [1:0]           inv_gran_i,
  input  logic [15:0]          inv_did_i,
  input  logic [PasidBits-1:0] inv_pasid_i,
  output logic                 busy_o,
  output logic                 inv_done_o,
  output logic [CountW-1:0]    inv_count_o
);

  localparam int unsigned SetW   = (Sets > 1) ? $clog2(Sets) : 1;
  localparam int unsigned KeyW   = 16 + PasidBits;  // {pasid, sid}
  localparam int unsigned TagW   = KeyW + 16;       // {did, pasid, sid}
  localparam logic [1:0]  GranDomain = 2'd0;
  localparam logic [1:0]  GranPasid  = 2'd1;

  // The set: (pasid ^ sid << 4) modulo Sets; the key {pasid, sid}.
  function automatic logic [SetW-1:0] set_of(logic [15:0] sid, logic [PasidBits-1:0] pasid);
    set_of = SetW'((32'(pasid) ^ 32'({sid, 4'h0})) & (Sets - 1));
  endfunction

  logic [2*KeyW-1:0] lk_keys;
  logic [2*SetW-1:0] lk_sets;
  assign lk_keys = {lk1_pasid_i, lk1_sid_i, lk_pasid_i, lk_sid_i};
  for (genvar gp = 0; gp < 2; gp++) begin : g_port
    assign lk_sets[gp * SetW +: SetW] = set_of(lk_keys[gp * KeyW +: 16],
                                               lk_keys[gp * KeyW + 16 +: PasidBits]);
  end

  logic [SetW-1:0] fill_set;
  assign fill_set = set_of(fill_sid_i, fill_pasid_i);

  logic [TagW-1:0] tag_val, tag_mask;
  always_comb begin
    tag_val  = {inv_did_i, inv_pasid_i, 16'h0000};
    tag_mask = '0;
    if (inv_gran_i == GranDomain || inv_gran_i == GranPasid) tag_mask[TagW-1 -: 16] = '1;
    if (inv_gran_i == GranPasid) tag_mask[16 +: PasidBits] = '1;
  end

  logic [1:0] lk_probe;

  iommu_cache #(
    .Sets   (Sets),
    .Ways   (Ways),
    .KeyW   (KeyW),
    .TagW   (TagW),
    .DataW  (513),
    .Repl   (Repl),
    .Seed   (Seed),
    .Probes (1),
    .LkComb (LkComb),
    .LkPorts (LkPorts),
    .InvFlash (InvFlash)
  ) u_cache (
    .clk_i,
    .rst_ni,
    .lk_valid_i,
    .lk_ready_o,
    .lk_set_i       (lk_sets[0 +: SetW]),
    .lk_key_i       (lk_keys[0 +: KeyW]),
    .lk_rsp_valid_o,
    .lk_hit_o,
    .lk_probe_o     (lk_probe[0]),
    .lk_way_o,
    .lk_data_o      ({lk_pde_fpd_o, lk_entry_o}),
    .lk1_valid_i,
    .lk1_ready_o,
    .lk1_set_i      (lk_sets[SetW +: SetW]),
    .lk1_key_i      (lk_keys[KeyW +: KeyW]),
    .lk1_rsp_valid_o,
    .lk1_hit_o,
    .lk1_probe_o    (lk_probe[1]),
    .lk1_way_o,
    .lk1_data_o     ({lk1_pde_fpd_o, lk1_entry_o}),
    .fill_valid_i,
    .fill_ready_o,
    .fill_set_i     (fill_set),
    .fill_tag_i     ({fill_entry_i[79:64], fill_pasid_i, fill_sid_i}),
    .fill_data_i    ({fill_pde_fpd_i, fill_entry_i}),
    .fill_way_o,
    .fill_evict_o,
    .inv_valid_i,
    .inv_ready_o,
    .inv_en_i       (2'b01),
    .inv_tag_i      ({{TagW{1'b0}}, tag_val}),
    .inv_mask_i     ({{TagW{1'b0}}, tag_mask}),
    .busy_o,
    .inv_done_o,
    .inv_count_o
  );

  // One probe: the probe number carries nothing.
  logic unused_probe;
  assign unused_probe = ^lk_probe;

endmodule
