// iommu_cache: the generic set-associative cache every cache of the block
// is built from (context cache, PASID cache, IOTLB, paging-structure caches),
// the RTL twin of the model's cache engine (model/src/cache.c). It chooses
// the same way as the model on every fill: a line with the same key is
// updated in place, else the lowest free way, else the replacement victim
// (LRU, tree-PLRU, or the model's seeded xorshift random).
//
// Lines: Sets x Ways of (tag, data). The tag is the model's key (its low
// KeyW bits, compared by lookups and fills) plus attribute bits above it
// that only invalidations match (e.g. the IOTLB's class and global bit).
//
// Ports (clock clk_i, synchronous active-low reset rst_ni):
// - lookup (valid/ready): Probes (set, key) pairs, probed in order as the
//   model's callers do (the IOTLB probes one set per page size); the first
//   probe that hits is the result and its line becomes most recently used.
//   The response is registered: lk_rsp_valid_o the cycle after the transfer
//   (pipe.*_lat = 1).
// - fill (valid/ready): key, attributes and data into a set; fill_way_o and
//   fill_evict_o tell, in the transfer cycle, the way written and whether a
//   valid line of another key was evicted.
//   A fill and a lookup in the same cycle: the fill happens first (the
//   lookup sees the filled line), as in docs/uarch.md section 0.
// - invalidate (valid/ready): drops every valid line that matches selector
//   0 or selector 1 (each: enable, tag value, tag mask): a line matches when
//   its tag equals the value on every bit of the mask. When LvlW > 0 the tag
//   holds a page-number field (PageLsb, PageW, at 4 KiB granularity) and a
//   level field (LvlLsb, LvlW; level L covers 2^(9(L-1)) pages): the page
//   bits below the line's own level are not compared, so an aligned range in
//   the mask selects every line whose page overlaps it. The scan takes one
//   set per cycle (docs/uarch.md section 8: qi.scan_cycles = Sets): busy_o
//   from the cycle after the transfer for Sets cycles; inv_done_o in the
//   last with inv_count_o the lines dropped. While busy, no lookup, fill or
//   invalidation is accepted.
// Ways = 0 is a disabled cache: lookups miss and fills are dropped.
module iommu_cache #(
  parameter int unsigned Sets     = 16,
  parameter int unsigned Ways     = 4,
  parameter int unsigned KeyW     = 32,
  parameter int unsigned TagW     = KeyW,
  parameter int unsigned DataW    = 32,
  parameter int unsigned Repl     = iommu_params_pkg::ReplLru,
  parameter bit [63:0]   Seed     = 64'd1,
  parameter int unsigned Probes   = 1,
  parameter int unsigned PageLsb  = 0,
  parameter int unsigned PageW    = 1,
  parameter int unsigned LvlLsb   = 0,
  parameter int unsigned LvlW     = 0,
  localparam int unsigned SetW    = (Sets > 1) ? $clog2(Sets) : 1,
  localparam int unsigned WaysN   = (Ways > 0) ? Ways : 1,
  localparam int unsigned WayW    = (WaysN > 1) ? $clog2(WaysN) : 1,
  localparam int unsigned ProbeW  = (Probes > 1) ? $clog2(Probes) : 1,
  localparam int unsigned CountW  = $clog2(Sets * WaysN + 1)
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // Lookup
  input  logic                     lk_valid_i,
  output logic                     lk_ready_o,
  input  logic [Probes*SetW-1:0]   lk_set_i,
  input  logic [Probes*KeyW-1:0]   lk_key_i,
  output logic                     lk_rsp_valid_o,
  output logic                     lk_hit_o,
  output logic [ProbeW-1:0]        lk_probe_o,
  output logic [WayW-1:0]          lk_way_o,
  output logic [DataW-1:0]         lk_data_o,
  // Fill
  input  logic                     fill_valid_i,
  output logic                     fill_ready_o,
  input  logic [SetW-1:0]          fill_set_i,
  input  logic [TagW-1:0]          fill_tag_i,
  input  logic [DataW-1:0]         fill_data_i,
  output logic [WayW-1:0]          fill_way_o,
  output logic                     fill_evict_o,
  // Invalidate
  input  logic                     inv_valid_i,
  output logic                     inv_ready_o,
  input  logic [1:0]               inv_en_i,
  input  logic [2*TagW-1:0]        inv_tag_i,
  input  logic [2*TagW-1:0]        inv_mask_i,
  output logic                     busy_o,
  output logic                     inv_done_o,
  output logic [CountW-1:0]        inv_count_o
);

  localparam int unsigned Lines  = Sets * WaysN;
  localparam int unsigned LineW  = (Lines > 1) ? $clog2(Lines) : 1;
  localparam int unsigned LvlWN  = (LvlW > 0) ? LvlW : 1;
  localparam int unsigned Levels = (WaysN > 1) ? $clog2(WaysN) : 0;
  localparam int          LevelsS = Levels;  // signed: loops that may run 0 times
  // Replacement state per set: LRU ages (0 = most recent), or the PLRU tree
  // (node n at bit n-1, bit = 1: the victim is in the right half).
  localparam int unsigned AgeW   = WayW;
  localparam int unsigned ReplW  = (Repl == iommu_params_pkg::ReplLru) ? WaysN * AgeW :
                                   (Repl == iommu_params_pkg::ReplPlru && WaysN > 1) ? WaysN - 1 : 1;
  // Width the replacement functions work in (any policy's state fits).
  localparam int unsigned StW    = WaysN * AgeW + WaysN;
  localparam logic [63:0] RngInit = (Seed != 64'd0) ? Seed : 64'h9E3779B97F4A7C15;
  localparam bit Enabled = Ways > 0;

  // ---- Storage -----------------------------------------------------------
  // One row per set holds its ways (as an SRAM row would): a lookup probe
  // reads one row; a fill writes one way of a row.
  logic [WaysN*TagW-1:0]  tag_q  [Sets];
  logic [WaysN*DataW-1:0] data_q [Sets];
  logic [Lines-1:0]      valid_q, valid_d;
  logic [Sets*ReplW-1:0] repl_q, repl_d;
  logic [63:0]           rng_q, rng_d;

  // ---- Replacement functions (model/src/cache.c) -------------------------
  function automatic logic [StW-1:0] lru_touch(logic [StW-1:0] st, logic [WayW-1:0] way);
    logic [StW-1:0] nx;
    logic [AgeW-1:0]  a;
    a  = st[32'(way) * AgeW +: AgeW];
    nx = st;
    for (int unsigned v = 0; v < WaysN; v++) begin
      if (st[v * AgeW +: AgeW] < a) nx[v * AgeW +: AgeW] = st[v * AgeW +: AgeW] + 1'b1;
    end
    nx[32'(way) * AgeW +: AgeW] = '0;
    lru_touch = nx;
  endfunction

  function automatic logic [WayW-1:0] lru_victim(logic [StW-1:0] st);
    logic [WayW-1:0] v;
    v = '0;
    for (int unsigned w = 0; w < WaysN; w++) begin
      if (st[w * AgeW +: AgeW] == AgeW'(WaysN - 1)) v = WayW'(w);
    end
    lru_victim = v;
  endfunction

  // Node n (depth d) lies on way w's path when w >> (Levels - d) == n - 2^d;
  // touching w points it away from w: 1 when w is in its left half.
  function automatic logic [StW-1:0] plru_touch(logic [StW-1:0] st, logic [WayW-1:0] way);
    logic [StW-1:0] nx;
    nx = st;
    for (int unsigned n = 1; n < WaysN; n++) begin
      int unsigned d;
      d = $clog2(n + 1) - 1;
      if ((32'(way) >> (Levels - d)) == n - (32'd1 << d)) nx[n - 1] = ~way[Levels - d - 1];
    end
    plru_touch = nx;
  endfunction

  function automatic logic [WayW-1:0] plru_victim(logic [StW-1:0] st);
    logic [WayW-1:0] v;
    int unsigned     node;
    v    = '0;
    node = 1;
    for (int d = 0; d < LevelsS; d++) begin
      v[LevelsS - d - 1] = st[node - 1];
      node = 2 * node + 32'(st[node - 1]);
    end
    plru_victim = v;
  endfunction

  function automatic logic [ReplW-1:0] touch(logic [ReplW-1:0] st, logic [WayW-1:0] way);
    if (Repl == iommu_params_pkg::ReplLru) touch = ReplW'(lru_touch(StW'(st), way));
    else if (Repl == iommu_params_pkg::ReplPlru && WaysN > 1)
      touch = ReplW'(plru_touch(StW'(st), way));
    else touch = st;
  endfunction

  // The model's xorshift64 step and its scrambled draw modulo the ways.
  function automatic logic [63:0] rng_step(logic [63:0] r);
    logic [63:0] x;
    x = r;
    x = x ^ (x >> 12);
    x = x ^ (x << 25);
    x = x ^ (x >> 27);
    rng_step = x;
  endfunction

  function automatic logic [WayW-1:0] rng_way(logic [63:0] r);
    logic [63:0] prod;
    logic [7:0]  rem;
    prod = r * 64'h2545F4914F6CDD1D;
    // The upper half of the product modulo the ways, by restoring division
    // by the constant (ways <= 64: the partial remainder stays below 128),
    // far smaller than a general divider.
    rem = '0;
    for (int b = 63; b >= 32; b--) begin
      rem = {rem[6:0], prod[b]};
      if (rem >= 8'(WaysN)) rem = rem - 8'(WaysN);
    end
    rng_way = rem[WayW-1:0];
  endfunction

  // Page bits a line's level makes don't-care for invalidation matching.
  function automatic logic [TagW-1:0] level_ignore(logic [LvlWN-1:0] lvl);
    logic [TagW-1:0] ign;
    ign = '0;
    if (LvlW > 0) begin
      for (int unsigned i = 0; i < PageW; i++) begin
        if (lvl != '0 && i < (32'(lvl) - 1) * 9) ign[PageLsb + i] = 1'b1;
      end
    end
    level_ignore = ign;
  endfunction

  // ---- Fill: same key, else lowest free way, else the victim -------------
  logic              busy_q;
  logic              fill_fire;
  logic [SetW-1:0]   fset;
  logic [WayW-1:0]   fway;
  logic              fevict;
  logic [ReplW-1:0]  repl_f;

  // The next random state, in a signal of its own (Yosys 0.23 evaluated the
  // nested call rng_way(rng_step(rng_q)) on rng_q itself).
  logic [63:0] rng_next;
  assign rng_next  = rng_step(rng_q);

  assign fill_fire = fill_valid_i && !busy_q && Enabled;
  assign fset      = (Sets > 1) ? fill_set_i : '0;

  // Row port A: the fill's set, or the set being scanned (never both).
  logic [SetW-1:0]       scan_set_q;
  logic [SetW-1:0]       aset;
  logic [WaysN*TagW-1:0] arow;
  logic [WaysN-1:0]      avalid;
  assign aset   = busy_q ? scan_set_q : fset;
  assign arow   = tag_q[aset];
  assign avalid = valid_q[32'(aset) * WaysN +: WaysN];

  always_comb begin
    logic            same_found, free_found;
    logic [WayW-1:0] same_way, free_way, vict;
    same_found = 1'b0;
    free_found = 1'b0;
    same_way   = '0;
    free_way   = '0;
    for (int unsigned w = 0; w < WaysN; w++) begin
      if (!same_found && avalid[w] && arow[w * TagW +: KeyW] == fill_tag_i[KeyW-1:0]) begin
        same_found = 1'b1;
        same_way   = WayW'(w);
      end
      if (!free_found && !avalid[w]) begin
        free_found = 1'b1;
        free_way   = WayW'(w);
      end
    end
    unique case (Repl)
      iommu_params_pkg::ReplLru:  vict = lru_victim(StW'(repl_q[32'(fset) * ReplW +: ReplW]));
      iommu_params_pkg::ReplPlru: vict = plru_victim(StW'(repl_q[32'(fset) * ReplW +: ReplW]));
      default:                    vict = rng_way(rng_next);
    endcase
    fevict = !same_found && !free_found;
    fway   = same_found ? same_way : (free_found ? free_way : vict);
    repl_f = touch(repl_q[32'(fset) * ReplW +: ReplW], fway);
    rng_d  = rng_q;
    if (fill_fire && fevict && Repl == iommu_params_pkg::ReplRandom) rng_d = rng_next;
  end

  assign fill_ready_o = !busy_q;
  assign fill_way_o   = fway;
  assign fill_evict_o = fill_fire && fevict;

  // ---- Lookup: the state after this cycle's fill -------------------------
  logic              lk_fire;
  logic              lhit;
  logic [ProbeW-1:0] lprobe;
  logic [WayW-1:0]   lway;
  logic [SetW-1:0]   lset;
  logic [DataW-1:0]  ldata;
  logic [ReplW-1:0]  repl_l;

  assign lk_fire    = lk_valid_i && !busy_q;
  assign lk_ready_o = !busy_q;

  always_comb begin
    logic [ReplW-1:0]       base;
    logic [WaysN*DataW-1:0] drow;
    lhit   = 1'b0;
    lprobe = '0;
    lway   = '0;
    lset   = '0;
    for (int unsigned p = 0; p < Probes; p++) begin
      logic [SetW-1:0]       s;
      logic [KeyW-1:0]       k;
      logic [WaysN*TagW-1:0] row;
      logic [WaysN-1:0]      rvalid;
      s      = (Sets > 1) ? lk_set_i[p * SetW +: SetW] : '0;
      k      = lk_key_i[p * KeyW +: KeyW];
      row    = tag_q[s];
      rvalid = valid_q[32'(s) * WaysN +: WaysN];
      for (int unsigned w = 0; w < WaysN; w++) begin
        logic            v;
        logic [KeyW-1:0] t;
        if (fill_fire && s == fset && WayW'(w) == fway) begin
          v = 1'b1;
          t = fill_tag_i[KeyW-1:0];
        end else begin
          v = rvalid[w] && Enabled;
          t = row[w * TagW +: KeyW];
        end
        if (!lhit && v && t == k) begin
          lhit   = 1'b1;
          lprobe = ProbeW'(p);
          lway   = WayW'(w);
          lset   = s;
        end
      end
    end
    drow = data_q[lset];
    if (fill_fire && lhit && lset == fset && lway == fway) ldata = fill_data_i;
    else if (lhit)                                         ldata = drow[32'(lway) * DataW +: DataW];
    else                                                   ldata = '0;
    base   = (fill_fire && lset == fset) ? repl_f : repl_q[32'(lset) * ReplW +: ReplW];
    repl_l = touch(base, lway);
  end

  // ---- Invalidation scan: one set per cycle -------------------------------
  logic [1:0]        inv_en_q;
  logic [2*TagW-1:0] inv_tag_q, inv_mask_q;
  logic [CountW-1:0] count_q, count_d;
  logic [Lines-1:0]  drop;
  logic              inv_fire, scan_last;

  assign inv_ready_o = !busy_q;
  assign inv_fire    = inv_valid_i && !busy_q;
  assign scan_last   = busy_q && (Sets == 1 || scan_set_q == SetW'(Sets - 1));

  always_comb begin
    drop    = '0;
    count_d = count_q;
    for (int unsigned w = 0; w < WaysN; w++) begin
      logic [LineW-1:0] l;
      logic [TagW-1:0]  t, ign;
      logic             m;
      l   = LineW'(32'(scan_set_q) * WaysN + w);
      t   = arow[w * TagW +: TagW];
      ign = level_ignore(t[LvlLsb +: LvlWN]);
      m   = 1'b0;
      for (int unsigned k = 0; k < 2; k++) begin
        if (inv_en_q[k] &&
            (((t ^ inv_tag_q[k * TagW +: TagW]) & inv_mask_q[k * TagW +: TagW] & ~ign) == '0))
          m = 1'b1;
      end
      if (busy_q && avalid[w] && m) begin
        drop[l] = 1'b1;
        count_d = count_d + 1'b1;
      end
    end
  end

  assign busy_o      = busy_q;
  assign inv_done_o  = scan_last;
  assign inv_count_o = count_d;

  // ---- Next state ----------------------------------------------------------
  always_comb begin
    valid_d = valid_q & ~drop;
    if (fill_fire) valid_d[32'(fset) * WaysN + 32'(fway)] = 1'b1;
    repl_d = repl_q;
    if (fill_fire) repl_d[32'(fset) * ReplW +: ReplW] = repl_f;
    if (lk_fire && lhit) repl_d[32'(lset) * ReplW +: ReplW] = repl_l;
  end

  // Out of reset: LRU ages 0, 1, ... by way in every set; PLRU bits 0.
  function automatic logic [Sets*ReplW-1:0] repl_reset();
    logic [Sets*ReplW-1:0] r;
    r = '0;
    for (int unsigned b = 0; b < Sets * ReplW; b++) begin
      if (Repl == iommu_params_pkg::ReplLru) r[b] = 1'((((b % ReplW) / AgeW) >> (b % AgeW)) & 1);
    end
    repl_reset = r;
  endfunction
  localparam logic [Sets*ReplW-1:0] ReplInit = repl_reset();

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      valid_q    <= '0;
      repl_q     <= ReplInit;
      rng_q      <= RngInit;
      busy_q     <= 1'b0;
      scan_set_q <= '0;
      count_q    <= '0;
      inv_en_q   <= '0;
      inv_tag_q  <= '0;
      inv_mask_q <= '0;
    end else begin
      valid_q <= valid_d;
      repl_q  <= repl_d;
      rng_q   <= rng_d;
      if (inv_fire) begin
        busy_q     <= 1'b1;
        scan_set_q <= '0;
        count_q    <= '0;
        inv_en_q   <= inv_en_i;
        inv_tag_q  <= inv_tag_i;
        inv_mask_q <= inv_mask_i;
      end else if (busy_q) begin
        busy_q     <= !scan_last;
        scan_set_q <= scan_set_q + 1'b1;
        count_q    <= count_d;
      end
    end
  end

  // Tags and data need no reset: a line is read only while valid.
  always_ff @(posedge clk_i) begin
    if (fill_fire) begin
      tag_q[fset][32'(fway) * TagW +: TagW]    <= fill_tag_i;
      data_q[fset][32'(fway) * DataW +: DataW] <= fill_data_i;
    end
  end

  // ---- Registered lookup response ----------------------------------------
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      lk_rsp_valid_o <= 1'b0;
      lk_hit_o       <= 1'b0;
      lk_probe_o     <= '0;
      lk_way_o       <= '0;
      lk_data_o      <= '0;
    end else begin
      lk_rsp_valid_o <= lk_fire;
      lk_hit_o       <= lk_fire && lhit;
      lk_probe_o     <= lprobe;
      lk_way_o       <= lway;
      lk_data_o      <= lk_fire ? ldata : '0;
    end
  end

`ifndef SYNTHESIS
  // ---- Assertions (verilator --assert) ------------------------------------
  initial begin
    assert (Sets >= 1 && (Sets & (Sets - 1)) == 0) else $fatal(1, "Sets: a power of two");
    assert (Ways <= 64) else $fatal(1, "Ways: 0..64");
    assert (Repl <= iommu_params_pkg::ReplRandom) else $fatal(1, "Repl: lru, plru or random");
    assert (Repl != iommu_params_pkg::ReplPlru || (WaysN & (WaysN - 1)) == 0)
      else $fatal(1, "Ways: tree-PLRU needs a power of two");
    assert (KeyW >= 1 && KeyW <= TagW) else $fatal(1, "KeyW: 1..TagW");
    assert (LvlW == 0 || (PageLsb + PageW <= TagW && LvlLsb + LvlW <= TagW))
      else $fatal(1, "page and level fields inside the tag");
  end

  // Outputs are known out of reset.
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    !$isunknown({lk_ready_o, fill_ready_o, inv_ready_o, busy_o, inv_done_o, lk_rsp_valid_o,
                 lk_hit_o}));
  // Valid/ready: a request not accepted is held (valid stays up).
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    lk_valid_i && !lk_ready_o |=> lk_valid_i);
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    fill_valid_i && !fill_ready_o |=> fill_valid_i);
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    inv_valid_i && !inv_ready_o |=> inv_valid_i);
  // Nothing but the scan runs while busy.
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    busy_q |-> !(lk_fire || fill_fire || inv_fire));

  // A key is in at most one way of its set; LRU ages stay a permutation.
  always_ff @(posedge clk_i) begin
    if (rst_ni && fill_fire) begin
      for (int unsigned w = 0; w < WaysN; w++) begin
        assert (!(avalid[w] && arow[w * TagW +: KeyW] == fill_tag_i[KeyW-1:0]) ||
                WayW'(w) == fway)
          else $error("fill: key already in way %0d, written to way %0d", w, fway);
      end
    end
  end
  if (Repl == iommu_params_pkg::ReplLru) begin : g_lru_check
    always_ff @(posedge clk_i) begin
      if (rst_ni) begin
        logic [StW-1:0]          st;
        logic [(1 << AgeW)-1:0]  seen;
        st   = StW'(repl_q[32'(fset) * ReplW +: ReplW]);
        seen = '0;
        for (int unsigned w = 0; w < WaysN; w++) seen[st[w * AgeW +: AgeW]] = 1'b1;
        assert (&seen[WaysN-1:0])
          else $error("LRU ages of set %0d are not a permutation", fset);
      end
    end
  end
`endif

endmodule
