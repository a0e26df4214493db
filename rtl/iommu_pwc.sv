// iommu_pwc: one family of paging-structure caches (first level, or second
// level), the RTL twin of the model's per-level caches (model/src/walk.c,
// IOMMU_CACHE_FL_PWC2..5 / SL_PWC2..5): one iommu_cache per level 2..5 of
// the cached non-leaf entry, each with the family's geometry and policy and
// the model's seed of that level's cache (Seed + level - 2).
//
// Line of level L: key (tag, page, L), the tag being the DID (and the PASID
// above it for the first level), the page the input address's 4 KiB page
// number with the bits below L's reach cleared; the set is the input address
// >> (12 + 9 (L - 1)) modulo Sets, as the model indexes it. Data: the
// host-physical next table the entry points to, the permissions accumulated
// down to the entry, and those the next table was reached with.
//
// Lookup (combinational, LkComb): the model's order, level 2 first, up to
// the walk's top level lk_levels_i, stopping at the first hit (a level
// above it is not looked up, so not touched). Fill: one line per level in
// one cycle (fill_valid_i bit L - 2), written at the edge ending it.
// Invalidate: flash, as the model's match_walk: the DID when inv_by_did_i,
// the PASID when inv_by_pasid_i (first level), the 2^inv_am_i pages at
// inv_addr_i when inv_by_range_i (a line matches when its reach overlaps
// them). Ways = 0: no storage, every lookup misses.
module iommu_pwc #(
  parameter int unsigned Sets     = 8,
  parameter int unsigned Ways     = 4,
  parameter int unsigned Repl     = iommu_params_pkg::ReplLru,
  parameter bit [63:0]   Seed     = 64'd1,
  parameter int unsigned TagBits  = 16,   // 16 (DID) or 16 + PasidBits
  parameter int unsigned VaW      = 57,   // input address bits kept
  parameter int unsigned Haw      = 46,
  localparam int unsigned NextW   = Haw - 12,
  localparam int unsigned DataW   = NextW + 8
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,
  // Lookup
  input  logic                  lk_valid_i,
  input  logic [TagBits-1:0]    lk_tag_i,
  input  logic [VaW-1:0]        lk_va_i,
  input  logic [2:0]            lk_levels_i,   // the walk's top level (3..5)
  output logic                  lk_hit_o,
  output logic [2:0]            lk_level_o,    // level of the entry hit
  output logic [63:0]           lk_next_o,     // next table (host-physical)
  output logic [3:0]            lk_perm_o,
  output logic [3:0]            lk_tperm_o,
  // Fill: levels 2..5 at bits 0..3
  input  logic [3:0]            fill_valid_i,
  input  logic [TagBits-1:0]    fill_tag_i,
  input  logic [VaW-1:0]        fill_va_i,
  input  logic [4*64-1:0]       fill_next_i,
  input  logic [4*4-1:0]        fill_perm_i,
  input  logic [4*4-1:0]        fill_tperm_i,
  // Invalidate
  input  logic                  inv_valid_i,
  output logic                  inv_ready_o,
  input  logic                  inv_by_did_i,
  input  logic                  inv_by_pasid_i,
  input  logic                  inv_by_range_i,
  input  logic [TagBits-1:0]    inv_tag_i,     // DID and (first level) PASID
  input  logic [VaW-1:0]        inv_addr_i,
  input  logic [5:0]            inv_am_i,
  output logic                  busy_o,
  output logic                  inv_done_o
);

  localparam int unsigned SetW   = (Sets > 1) ? $clog2(Sets) : 1;
  localparam int unsigned PageW  = VaW - 12;
  localparam int unsigned PageLsb = TagBits;
  localparam int unsigned LvlLsb = PageLsb + PageW;
  localparam int unsigned KeyW   = LvlLsb + 3;

  // The key of va's entry at level (page bits below the level's reach clear).
  function automatic logic [KeyW-1:0] key_of(logic [TagBits-1:0] tag, logic [PageW-1:0] page,
                                             int unsigned level);
    logic [PageW-1:0] p;
    p = page;
    for (int unsigned i = 0; i < PageW; i++) begin
      if (i < 9 * (level - 1)) p[i] = 1'b0;
    end
    key_of = {3'(level), p, tag};
  endfunction

  function automatic logic [SetW-1:0] set_of(logic [VaW-1:0] va, int unsigned level);
    set_of = (Sets > 1) ? SetW'(va >> (12 + 9 * (level - 1))) : '0;
  endfunction

  // The invalidation selector: one for every level (the level field is not
  // compared; the cache hides the page bits below each line's own level).
  logic [KeyW-1:0] sel_val, sel_mask;
  always_comb begin
    sel_val  = '0;
    sel_mask = '0;
    sel_val[TagBits-1:0] = inv_tag_i;
    sel_val[PageLsb +: PageW] = inv_addr_i[VaW-1:12];
    if (inv_by_did_i) sel_mask[15:0] = '1;
    if (inv_by_pasid_i && TagBits > 16) sel_mask[TagBits-1:0] = '1;
    if (inv_by_range_i) begin
      for (int unsigned i = 0; i < PageW; i++) begin
        if (i >= 32'(inv_am_i)) sel_mask[PageLsb + i] = 1'b1;
      end
    end
  end

  logic [3:0] hit, probe, ready, busy, done;
  logic [DataW-1:0] data [4];

  for (genvar g = 0; g < 4; g++) begin : g_lvl
    localparam int unsigned L = g + 2;
    localparam int unsigned WayWOf = (Ways > 1) ? $clog2(Ways) : 1;
    // Outputs of the cache this family does not use.
    // verilator lint_off UNUSEDSIGNAL
    logic [WayWOf-1:0] unused_way, unused_fway;
    logic              unused_evict, unused_probe;
    logic [$clog2(Sets * ((Ways > 0) ? Ways : 1) + 1)-1:0] unused_count;
    // verilator lint_on UNUSEDSIGNAL

    // Looked up when every lower level missed and L is within the walk.
    if (g == 0) begin : g_first
      assign probe[g] = lk_valid_i && lk_levels_i >= 3'(L);
    end else begin : g_next
      assign probe[g] = probe[g-1] && !hit[g-1] && lk_levels_i >= 3'(L);
    end

    iommu_cache #(
      .Sets     (Sets),
      .Ways     (Ways),
      .KeyW     (KeyW),
      .TagW     (KeyW),
      .DataW    (DataW),
      .Repl     (Repl),
      .Seed     (Seed + 64'(g)),
      .Probes   (1),
      .PageLsb  (PageLsb),
      .PageW    (PageW),
      .LvlLsb   (LvlLsb),
      .LvlW     (3),
      .LkComb   (1),
      .LkPorts  (1),
      .InvFlash (1)
    ) u_cache (
      .clk_i,
      .rst_ni,
      .lk_valid_i      (probe[g]),
      .lk_ready_o      (),
      .lk_set_i        (set_of(lk_va_i, L)),
      .lk_key_i        (key_of(lk_tag_i, lk_va_i[VaW-1:12], L)),
      .lk_rsp_valid_o  (),
      .lk_hit_o        (hit[g]),
      .lk_probe_o      (unused_probe),
      .lk_way_o        (unused_way),
      .lk_data_o       (data[g]),
      .lk1_valid_i     (1'b0),
      .lk1_set_i       ('0),
      .lk1_key_i       ('0),
      .fill_valid_i    (fill_valid_i[g]),
      .fill_ready_o    (),
      .fill_set_i      (set_of(fill_va_i, L)),
      .fill_tag_i      (key_of(fill_tag_i, fill_va_i[VaW-1:12], L)),
      .fill_data_i     ({fill_tperm_i[g*4 +: 4], fill_perm_i[g*4 +: 4],
                         fill_next_i[g*64 + 12 +: NextW]}),
      .fill_way_o      (unused_fway),
      .fill_evict_o    (unused_evict),
      .inv_valid_i     (inv_valid_i),
      .inv_ready_o     (ready[g]),
      .inv_en_i        (2'b01),
      .inv_tag_i       ({KeyW'(0), sel_val}),
      .inv_mask_i      ({KeyW'(0), sel_mask}),
      .busy_o          (busy[g]),
      .inv_done_o      (done[g]),
      .inv_count_o     (unused_count)
    );
  end

  // The first level that hits (at most one: a hit stops the probes above).
  always_comb begin
    lk_hit_o   = 1'b0;
    lk_level_o = 3'd0;
    lk_next_o  = 64'd0;
    lk_perm_o  = 4'd0;
    lk_tperm_o = 4'd0;
    for (int unsigned g = 0; g < 4; g++) begin
      if (probe[g] && hit[g]) begin
        lk_hit_o   = 1'b1;
        lk_level_o = 3'(g + 2);
        lk_next_o  = 64'({data[g][NextW-1:0], 12'd0});
        lk_perm_o  = data[g][NextW +: 4];
        lk_tperm_o = data[g][NextW + 4 +: 4];
      end
    end
  end

  // Every level scans the same number of sets: they are ready and done together.
  assign inv_ready_o = &ready;
  assign busy_o      = |busy;
  assign inv_done_o  = done[0];

  // verilator lint_off UNUSEDSIGNAL
  logic unused;
  assign unused = ^{fill_next_i, fill_va_i[11:0], lk_va_i[11:0], inv_addr_i[11:0], done[3:1]};
  // (fill_next_i: its bits below 12 and at or above Haw are zero.)
  // verilator lint_on UNUSEDSIGNAL
endmodule
