/* compute_nostore.c: the benchmark loop without its store (see compute.c). */
#define COMPUTE_NOSTORE 1
#include "compute.c"
