/*
 * cosim_tap_check() on hand-made boundary streams: a correct one passes,
 * and each broken invariant is reported with the offending event.
 */
#include <stdio.h>
#include <string.h>

#include "cosim_tap.h"
#include "iommu/vtd_regs.h"

static int failures;

static void expect(const char *name, struct cosim_tap *t, const char *want, size_t want_at)
{
	const char *why = NULL;
	size_t at = 0;
	int rc = cosim_tap_check(t, &why, &at);

	if (!want && rc) {
		printf("FAIL %s: rejected at event %zu: %s\n", name, at, why);
		failures++;
	} else if (want && (!rc || !strstr(why, want) || at != want_at)) {
		printf("FAIL %s: expected '%s' at event %zu, got %s at %zu\n", name, want, want_at,
		       rc ? why : "a pass", at);
		failures++;
	}
	cosim_tap_destroy(t);
}

static void submit(struct cosim_tap *t, uint64_t cycle, uint64_t tag)
{
	struct iommu_req req = {.sid = 0x10, .addr = 0x1000};

	cosim_tap_ops()->submit(t, cycle, &req, tag);
}

static void done(struct cosim_tap *t, uint64_t cycle, uint64_t tag)
{
	struct iommu_timed tm = {.tag = tag, .arrive = cycle, .accept = cycle, .done = cycle};

	cosim_tap_ops()->timed(t, &tm);
}

static void page_req(struct cosim_tap *t, uint64_t cycle, uint64_t tag)
{
	struct iommu_page_req pr = {.sid = 0x18, .addr = 0x2000, .read = true, .lpig = true};

	cosim_tap_ops()->page_request(t, cycle, &pr, tag);
}

static void pr_done(struct cosim_tap *t, uint64_t accept, uint64_t cycle, uint64_t tag)
{
	struct iommu_timed_pr r = {.tag = tag, .arrive = accept, .accept = accept, .done = cycle};

	cosim_tap_ops()->pr_done(t, &r);
}

/* Queue at 0x10000, 256-bit descriptors: one descriptor written, then IQT. */
static void queue(struct cosim_tap *t, bool write_desc)
{
	uint8_t d[32] = {0x5};

	cosim_tap_ops()->reg_write(t, 0, VTD_REG_IQA, 8, 0x10000 | (1u << 11));
	if (write_desc)
		cosim_tap_ops()->sw_write(t, 5, 0x10000, d, sizeof(d));
	cosim_tap_ops()->reg_write(t, 5, VTD_REG_IQT, 8, 0x20);
}

int main(void)
{
	struct cosim_tap *t;

	t = cosim_tap_create(true, NULL, NULL, NULL);
	queue(t, true);
	submit(t, 10, 3);
	submit(t, 11, 4);
	done(t, 20, 4);
	done(t, 21, 3);
	submit(t, 30, 3); /* tag reused after completion */
	done(t, 40, 3);
	page_req(t, 50, 7);
	page_req(t, 51, 8);
	pr_done(t, 50, 356, 7);
	cosim_tap_ops()->prg_response(t, 2000, 0x18, false, 0, 3, 0);
	pr_done(t, 356, 662, 8);
	expect("correct stream", t, NULL, 0);

	t = cosim_tap_create(true, NULL, NULL, NULL);
	page_req(t, 10, 1);
	page_req(t, 11, 2);
	pr_done(t, 11, 300, 2);
	expect("page requests out of order", t, "out of their arrival order", 2);

	t = cosim_tap_create(true, NULL, NULL, NULL);
	page_req(t, 10, 1);
	expect("page request never finished", t, "page request never finished", 0);

	t = cosim_tap_create(true, NULL, NULL, NULL);
	page_req(t, 10, 1);
	pr_done(t, 9, 300, 1);
	expect("page request taken early", t, "before it arrived", 1);

	t = cosim_tap_create(true, NULL, NULL, NULL);
	pr_done(t, 9, 300, 1);
	expect("page request from nowhere", t, "never arrived", 0);

	t = cosim_tap_create(true, NULL, NULL, NULL);
	submit(t, 10, 1);
	expect("never completed", t, "never completed", 0);

	t = cosim_tap_create(true, NULL, NULL, NULL);
	submit(t, 10, 1);
	done(t, 5, 1);
	expect("completed early", t, "before it arrived", 1);

	t = cosim_tap_create(true, NULL, NULL, NULL);
	done(t, 5, 1);
	expect("no request", t, "without a request", 0);

	t = cosim_tap_create(true, NULL, NULL, NULL);
	submit(t, 10, 1);
	submit(t, 11, 1);
	expect("tag reused", t, "reused", 1);

	t = cosim_tap_create(true, NULL, NULL, NULL);
	queue(t, false);
	expect("IQT without descriptor", t, "IQT write publishes", 1);

	t = cosim_tap_create(true, NULL, NULL, NULL);
	cosim_tap_ops()->reg_write(t, 9, VTD_REG_FSTS, 4, 1);
	cosim_tap_ops()->reg_write(t, 8, VTD_REG_FSTS, 4, 1);
	expect("register write back in time", t, "back in time", 1);

	if (!failures)
		printf("ok cosim_tap_check: 1 correct stream passes, 10 broken ones are caught\n");
	return failures ? 1 : 0;
}
