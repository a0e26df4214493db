/*
 * iommu_tlm_target: the model and its timing engine behind TLM-2.0
 * blocking transport (see iommu_tlm.h for the conventions).
 */
#include "iommu_tlm.h"

#include <string>

using sc_core::sc_time;
using tlm::tlm_generic_payload;

/* PCIe: a memory request never crosses a 4 KiB boundary. */
static const uint64_t pcie_boundary = 0x1000;

void iommu_tlm_ext::clear_response()
{
	status = iommu_tlm_status::ok;
	fault = VTD_FR_NONE;
	fault_recorded = false;
	hpa = 0;
	page_size = 0;
	perm = 0;
	global = false;
	source = IOMMU_SRC_WALK;
	arrive = 0;
	done = 0;
}

tlm::tlm_extension_base *iommu_tlm_ext::clone() const
{
	return new iommu_tlm_ext(*this);
}

void iommu_tlm_ext::copy_from(const tlm::tlm_extension_base &ext)
{
	*this = static_cast<const iommu_tlm_ext &>(ext);
}

iommu_tlm_params::iommu_tlm_params() : clock_period(1, sc_core::SC_NS), forward(false)
{
	iommu_config_default(&cfg);
	iommu_tparams_default(&timing);
}

const iommu_mem_ops iommu_tlm_target::tlm_mem_ops = {
	iommu_tlm_target::tlm_mem_read,
	iommu_tlm_target::tlm_mem_write,
	nullptr, /* no generation: the platform's memory may change behind the model */
};

iommu_tlm_target::iommu_tlm_target(sc_core::sc_module_name name, const iommu_tlm_params &p)
    : sc_module(name), xlate("xlate"), regs("regs"), mem("mem"), lock_("lock")
{
	init(p, nullptr);
}

iommu_tlm_target::iommu_tlm_target(sc_core::sc_module_name name, const iommu_tlm_params &p,
				   iommu_mem tables)
    : sc_module(name), xlate("xlate"), regs("regs"), mem("mem"), lock_("lock")
{
	init(p, &tables);
}

void iommu_tlm_target::init(const iommu_tlm_params &p, const iommu_mem *tables)
{
	const char *why = nullptr;

	if (iommu_config_check(&p.cfg, &why))
		SC_REPORT_ERROR(name(), (std::string("bad IOMMU configuration: ") + why).c_str());
	if (iommu_tparams_check(&p.timing, &why))
		SC_REPORT_ERROR(name(), (std::string("bad timing parameter: ") + why).c_str());
	if (p.clock_period == sc_core::SC_ZERO_TIME)
		SC_REPORT_ERROR(name(), "clock period must be above zero");
	if (tables && (!tables->ops || !tables->ops->read || !tables->ops->write))
		SC_REPORT_ERROR(name(), "table memory without read/write callbacks");

	period_ = p.clock_period;
	forward_ = p.forward;
	tables_over_tlm_ = tables == nullptr;
	mem_ = tables ? *tables : iommu_mem{&tlm_mem_ops, this};
	mmu_ = iommu_create(&p.cfg, &mem_);
	if (!mmu_)
		SC_REPORT_ERROR(name(), "cannot create the IOMMU model");
	eng_ = iommu_timing_create(mmu_, &p.timing, on_done, this);
	if (!eng_) {
		iommu_destroy(mmu_);
		mmu_ = nullptr;
		SC_REPORT_ERROR(name(), "cannot create the timing engine");
	}
	xlate.register_b_transport(this, &iommu_tlm_target::xlate_b_transport);
	regs.register_b_transport(this, &iommu_tlm_target::regs_b_transport);
}

iommu_tlm_target::~iommu_tlm_target()
{
	iommu_timing_destroy(eng_);
	iommu_destroy(mmu_);
}

void iommu_tlm_target::end_of_elaboration()
{
	if ((tables_over_tlm_ || forward_) && mem.size() == 0)
		SC_REPORT_ERROR(name(), tables_over_tlm_
						? "socket mem is not bound: the tables are in the "
						  "platform's memory"
						: "socket mem is not bound: forward needs it");
}

/* --- Memory over TLM ---------------------------------------------------------- */

int iommu_tlm_target::mem_access(tlm::tlm_command cmd, uint64_t pa, void *buf, size_t len)
{
	tlm_generic_payload gp;
	sc_time delay = sc_core::SC_ZERO_TIME;

	gp.set_command(cmd);
	gp.set_address(pa);
	gp.set_data_ptr(static_cast<unsigned char *>(buf));
	gp.set_data_length(static_cast<unsigned>(len));
	gp.set_streaming_width(static_cast<unsigned>(len));
	gp.set_byte_enable_ptr(nullptr);
	gp.set_dmi_allowed(false);
	gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
	/* The engine times table accesses (mem.latency): delay is dropped. */
	mem->b_transport(gp, delay);
	if (gp.is_response_ok())
		return 0;
	mem_errors_++;
	return -IOMMU_EIO;
}

int iommu_tlm_target::tlm_mem_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	return static_cast<iommu_tlm_target *>(ctx)->mem_access(tlm::TLM_READ_COMMAND, pa, buf,
								len);
}

int iommu_tlm_target::tlm_mem_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	/* The payload's data pointer is not const; a write only reads it. */
	return static_cast<iommu_tlm_target *>(ctx)->mem_access(tlm::TLM_WRITE_COMMAND, pa,
								const_cast<void *>(buf), len);
}

/* --- Time ------------------------------------------------------------------- */

