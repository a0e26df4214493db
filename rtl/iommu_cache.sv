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
// - lookup (valid/ready), LkPorts of them (1 or 2; port 1 is lk1_*, unused
//   with one): Probes (set, key) pairs, probed in order as the model's
//   callers do (the IOTLB probes one set per page size); the first probe
//   that hits is the result and its line becomes most recently used. Both
//   ports look up the same stored contents in the same cycle; the
//   replacement state then changes as after two successive model lookups,
//   port 0 first (a miss touches nothing).
//   LkComb = 0: the response is registered, lk_rsp_valid_o the cycle after
//   the transfer (pipe.*_lat = 1). LkComb = 1: the response is
//   combinational, in the cycle of lk_valid_i (read from the stored rows),
//   the replacement touch written at the clock edge.
// - fill (valid/ready): key, attributes and data into a set; fill_way_o and
//   fill_evict_o tell, in the transfer cycle, the way written and whether a
//   valid line of another key was evicted.
//   LkComb = 0: a fill and a lookup in the same cycle, the fill happens
//   first (the lookup sees the filled line and touches after it).
//   LkComb = 1: the fill is written at the edge ending its cycle; that
//   cycle's lookups see the old contents and touch first, the fill chooses
//   its way on the state after their touches (the model commits fills at the
//   end of the cycle).
// - invalidate (valid/ready): drops every valid line that matches selector
//   0 or selector 1 (each: enable, tag value, tag mask): a line matches when
//   its tag equals the value on every bit of the mask. When LvlW > 0 the tag
//   holds a page-number field (PageLsb, PageW, at 4 KiB granularity) and a
//   level field (LvlLsb, LvlW; level L covers 2^(9(L-1)) pages): the page
//   bits below the line's own level are not compared, so an aligned range in
//   the mask selects every line whose page overlaps it. busy_o is high from
//   the cycle after the transfer for Sets cycles (docs/uarch.md section 8:
//   qi.scan_cycles = Sets), inv_done_o in the last with inv_count_o the
//   lines dropped; no invalidation is accepted while busy.
//   InvFlash = 0: the scan takes one set per cycle while busy; no lookup or
//   fill is accepted while busy.
//   InvFlash = 1: every matching line of every set is dropped at the edge
//   ending the transfer cycle (that cycle's lookups see the old contents);
//   lookups and fills go on while busy. A fill in the transfer cycle is
//   written first and the invalidation applies to the result: a filled line
//   that matches is dropped (and counted).
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
  parameter int unsigned LkComb   = 0,
  parameter int unsigned LkPorts  = 1,
  parameter int unsigned InvFlash = 0,
  // Assertion only: a fill that finds its key already in the set must carry
  // the same tag and the same data in these bits ('0: not checked).
  parameter bit [DataW-1:0] FillSame = '0,
  localparam int unsigned SetW    = (Sets > 1) ? $clog2(Sets) : 1,
  localparam int unsigned WaysN   = (Ways > 0) ? Ways : 1,
  localparam int unsigned WayW    = (WaysN > 1) ? $clog2(WaysN) : 1,
  localparam int unsigned ProbeW  = (Probes > 1) ? $clog2(Probes) : 1,
  localparam int unsigned CountW  = $clog2(Sets * WaysN + 1)
) (
  input  logic                     clk_i,
  input  logic                     rst_ni,
  // Lookup, port 0
  input  logic                     lk_valid_i,
  output logic                     lk_ready_o,
  input  logic [Probes*SetW-1:0]   lk_set_i,
  input  logic [Probes*KeyW-1:0]   lk_key_i,
  output logic                     lk_rsp_valid_o,
  output logic                     lk_hit_o,
  output logic [ProbeW-1:0]        lk_probe_o,
  output logic [WayW-1:0]          lk_way_o,
  output logic [DataW-1:0]         lk_data_o,
  // Lookup, port 1 (LkPorts = 2)
  input  logic                     lk1_valid_i,
  output logic                     lk1_ready_o,
  input  logic [Probes*SetW-1:0]   lk1_set_i,
  input  logic [Probes*KeyW-1:0]   lk1_key_i,
  output logic                     lk1_rsp_valid_o,
  output logic                     lk1_hit_o,
  output logic [ProbeW-1:0]        lk1_probe_o,
  output logic [WayW-1:0]          lk1_way_o,
  output logic [DataW-1:0]         lk1_data_o,
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
  localparam int unsigned NP     = (LkPorts > 1) ? 2 : 1;
  // Replacement state per set: LRU ages (0 = most recent), or the PLRU tree
  // (node n at bit n-1, bit = 1: the victim is in the right half).
  localparam int unsigned AgeW   = WayW;
  localparam int unsigned ReplW  = (Repl == iommu_params_pkg::ReplLru) ? WaysN * AgeW :
                                   (Repl == iommu_params_pkg::ReplPlru && WaysN > 1) ? WaysN - 1 : 1;
  // Width the replacement functions work in (any policy's state fits).
  localparam int unsigned StW    = WaysN * AgeW + WaysN;
  localparam logic [63:0] RngInit = (Seed != 64'd0) ? Seed : 64'h9E3779B97F4A7C15;
  localparam bit Enabled = Ways > 0;
  localparam bit Comb    = LkComb != 0;
  localparam bit Flash   = InvFlash != 0;

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

  // An invalidation selector pair on one tag.
  function automatic logic sel_match(logic [TagW-1:0] t, logic [1:0] en, logic [2*TagW-1:0] val,
                                     logic [2*TagW-1:0] mask);
    logic [TagW-1:0] ign;
    logic            m;
    ign = level_ignore(t[LvlLsb +: LvlWN]);
    m   = 1'b0;
    for (int unsigned k = 0; k < 2; k++) begin
      if (en[k] && (((t ^ val[k * TagW +: TagW]) & mask[k * TagW +: TagW] & ~ign) == '0))
        m = 1'b1;
    end
    sel_match = m;
  endfunction

  // ---- Control -----------------------------------------------------------
  // While an invalidation is busy, a scan blocks lookups and fills; a flash
  // invalidation (already applied) does not.
  logic busy_q, blocked;
  assign blocked = busy_q && !Flash;

  logic              fill_fire;
  logic [SetW-1:0]   fset;
  logic [WayW-1:0]   fway;
  logic              fevict;
  logic [ReplW-1:0]  repl_fbase, repl_f;

  assign fill_fire = fill_valid_i && !blocked && Enabled;
  assign fset      = (Sets > 1) ? fill_set_i : '0;

  // ---- Lookup ports, each probing the stored rows --------------------------
  logic [NP-1:0]        lk_fire, phit;
  logic [NP*SetW-1:0]   pset;
  logic [NP*WayW-1:0]   pway;
  logic [NP*ProbeW-1:0] pprobe;
  logic [NP*DataW-1:0]  pdata;
  logic [NP*Probes*SetW-1:0] lk_sets;
  logic [NP*Probes*KeyW-1:0] lk_keys;

  assign lk_fire[0] = lk_valid_i && !blocked;
  assign lk_sets[0 +: Probes*SetW] = lk_set_i;
  assign lk_keys[0 +: Probes*KeyW] = lk_key_i;
  if (NP > 1) begin : g_lk1_in
    assign lk_fire[NP-1] = lk1_valid_i && !blocked;
    assign lk_sets[(NP-1)*Probes*SetW +: Probes*SetW] = lk1_set_i;
    assign lk_keys[(NP-1)*Probes*KeyW +: Probes*KeyW] = lk1_key_i;
  end else begin : g_lk1_unused
    logic unused_lk1;
    assign unused_lk1 = ^{lk1_valid_i, lk1_set_i, lk1_key_i};
  end

  for (genvar gp = 0; gp < NP; gp++) begin : g_port
    logic              hit;
    logic [ProbeW-1:0] probe;
    logic [WayW-1:0]   way;
    logic [SetW-1:0]   set;
    logic [DataW-1:0]  data;
    always_comb begin
      logic [WaysN*DataW-1:0] drow;
      hit   = 1'b0;
      probe = '0;
      way   = '0;
      set   = '0;
      for (int unsigned p = 0; p < Probes; p++) begin
        logic [SetW-1:0]       s;
        logic [KeyW-1:0]       k;
        logic [WaysN*TagW-1:0] row;
        logic [WaysN-1:0]      rvalid;
        s      = (Sets > 1) ? lk_sets[(gp * Probes + p) * SetW +: SetW] : '0;
        k      = lk_keys[(gp * Probes + p) * KeyW +: KeyW];
        row    = tag_q[s];
        rvalid = valid_q[32'(s) * WaysN +: WaysN];
        for (int unsigned w = 0; w < WaysN; w++) begin
          logic            v;
          logic [KeyW-1:0] t;
          v = rvalid[w] && Enabled;
          t = row[w * TagW +: KeyW];
          // Registered responses see this cycle's fill (it happens first).
          if (!Comb && fill_fire && s == fset && WayW'(w) == fway) begin
            v = 1'b1;
            t = fill_tag_i[KeyW-1:0];
          end
          if (!hit && v && t == k) begin
            hit   = 1'b1;
            probe = ProbeW'(p);
            way   = WayW'(w);
            set   = s;
          end
        end
      end
      drow = data_q[set];
      if (!Comb && fill_fire && hit && set == fset && way == fway) data = fill_data_i;
      else if (hit)                                                  data = drow[32'(way) * DataW +: DataW];
      else                                                           data = '0;
    end
    assign phit[gp]                    = hit;
    assign pprobe[gp*ProbeW +: ProbeW] = probe;
    assign pway[gp*WayW +: WayW]       = way;
    assign pset[gp*SetW +: SetW]       = set;
    assign pdata[gp*DataW +: DataW]    = data;
  end

  // ---- Replacement touches of the lookups, in port order -------------------
  // Each port's hit touches the state its set has after the touches before
  // it: this cycle's fill (LkComb = 0) and the lower ports' hits.
  logic              pre_fill;   // the fill comes before the lookups
  logic [ReplW-1:0]  pre_fill_st;
  logic [NP*ReplW-1:0] rport;
  logic [NP-1:0]     ptouch;

  if (Comb) begin : g_pre_none
    assign pre_fill    = 1'b0;
    assign pre_fill_st = '0;
  end else begin : g_pre_fill
    assign pre_fill    = fill_fire;
    assign pre_fill_st = repl_f;
  end

  assign ptouch = lk_fire & phit;

  always_comb begin
    logic [NP*ReplW-1:0] r;
    r = '0;
    for (int unsigned p = 0; p < NP; p++) begin
      logic [SetW-1:0]  s;
      logic [ReplW-1:0] base;
      s    = pset[p * SetW +: SetW];
      base = repl_q[32'(s) * ReplW +: ReplW];
      if (pre_fill && s == fset) base = pre_fill_st;
      for (int unsigned q = 0; q < p; q++) begin
        if (ptouch[q] && pset[q * SetW +: SetW] == s) base = r[q * ReplW +: ReplW];
      end
      r[p * ReplW +: ReplW] = touch(base, pway[p * WayW +: WayW]);
    end
    rport = r;
  end

  // The state the fill chooses its victim on: LkComb = 1, after this
  // cycle's lookups touched it; else as stored.
  if (Comb) begin : g_fbase_after
    always_comb begin
      repl_fbase = repl_q[32'(fset) * ReplW +: ReplW];
      for (int unsigned p = 0; p < NP; p++) begin
        if (ptouch[p] && pset[p * SetW +: SetW] == fset) repl_fbase = rport[p * ReplW +: ReplW];
      end
    end
  end else begin : g_fbase_stored
    assign repl_fbase = repl_q[32'(fset) * ReplW +: ReplW];
  end

  // ---- Fill: same key, else lowest free way, else the victim -------------
  // The model's xorshift64 step and its scrambled draw modulo the ways.
  logic [63:0] rng_x1, rng_x2, rng_next;
  logic [WayW-1:0] rng_vict;
  assign rng_x1   = rng_q ^ (rng_q >> 12);
  assign rng_x2   = rng_x1 ^ (rng_x1 << 25);
  assign rng_next = rng_x2 ^ (rng_x2 >> 27);
  if (Repl == iommu_params_pkg::ReplRandom) begin : g_rng_draw
    logic [63:0] rng_prod;
    assign rng_prod = rng_next * 64'h2545F4914F6CDD1D;
    // The upper half of the product modulo the ways, by restoring division
    // by the constant (ways <= 64: the partial remainder stays below 128),
    // far smaller than a general divider.
    always_comb begin
      logic [7:0] rem;
      rem = '0;
      for (int b = 63; b >= 32; b--) begin
        rem = {rem[6:0], rng_prod[b]};
        if (rem >= 8'(WaysN)) rem = rem - 8'(WaysN);
      end
      rng_vict = rem[WayW-1:0];
    end
    logic unused_rng;
    assign unused_rng = ^rng_prod[31:0];
  end else begin : g_rng_none
    // Other policies draw nothing (and a simulator computes nothing).
    assign rng_vict = '0;
  end

  // Row port A: the fill's set, or the set being scanned (never both).
  logic [SetW-1:0]       scan_set_q;
  logic [SetW-1:0]       aset;
  logic [WaysN*TagW-1:0] arow;
  logic [WaysN-1:0]      avalid;
  assign aset   = blocked ? scan_set_q : fset;
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
      iommu_params_pkg::ReplLru:  vict = lru_victim(StW'(repl_fbase));
      iommu_params_pkg::ReplPlru: vict = plru_victim(StW'(repl_fbase));
      default:                    vict = rng_vict;
    endcase
    fevict = !same_found && !free_found;
    fway   = same_found ? same_way : (free_found ? free_way : vict);
    repl_f = touch(repl_fbase, fway);
    rng_d  = rng_q;
    if (fill_fire && fevict && Repl == iommu_params_pkg::ReplRandom) rng_d = rng_next;
  end

  assign fill_ready_o = !blocked;
  assign fill_way_o   = fway;
  assign fill_evict_o = fill_fire && fevict;

  // ---- Invalidation --------------------------------------------------------
  logic [CountW-1:0] count_q, count_d, count_start;
  logic [Lines-1:0]  valid_f;      // valid after this cycle's fill
  logic [Lines-1:0]  drop;
  logic              inv_fire, scan_last;

  assign inv_ready_o = !busy_q;
  assign inv_fire    = inv_valid_i && !busy_q;
  assign scan_last   = busy_q && (Sets == 1 || scan_set_q == SetW'(Sets - 1));

  always_comb begin
    valid_f = valid_q;
    if (fill_fire) valid_f[32'(fset) * WaysN + 32'(fway)] = 1'b1;
  end

  if (Flash) begin : g_flash
    // Every line at once, on the contents after this cycle's fill. The
    // per-line matching sits under inv_fire (the same logic: without a
    // transfer nothing is dropped), so a simulator skips it in the cycles
    // without an invalidation.
    always_comb begin
      logic [CountW-1:0] n;
      logic [TagW-1:0]   t;
      drop = '0;
      n    = '0;
      t    = '0;
      if (inv_fire) begin
        for (int unsigned s = 0; s < Sets; s++) begin
          for (int unsigned w = 0; w < WaysN; w++) begin
            t = tag_q[s][w * TagW +: TagW];
            if (fill_fire && SetW'(s) == fset && WayW'(w) == fway) t = fill_tag_i;
            if (valid_f[s * WaysN + w] && sel_match(t, inv_en_i, inv_tag_i, inv_mask_i)) begin
              drop[s * WaysN + w] = 1'b1;
              n = n + 1'b1;
            end
          end
        end
      end
      count_start = n;
    end
    assign count_d = count_q;
  end else begin : g_scan
    // One set per busy cycle (row port A), with the selectors held.
    logic [1:0]        inv_en_q;
    logic [2*TagW-1:0] inv_tag_q, inv_mask_q;
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        inv_en_q   <= '0;
        inv_tag_q  <= '0;
        inv_mask_q <= '0;
      end else if (inv_fire) begin
        inv_en_q   <= inv_en_i;
        inv_tag_q  <= inv_tag_i;
        inv_mask_q <= inv_mask_i;
      end
    end
    always_comb begin
      drop    = '0;
      count_d = count_q;
      for (int unsigned w = 0; w < WaysN; w++) begin
        logic [LineW-1:0] l;
        l = LineW'(32'(scan_set_q) * WaysN + w);
        if (busy_q && avalid[w] && sel_match(arow[w * TagW +: TagW], inv_en_q, inv_tag_q,
                                             inv_mask_q)) begin
          drop[l] = 1'b1;
          count_d = count_d + 1'b1;
        end
      end
    end
    assign count_start = '0;
  end

  assign busy_o      = busy_q;
  assign inv_done_o  = scan_last;
  assign inv_count_o = count_d;

  // ---- Next state ----------------------------------------------------------
  always_comb begin
    valid_d = valid_f & ~drop;
    repl_d  = repl_q;
    if (Comb) begin
      for (int unsigned p = 0; p < NP; p++) begin
        if (ptouch[p]) repl_d[32'(pset[p * SetW +: SetW]) * ReplW +: ReplW] = rport[p * ReplW +: ReplW];
      end
      if (fill_fire) repl_d[32'(fset) * ReplW +: ReplW] = repl_f;
    end else begin
      if (fill_fire) repl_d[32'(fset) * ReplW +: ReplW] = repl_f;
      for (int unsigned p = 0; p < NP; p++) begin
        if (ptouch[p]) repl_d[32'(pset[p * SetW +: SetW]) * ReplW +: ReplW] = rport[p * ReplW +: ReplW];
      end
    end
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
    end else begin
      valid_q <= valid_d;
      repl_q  <= repl_d;
      rng_q   <= rng_d;
      if (inv_fire) begin
        busy_q     <= 1'b1;
        scan_set_q <= '0;
        count_q    <= count_start;
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

  // ---- Lookup responses ----------------------------------------------------
  logic [NP-1:0]        rsp_valid, rsp_hit;
  logic [NP*ProbeW-1:0] rsp_probe;
  logic [NP*WayW-1:0]   rsp_way;
  logic [NP*DataW-1:0]  rsp_data;

  if (Comb) begin : g_rsp_comb
    // In the lookup's cycle.
    always_comb begin
      rsp_valid = lk_fire;
      rsp_hit   = ptouch;
      rsp_probe = pprobe;
      rsp_way   = pway;
      rsp_data  = '0;
      for (int unsigned p = 0; p < NP; p++) begin
        if (ptouch[p]) rsp_data[p * DataW +: DataW] = pdata[p * DataW +: DataW];
      end
    end
  end else begin : g_rsp_reg
    // The cycle after the transfer.
    always_ff @(posedge clk_i) begin
      if (!rst_ni) begin
        rsp_valid <= '0;
        rsp_hit   <= '0;
        rsp_probe <= '0;
        rsp_way   <= '0;
        rsp_data  <= '0;
      end else begin
        rsp_valid <= lk_fire;
        rsp_hit   <= ptouch;
        rsp_probe <= pprobe;
        rsp_way   <= pway;
        for (int unsigned p = 0; p < NP; p++) begin
          rsp_data[p * DataW +: DataW] <= lk_fire[p] ? pdata[p * DataW +: DataW] : '0;
        end
      end
    end
  end

  assign lk_ready_o     = !blocked;
  assign lk_rsp_valid_o = rsp_valid[0];
  assign lk_hit_o       = rsp_hit[0];
  assign lk_probe_o     = rsp_probe[0 +: ProbeW];
  assign lk_way_o       = rsp_way[0 +: WayW];
  assign lk_data_o      = rsp_data[0 +: DataW];
  if (NP > 1) begin : g_lk1_out
    assign lk1_ready_o     = !blocked;
    assign lk1_rsp_valid_o = rsp_valid[NP-1];
    assign lk1_hit_o       = rsp_hit[NP-1];
    assign lk1_probe_o     = rsp_probe[(NP-1)*ProbeW +: ProbeW];
    assign lk1_way_o       = rsp_way[(NP-1)*WayW +: WayW];
    assign lk1_data_o      = rsp_data[(NP-1)*DataW +: DataW];
  end else begin : g_lk1_off
    assign lk1_ready_o     = 1'b0;
    assign lk1_rsp_valid_o = 1'b0;
    assign lk1_hit_o       = 1'b0;
    assign lk1_probe_o     = '0;
    assign lk1_way_o       = '0;
    assign lk1_data_o      = '0;
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
    assert (LkPorts == 1 || LkPorts == 2) else $fatal(1, "LkPorts: 1 or 2");
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
    LkPorts > 1 && lk1_valid_i && !lk1_ready_o |=> lk1_valid_i);
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    fill_valid_i && !fill_ready_o |=> fill_valid_i);
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    inv_valid_i && !inv_ready_o |=> inv_valid_i);
  // Nothing but the scan runs while a scan is busy; no second invalidation.
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    blocked |-> !(|lk_fire || fill_fire));
  assert property (@(posedge clk_i) disable iff (!rst_ni) busy_q |-> !inv_fire);

  // Two fills of one key agree (FillSame): two walks of the same key, the
  // second started before the first filled, read the same tables. An
  // invalidation in the fill's cycle drops the line anyway.
  always_ff @(posedge clk_i) begin
    if (rst_ni && fill_fire && !inv_fire && FillSame != '0) begin
      for (int unsigned w = 0; w < WaysN; w++) begin
        if (avalid[w] && arow[w * TagW +: KeyW] == fill_tag_i[KeyW-1:0]) begin
          assert (arow[w * TagW +: TagW] == fill_tag_i &&
                  ((data_q[fset][w * DataW +: DataW] ^ fill_data_i) & FillSame) == '0)
            else $error("fill of set %0d: the key in way %0d holds tag %h data %h, the fill %h %h",
                        fset, w, arow[w * TagW +: TagW], data_q[fset][w * DataW +: DataW],
                        fill_tag_i, fill_data_i);
        end
      end
    end
  end

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
