/* isa-eic has no C part; the file keeps the privileged-group build uniform. */
#include "isa.h"