uint64_t iommu_tlm_target::arrival(const sc_time &local) const
{
	uint64_t p = period_.value();
	uint64_t c = (local.value() + p - 1) / p;
	uint64_t now = iommu_timing_now(eng_);

	return c > now ? c : now;
}

uint64_t iommu_tlm_target::cycle() const
{
	return iommu_timing_now(eng_);
}

uint64_t iommu_tlm_target::sync(const sc_time &delay)
{
	lock_.lock();
	iommu_timing_advance(eng_, arrival(sc_core::sc_time_stamp() + delay));
	lock_.unlock();
	return iommu_timing_now(eng_);
}

void iommu_tlm_target::on_done(void *ctx, const iommu_timed *r)
{
	auto *self = static_cast<iommu_tlm_target *>(ctx);

	if (r->tag == self->tag_) {
		self->result_ = *r;
		self->have_result_ = true;
	}
}

/* --- Translation requests ------------------------------------------------------ */

void iommu_tlm_target::xlate_b_transport(tlm_generic_payload &gp, sc_time &delay)
{
	iommu_tlm_ext *ext = nullptr;
	const tlm::tlm_command cmd = gp.get_command();
	const uint64_t addr = gp.get_address();
	const uint64_t len = gp.get_data_length();
	iommu_req req{};
	uint64_t arrive;

	gp.get_extension(ext);
	if (!ext) { /* no source ID: nothing to translate with */
		gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
		return;
	}
	ext->clear_response();
	if (cmd == tlm::TLM_WRITE_COMMAND && ext->exec) {
		gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
		return;
	}
	if ((addr & (pcie_boundary - 1)) + len > pcie_boundary) {
		gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
		return;
	}
	req.sid = ext->sid;
	req.pasid_valid = ext->pasid_valid;
	req.pasid = ext->pasid;
	req.priv = ext->priv;
	req.addr = addr;
	req.access = cmd == tlm::TLM_WRITE_COMMAND ? IOMMU_ACC_WRITE
		     : ext->exec                   ? IOMMU_ACC_EXEC
						   : IOMMU_ACC_READ;
	req.at = ext->at;
	req.no_write = ext->no_write;

	lock_.lock();
	arrive = arrival(sc_core::sc_time_stamp() + delay);
	have_result_ = false;
	if (iommu_timing_submit(eng_, arrive, &req, ++tag_)) {
		lock_.unlock();
		gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
		return;
	}
	/* One cycle at a time until the response leaves (docs/uarch.md §0). */
	while (!have_result_)
		iommu_timing_advance(eng_, iommu_timing_now(eng_) + 1);
	const iommu_timed done = result_;
	lock_.unlock();

	const iommu_resp &r = done.resp;
	ext->fault = r.fault;
	ext->fault_recorded = r.fault_recorded;
	ext->hpa = r.hpa;
	ext->page_size = r.page_size;
	ext->perm = r.perm;
	ext->global = r.global;
	ext->source = r.source;
	ext->arrive = done.arrive;
	ext->done = done.done;
	delay = sc_time::from_value(done.done * period_.value()) - sc_core::sc_time_stamp();

	if (done.rc < 0) {
		ext->status = iommu_tlm_status::malformed;
		gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
		return;
	}
	if (done.rc > 0) {
		ext->status =
			r.unsupported ? iommu_tlm_status::unsupported : iommu_tlm_status::fault;
		gp.set_response_status(r.unsupported ? tlm::TLM_GENERIC_ERROR_RESPONSE
						     : tlm::TLM_ADDRESS_ERROR_RESPONSE);
		return;
	}
	ext->status = iommu_tlm_status::ok;
	if (!forward_ || cmd == tlm::TLM_IGNORE_COMMAND || req.at == IOMMU_AT_TRANSLATION_REQ ||
	    len == 0) {
		gp.set_response_status(tlm::TLM_OK_RESPONSE);
		return;
	}
	/* The DMA itself, at the translated address; the memory's delay adds. */
	gp.set_address(r.hpa);
	gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
	mem->b_transport(gp, delay);
	gp.set_address(addr);
}

/* --- Register file ------------------------------------------------------------ */

void iommu_tlm_target::regs_b_transport(tlm_generic_payload &gp, sc_time &delay)
{
	const uint64_t off = gp.get_address();
	const unsigned len = gp.get_data_length();
	unsigned char *data = gp.get_data_ptr();
	uint64_t v = 0;

	if (gp.get_byte_enable_ptr()) {
		gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
		return;
	}
	if ((len != 4 && len != 8) || gp.get_streaming_width() < len) {
		gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
		return;
	}
	if (off % len || off >= VTD_REG_SIZE) {
		gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
		return;
	}
	if (gp.get_command() == tlm::TLM_IGNORE_COMMAND) {
		gp.set_response_status(tlm::TLM_OK_RESPONSE);
		return;
	}

	/* Software's action happens at the access's cycle (queue timing). */
	lock_.lock();
	iommu_timing_advance(eng_, arrival(sc_core::sc_time_stamp() + delay));
	if (gp.is_write()) {
		for (unsigned i = 0; i < len; i++)
			v |= static_cast<uint64_t>(data[i]) << (8 * i);
		iommu_reg_write(mmu_, static_cast<uint32_t>(off), len, v);
	} else {
		v = iommu_reg_read(mmu_, static_cast<uint32_t>(off), len);
		for (unsigned i = 0; i < len; i++)
			data[i] = static_cast<unsigned char>(v >> (8 * i));
	}
	lock_.unlock();
	/* The register port answers in one cycle. */
	delay += period_;
	gp.set_response_status(tlm::TLM_OK_RESPONSE);
}
