// iommu_iotlb: the IOTLB, translations tagged (DID, PASID, page number,
// page size) as in the model (model/src/vtd/iotlb.c), on the generic cache.
//
// Tag: did [15:0], pasid [16 +: PasidBits], the input page number at 4 KiB
// granularity [VpnLsb +: VpnW] (its bits below the entry's page size are
// zero), the level [LvlLsb +: 2] (1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB); these
// are the model's key (did | pasid << 16, addr >> shift(level), level). Two
// attribute bits above, seen only by invalidations: the class (0: second-
// level only or pass-through, 1: first-level or nested) and the global bit.
// The set of an entry is its page number at its own level modulo Sets.
//
// Lookup: one request probes the three page sizes, 4 KiB first, each in its
// own set, in one cycle (pipe.iotlb_lat = 1); the response is registered
// (LkComb = 0) or combinational (LkComb = 1).
// Fill: one translation. Invalidate: the IOTLB part of the descriptors
//   InvGlobal     IOTLB invalidation, global
//   InvDomain     IOTLB invalidation, domain-selective (DID)
//   InvPage       IOTLB invalidation, page-selective (DID, ADDR, AM): every
//                 first-level/nested entry of the domain, and its
//                 second-level entries overlapping the 2^AM-page range
//   InvPasid      PASID-based IOTLB, non-global entries of (DID, PASID)
//   InvPasidPage  PASID-based IOTLB, page-selective (DID, PASID, ADDR, AM),
//                 global entries included
// matching vtd_inv_iotlb() and vtd_inv_piotlb() of the model; busy_o stays
// high Sets cycles.
// LkComb, LkPorts, InvFlash: as iommu_cache (combinational lookups, a second
// lookup port lk1_* looked up after port 0, one-cycle invalidation).
module iommu_iotlb #(
  parameter int unsigned Sets      = iommu_params_pkg::IotlbSets,
  parameter int unsigned Ways      = iommu_params_pkg::IotlbWays,
  parameter int unsigned Repl      = iommu_params_pkg::IotlbRepl,
  parameter bit [63:0]   Seed      = iommu_params_pkg::IotlbSeed,
  parameter int unsigned Haw       = iommu_params_pkg::Haw,
  parameter int unsigned Mgaw      = iommu_params_pkg::Mgaw,
  parameter int unsigned PasidBits = iommu_params_pkg::PasidBits,
  parameter int unsigned LkComb    = 0,
  parameter int unsigned LkPorts   = 1,
  parameter int unsigned InvFlash  = 0,
  // Assertion only: two fills of one key carry the same result but for D
  // (iommu_cache FillSame); off where a test fills keys with random data.
  parameter int unsigned FillCheck = 0,
  localparam int unsigned WaysN    = (Ways > 0) ? Ways : 1,
  localparam int unsigned WayW     = (WaysN > 1) ? $clog2(WaysN) : 1,
  localparam int unsigned HpnW     = Haw - 12,
  localparam int unsigned CountW   = $clog2(Sets * WaysN + 1)
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  // Lookup
  input  logic                 lk_valid_i,
  output logic                 lk_ready_o,
  input  logic [15:0]          lk_did_i,
  input  logic [PasidBits-1:0] lk_pasid_i,
  input  logic [Mgaw-1:0]      lk_addr_i,
  output logic                 lk_rsp_valid_o,
  output logic                 lk_hit_o,
  output logic [1:0]           lk_level_o,
  output logic [WayW-1:0]      lk_way_o,
  output logic [HpnW-1:0]      lk_hpn_o,      // host page number (page base >> 12)
  output logic [3:0]           lk_perm_o,     // R, W, X, U
  output logic [3:0]           lk_sl_perm_o,  // second-level permissions alone
  output logic                 lk_dirty_o,
  output logic                 lk_global_o,
  output logic                 lk_cls_o,
  // Lookup, port 1 (LkPorts = 2): the same fields
  input  logic                 lk1_valid_i,
  output logic                 lk1_ready_o,
  input  logic [15:0]          lk1_did_i,
  input  logic [PasidBits-1:0] lk1_pasid_i,
  input  logic [Mgaw-1:0]      lk1_addr_i,
  output logic                 lk1_rsp_valid_o,
  output logic                 lk1_hit_o,
  output logic [1:0]           lk1_level_o,
  output logic [WayW-1:0]      lk1_way_o,
  output logic [HpnW-1:0]      lk1_hpn_o,
  output logic [3:0]           lk1_perm_o,
  output logic [3:0]           lk1_sl_perm_o,
  output logic                 lk1_dirty_o,
  output logic                 lk1_global_o,
  output logic                 lk1_cls_o,
  // Fill
  input  logic                 fill_valid_i,
  output logic                 fill_ready_o,
  input  logic [15:0]          fill_did_i,
  input  logic [PasidBits-1:0] fill_pasid_i,
  input  logic [Mgaw-1:0]      fill_addr_i,
  input  logic [1:0]           fill_level_i,
  input  logic [HpnW-1:0]      fill_hpn_i,
  input  logic [3:0]           fill_perm_i,
  input  logic [3:0]           fill_sl_perm_i,
  input  logic                 fill_dirty_i,
  input  logic                 fill_global_i,
  input  logic                 fill_cls_i,
  output logic [WayW-1:0]      fill_way_o,
  output logic                 fill_evict_o,
  // Invalidate
  input  logic                 inv_valid_i,
  output logic                 inv_ready_o,
  input  logic [2:0]           inv_kind_i,
  input  logic [15:0]          inv_did_i,
  input  logic [PasidBits-1:0] inv_pasid_i,
  input  logic [Mgaw-1:0]      inv_addr_i,
  input  logic [5:0]           inv_am_i,
  output logic                 busy_o,
  output logic                 inv_done_o,
  output logic [CountW-1:0]    inv_count_o
);

  localparam logic [2:0] InvGlobal    = 3'd0;
  localparam logic [2:0] InvDomain    = 3'd1;
  localparam logic [2:0] InvPage      = 3'd2;
  localparam logic [2:0] InvPasid     = 3'd3;
  localparam logic [2:0] InvPasidPage = 3'd4;

  localparam int unsigned SetW    = (Sets > 1) ? $clog2(Sets) : 1;
  localparam int unsigned VpnW    = Mgaw - 12;
  localparam int unsigned PasidLsb = 16;
  localparam int unsigned VpnLsb  = PasidLsb + PasidBits;
  localparam int unsigned LvlLsb  = VpnLsb + VpnW;
  localparam int unsigned KeyW    = LvlLsb + 2;
  localparam int unsigned ClsBit  = KeyW;
  localparam int unsigned GlbBit  = KeyW + 1;
  localparam int unsigned TagW    = KeyW + 2;
  // Data: hpn, perm, sl_perm, dirty, global, class.
  localparam int unsigned DataW   = HpnW + 11;

  // The key and set of (did, pasid, page number) at a level.
  function automatic logic [KeyW-1:0] key_of(logic [15:0] did, logic [PasidBits-1:0] pasid,
                                             logic [VpnW-1:0] vpn, logic [1:0] level);
    logic [VpnW-1:0] v;
    v = vpn;
    for (int unsigned i = 0; i < VpnW; i++) begin
      if (i < 9 * (32'(level) - 1)) v[i] = 1'b0;
    end
    key_of = {level, v, pasid, did};
  endfunction

  function automatic logic [SetW-1:0] set_of(logic [VpnW-1:0] vpn, logic [1:0] level);
    set_of = (Sets > 1) ? SetW'(vpn >> (9 * (32'(level) - 1))) : '0;
  endfunction

  logic [VpnW-1:0] fill_vpn, inv_vpn;
  assign fill_vpn = fill_addr_i[Mgaw-1:12];
  assign inv_vpn  = inv_addr_i[Mgaw-1:12];

  // ---- Lookup ports: each probes 4 KiB, 2 MiB, 1 GiB -----------------------
  logic [31:0]           lk_dids;
  logic [2*PasidBits-1:0] lk_pasids;
  logic [2*VpnW-1:0]     lk_vpns;
  logic [6*SetW-1:0]     lk_set;   // port p, probe q at (3p + q)
  logic [6*KeyW-1:0]     lk_key;
  logic [3:0]            lk_probe;
  logic [2*DataW-1:0]    lk_data;
  logic [1:0]            lk_hit;
  assign lk_dids   = {lk1_did_i, lk_did_i};
  assign lk_pasids = {lk1_pasid_i, lk_pasid_i};
  assign lk_vpns   = {lk1_addr_i[Mgaw-1:12], lk_addr_i[Mgaw-1:12]};
  for (genvar gp = 0; gp < 2; gp++) begin : g_port
    always_comb begin
      logic [VpnW-1:0] vpn;
      vpn = lk_vpns[gp * VpnW +: VpnW];
      for (int unsigned q = 0; q < 3; q++) begin
        lk_set[(3 * gp + q) * SetW +: SetW] = set_of(vpn, 2'(q + 1));
        lk_key[(3 * gp + q) * KeyW +: KeyW] = key_of(lk_dids[gp * 16 +: 16],
                                                     lk_pasids[gp * PasidBits +: PasidBits],
                                                     vpn, 2'(q + 1));
      end
    end
  end

  // ---- Fill ---------------------------------------------------------------
  logic [TagW-1:0]  fill_tag;
  logic [DataW-1:0] fill_data;
  logic [SetW-1:0]  fill_set;
  assign fill_set  = set_of(fill_vpn, fill_level_i);
  assign fill_tag  = {fill_global_i, fill_cls_i,
                      key_of(fill_did_i, fill_pasid_i, fill_vpn, fill_level_i)};
  assign fill_data = {fill_cls_i, fill_global_i, fill_dirty_i, fill_sl_perm_i, fill_perm_i,
                      fill_hpn_i};

  // ---- Invalidation selectors ---------------------------------------------
  logic [1:0]        inv_en;
  logic [2*TagW-1:0] inv_tag, inv_mask;
  always_comb begin
    logic [TagW-1:0] val, did_m, pasid_m, cls_m, glb_m, range_m;
    val = '0;
    val[15:0]                  = inv_did_i;
    val[PasidLsb +: PasidBits] = inv_pasid_i;
    val[VpnLsb +: VpnW]        = inv_vpn;
    val[ClsBit]                = 1'b1;   // first-level class; masked where not wanted
    val[GlbBit]                = 1'b0;   // non-global
    did_m   = '0;
    pasid_m = '0;
    cls_m   = '0;
    glb_m   = '0;
    range_m = '0;
    did_m[15:0]                  = '1;
    pasid_m[PasidLsb +: PasidBits] = '1;
    cls_m[ClsBit]                = 1'b1;
    glb_m[GlbBit]                = 1'b1;
    // The page bits at and above AM: the aligned 2^AM-page range.
    for (int unsigned i = 0; i < VpnW; i++) begin
      if (i >= 32'(inv_am_i)) range_m[VpnLsb + i] = 1'b1;
    end
    inv_en   = 2'b01;
    inv_tag  = {val & ~cls_m, val};  // selector 1: the second-level class
    inv_mask = '0;
    unique case (inv_kind_i)
      InvGlobal:    inv_mask[TagW-1:0] = '0;
      InvDomain:    inv_mask[TagW-1:0] = did_m;
      InvPage: begin
        inv_en   = 2'b11;
        inv_mask = {did_m | cls_m | range_m, did_m | cls_m};
      end
      InvPasid:     inv_mask[TagW-1:0] = did_m | pasid_m | cls_m | glb_m;
      InvPasidPage: inv_mask[TagW-1:0] = did_m | pasid_m | cls_m | range_m;
      default:      inv_en = 2'b00;   // not an IOTLB invalidation: drops nothing
    endcase
  end

  iommu_cache #(
    .Sets    (Sets),
    .Ways    (Ways),
    .KeyW    (KeyW),
    .TagW    (TagW),
    .DataW   (DataW),
    .Repl    (Repl),
    .Seed    (Seed),
    .Probes  (3),
    .PageLsb (VpnLsb),
    .PageW   (VpnW),
    .LvlLsb  (LvlLsb),
    .LvlW    (2),
    .LkComb  (LkComb),
    .LkPorts (LkPorts),
    .InvFlash (InvFlash),
    // Every result bit but D: a write's walk sets D on a line a read filled.
    .FillSame (FillCheck != 0 ? ~(DataW'(1) << (HpnW + 8)) : '0)
  ) u_cache (
    .clk_i,
    .rst_ni,
    .lk_valid_i,
    .lk_ready_o,
    .lk_set_i       (lk_set[0 +: 3*SetW]),
    .lk_key_i       (lk_key[0 +: 3*KeyW]),
    .lk_rsp_valid_o,
    .lk_hit_o       (lk_hit[0]),
    .lk_probe_o     (lk_probe[1:0]),
    .lk_way_o,
    .lk_data_o      (lk_data[0 +: DataW]),
    .lk1_valid_i,
    .lk1_ready_o,
    .lk1_set_i      (lk_set[3*SetW +: 3*SetW]),
    .lk1_key_i      (lk_key[3*KeyW +: 3*KeyW]),
    .lk1_rsp_valid_o,
    .lk1_hit_o      (lk_hit[1]),
    .lk1_probe_o    (lk_probe[3:2]),
    .lk1_way_o,
    .lk1_data_o     (lk_data[DataW +: DataW]),
    .fill_valid_i,
    .fill_ready_o,
    .fill_set_i     (fill_set),
    .fill_tag_i     (fill_tag),
    .fill_data_i    (fill_data),
    .fill_way_o,
    .fill_evict_o,
    .inv_valid_i,
    .inv_ready_o,
    .inv_en_i       (inv_en),
    .inv_tag_i      (inv_tag),
    .inv_mask_i     (inv_mask),
    .busy_o,
    .inv_done_o,
    .inv_count_o
  );

  // The offset within the 4 KiB page selects nothing.
  logic unused_offset;
  assign unused_offset = ^{lk_addr_i[11:0], lk1_addr_i[11:0], fill_addr_i[11:0],
                           inv_addr_i[11:0]};

  // The level of a hit is its probe's page size.
  assign lk_hit_o    = lk_hit[0];
  assign lk1_hit_o   = lk_hit[1];
  assign lk_level_o  = lk_hit[0] ? lk_probe[1:0] + 2'd1 : 2'd0;
  assign lk1_level_o = lk_hit[1] ? lk_probe[3:2] + 2'd1 : 2'd0;
  assign {lk_cls_o, lk_global_o, lk_dirty_o, lk_sl_perm_o, lk_perm_o, lk_hpn_o} =
      lk_data[0 +: DataW];
  assign {lk1_cls_o, lk1_global_o, lk1_dirty_o, lk1_sl_perm_o, lk1_perm_o, lk1_hpn_o} =
      lk_data[DataW +: DataW];

`ifndef SYNTHESIS
  initial begin
    assert (Haw > 12 && Mgaw > 12 + 18) else $fatal(1, "Haw, Mgaw: address widths");
  end
  // A fill's level is a page size the IOTLB holds (1..3).
  assert property (@(posedge clk_i) disable iff (!rst_ni)
    fill_valid_i |-> fill_level_i != 2'd0);
`endif

endmodule
