// SPDX-License-Identifier: Apache-2.0
/* The vmjail command: a thin client of libvmjail (lib/vmjail.h). */
#include "lib/vmjail.h"

int main(int argc, char **argv)
{
	return vmjail_main(argc, argv);
}
