// iommu_ctx_cache: the context cache, scalable-mode context entries tagged by
// source ID as in the model (model/src/vtd/context.c: key sid, set sid mod
// Sets), on the generic cache. Lookup (one probe), fill,
// and the context-cache invalidation of vtd_inv_context(): global and
// domain-selective drop every entry (scalable-mode context entries carry no
// DID), device-selective drops the entries of the source ID with the function
// mask FM applied (1: SID bit 2 ignored, 2: bits 2:1, 3: bits 2:0). The
// invalidation keeps busy_o high Sets cycles.
// LkComb, LkPorts, InvFlash: as iommu_cache (combinational lookups, a second
// lookup port lk1_* looked up after port 0, one-cycle invalidation).
module iommu_ctx_cache #(
  parameter int unsigned Sets    = iommu_params_pkg::ContextCacheSets,
  parameter int unsigned Ways    = iommu_params_pkg::ContextCacheWays,
  parameter int unsigned Repl    = iommu_params_pkg::ContextCacheRepl,
  parameter bit [63:0]   Seed    = iommu_params_pkg::ContextCacheSeed,
  parameter int unsigned LkComb  = 0,
  parameter int unsigned LkPorts = 1,
  parameter int unsigned InvFlash = 0,
  localparam int unsigned WaysN  = (Ways > 0) ? Ways : 1,
  localparam int unsigned WayW   = (WaysN > 1) ? $clog2(WaysN) : 1,
  localparam int unsigned CountW = $clog2(Sets * WaysN + 1)
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // Lookup
  input  logic              lk_valid_i,
  output logic              lk_ready_o,
  input  logic [15:0]       lk_sid_i,
  output logic              lk_rsp_valid_o,
  output logic              lk_hit_o,
  output logic [WayW-1:0]   lk_way_o,
  output logic [255:0]      lk_entry_o,
  // Lookup, port 1 (LkPorts = 2)
  input  logic              lk1_valid_i,
  output logic              lk1_ready_o,
  input  logic [15:0]       lk1_sid_i,
  output logic              lk1_rsp_valid_o,
  output logic              lk1_hit_o,
  output logic [WayW-1:0]   lk1_way_o,
  output logic [255:0]      lk1_entry_o,
  // Fill
  input  logic              fill_valid_i,
  output logic              fill_ready_o,
  input  logic [15:0]       fill_sid_i,
  input  logic [255:0]      fill_entry_i,
  output logic [WayW-1:0]   fill_way_o,
  output logic              fill_evict_o,
  // Invalidate: descriptor granularity (1 global, 2 domain, 3 device), SID, FM
  input  logic              inv_valid_i,
  output logic              inv_ready_o,
  input  logic [1:0]        inv_gran_i,
  input  logic [15:0]       inv_sid_i,
  input  logic [1:0]        inv_fm_i,
  output logic              busy_o,
  output logic              inv_done_o,
  output logic [CountW-1:0] inv_count_o
);

  localparam int unsigned SetW     = (Sets > 1) ? $clog2(Sets) : 1;
  localparam logic [1:0]  GranDevice = 2'd3;

  // The set: the SID modulo Sets.
  function automatic logic [SetW-1:0] set_of(logic [15:0] sid);
    set_of = SetW'(32'(sid) & (Sets - 1));
  endfunction

  logic [31:0]     lk_sids;
  logic [2*SetW-1:0] lk_sets;
  assign lk_sids = {lk1_sid_i, lk_sid_i};
  for (genvar gp = 0; gp < 2; gp++) begin : g_port
    assign lk_sets[gp * SetW +: SetW] = set_of(lk_sids[gp * 16 +: 16]);
  end

  logic [SetW-1:0] fill_set;
  assign fill_set = set_of(fill_sid_i);

  // Device-selective: FM masks the low function-number bits of the SID.
  logic [15:0] sid_mask;
  always_comb begin
    unique case (inv_fm_i)
      2'd0:    sid_mask = 16'hFFFF;
      2'd1:    sid_mask = 16'hFFFB;
      2'd2:    sid_mask = 16'hFFF9;
      default: sid_mask = 16'hFFF8;
    endcase
    if (inv_gran_i != GranDevice) sid_mask = 16'h0000;
  end

  logic [1:0] lk_probe;

  iommu_cache #(
    .Sets   (Sets),
    .Ways   (Ways),
    .KeyW   (16),
    .TagW   (16),
    .DataW  (256),
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
    .lk_key_i       (lk_sid_i),
    .lk_rsp_valid_o,
    .lk_hit_o,
    .lk_probe_o     (lk_probe[0]),
    .lk_way_o,
    .lk_data_o      (lk_entry_o),
    .lk1_valid_i,
    .lk1_ready_o,
    .lk1_set_i      (lk_sets[SetW +: SetW]),
    .lk1_key_i      (lk1_sid_i),
    .lk1_rsp_valid_o,
    .lk1_hit_o,
    .lk1_probe_o    (lk_probe[1]),
    .lk1_way_o,
    .lk1_data_o     (lk1_entry_o),
    .fill_valid_i,
    .fill_ready_o,
    .fill_set_i     (fill_set),
    .fill_tag_i     (fill_sid_i),
    .fill_data_i    (fill_entry_i),
    .fill_way_o,
    .fill_evict_o,
    .inv_valid_i,
    .inv_ready_o,
    .inv_en_i       (2'b01),
    .inv_tag_i      ({16'h0000, inv_sid_i}),
    .inv_mask_i     ({16'h0000, sid_mask}),
    .busy_o,
    .inv_done_o,
    .inv_count_o
  );

  // One probe: the probe number carries nothing.
  logic unused_probe;
  assign unused_probe = ^lk_probe;

endmodule
