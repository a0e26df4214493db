/*
 * The IOMMU reference model behind TLM-2.0 sockets, for SystemC virtual
 * platforms.
 *
 * iommu_tlm_target owns one model instance (struct iommu) and its
 * cycle-level timing engine (iommu/timing.h, docs/uarch.md) and offers:
 *
 * - xlate: a target socket for translation requests (blocking transport).
 *   The payload's address is the input address, its command the access
 *   (read, write; an iommu_tlm_ext with exec set makes a read an execute
 *   read; ignore: translate as a read and move no data), its data length the
 *   access size. The extension iommu_tlm_ext, which every request must
 *   carry, gives source ID, PASID, privilege and address type, and receives
 *   the answer. The annotated delay grows by the translation latency in
 *   cycles of the engine x the clock period, the latency `iommusim run`
 *   reports for the same request and state. With params.forward, a
 *   successful read or write then goes on to memory through `mem` at the
 *   translated address, so a device's DMA moves its data through the IOMMU.
 * - regs: a target socket for the register file (4- or 8-byte accesses,
 *   naturally aligned, little-endian data), so the platform's driver
 *   programs the IOMMU as software does.
 * - mem: an initiator socket. The model reads its tables (root, context,
 *   PASID, paging entries, invalidation descriptors) and writes A/D bits and
 *   wait status through it when the module is built without a struct
 *   iommu_mem; the forwarded DMA always uses it.
 *
 * Time: cycle c of the engine is [c, c+1) x clock period from time zero. A
 * request whose local time (sc_time_stamp() + delay) falls inside a cycle
 * arrives at the next cycle boundary; requests are served one at a time in
 * call order, so a request arriving before the engine's current cycle (the
 * cycle after the previous response) arrives at that cycle. On return the
 * local time is the response cycle's start. Table reads over `mem` take the
 * engine's mem.latency; the delay the memory target annotates is not added
 * (the engine already times them).
 */
#ifndef IOMMUSIM_SIM_IOMMU_TLM_H
#define IOMMUSIM_SIM_IOMMU_TLM_H

#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "iommu_capi.h"

/* How a translation request ended (the uarch response status, plus
 * requests no bus could carry). */
enum class iommu_tlm_status : uint8_t {
	ok,          /* translated (an ATS translation request may grant no permission) */
	fault,       /* translation fault: reason in fault */
	unsupported, /* ATS translation request answered Unsupported Request */
	malformed,   /* not a valid request: priv or exec without PASID, PASID over 20 bits */
};

/* Translation request fields and the IOMMU's answer. */
struct iommu_tlm_ext : tlm::tlm_extension<iommu_tlm_ext> {
	/* Request */
	uint16_t sid = 0;         /* requester ID: bus << 8 | dev << 3 | fn */
	bool pasid_valid = false; /* carries a PASID prefix */
	uint32_t pasid = 0;       /* 20 bits */
	bool priv = false;        /* privileged-mode requested */
	bool exec = false;        /* execute requested (read command) */
	iommu_at at = IOMMU_AT_UNTRANSLATED;
	bool no_write = false; /* ATS translation request: NW */

	/* Response (written by the target) */
	iommu_tlm_status status = iommu_tlm_status::ok;
	vtd_fault_reason fault = VTD_FR_NONE; /* spec value; VTD_FR_NONE when ok */
	bool fault_recorded = false;          /* written to a fault recording register */
	uint64_t hpa = 0;                     /* translated address of the payload's address */
	uint64_t page_size = 0;               /* bytes the translation covers */
	unsigned perm = 0;                    /* IOMMU_PERM_R/W/X/U */
	bool global = false;
	iommu_source source = IOMMU_SRC_WALK;
	uint64_t arrive = 0, done = 0; /* engine cycles: arrival, response */

	/* Translation latency in cycles: what the delay grew by. */
	uint64_t cycles() const
	{
		return done - arrive;
	}
	void clear_response();

	tlm::tlm_extension_base *clone() const override;
	void copy_from(const tlm::tlm_extension_base &ext) override;
};

struct iommu_tlm_params {
	iommu_config cfg;              /* iommu_config_default() */
	iommu_tparams timing;          /* iommu_tparams_default() */
	sc_core::sc_time clock_period; /* one engine cycle: 1 ns */
	bool forward;                  /* translated reads/writes go on to `mem` */

	iommu_tlm_params();
};

class iommu_tlm_target : public sc_core::sc_module
{
      public:
	tlm_utils::simple_target_socket<iommu_tlm_target> xlate;
	tlm_utils::simple_target_socket_optional<iommu_tlm_target> regs;
	tlm_utils::simple_initiator_socket_optional<iommu_tlm_target> mem;

	/* Tables in the platform's memory, reached through `mem`. */
	iommu_tlm_target(sc_core::sc_module_name name, const iommu_tlm_params &p);
	/* Tables through the model's memory callbacks (e.g. sparse_mem_handle);
	 * `mem` is needed only with p.forward. */
	iommu_tlm_target(sc_core::sc_module_name name, const iommu_tlm_params &p, iommu_mem tables);
	~iommu_tlm_target() override;
	iommu_tlm_target(const iommu_tlm_target &) = delete;
	iommu_tlm_target &operator=(const iommu_tlm_target &) = delete;

	/* The model instance (for vtd_builder, statistics, direct register
	 * access) and its timing engine. Direct edits happen at the engine's
	 * current cycle: call sync() first to bring it to the caller's time. */
	iommu *model()
	{
		return mmu_;
	}
	iommu_timing *timing()
	{
		return eng_;
	}
	/* The memory handle the model uses (TLM or the one given). */
	iommu_mem table_mem() const
	{
		return mem_;
	}
	/* Advances the engine to the cycle of sc_time_stamp() + delay (not
	 * backwards); returns the engine's current cycle. */
	uint64_t sync(const sc_core::sc_time &delay = sc_core::SC_ZERO_TIME);
	uint64_t cycle() const;
	/* Table memory accesses over `mem` the target refused. */
	uint64_t mem_errors() const
	{
		return mem_errors_;
	}

      private:
	void init(const iommu_tlm_params &p, const iommu_mem *tables);
	void xlate_b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
	void regs_b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
	void end_of_elaboration() override;
	uint64_t arrival(const sc_core::sc_time &local) const;
	int mem_access(tlm::tlm_command cmd, uint64_t pa, void *buf, size_t len);

	static int tlm_mem_read(void *ctx, uint64_t pa, void *buf, size_t len);
	static int tlm_mem_write(void *ctx, uint64_t pa, const void *buf, size_t len);
	static void on_done(void *ctx, const iommu_timed *r);

	static const iommu_mem_ops tlm_mem_ops;

	iommu *mmu_ = nullptr;
	iommu_timing *eng_ = nullptr;
	iommu_mem mem_{};
	bool tables_over_tlm_ = false;
	bool forward_ = false;
	sc_core::sc_time period_;
	sc_core::sc_mutex lock_;
	uint64_t tag_ = 0;
	bool have_result_ = false;
	iommu_timed result_{};
	uint64_t mem_errors_ = 0;
};

#endif
