// iommusim-cosim: `iommusim cosim` with the Verilated block (docs/cosim.md).
// COSIM_PLANT_BUG selects the block's PlantBug parameter this program was
// Verilated with (0: the block as designed).
#include "cosim_rtl.h"

#ifndef COSIM_PLANT_BUG
#define COSIM_PLANT_BUG 0
#endif

#define COSIM_STR2(x) #x
#define COSIM_STR(x)  COSIM_STR2(x)

int main(int argc, char **argv)
{
	static struct cosim_clocked_backend direct = {COSIM_PLANT_BUG, nullptr, nullptr};
	struct cosim_backend be;

	cosim_rtl_backend(&be, &direct,
			  "rtl/iommu_top.sv (PlantBug=" COSIM_STR(COSIM_PLANT_BUG) ")");
	return cosim_main(argc, argv, &be);
}
