// SPDX-License-Identifier: Apache-2.0
/* execnull PROGRAM: exec PROGRAM with an empty argv (argv[0] == NULL). */
#include <stdio.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	char *none[] = {NULL};
	execve(argv[1], none, environ);
	perror("execve");
	return 127;
}
