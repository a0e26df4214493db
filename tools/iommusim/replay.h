/* How a trace is issued: the replay parameters (docs/config.md, [replay]). */
#ifndef IOMMUSIM_REPLAY_H
#define IOMMUSIM_REPLAY_H

/* When software events run (replay.software). ORDERED: a software event
 * (anything but dma) waits until every earlier DMA request has been answered
 * and the invalidation queue is idle (a driver unmaps after the device is
 * done and spins on its waits). STAMP: at its time stamp, DMA in flight or
 * not (races between DMA and unmap become visible). */
enum driver_software { DRIVER_SW_ORDERED = 0, DRIVER_SW_STAMP = 1 };

struct driver_tap; /* driver.h: the IOMMU boundary, for co-simulation */

struct driver_replay_params {
	enum driver_software software;
	/* Closed loop: at most this many DMA requests in flight per device (a
	 * later one waits for the oldest); 0 = open loop (time stamps only). */
	unsigned outstanding;
	/* Cycles from a page request reaching the queue to the driver's page
	 * request handler running (interrupt and thread wake-up). */
	unsigned pri_service;
	/* Cycles from a response whose fault was recorded to the driver's
	 * fault handler running (interrupt): it reads and clears the records. */
	unsigned fault_service;
	/* IOMMU instances, 1..8 (devices choose theirs: device iommu=). */
	unsigned iommus;
	/* Observer of the IOMMU boundary (driver.h), from the driver's
	 * creation on; NULL: none. Not a configuration key. */
	const struct driver_tap *tap;
	void *tap_ctx;
};

static inline void driver_replay_params_default(struct driver_replay_params *p)
{
	*p = (struct driver_replay_params){.software = DRIVER_SW_ORDERED,
					   .outstanding = 0,
					   .pri_service = 2000,
					   .fault_service = 1000,
					   .iommus = 1,
					   .tap = NULL,
					   .tap_ctx = NULL};
}

#endif
