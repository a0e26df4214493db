// One walker slot of the VT-d scalable-mode IOMMU block (docs/uarch.md §5).
//
// A request taken by the slot is translated with dependent memory reads, one
// 64-byte line per read: root entry -> scalable-mode context entry -> PASID
// directory entry -> PASID table entry -> the walk the PASID entry's PGTT
// selects (first level, second level, nested, pass-through), then the A/D
// updates as the reference model makes them (8-byte writes, in walk order, each
// issued after the previous one's response). The checks, their order and the
// fault reasons are those of the model (docs/model.md, model/src/vtd/*.c).
//
// Cached entries: the request carries what the context cache and the PASID
// cache held for it (sampled with the request transfer). With a context hit
// the root and context reads are skipped and the cached entry goes through
// the checks that follow the context entry's own (DTE, PASIDE, PASID size);
// with a PASID hit too (the PASID the model looks up: the request's, else
// RID_PASID), the directory and PASID entry reads are skipped and the cached
// entry's FPD and its directory entry's FPD apply. Cached entries are not
// filled again; entries read from memory are. An ATS retry for read starts
// again from the first structure the caches did not provide. The request
// checks of the context and PASID entries are iommu_entry_check's, the same
// module stage R (iommu_lookup) decides with.
//
// Structure: one state machine. A memory operation is issued (ST_ISSUE), its
// response awaited (ST_WAIT), and in the response cycle one combinational
// ladder decides the next operation, the response or the fault. The paging
// entries of both formats share one per-level ladder (access error, not
// present, reserved, permissions, leaf or next level); nested translation is
// composition: every first-level table address, and the first-level output,
// goes through a second-level walk first. Every failed check ends in one fault
// exit, which also restarts an ATS translation request for read access when
// its write/execute pass met a paging fault.
//
// Timing (uarch §5): the first memory request is presented in the cycle
// after the request transfer; each further one in the cycle after the
// previous response; the response in the cycle of the last memory response
// (combinationally from it; held in a register while rsp_ready_i is low), or
// in the cycle after the request transfer when no memory is needed (a fault
// or a translation decided by the cached entries alone). With an
// always-ready memory port of fixed latency L, a walk of N >= 1 memory
// operations answers N * (L + 1) cycles after its request transfer.
//
// Interfaces: translation request/response with valid/ready; the memory
// master of uarch §2 (line address, 8-byte write data with its byte offset;
// a response per request, read data and err, on this slot's own response
// path). The cache fills (context entry, PASID entry, IOTLB entry) are
// output with the response and are valid with it.
module iommu_walker #(
  parameter int unsigned TagW      = 8,
  parameter int unsigned MemIdW    = 3,
  parameter int unsigned MemId     = 0,
  // Hardware configuration (the model's struct iommu_config).
  parameter int unsigned Haw       = 46,        // host address width, 39..52
  parameter int unsigned Mgaw      = 57,        // maximum guest address width
  parameter int unsigned PasidBits = 20,        // PASID width, 1..20
  parameter logic [4:0]  Sagaw     = 5'b01110,  // supported AW values (bit = AW)
  parameter bit          Sl2m      = 1'b1,      // CAP.SLLPS 2 MiB
  parameter bit          Sl1g      = 1'b1,      // CAP.SLLPS 1 GiB
  parameter bit          Fl1g      = 1'b1,      // CAP.FL1GP
  parameter bit          Fl5Level  = 1'b1,      // CAP.FL5LP
  parameter bit          Nested    = 1'b1,      // ECAP.NEST
  parameter bit          PassThru  = 1'b1,      // ECAP.PT
  parameter bit          SlAd      = 1'b1,      // ECAP.SLADS
  parameter bit          ExecReq   = 1'b1,      // ECAP.ERS
  parameter bit          SuperReq  = 1'b1,      // ECAP.SRS
  parameter bit          RidPasid  = 1'b1       // ECAP.RPS
) (
  input  logic              clk_i,
  input  logic              rst_ni,
  // Active root table register (RTADDR as latched by GCMD.SRTP).
  input  logic [63:0]       rtaddr_i,
  // Translation request.
  input  logic              req_valid_i,
  output logic              req_ready_o,
  input  logic [TagW-1:0]   req_tag_i,
  input  logic [15:0]       req_sid_i,
  input  logic              req_pasid_valid_i,
  input  logic [19:0]       req_pasid_i,
  input  logic              req_priv_i,
  input  logic [63:0]       req_addr_i,
  input  logic [1:0]        req_access_i,      // 0 read, 1 write, 2 execute
  input  logic [1:0]        req_at_i,          // 0 untranslated, 1 translation req, 2 translated
  input  logic              req_no_write_i,
  // Cache results sampled with the request: the context cache held the SID's
  // entry (req_ctx_i); with it, the PASID cache held (SID, PASID) (the PASID
  // entry and its directory entry's FPD).
  input  logic              req_ctx_hit_i,
  input  logic [255:0]      req_ctx_i,
  input  logic              req_pasid_hit_i,
  input  logic [511:0]      req_pasid_entry_i,
  input  logic              req_pde_fpd_i,
  // With both entries cached, the read pass's answer from the caches
  // (iommu_lookup retry_*_o at the take): an ATS translation request whose
  // walk for write/execute meets a paging fault answers with it.
  input  logic              req_retry_hit_i,
  input  logic [84:0]       req_retry_rsp_i,
  // With both entries cached, the paging-structure cache of the walk's first
  // table (first level for first-level and nested walks, second level for a
  // second-level walk) looked up at the take (iommu_pwc): the deepest cached
  // entry's level, the host-physical table it points to, the permissions
  // accumulated down to it and those that table was reached with.
  input  logic              req_pwc_hit_i,
  input  logic [2:0]        req_pwc_level_i,
  input  logic [63:0]       req_pwc_next_i,
  input  logic [3:0]        req_pwc_perm_i,
  input  logic [3:0]        req_pwc_tperm_i,
  // Memory master.
  output logic              mem_req_valid_o,
  input  logic              mem_req_ready_i,
  output logic [MemIdW-1:0] mem_req_id_o,
  output logic              mem_req_we_o,
  output logic [63:0]       mem_req_addr_o,    // 64-byte line address
  output logic [5:0]        mem_req_wofs_o,    // byte offset of the written word
  output logic [63:0]       mem_req_wdata_o,
  input  logic              mem_rsp_valid_i,
  input  logic [511:0]      mem_rsp_rdata_i,
  input  logic              mem_rsp_err_i,
  // Translation response.
  output logic              rsp_valid_o,
  input  logic              rsp_ready_i,
  output logic [TagW-1:0]   rsp_tag_o,
  output logic [1:0]        rsp_status_o,      // 0 ok, 1 fault, 2 unsupported
  output logic [7:0]        rsp_fault_o,       // fault reason (ATS: also with ok, perm 0)
  output logic [63:0]       rsp_hpa_o,
  output logic [4:0]        rsp_page_size_o,   // log2 bytes (12, 21, 30); 0 on a fault
  output logic [3:0]        rsp_perm_o,        // {U, X, W, R}
  output logic              rsp_global_o,
  output logic              rsp_fpd_o,         // an FPD bit suppresses recording the fault
  // Cache fills, valid with the response.
  output logic              fill_ctx_valid_o,
  output logic [255:0]      fill_ctx_o,
  output logic              fill_pasid_valid_o,
  output logic [511:0]      fill_pasid_o,
  output logic              fill_pasid_pde_fpd_o,
  output logic              fill_iotlb_valid_o,
  output logic [15:0]       fill_iotlb_did_o,
  output logic [19:0]       fill_iotlb_pasid_o,
  output logic [63:0]       fill_iotlb_page_o,   // host-physical page base
  output logic [1:0]        fill_iotlb_level_o,  // 1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB
  output logic [3:0]        fill_iotlb_perm_o,   // as the tables give it
  output logic [3:0]        fill_iotlb_sl_perm_o,
  output logic              fill_iotlb_global_o,
  output logic              fill_iotlb_dirty_o,
  output logic              fill_iotlb_fl_o,     // first-level or nested class
  // Paging-structure cache fills, valid with the response: the non-leaf
  // entries the walk read (levels 2..5 at bits 0..3; first level for
  // first-level and nested walks, second level for second-level walks).
  output logic [3:0]        fill_flpwc_valid_o,
  output logic [3:0]        fill_slpwc_valid_o,
  output logic [255:0]      fill_pwc_next_o,     // per level: next table
  output logic [15:0]       fill_pwc_perm_o,     // per level: accumulated permissions
  output logic [15:0]       fill_pwc_tperm_o     // per level: the next table's
);

  // ---- Encodings -----------------------------------------------------------
  typedef enum logic [1:0] {ST_IDLE, ST_ISSUE, ST_WAIT, ST_RESP} state_e;
  typedef enum logic [2:0] {
    OP_ROOT, OP_CTX, OP_PDE, OP_PE, OP_FL, OP_SL, OP_FL_AD, OP_SL_AD
  } op_e;
  // Purpose of a second-level walk.
  typedef enum logic [1:0] {SL_ONLY, SL_TABLE, SL_FINAL} sl_pur_e;

  localparam logic [1:0] AccRead  = 2'd0;
  localparam logic [1:0] AccWrite = 2'd1;
  localparam logic [1:0] AccExec  = 2'd2;
  localparam logic [1:0] AtTranslationReq = 2'd1;
  localparam logic [1:0] AtTranslated = 2'd2;
  localparam logic [1:0] StatusOk = 2'd0;
  localparam logic [1:0] StatusFault = 2'd1;
  localparam logic [1:0] StatusUnsupported = 2'd2;

  localparam logic [3:0] PermR = 4'b0001;
  localparam logic [3:0] PermW = 4'b0010;
  localparam logic [3:0] PermX = 4'b0100;
  localparam logic [3:0] PermU = 4'b1000;
  localparam logic [3:0] PermAll = 4'b1111;

  localparam logic [2:0] PgttFl = 3'd1;
  localparam logic [2:0] PgttSl = 3'd2;
  localparam logic [2:0] PgttNested = 3'd3;
  localparam logic [2:0] PgttPt = 3'd4;

  // Fault reasons (FRCD.FR values; model/include/iommu/vtd_fault.h).
  localparam logic [7:0] FrRootTableInvalid = 8'h30;
  localparam logic [7:0] FrRootAccess = 8'h38;
  localparam logic [7:0] FrRootNotPresent = 8'h39;
  localparam logic [7:0] FrRootRsvd = 8'h3A;
  localparam logic [7:0] FrCtxAccess = 8'h40;
  localparam logic [7:0] FrCtxNotPresent = 8'h41;
  localparam logic [7:0] FrCtxRsvd = 8'h42;
  localparam logic [7:0] FrCtxDteClear = 8'h44;
  localparam logic [7:0] FrCtxPasideClear = 8'h45;
  localparam logic [7:0] FrPasidTooLarge = 8'h46;
  localparam logic [7:0] FrPdeAccess = 8'h50;
  localparam logic [7:0] FrPdeNotPresent = 8'h51;
  localparam logic [7:0] FrPdeRsvd = 8'h52;
  localparam logic [7:0] FrPteAccess = 8'h58;
  localparam logic [7:0] FrPteNotPresent = 8'h59;
  localparam logic [7:0] FrPteRsvd = 8'h5A;
  localparam logic [7:0] FrPteInvalid = 8'h5B;
  localparam logic [7:0] FrFlAccess = 8'h70;
  localparam logic [7:0] FrFlNotPresent = 8'h71;
  localparam logic [7:0] FrFlRsvd = 8'h72;
  localparam logic [7:0] FrFlRootAccess = 8'h73;
  localparam logic [7:0] FrFlNestedBeyondMgaw = 8'h74;
  localparam logic [7:0] FrFlNestedRootRead = 8'h75;
  localparam logic [7:0] FrFlNestedRead = 8'h76;
  localparam logic [7:0] FrFlNestedWrite = 8'h77;
  localparam logic [7:0] FrSlAccess = 8'h78;
  localparam logic [7:0] FrSlPerm = 8'h79;
  localparam logic [7:0] FrSlRsvd = 8'h7A;
  localparam logic [7:0] FrUsClear = 8'h81;
  localparam logic [7:0] FrNoExec = 8'h82;
  localparam logic [7:0] FrAddrBeyondMax = 8'h83;
  localparam logic [7:0] FrNoWrite = 8'h85;
  localparam logic [7:0] FrNoRead = 8'h86;

  // Address bits at or above HAW, and those of them inside [51:0].
  localparam logic [63:0] AboveHaw = ~((64'd1 << Haw) - 64'd1);
  localparam logic [63:0] AboveHaw52 = AboveHaw & 64'h000F_FFFF_FFFF_FFFF;
  localparam logic [63:0] AddrBits = 64'h000F_FFFF_FFFF_F000;  // paging entry address [51:12]

  // ---- Entry field helpers ---------------------------------------------------
  // Bytes below the page an entry at level maps, as a mask.
  function automatic logic [63:0] level_mask(input logic [2:0] level);
    unique case (level)
      3'd2:    level_mask = 64'h0000_0000_001F_FFFF;
      3'd3:    level_mask = 64'h0000_0000_3FFF_FFFF;
      default: level_mask = 64'h0000_0000_0000_0FFF;
    endcase
  endfunction

  // Index of va's entry in a table at level (9 bits per level above 4 KiB).
  function automatic logic [8:0] va_index(input logic [56:12] va, input logic [2:0] level);
    unique case (level)
      3'd2:    va_index = va[29:21];
      3'd3:    va_index = va[38:30];
      3'd4:    va_index = va[47:39];
      3'd5:    va_index = va[56:48];
      default: va_index = va[20:12];
    endcase
  endfunction

  // Second-level input width min(MGAW, 30 + 9 * AW): true when gpa is beyond it.
  localparam int unsigned SlWidth3 = Mgaw < 39 ? Mgaw : 39;
  localparam int unsigned SlWidth4 = Mgaw < 48 ? Mgaw : 48;
  localparam int unsigned SlWidth5 = Mgaw < 57 ? Mgaw : 57;
  function automatic logic sl_beyond(input logic [63:0] gpa, input logic [2:0] aw);
    unique case (aw)
      3'd1:    sl_beyond = (gpa >> SlWidth3) != 64'd0;
      3'd2:    sl_beyond = (gpa >> SlWidth4) != 64'd0;
      default: sl_beyond = (gpa >> SlWidth5) != 64'd0;  // AW 3 (others are invalid)
    endcase
  endfunction

  // Second-level access check (model: vtd_sl_check).
  function automatic logic [7:0] sl_check(input logic [3:0] perm, input logic [1:0] acc);
    if (acc == AccWrite) sl_check = (perm & PermW) != 4'd0 ? 8'h00 : FrNoWrite;
    else if ((perm & PermR) == 4'd0) sl_check = FrNoRead;
    else if (acc == AccExec && (perm & PermX) == 4'd0) sl_check = FrNoExec;
    else sl_check = 8'h00;
  endfunction

  // ---- State -----------------------------------------------------------------
  state_e state_q, state_d;
  op_e op_q, op_d;
  logic [2:0] op_level_q, op_level_d;     // paging level of the entry read or written
  logic [63:0] op_addr_q, op_addr_d;      // byte address of the entry
  logic [63:0] op_wdata_q, op_wdata_d;

  // The request.
  logic [TagW-1:0] tag_q, tag_d;
  logic [15:0] sid_q, sid_d;
  logic pasid_valid_q, pasid_valid_d;
  logic [19:0] req_pasid_q, req_pasid_d;
  logic priv_q, priv_d;
  logic [63:0] addr_q, addr_d;
  logic [1:0] at_q, at_d;
  logic [1:0] acc_q, acc_d;               // access of this pass (ATS: as translated)
  logic [63:0] root_addr_q, root_addr_d;  // root entry address

  // Context and PASID structures.
  logic [63:0] ce0_q, ce0_d, ce1_q, ce1_d;
  logic [19:0] pasid_q, pasid_d;          // PASID used (RID_PASID without one)
  logic pde_fpd_q, pde_fpd_d;
  logic [63:0] pe0_q, pe0_d, pe1_q, pe1_d, pe2_q, pe2_d;
  logic fpd_q, fpd_d;
  logic ctx_hit_q, ctx_hit_d;             // the context entry came from the cache
  logic pasid_hit_q, pasid_hit_d;         // the PASID entry came from the cache

  // First-level walk: per level (index level-1) the entry read, its address
  // and whether its table page was reached with second-level write permission.
  logic [2:0] fl_level_q, fl_level_d;
  logic [3:0] fl_perm_q, fl_perm_d;
  logic [319:0] fl_pte_q, fl_pte_d, fl_pa_q, fl_pa_d;
  logic [4:0] fl_tw_q, fl_tw_d;
  logic [2:0] fl_leaf_q, fl_leaf_d;
  logic [63:0] fl_out_q, fl_out_d;
  // Paging-structure cache view of the walk: the first level read (below the
  // top after a cache hit), per level (index level-1) the permissions
  // accumulated down to it and those its table was reached with, and whether
  // the walk reached its leaf (its non-leaf entries are then filled).
  logic [2:0] fl_start_q, fl_start_d, sl_start_q, sl_start_d;
  logic [19:0] fl_ap_q, fl_ap_d, fl_tp_q, fl_tp_d, sl_ap_q, sl_ap_d;
  logic fl_reached_q, fl_reached_d, sl_reached_q, sl_reached_d;

  // Second-level walk (one at a time: a nested table, or the output).
  sl_pur_e sl_pur_q, sl_pur_d;
  logic [63:0] sl_gpa_q, sl_gpa_d;
  logic [3:0] sl_perm_q, sl_perm_d;
  logic [319:0] sl_pte_q, sl_pte_d, sl_pa_q, sl_pa_d;
  logic [2:0] sl_leaf_q, sl_leaf_d;
  logic [63:0] sl_out_q, sl_out_d;

  // Registered response and fill flags.
  logic [1:0] rsp_status_q, rsp_status_d;
  logic [7:0] rsp_fault_q, rsp_fault_d;
  logic [63:0] rsp_hpa_q, rsp_hpa_d;
  logic [4:0] rsp_ps_q, rsp_ps_d;
  logic [3:0] rsp_perm_q, rsp_perm_d;
  logic rsp_global_q, rsp_global_d;
  logic rsp_fpd_q, rsp_fpd_d;
  logic fctx_q, fctx_d, fpasid_q, fpasid_d, fiotlb_q, fiotlb_d;
  logic [1:0] fi_level_q, fi_level_d;
  logic [3:0] fi_perm_q, fi_perm_d, fi_sl_perm_q, fi_sl_perm_d;
  logic fi_global_q, fi_global_d, fi_dirty_q, fi_dirty_d, fi_fl_q, fi_fl_d;
  logic [63:0] fi_page_q, fi_page_d;

  // ---- The ladder ------------------------------------------------------------
  // Words of the response, aligned on the entry being read.
  logic [63:0] rd_qw;
  logic [127:0] rd_root;
  logic [255:0] rd_ctx;

  // Decoded fields of the context and PASID entries (from the _d copies).
  logic [2:0] pe_pgtt, pe_aw;
  logic pe_fl5;
  logic [2:0] fl_levels, sl_levels;
  logic pe_uses_fl, pe_uses_sl, sl_ad_en, nested;

  // Paging entry decode (both formats).
  logic ent_present, ent_rsvd, ent_leaf;
  logic [63:0] ent_addr, ent_rsvd_mask;
  logic [3:0] ent_perm;

  // Steps of the ladder that more than one place continues with.
  logic [7:0] fault;
  logic finish_ok;
  logic go_sl;            // start a second-level walk of go_sl_gpa
  logic [63:0] go_sl_gpa;
  sl_pur_e go_sl_pur;
  logic sl_done;          // a second-level walk reached its leaf
  logic fl_ad_scan, fl_ad_first;
  logic [2:0] fl_ad_from;
  logic sl_ad_scan;
  logic [2:0] sl_ad_from;
  logic fl_read;          // read the first-level entry at fl_read_level
  logic [2:0] fl_read_level;
  logic [63:12] fl_read_table;
  logic fl_read_tw;
  logic [3:0] fl_read_tp;
  // The paging-structure cache's answer: at the take, else as sampled then.
  logic pwc_hit;
  logic [2:0] pwc_level;
  logic [63:0] pwc_next;
  logic [3:0] pwc_perm, pwc_tperm;
  logic issue;            // the next memory operation
  op_e issue_op;
  logic [2:0] issue_level;
  logic [63:0] issue_addr, issue_wdata;

  // A/D scan temporaries.
  logic [63:0] ad_val, ad_pte;
  logic ad_found;
  logic [2:0] ad_level;
  logic [63:0] ad_pa, ad_wval;
  logic ad_write;
  // Final response temporaries.
  logic [2:0] fin_level;
  logic [3:0] fin_perm, fin_sl_perm;
  logic [63:0] fin_hpa;
  logic fl_leaf_g, fl_leaf_dirty, sl_leaf_dirty;  // G and D of the leaf entries
  logic [19:0] sel_pasid;
  logic ctx_arrive;       // a context entry (read or cached) passed its own checks
  logic [127:0] ctx_in;  // its defined half (the upper one is reserved)
  logic pe_arrive;        // a PASID entry (read or cached) passed its own checks
  logic pe_cached;        // ... and it came from the cache in this cycle
  logic early;  // the response leaves in the cycle of the last memory response

  // The request checks of the context and PASID entries, shared with stage
  // R (iommu_lookup): on the request and its cached entries in the cycle of
  // the request transfer, else on the registered request, the context entry
  // (just read, or registered) and the PASID entry just read.
  logic ck_idle;
  logic [1:0] ck_acc;
  logic [7:0] ck_fault;
  logic [19:0] ck_pasid;
  assign ck_idle = state_q == ST_IDLE;
  assign ck_acc = req_at_i != AtTranslationReq ? req_access_i :
                  (req_no_write_i ? (req_access_i == AccExec ? AccExec : AccRead) : AccWrite);
  iommu_entry_check #(
    .Haw(Haw), .Mgaw(Mgaw), .PasidBits(PasidBits), .ExecReq(ExecReq), .SuperReq(SuperReq),
    .RidPasid(RidPasid)
  ) u_check (
    .ttm_ok_i(1'b1),
    .at_i(ck_idle ? req_at_i : at_q),
    .acc_i(ck_idle ? ck_acc : acc_q),
    .priv_i(ck_idle ? req_priv_i : priv_q),
    .pasid_valid_i(ck_idle ? req_pasid_valid_i : pasid_valid_q),
    .pasid_i(ck_idle ? req_pasid_i : req_pasid_q),
    .addr_i(ck_idle ? req_addr_i : addr_q),
    .ctx_hit_i(1'b1),
    .ctx_i(ck_idle ? req_ctx_i[127:0] : (op_q == OP_CTX ? rd_ctx[127:0] : {ce1_q, ce0_q})),
    .pasid_hit_i(ck_idle ? req_pasid_hit_i : op_q == OP_PE),
    .pe0_i(ck_idle ? req_pasid_entry_i[63:0] : mem_rsp_rdata_i[63:0]),
    .pe2_i(ck_idle ? req_pasid_entry_i[191:128] : mem_rsp_rdata_i[191:128]),
    .pde_fpd_i(1'b0),
    .iotlb_hit_i(1'b0), .iotlb_hpn_i(52'd0), .iotlb_level_i(2'd1), .iotlb_perm_i(4'd0),
    .iotlb_sl_perm_i(4'd0), .iotlb_dirty_i(1'b0), .iotlb_global_i(1'b0),
    .pc_probe_o(ck_unused_pc_probe),
    .tlb_probe_o(ck_unused_tlb_probe),
    .mem_o(ck_unused_mem), .fault_o(ck_fault), .fpd_o(ck_unused_fpd), .pasid_o(ck_pasid),
    .hpa_o(ck_unused_hpa), .level_o(ck_unused_level), .perm_o(ck_unused_perm),
    .global_o(ck_unused_global)
  );
  // The translation outputs serve stage R only; FPD is tracked by the ladder.
  // verilator lint_off UNUSEDSIGNAL
  logic ck_unused_mem, ck_unused_fpd, ck_unused_global, ck_unused_pc_probe, ck_unused_tlb_probe;
  logic [63:0] ck_unused_hpa;
  logic [1:0] ck_unused_level;
  logic [3:0] ck_unused_perm;
  // verilator lint_on UNUSEDSIGNAL

  // The addressed field of the line, as a mux of constant selects (a
  // variable shift of the 512-bit line costs a simulator far more).
  always_comb begin
    rd_qw   = mem_rsp_rdata_i[63:0];
    rd_root = mem_rsp_rdata_i[127:0];
    for (int unsigned i = 1; i < 8; i++) begin
      if (op_addr_q[5:3] == 3'(i)) rd_qw = mem_rsp_rdata_i[i * 64 +: 64];
    end
    for (int unsigned i = 1; i < 4; i++) begin
      if (op_addr_q[5:4] == 2'(i)) rd_root = mem_rsp_rdata_i[i * 128 +: 128];
    end
  end
  assign rd_ctx = op_addr_q[5] ? mem_rsp_rdata_i[511:256] : mem_rsp_rdata_i[255:0];

  always_comb begin
    // Hold everything by default.
    state_d = state_q;
    op_d = op_q;
    op_level_d = op_level_q;
    op_addr_d = op_addr_q;
    op_wdata_d = op_wdata_q;
    tag_d = tag_q;
    sid_d = sid_q;
    pasid_valid_d = pasid_valid_q;
    req_pasid_d = req_pasid_q;
    priv_d = priv_q;
    addr_d = addr_q;
    at_d = at_q;
    acc_d = acc_q;
    root_addr_d = root_addr_q;
    ce0_d = ce0_q;
    ce1_d = ce1_q;
    pasid_d = pasid_q;
    pde_fpd_d = pde_fpd_q;
    pe0_d = pe0_q;
    pe1_d = pe1_q;
    pe2_d = pe2_q;
    fpd_d = fpd_q;
    ctx_hit_d = ctx_hit_q;
    pasid_hit_d = pasid_hit_q;
    fl_level_d = fl_level_q;
    fl_perm_d = fl_perm_q;
    fl_pte_d = fl_pte_q;
    fl_pa_d = fl_pa_q;
    fl_tw_d = fl_tw_q;
    fl_leaf_d = fl_leaf_q;
    fl_out_d = fl_out_q;
    fl_start_d = fl_start_q;
    sl_start_d = sl_start_q;
    fl_ap_d = fl_ap_q;
    fl_tp_d = fl_tp_q;
    sl_ap_d = sl_ap_q;
    fl_reached_d = fl_reached_q;
    sl_reached_d = sl_reached_q;
    sl_pur_d = sl_pur_q;
    sl_gpa_d = sl_gpa_q;
    sl_perm_d = sl_perm_q;
    sl_pte_d = sl_pte_q;
    sl_pa_d = sl_pa_q;
    sl_leaf_d = sl_leaf_q;
    sl_out_d = sl_out_q;
    rsp_status_d = rsp_status_q;
    rsp_fault_d = rsp_fault_q;
    rsp_hpa_d = rsp_hpa_q;
    rsp_ps_d = rsp_ps_q;
    rsp_perm_d = rsp_perm_q;
    rsp_global_d = rsp_global_q;
    rsp_fpd_d = rsp_fpd_q;
    fctx_d = fctx_q;
    fpasid_d = fpasid_q;
    fiotlb_d = fiotlb_q;
    fi_level_d = fi_level_q;
    fi_perm_d = fi_perm_q;
    fi_sl_perm_d = fi_sl_perm_q;
    fi_global_d = fi_global_q;
    fi_dirty_d = fi_dirty_q;
    fi_fl_d = fi_fl_q;
    fi_page_d = fi_page_q;

    fault = 8'h00;
    finish_ok = 1'b0;
    go_sl = 1'b0;
    go_sl_gpa = 64'd0;
    go_sl_pur = SL_ONLY;
    sl_done = 1'b0;
    fl_ad_scan = 1'b0;
    fl_ad_first = 1'b0;
    fl_ad_from = 3'd0;
    sl_ad_scan = 1'b0;
    sl_ad_from = 3'd0;
    fl_read = 1'b0;
    fl_read_level = 3'd0;
    fl_read_table = 52'd0;
    fl_read_tw = 1'b1;
    fl_read_tp = PermAll;
    issue = 1'b0;
    issue_op = OP_ROOT;
    issue_level = 3'd0;
    issue_addr = 64'd0;
    issue_wdata = 64'd0;
    ad_val = 64'd0;
    ad_pte = 64'd0;
    ad_found = 1'b0;
    ad_level = 3'd0;
    ad_pa = 64'd0;
    ad_wval = 64'd0;
    ad_write = 1'b0;
    fin_level = 3'd1;
    fin_perm = PermAll;
    fin_sl_perm = PermAll;
    fin_hpa = 64'd0;
    fl_leaf_g = 1'b0;
    fl_leaf_dirty = 1'b0;
    sl_leaf_dirty = 1'b0;
    sel_pasid = 20'd0;
    ctx_arrive = 1'b0;
    ctx_in = 128'd0;
    pe_arrive = 1'b0;
    pe_cached = 1'b0;
    early = 1'b0;
    pwc_hit = ck_idle ? req_pwc_hit_i : pwc_hit_q;
    pwc_level = ck_idle ? req_pwc_level_i : pwc_level_q;
    pwc_next = ck_idle ? req_pwc_next_i : pwc_next_q;
    pwc_perm = ck_idle ? req_pwc_perm_i : pwc_perm_q;
    pwc_tperm = ck_idle ? req_pwc_tperm_i : pwc_tperm_q;

    // The PASID entry of this request (registered), decoded.
    pe_pgtt = pe0_q[8:6];
    pe_aw = pe0_q[4:2];
    pe_fl5 = pe2_q[2];
    fl_levels = pe_fl5 ? 3'd5 : 3'd4;
    sl_levels = pe_aw + 3'd2;
    pe_uses_fl = pe_pgtt == PgttFl || pe_pgtt == PgttNested;
    pe_uses_sl = pe_pgtt == PgttSl || pe_pgtt == PgttNested;
    nested = pe_pgtt == PgttNested;
    sl_ad_en = SlAd && pe_uses_sl && pe0_q[9];

    // ---- 1. Accept a request, or process the response of the operation ----
    unique case (state_q)
      ST_IDLE: begin
        if (req_valid_i) begin
          tag_d = req_tag_i;
          sid_d = req_sid_i;
          pasid_valid_d = req_pasid_valid_i;
          req_pasid_d = req_pasid_i;
          priv_d = req_priv_i;
          addr_d = req_addr_i;
          at_d = req_at_i;
          // An ATS translation request asks for write unless NW; with NW,
          // read (or execute when the request says so).
          acc_d = req_access_i;
          if (req_at_i == AtTranslationReq)
            acc_d = req_no_write_i ? (req_access_i == AccExec ? AccExec : AccRead) : AccWrite;
          root_addr_d = {rtaddr_i[63:12], req_sid_i[15:8], 4'd0};
          fpd_d = 1'b0;
          fctx_d = 1'b0;
          fpasid_d = 1'b0;
          fiotlb_d = 1'b0;
          fl_reached_d = 1'b0;
          sl_reached_d = 1'b0;
          ctx_hit_d = req_ctx_hit_i;
          pasid_hit_d = req_ctx_hit_i && req_pasid_hit_i;
          // SPEC(VT-d RTADDR): TTM other than scalable mode -> 0x30
          if (rtaddr_i[11:10] != 2'b01) begin
            fault = FrRootTableInvalid;
          end else if (req_ctx_hit_i) begin
            // The context cache holds present, well-formed entries only.
            ctx_arrive = 1'b1;
            ctx_in = req_ctx_i[127:0];
          end else begin
            issue = 1'b1;
            issue_op = OP_ROOT;
            issue_addr = {rtaddr_i[63:12], req_sid_i[15:8], 4'd0};
          end
        end
      end
      ST_ISSUE: begin
        if (mem_req_ready_i) state_d = ST_WAIT;
      end
      ST_WAIT: begin
        if (mem_rsp_valid_i) begin
          if (mem_rsp_err_i) begin
            // SPEC(VT-d): an access error reading (or updating) a structure
            // is the access-error fault of that structure.
            unique case (op_q)
              OP_ROOT: fault = FrRootAccess;
              OP_CTX:  fault = FrCtxAccess;
              OP_PDE:  fault = FrPdeAccess;
              OP_PE:   fault = FrPteAccess;
              OP_FL:   fault = op_level_q == fl_levels ? FrFlRootAccess : FrFlAccess;
              OP_SL:   fault = FrSlAccess;
              OP_FL_AD: fault = FrFlAccess;
              default: fault = FrSlAccess;  // OP_SL_AD
            endcase
          end else begin
            state_d = ST_IDLE;  // overridden below by the next step
          end
        end
      end
      default: begin  // ST_RESP: left below, when rsp_ready_i
      end
    endcase

    // ---- 2. The entry just read -------------------------------------------
    if (state_q == ST_WAIT && mem_rsp_valid_i && !mem_rsp_err_i) begin
      unique case (op_q)
        OP_ROOT: begin
          logic [63:0] half;
          half = sid_q[7] ? rd_root[127:64] : rd_root[63:0];
          // SPEC(VT-d root entry): LP/UP == 0 for the devfn's half -> 0x39
          if (!half[0]) fault = FrRootNotPresent;
          // SPEC(VT-d root entry): bits [11:1] or pointer bits >= HAW set -> 0x3A
          else if (half[11:1] != 11'd0 || (half & AboveHaw) != 64'd0) fault = FrRootRsvd;
          else begin
            issue = 1'b1;
            issue_op = OP_CTX;
            issue_addr = {half[63:12], sid_q[6:0], 5'd0};
          end
        end
        OP_CTX: begin
          // SPEC(VT-d context entry): P == 0 -> 0x41
          if (!rd_ctx[0]) fault = FrCtxNotPresent;
          // SPEC(VT-d context entry): reserved bits or PASIDDIRPTR >= HAW -> 0x42
          else if (rd_ctx[8:5] != 4'd0 || (rd_ctx[63:0] & AboveHaw) != 64'd0 ||
                   rd_ctx[127:85] != 43'd0 || rd_ctx[255:128] != 128'd0)
            fault = FrCtxRsvd;
          else begin
            ctx_arrive = 1'b1;
            ctx_in = rd_ctx[127:0];
            fctx_d = 1'b1;
          end
        end
        OP_PDE: begin
          // SPEC(VT-d PASID dir entry): P == 0 -> 0x51
          if (!rd_qw[0]) fault = FrPdeNotPresent;
          // SPEC(VT-d PASID dir entry): reserved bits [11:2] or pointer >= HAW -> 0x52
          else if (rd_qw[11:2] != 10'd0 || (rd_qw & AboveHaw) != 64'd0) fault = FrPdeRsvd;
          else begin
            pde_fpd_d = rd_qw[1];
            if (rd_qw[1]) fpd_d = 1'b1;
            issue = 1'b1;
            issue_op = OP_PE;
            issue_addr = {rd_qw[63:12], pasid_q[5:0], 6'd0};
          end
        end
        OP_PE: begin
          logic [63:0] q0, q1, q2;
          logic [2:0] pgtt, aw;
          logic [1:0] flpm;
          logic rsvd, invalid;
          q0 = mem_rsp_rdata_i[63:0];
          q1 = mem_rsp_rdata_i[127:64];
          q2 = mem_rsp_rdata_i[191:128];
          pgtt = q0[8:6];
          aw = q0[4:2];
          flpm = q2[3:2];
          // SPEC(VT-d PASID entry): reserved bits (QW0 [11:10], QW1 other than
          // DID/PWSNP/PGSNP, QW2 [11:6], QW3..QW7, used table pointers >= HAW)
          rsvd = q0[11:10] != 2'd0 || q1[63:25] != 39'd0 || q1[22:16] != 7'd0 ||
                 q2[11:6] != 6'd0 || mem_rsp_rdata_i[511:192] != 320'd0 ||
                 ((pgtt == PgttSl || pgtt == PgttNested) && (q0 & AboveHaw) != 64'd0) ||
                 (pgtt == PgttFl && (q2 & AboveHaw) != 64'd0);
          // SPEC(VT-d PASID entry): PGTT, AW or FLPM not valid for this hardware
          invalid = pgtt < PgttFl || pgtt > PgttPt || (pgtt == PgttNested && !Nested) ||
                    (pgtt == PgttPt && !PassThru) ||
                    ((pgtt == PgttSl || pgtt == PgttNested) && (aw > 3'd3 || !Sagaw[aw])) ||
                    ((pgtt == PgttFl || pgtt == PgttNested) &&
                     (flpm > 2'd1 || (flpm == 2'd1 && !Fl5Level)));
          // SPEC(VT-d PASID entry): P == 0 -> 0x59
          if (!q0[0]) fault = FrPteNotPresent;
          // SPEC(VT-d PASID entry): reserved bits -> 0x5A
          else if (rsvd) fault = FrPteRsvd;
          else begin
            if (q0[1]) fpd_d = 1'b1;
            // SPEC(VT-d PASID entry): PGTT/AW/FLPM invalid -> 0x5B
            if (invalid) fault = FrPteInvalid;
            else begin
              pe0_d = q0;
              pe1_d = q1;
              pe2_d = q2;
              fpasid_d = 1'b1;
              pe_arrive = 1'b1;
            end
          end
        end
        OP_FL, OP_SL: begin
          // One level of either format: present, reserved, permissions, leaf.
          if (!ent_present) fault = op_q == OP_FL ? FrFlNotPresent : FrSlPerm;
          else if (ent_rsvd) fault = op_q == OP_FL ? FrFlRsvd : FrSlRsvd;
          else if (op_q == OP_FL) begin
            for (int l = 1; l <= 5; l++) begin
              if (3'(l) == op_level_q) begin
                fl_pte_d[(l-1)*64 +: 64] = rd_qw;
                fl_pa_d[(l-1)*64 +: 64] = op_addr_q;
              end
            end
            fl_perm_d = fl_perm_q & ent_perm;
            for (int l = 1; l <= 5; l++)
              if (3'(l) == op_level_q) fl_ap_d[(l-1)*4 +: 4] = fl_perm_d;
            if (ent_leaf) begin
              fl_leaf_d = op_level_q;
              fl_reached_d = 1'b1;
              fl_out_d = ent_addr | (addr_d & level_mask(op_level_q));
              // SPEC(VT-d first-level): user request, U/S = 0 at some level -> 0x81
              if (!priv_d && (fl_perm_d & PermU) == 4'd0) fault = FrUsClear;
              // SPEC(VT-d first-level): write, R/W = 0 at some level -> 0x85 (a
              // supervisor write only with WPE = 1)
              else if (acc_d == AccWrite && (fl_perm_d & PermW) == 4'd0 && (!priv_d || pe2_q[4]))
                fault = FrNoWrite;
              // SPEC(VT-d first-level): execute, XD = 1 at some level -> 0x82
              else if (acc_d == AccExec && (fl_perm_d & PermX) == 4'd0) fault = FrNoExec;
              else if (nested) begin
                // The guest-physical output through the second level.
                go_sl = 1'b1;
                go_sl_gpa = fl_out_d;
                go_sl_pur = SL_FINAL;
              end else begin
                fl_ad_scan = 1'b1;
                fl_ad_first = 1'b1;
                fl_ad_from = fl_levels;
              end
            end else if (nested) begin
              // The next table, guest-physical, through the second level.
              fl_level_d = op_level_q - 3'd1;
              go_sl = 1'b1;
              go_sl_gpa = ent_addr;
              go_sl_pur = SL_TABLE;
            end else begin
              fl_read = 1'b1;
              fl_read_level = op_level_q - 3'd1;
              fl_read_table = ent_addr[63:12];
            end
          end else begin
            for (int l = 1; l <= 5; l++) begin
              if (3'(l) == op_level_q) begin
                sl_pte_d[(l-1)*64 +: 64] = rd_qw;
                sl_pa_d[(l-1)*64 +: 64] = op_addr_q;
              end
            end
            sl_perm_d = sl_perm_q & ent_perm;
            for (int l = 1; l <= 5; l++)
              if (3'(l) == op_level_q) sl_ap_d[(l-1)*4 +: 4] = sl_perm_d;
            if (ent_leaf) begin
              sl_leaf_d = op_level_q;
              if (sl_pur_q == SL_ONLY) sl_reached_d = 1'b1;
              sl_out_d = ent_addr | (sl_gpa_q & level_mask(op_level_q));
              sl_done = 1'b1;
            end else begin
              issue = 1'b1;
              issue_op = OP_SL;
              issue_level = op_level_q - 3'd1;
              issue_addr = {ent_addr[63:12], va_index(sl_gpa_q[56:12], op_level_q - 3'd1), 3'd0};
            end
          end
        end
        OP_FL_AD: begin
          fl_ad_scan = 1'b1;
          fl_ad_from = op_level_q - 3'd1;
        end
        default: begin  // OP_SL_AD
          sl_ad_scan = 1'b1;
          sl_ad_from = op_level_q - 3'd1;
        end
      endcase
    end

    // ---- 2b. The context entry (read, or from the cache at the request) ---
    if (ctx_arrive) begin
      ce0_d = ctx_in[63:0];
      ce1_d = ctx_in[127:64];
      // SPEC(VT-d context entry): FPD == 1 -> later faults are not recorded
      if (ctx_in[1]) fpd_d = 1'b1;
      sel_pasid = ck_pasid;
      // The context entry's request checks (iommu_entry_check: DTE 0x44,
      // PASIDE 0x45, PASID size 0x46); a translated request passes.
      if (ck_fault == FrCtxDteClear || ck_fault == FrCtxPasideClear ||
          ck_fault == FrPasidTooLarge)
        fault = ck_fault;
      else if (at_d == AtTranslated) finish_ok = 1'b1;
      else begin
        pasid_d = sel_pasid;
        if (pasid_hit_d) begin
          // The PASID cache holds present, valid entries only.
          pe0_d = req_pasid_entry_i[63:0];
          pe1_d = req_pasid_entry_i[127:64];
          pe2_d = req_pasid_entry_i[191:128];
          pde_fpd_d = req_pde_fpd_i;
          if (req_pde_fpd_i || req_pasid_entry_i[1]) fpd_d = 1'b1;
          pe_arrive = 1'b1;
          pe_cached = 1'b1;
        end else begin
          issue = 1'b1;
          issue_op = OP_PDE;
          issue_addr = {ctx_in[63:12], 12'd0} + {47'd0, sel_pasid[19:6], 3'd0};
        end
      end
    end

    // The PASID entry as it is now (just read, in the PASID entry's cycle).
    pe_pgtt = pe0_d[8:6];
    pe_aw = pe0_d[4:2];
    pe_fl5 = pe2_d[2];
    fl_levels = pe_fl5 ? 3'd5 : 3'd4;
    sl_levels = pe_aw + 3'd2;
    pe_uses_fl = pe_pgtt == PgttFl || pe_pgtt == PgttNested;
    pe_uses_sl = pe_pgtt == PgttSl || pe_pgtt == PgttNested;
    nested = pe_pgtt == PgttNested;
    sl_ad_en = SlAd && pe_uses_sl && pe0_d[9];

    // ---- 3. PASID entry: request checks and the PGTT dispatch -------------
    if (pe_arrive && fault == 8'h00) begin
      // The PASID entry's request checks (iommu_entry_check: SRE 0x5D,
      // ERE 0x5C, canonical form 0x80, pass-through width 0x83; also the
      // second-level widths, 0x83 / 0x74, which step 4 finds the same way).
      if (ck_fault != 8'h00) fault = ck_fault;
      else if (pe_pgtt == PgttPt) finish_ok = 1'b1;
      else if (pe_pgtt == PgttSl) begin
        go_sl = 1'b1;
        go_sl_gpa = addr_d;
        go_sl_pur = SL_ONLY;
      end else begin
        fl_perm_d = PermAll;
        fl_level_d = fl_levels;
        fl_start_d = fl_levels;
        if (pe_cached && pwc_hit) begin
          // A cached entry: the walk starts at the host-physical table below
          // it (nested: already translated).
          fl_perm_d = pwc_perm;
          fl_start_d = pwc_level - 3'd1;
          fl_read = 1'b1;
          fl_read_level = pwc_level - 3'd1;
          fl_read_table = pwc_next[63:12];
          fl_read_tw = (pwc_tperm & PermW) != 4'd0;
          fl_read_tp = pwc_tperm;
        end else if (nested) begin
          go_sl = 1'b1;
          go_sl_gpa = {pe2_d[63:12], 12'd0};
          go_sl_pur = SL_TABLE;
        end else begin
          fl_read = 1'b1;
          fl_read_level = fl_levels;
          fl_read_table = pe2_d[63:12];
        end
      end
    end

    // ---- 4. Start a second-level walk -------------------------------------
    if (go_sl && fault == 8'h00) begin
      // SPEC(VT-d second-level): input at or above 2^min(MGAW, AW) -> 0x83
      // SPEC(VT-d nested): table address or output beyond it -> 0x74
      if (sl_beyond(go_sl_gpa, pe_aw))
        fault = go_sl_pur == SL_ONLY ? FrAddrBeyondMax : FrFlNestedBeyondMgaw;
      else begin
        sl_gpa_d = go_sl_gpa;
        sl_pur_d = go_sl_pur;
        sl_perm_d = PermAll;
        sl_start_d = sl_levels;
        issue = 1'b1;
        issue_op = OP_SL;
        issue_level = sl_levels;
        issue_addr = {pe0_d[63:12], va_index(go_sl_gpa[56:12], sl_levels), 3'd0};
        if (go_sl_pur == SL_ONLY && pe_cached && pwc_hit) begin
          // A cached entry: the walk starts at the table below it.
          sl_perm_d = pwc_perm;
          sl_start_d = pwc_level - 3'd1;
          issue_level = pwc_level - 3'd1;
          issue_addr = {pwc_next[63:12], va_index(go_sl_gpa[56:12], pwc_level - 3'd1), 3'd0};
        end
      end
    end

    // ---- 5. A second-level walk reached its leaf -------------------------
    if (sl_done && fault == 8'h00) begin
      unique case (sl_pur_q)
        SL_TABLE: begin
          // SPEC(VT-d nested): no second-level read permission on a
          // first-level table -> 0x75 for the top-level table, 0x76 below
          if ((sl_perm_d & PermR) == 4'd0)
            fault = fl_level_q == fl_levels ? FrFlNestedRootRead : FrFlNestedRead;
          else begin
            sl_ad_scan = 1'b1;
            sl_ad_from = sl_levels;
          end
        end
        SL_ONLY: begin
          fault = sl_check(sl_perm_d, acc_d);
          if (fault == 8'h00) begin
            sl_ad_scan = 1'b1;
            sl_ad_from = sl_levels;
          end
        end
        default: begin  // SL_FINAL
          fault = sl_check(sl_perm_d, acc_d);
          if (fault == 8'h00) begin
            fl_ad_scan = 1'b1;
            fl_ad_first = 1'b1;
            fl_ad_from = fl_levels;
          end
        end
      endcase
    end

    // ---- 6. First-level A/D: A in every entry lacking it, D in the leaf ---
    if (fl_ad_scan && fault == 8'h00) begin
      for (int l = 5; l >= 1; l--) begin
        ad_pte = fl_pte_d[(l-1)*64 +: 64];
        ad_val = ad_pte | 64'h20 | ((3'(l) == fl_leaf_d && acc_d == AccWrite) ? 64'h40 : 64'd0);
        if (3'(l) >= fl_leaf_d && 3'(l) <= fl_start_d && ad_val != ad_pte) begin
          // SPEC(VT-d nested): A/D write needs second-level write permission -> 0x77
          if (fl_ad_first && nested && !fl_tw_d[l-1]) fault = FrFlNestedWrite;
          if (!ad_found && 3'(l) <= fl_ad_from) begin
            ad_found = 1'b1;
            ad_level = 3'(l);
            ad_pa = fl_pa_d[(l-1)*64 +: 64];
            ad_wval = ad_val;
          end
        end
      end
      if (fault == 8'h00) begin
        if (ad_found) begin
          issue = 1'b1;
          issue_op = OP_FL_AD;
          issue_level = ad_level;
          issue_addr = ad_pa;
          issue_wdata = ad_wval;
        end else if (nested) begin
          sl_ad_scan = 1'b1;
          sl_ad_from = sl_levels;
        end else begin
          finish_ok = 1'b1;
        end
      end
    end

    // ---- 7. Second-level A/D (SSADE): A in every entry, D in a written leaf
    if (sl_ad_scan && fault == 8'h00) begin
      ad_found = 1'b0;
      ad_write = sl_pur_d != SL_TABLE && acc_d == AccWrite;
      for (int l = 5; l >= 1; l--) begin
        ad_pte = sl_pte_d[(l-1)*64 +: 64];
        ad_val = ad_pte | 64'h100 | ((3'(l) == sl_leaf_d && ad_write) ? 64'h200 : 64'd0);
        if (sl_ad_en && 3'(l) >= sl_leaf_d && 3'(l) <= sl_ad_from && 3'(l) <= sl_start_d &&
            ad_val != ad_pte &&
            !ad_found) begin
          ad_found = 1'b1;
          ad_level = 3'(l);
          ad_pa = sl_pa_d[(l-1)*64 +: 64];
          ad_wval = ad_val;
        end
      end
      if (ad_found) begin
        issue = 1'b1;
        issue_op = OP_SL_AD;
        issue_level = ad_level;
        issue_addr = ad_pa;
        issue_wdata = ad_wval;
      end else if (sl_pur_d == SL_TABLE) begin
        // The first-level table is reached: read its entry.
        fl_read = 1'b1;
        fl_read_level = fl_level_d;
        fl_read_table = sl_out_d[63:12];
        fl_read_tw = (sl_perm_d & PermW) != 4'd0;
        fl_read_tp = sl_perm_d;
      end else begin
        finish_ok = 1'b1;
      end
    end

    // ---- 8. Read a first-level entry --------------------------------------
    if (fl_read && fault == 8'h00) begin
      for (int l = 1; l <= 5; l++) begin
        if (3'(l) == fl_read_level) begin
          fl_tw_d[l-1] = fl_read_tw;
          fl_tp_d[(l-1)*4 +: 4] = fl_read_tp;
        end
      end
      fl_level_d = fl_read_level;
      issue = 1'b1;
      issue_op = OP_FL;
      issue_level = fl_read_level;
      issue_addr = {fl_read_table, va_index(addr_d[56:12], fl_read_level), 3'd0};
    end

    // ---- 9. The one fault exit, the next operation, or the translation ----
    if (fault != 8'h00) begin
      if (at_d == AtTranslationReq && fault >= FrFlAccess && fault <= FrNoRead &&
          acc_d != AccRead && !pe_cached) begin
        // An ATS translation request that met a paging fault while asking
        // for write/execute tries again for read, from the structures the
        // caches did not provide. (A fault found with the cached PASID entry
        // itself, before any memory, would only repeat: it is answered.)
        acc_d = AccRead;
        fctx_d = 1'b0;
        fpasid_d = 1'b0;
        state_d = ST_ISSUE;
        op_wdata_d = 64'd0;
        op_level_d = 3'd0;
        if (!ctx_hit_q) begin
          op_d = OP_ROOT;
          op_addr_d = root_addr_q;
        end else if (!pasid_hit_q) begin
          op_d = OP_PDE;
          op_addr_d = {ce0_q[63:12], 12'd0} + {47'd0, pasid_q[19:6], 3'd0};
        end else if (retry_hit_q) begin
          // Both entries cached and the IOTLB answers the read pass.
          state_d = ST_RESP;
          {rsp_status_d, rsp_fault_d, rsp_hpa_d, rsp_ps_d, rsp_perm_d, rsp_global_d,
           rsp_fpd_d} = retry_rsp_q;
          fiotlb_d = 1'b0;
        end else begin
          // Both entries cached: the checks of the PASID entry passed for
          // write/execute and pass for read; the walk starts again.
          fl_perm_d = PermAll;
          fl_level_d = fl_levels;
          fl_start_d = fl_levels;
          sl_perm_d = PermAll;
          sl_start_d = sl_levels;
          op_d = OP_SL;
          op_level_d = sl_levels;
          if (pe_pgtt == PgttSl) begin
            sl_gpa_d = addr_q;
            sl_pur_d = SL_ONLY;
            op_addr_d = {pe0_q[63:12], va_index(addr_q[56:12], sl_levels), 3'd0};
            if (pwc_hit_q) begin
              // From the paging-structure cache's entry, as the first pass.
              sl_perm_d = pwc_perm_q;
              sl_start_d = pwc_level_q - 3'd1;
              op_level_d = pwc_level_q - 3'd1;
              op_addr_d = {pwc_next_q[63:12], va_index(addr_q[56:12], pwc_level_q - 3'd1), 3'd0};
            end
          end else if (pwc_hit_q) begin
            fl_perm_d = pwc_perm_q;
            fl_start_d = pwc_level_q - 3'd1;
            for (int l = 1; l <= 5; l++) begin
              if (3'(l) == pwc_level_q - 3'd1) begin
                fl_tw_d[l-1] = (pwc_tperm_q & PermW) != 4'd0;
                fl_tp_d[(l-1)*4 +: 4] = pwc_tperm_q;
              end
            end
            fl_level_d = pwc_level_q - 3'd1;
            op_d = OP_FL;
            op_level_d = pwc_level_q - 3'd1;
            op_addr_d = {pwc_next_q[63:12], va_index(addr_q[56:12], pwc_level_q - 3'd1), 3'd0};
          end else if (nested) begin
            sl_gpa_d = {pe2_q[63:12], 12'd0};
            sl_pur_d = SL_TABLE;
            op_addr_d = {pe0_q[63:12], va_index(pe2_q[56:12], sl_levels), 3'd0};
          end else begin
            for (int l = 1; l <= 5; l++) begin
              if (3'(l) == fl_levels) begin
                fl_tw_d[l-1] = 1'b1;
                fl_tp_d[(l-1)*4 +: 4] = PermAll;
              end
            end
            op_d = OP_FL;
            op_level_d = fl_levels;
            op_addr_d = {pe2_q[63:12], va_index(addr_q[56:12], fl_levels), 3'd0};
          end
        end
      end else begin
        state_d = ST_RESP;
        // SPEC(PCIe ATS): a paging fault completes with R = W = 0 (nothing
        // recorded); any other fault of a translation request is UR.
        if (at_d == AtTranslationReq && fault >= FrFlAccess && fault <= FrNoRead) begin
          rsp_status_d = StatusOk;
        end else begin
          rsp_status_d = at_d == AtTranslationReq ? StatusUnsupported : StatusFault;
          fctx_d = 1'b0;
          fpasid_d = 1'b0;
        end
        rsp_fault_d = fault;
        rsp_hpa_d = 64'd0;
        rsp_ps_d = 5'd0;
        rsp_perm_d = 4'd0;
        rsp_global_d = 1'b0;
        rsp_fpd_d = fpd_d;
        fiotlb_d = 1'b0;
      end
    end else if (issue) begin
      state_d = ST_ISSUE;
      op_d = issue_op;
      op_level_d = issue_level;
      op_addr_d = issue_addr;
      op_wdata_d = issue_wdata;
    end else if (finish_ok) begin
      state_d = ST_RESP;
      rsp_status_d = StatusOk;
      rsp_fault_d = 8'h00;
      rsp_global_d = 1'b0;
      rsp_fpd_d = fpd_d;
      for (int l = 1; l <= 5; l++) begin
        if (3'(l) == fl_leaf_d) begin
          fl_leaf_g = fl_pte_d[(l-1)*64 + 8];
          fl_leaf_dirty = fl_pte_d[(l-1)*64 + 6];
        end
        if (3'(l) == sl_leaf_d) sl_leaf_dirty = sl_pte_d[(l-1)*64 + 9];
      end
      fi_fl_d = 1'b0;
      fi_dirty_d = 1'b1;
      if (at_d == AtTranslated || pe_pgtt == PgttPt) begin
        fin_hpa = addr_d;
        fin_level = 3'd1;
        fin_perm = PermAll;
        fin_sl_perm = PermAll;
      end else if (pe_pgtt == PgttSl) begin
        fin_hpa = sl_out_d;
        fin_level = sl_leaf_d;
        fin_perm = sl_perm_d;
        fin_sl_perm = sl_perm_d;
        fi_dirty_d = !sl_ad_en || acc_d == AccWrite || sl_leaf_dirty;
      end else begin
        fi_fl_d = 1'b1;
        rsp_global_d = fl_leaf_g;
        fi_dirty_d = acc_d == AccWrite || fl_leaf_dirty;
        if (nested) begin
          fin_hpa = sl_out_d;
          fin_level = fl_leaf_d < sl_leaf_d ? fl_leaf_d : sl_leaf_d;
          fin_perm = fl_perm_d & sl_perm_d;
          fin_sl_perm = sl_perm_d;
          if (sl_ad_en) fi_dirty_d = fi_dirty_d && (acc_d == AccWrite || sl_leaf_dirty);
        end else begin
          fin_hpa = fl_out_d;
          fin_level = fl_leaf_d;
          fin_perm = fl_perm_d;
        end
      end
      rsp_hpa_d = fin_hpa;
      rsp_ps_d = fin_level == 3'd3 ? 5'd30 : (fin_level == 3'd2 ? 5'd21 : 5'd12);
      fi_level_d = 2'(fin_level);
      fi_perm_d = fin_perm;
      fi_sl_perm_d = fin_sl_perm;
      fi_global_d = rsp_global_d;
      fi_page_d = fin_hpa & ~level_mask(fin_level);
      fiotlb_d = at_d != AtTranslated;
      // The permissions this requester gets: a supervisor request may write a
      // read-only first-level page when WPE = 0 (if the second level allows).
      if (at_d != AtTranslated && pe_uses_fl && pasid_valid_d && priv_d && !pe2_d[4] &&
          (fin_sl_perm & PermW) != 4'd0)
        fin_perm = fin_perm | PermW;
      // An ATS translation request answered for read is granted read only.
      if (at_d == AtTranslationReq && acc_d == AccRead) fin_perm = fin_perm & ~PermW;
      rsp_perm_d = fin_perm;
    end

    // ---- 10. A walk answers in the cycle of its last memory response ------
    // (rsp_ready_i only here, after the decision: the response valid does
    // not depend on the ready, not even through the state mux.)
    early = state_q == ST_WAIT && state_d == ST_RESP;
    if ((early || state_q == ST_RESP) && rsp_ready_i) state_d = ST_IDLE;
  end

  // One paging entry (the word just read) in the format of the walk.
  always_comb begin
    logic [63:0] size_mask;
    size_mask = level_mask(op_level_q);
    ent_leaf = op_level_q == 3'd1 || (rd_qw[7] && op_level_q <= 3'd3);
    ent_rsvd_mask = 64'd0;
    if (op_q == OP_FL) begin
      // SPEC(VT-d first-level): P; address bits >= HAW (not nested); PS in a
      // PML4E/PML5E, or in a PDPTE without FL1GP; a large leaf's bits above
      // 12 below its size; XD unless NXE = 1.
      ent_present = rd_qw[0];
      if (pe0_q[8:6] != PgttNested) ent_rsvd_mask = AboveHaw52;
      if (op_level_q >= 3'd4 || (op_level_q == 3'd3 && !Fl1g)) ent_rsvd_mask[7] = 1'b1;
      if (ent_leaf && op_level_q > 3'd1) ent_rsvd_mask = ent_rsvd_mask | (size_mask & ~64'h1FFF);
      if (!pe2_q[5]) ent_rsvd_mask[63] = 1'b1;
      ent_perm = PermR | (rd_qw[1] ? PermW : 4'd0) | (rd_qw[2] ? PermU : 4'd0) |
                 ((pe2_q[5] && rd_qw[63]) ? 4'd0 : PermX);
    end else begin
      // SPEC(VT-d second-level): present when R or W; SNP (ECAP.SC = 0),
      // address bits >= HAW; PS at levels 4-5 and where SLLPS lacks the size;
      // a large leaf's bits below its size. X only counts with SSEE = 1.
      ent_present = rd_qw[0] || rd_qw[1];
      ent_rsvd_mask = AboveHaw52 | 64'h800;
      if (op_level_q >= 3'd4 || (op_level_q == 3'd3 && !Sl1g) || (op_level_q == 3'd2 && !Sl2m))
        ent_rsvd_mask[7] = 1'b1;
      if (ent_leaf && op_level_q > 3'd1) ent_rsvd_mask = ent_rsvd_mask | (size_mask & ~64'hFFF);
      ent_perm = PermU | (rd_qw[0] ? PermR : 4'd0) | (rd_qw[1] ? PermW : 4'd0) |
                 ((!pe0_q[5] || rd_qw[2]) ? PermX : 4'd0);
    end
    ent_rsvd = (rd_qw & ent_rsvd_mask) != 64'd0;
    ent_addr = rd_qw & AddrBits & (ent_leaf ? ~size_mask : ~64'd0);
  end

  // ---- Registers -----------------------------------------------------------
  // The read pass's answer sampled with the request.
  logic        retry_hit_q;
  logic [84:0] retry_rsp_q;
  // The paging-structure cache's answer sampled with the request.
  logic        pwc_hit_q;
  logic [2:0]  pwc_level_q;
  logic [63:0] pwc_next_q;
  logic [3:0]  pwc_perm_q, pwc_tperm_q;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      retry_hit_q <= 1'b0;
      retry_rsp_q <= '0;
      pwc_hit_q <= 1'b0;
      pwc_level_q <= 3'd0;
      pwc_next_q <= 64'd0;
      pwc_perm_q <= 4'd0;
      pwc_tperm_q <= 4'd0;
    end else if (req_valid_i && req_ready_o) begin
      retry_hit_q <= req_retry_hit_i;
      retry_rsp_q <= req_retry_rsp_i;
      pwc_hit_q <= req_ctx_hit_i && req_pasid_hit_i && req_pwc_hit_i;
      pwc_level_q <= req_pwc_level_i;
      pwc_next_q <= req_pwc_next_i;
      pwc_perm_q <= req_pwc_perm_i;
      pwc_tperm_q <= req_pwc_tperm_i;
    end
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      state_q <= ST_IDLE;
      op_q <= OP_ROOT;
      op_level_q <= 3'd0;
      op_addr_q <= 64'd0;
      op_wdata_q <= 64'd0;
      tag_q <= '0;
      sid_q <= 16'd0;
      pasid_valid_q <= 1'b0;
      req_pasid_q <= 20'd0;
      priv_q <= 1'b0;
      addr_q <= 64'd0;
      at_q <= 2'd0;
      acc_q <= 2'd0;
      root_addr_q <= 64'd0;
      ce0_q <= 64'd0;
      ce1_q <= 64'd0;
      pasid_q <= 20'd0;
      pde_fpd_q <= 1'b0;
      pe0_q <= 64'd0;
      pe1_q <= 64'd0;
      pe2_q <= 64'd0;
      fpd_q <= 1'b0;
      ctx_hit_q <= 1'b0;
      pasid_hit_q <= 1'b0;
      fl_level_q <= 3'd0;
      fl_perm_q <= 4'd0;
      fl_pte_q <= 320'd0;
      fl_pa_q <= 320'd0;
      fl_tw_q <= 5'd0;
      fl_leaf_q <= 3'd1;
      fl_out_q <= 64'd0;
      fl_start_q <= 3'd0;
      sl_start_q <= 3'd0;
      fl_ap_q <= 20'd0;
      fl_tp_q <= 20'd0;
      sl_ap_q <= 20'd0;
      fl_reached_q <= 1'b0;
      sl_reached_q <= 1'b0;
      sl_pur_q <= SL_ONLY;
      sl_gpa_q <= 64'd0;
      sl_perm_q <= 4'd0;
      sl_pte_q <= 320'd0;
      sl_pa_q <= 320'd0;
      sl_leaf_q <= 3'd1;
      sl_out_q <= 64'd0;
      rsp_status_q <= 2'd0;
      rsp_fault_q <= 8'd0;
      rsp_hpa_q <= 64'd0;
      rsp_ps_q <= 5'd0;
      rsp_perm_q <= 4'd0;
      rsp_global_q <= 1'b0;
      rsp_fpd_q <= 1'b0;
      fctx_q <= 1'b0;
      fpasid_q <= 1'b0;
      fiotlb_q <= 1'b0;
      fi_level_q <= 2'd0;
      fi_perm_q <= 4'd0;
      fi_sl_perm_q <= 4'd0;
      fi_global_q <= 1'b0;
      fi_dirty_q <= 1'b0;
      fi_fl_q <= 1'b0;
      fi_page_q <= 64'd0;
    end else begin
      state_q <= state_d;
      op_q <= op_d;
      op_level_q <= op_level_d;
      op_addr_q <= op_addr_d;
      op_wdata_q <= op_wdata_d;
      tag_q <= tag_d;
      sid_q <= sid_d;
      pasid_valid_q <= pasid_valid_d;
      req_pasid_q <= req_pasid_d;
      priv_q <= priv_d;
      addr_q <= addr_d;
      at_q <= at_d;
      acc_q <= acc_d;
      root_addr_q <= root_addr_d;
      ce0_q <= ce0_d;
      ce1_q <= ce1_d;
      pasid_q <= pasid_d;
      pde_fpd_q <= pde_fpd_d;
      pe0_q <= pe0_d;
      pe1_q <= pe1_d;
      pe2_q <= pe2_d;
      fpd_q <= fpd_d;
      ctx_hit_q <= ctx_hit_d;
      pasid_hit_q <= pasid_hit_d;
      fl_level_q <= fl_level_d;
      fl_perm_q <= fl_perm_d;
      fl_pte_q <= fl_pte_d;
      fl_pa_q <= fl_pa_d;
      fl_tw_q <= fl_tw_d;
      fl_leaf_q <= fl_leaf_d;
      fl_out_q <= fl_out_d;
      fl_start_q <= fl_start_d;
      sl_start_q <= sl_start_d;
      fl_ap_q <= fl_ap_d;
      fl_tp_q <= fl_tp_d;
      sl_ap_q <= sl_ap_d;
      fl_reached_q <= fl_reached_d;
      sl_reached_q <= sl_reached_d;
      sl_pur_q <= sl_pur_d;
      sl_gpa_q <= sl_gpa_d;
      sl_perm_q <= sl_perm_d;
      sl_pte_q <= sl_pte_d;
      sl_pa_q <= sl_pa_d;
      sl_leaf_q <= sl_leaf_d;
      sl_out_q <= sl_out_d;
      rsp_status_q <= rsp_status_d;
      rsp_fault_q <= rsp_fault_d;
      rsp_hpa_q <= rsp_hpa_d;
      rsp_ps_q <= rsp_ps_d;
      rsp_perm_q <= rsp_perm_d;
      rsp_global_q <= rsp_global_d;
      rsp_fpd_q <= rsp_fpd_d;
      fctx_q <= fctx_d;
      fpasid_q <= fpasid_d;
      fiotlb_q <= fiotlb_d;
      fi_level_q <= fi_level_d;
      fi_perm_q <= fi_perm_d;
      fi_sl_perm_q <= fi_sl_perm_d;
      fi_global_q <= fi_global_d;
      fi_dirty_q <= fi_dirty_d;
      fi_fl_q <= fi_fl_d;
      fi_page_q <= fi_page_d;
    end
  end

  // ---- Outputs -------------------------------------------------------------
  // RTADDR bits below the TTM field are reserved; the walker does not use them.
  // verilator lint_off UNUSEDSIGNAL
  logic unused_rtaddr;
  assign unused_rtaddr = ^rtaddr_i[9:0];
  // Cached entries hold zeros in their reserved words (checked when read).
  logic unused_cached;
  assign unused_cached = ^{req_ctx_i[255:128], req_pasid_entry_i[511:192]};
  // Cached tables are 4 KiB aligned.
  logic unused_pwc;
  assign unused_pwc = ^pwc_next[11:0];
  // verilator lint_on UNUSEDSIGNAL

  assign req_ready_o = state_q == ST_IDLE;
  assign mem_req_valid_o = state_q == ST_ISSUE;
  assign mem_req_id_o = MemIdW'(MemId);
  assign mem_req_we_o = op_q == OP_FL_AD || op_q == OP_SL_AD;
  assign mem_req_addr_o = {op_addr_q[63:6], 6'd0};
  assign mem_req_wofs_o = op_addr_q[5:0];
  assign mem_req_wdata_o = op_wdata_q;

  // The response and the fills: from the ladder in the cycle of the last
  // memory response, else as registered.
  assign rsp_valid_o = state_q == ST_RESP || early;
  assign rsp_tag_o = tag_q;
  assign rsp_status_o = early ? rsp_status_d : rsp_status_q;
  assign rsp_fault_o = early ? rsp_fault_d : rsp_fault_q;
  assign rsp_hpa_o = early ? rsp_hpa_d : rsp_hpa_q;
  assign rsp_page_size_o = early ? rsp_ps_d : rsp_ps_q;
  assign rsp_perm_o = early ? rsp_perm_d : rsp_perm_q;
  assign rsp_global_o = early ? rsp_global_d : rsp_global_q;
  assign rsp_fpd_o = early ? rsp_fpd_d : rsp_fpd_q;

  assign fill_ctx_valid_o = early ? fctx_d : fctx_q;
  assign fill_ctx_o = early ? {128'd0, ce1_d, ce0_d} : {128'd0, ce1_q, ce0_q};
  assign fill_pasid_valid_o = early ? fpasid_d : fpasid_q;
  assign fill_pasid_o = early ? {320'd0, pe2_d, pe1_d, pe0_d} : {320'd0, pe2_q, pe1_q, pe0_q};
  assign fill_pasid_pde_fpd_o = early ? pde_fpd_d : pde_fpd_q;
  assign fill_iotlb_valid_o = early ? fiotlb_d : fiotlb_q;
  assign fill_iotlb_did_o = early ? pe1_d[15:0] : pe1_q[15:0];
  assign fill_iotlb_pasid_o = early ? pasid_d : pasid_q;
  assign fill_iotlb_page_o = early ? fi_page_d : fi_page_q;
  assign fill_iotlb_level_o = early ? fi_level_d : fi_level_q;
  assign fill_iotlb_perm_o = early ? fi_perm_d : fi_perm_q;
  assign fill_iotlb_sl_perm_o = early ? fi_sl_perm_d : fi_sl_perm_q;
  assign fill_iotlb_global_o = early ? fi_global_d : fi_global_q;
  assign fill_iotlb_dirty_o = early ? fi_dirty_d : fi_dirty_q;
  assign fill_iotlb_fl_o = early ? fi_fl_d : fi_fl_q;

  // Paging-structure cache fills: every non-leaf entry from the first level
  // read down to the leaf, when the walk reached its leaf and the request
  // completes without a fault status (a translation request's paging fault
  // completes).
  always_comb begin
    logic fl, sl;
    logic [2:0] leaf, start;
    logic [319:0] pa;
    logic [19:0] ap, tp;
    if (early) begin
      fl = fl_reached_d && rsp_status_d == StatusOk;
      sl = sl_reached_d && rsp_status_d == StatusOk;
    end else begin
      fl = fl_reached_q && rsp_status_q == StatusOk;
      sl = sl_reached_q && rsp_status_q == StatusOk;
    end
    leaf = early ? (sl ? sl_leaf_d : fl_leaf_d) : (sl ? sl_leaf_q : fl_leaf_q);
    start = early ? (sl ? sl_start_d : fl_start_d) : (sl ? sl_start_q : fl_start_q);
    pa = early ? (sl ? sl_pa_d : fl_pa_d) : (sl ? sl_pa_q : fl_pa_q);
    ap = early ? (sl ? sl_ap_d : fl_ap_d) : (sl ? sl_ap_q : fl_ap_q);
    tp = sl ? 20'hFFFFF : (early ? fl_tp_d : fl_tp_q);
    fill_flpwc_valid_o = '0;
    fill_slpwc_valid_o = '0;
    fill_pwc_next_o = '0;
    fill_pwc_perm_o = '0;
    fill_pwc_tperm_o = '0;
    for (int l = 2; l <= 5; l++) begin
      if (3'(l) > leaf && 3'(l) <= start) begin
        fill_flpwc_valid_o[l-2] = fl && !sl;
        fill_slpwc_valid_o[l-2] = sl;
      end
      // The table read at level l - 1, the entry at l's accumulated
      // permissions, the table's own.
      fill_pwc_next_o[(l-2)*64 +: 64] = {pa[(l-2)*64 + 12 +: 52], 12'd0};
      fill_pwc_perm_o[(l-2)*4 +: 4] = ap[(l-1)*4 +: 4];
      fill_pwc_tperm_o[(l-2)*4 +: 4] = tp[(l-2)*4 +: 4];
    end
  end

`ifndef SYNTHESIS
  // ---- Assertions ------------------------------------------------------------
  // A memory response only answers an operation in flight.
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!mem_rsp_valid_i || state_q == ST_WAIT)
      else $error("iommu_walker: memory response without a request in flight");
      // Entries never straddle a line; writes are naturally aligned words.
      assert (state_q != ST_ISSUE || op_addr_q[2:0] == 3'd0)
      else $error("iommu_walker: unaligned entry address");
      // A successful response carries a page size; a fault none.
      assert (state_q != ST_RESP || rsp_status_q != StatusFault || rsp_ps_q == 5'd0)
      else $error("iommu_walker: fault response with a page size");
      assert (state_q != ST_RESP || rsp_status_q != StatusOk || rsp_fault_q != 8'h00 ||
              rsp_ps_q == 5'd12 || rsp_ps_q == 5'd21 || rsp_ps_q == 5'd30)
      else $error("iommu_walker: translation without a valid page size");
    end
  end
`endif

endmodule
