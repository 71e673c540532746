// SPDX-License-Identifier: Apache-2.0
// Mount escape: open_tree(OPEN_TREE_CLONE) of the root.
#include "attack.h"
#include <fcntl.h>
static int attack(const struct target *t)
{
	(void)t;
	verdict_rc(sys_try(SYS_open_tree, AT_FDCWD, "/", 1), "seccomp", "open-tree");
	return 0;
}
